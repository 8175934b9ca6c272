//! The table `check` prints: per method, how many fields it has and what they allow.

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::ir::{FieldType, Method, Schema};

/// Counts for one method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodSummary {
    /// Wire name.
    pub method: String,
    /// Top-level reply fields.
    pub fields: usize,
    /// Fields nested in arrays and objects.
    pub nested: usize,
    /// Fields marked filterable.
    pub filterable: usize,
    /// Fields marked sortable.
    pub sortable: usize,
    /// Fields returned by default.
    pub default: usize,
    /// Distinct enums its fields use.
    pub enums: usize,
}

impl MethodSummary {
    /// Counts the fields of `method`.
    pub fn of(method: &Method) -> Self {
        let count = |pick: fn(&crate::ir::Field) -> bool| method.fields.iter().filter(|f| pick(f)).count();
        let mut enums = BTreeSet::new();
        let mut nested = 0;
        for f in &method.fields {
            f.ty.visit(&mut |ty| match ty {
                FieldType::Enum(r) => {
                    enums.insert((r.scope == crate::ir::EnumScope::Local, r.index));
                }
                FieldType::Object { fields, .. } => nested += fields.len(),
                _ => {}
            });
        }
        MethodSummary {
            method: method.name.clone(),
            fields: method.fields.len(),
            nested,
            filterable: count(|f| f.filter.allows()),
            sortable: count(|f| f.sort.allows()),
            default: count(|f| f.default.allows()),
            enums: enums.len(),
        }
    }
}

/// The summary of a whole schema as a text table.
pub fn render(schema: &Schema) -> String {
    let rows: Vec<MethodSummary> = schema.methods.iter().map(MethodSummary::of).collect();
    let width = rows.iter().map(|r| r.method.len()).chain(["method".len()]).max().unwrap_or(0);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<width$}  {:>6}  {:>6}  {:>10}  {:>8}  {:>7}  {:>5}",
        "method", "fields", "nested", "filterable", "sortable", "default", "enums"
    );
    for r in &rows {
        let _ = writeln!(
            out,
            "{:<width$}  {:>6}  {:>6}  {:>10}  {:>8}  {:>7}  {:>5}",
            r.method, r.fields, r.nested, r.filterable, r.sortable, r.default, r.enums
        );
    }
    for family in &schema.event_families {
        let fields: usize = family.events.iter().filter(|e| e.same_as.is_none()).map(|e| e.fields.len()).sum();
        let _ = writeln!(
            out,
            "events `{}`: {} events, {} queue types, {} fields, {} enums",
            family.name,
            family.events.len(),
            family.queue_types.len(),
            fields,
            family.enums.len()
        );
    }
    let values: usize = schema.enums.iter().map(|e| e.values.len()).sum();
    let mnemonics: usize = schema.errors.iter().map(|e| e.mnemonics.len()).sum();
    let _ = writeln!(
        out,
        "{} shared enums ({values} codes), {} operators, {} error codes ({mnemonics} mnemonics)",
        schema.enums.len(),
        schema.operators.len(),
        schema.errors.len()
    );
    out
}
