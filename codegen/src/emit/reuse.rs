//! What a build script's output takes from the `dataapi` crate instead of generating again,
//! the way prost-build's `extern_path` does: every item the user's schema leaves as the bundled
//! schema has it is the bundled crate's own type, so the two mix without conversions.

use std::collections::BTreeSet;

use crate::ir::{EnumScope, FieldType, Schema};

/// The items of a schema that are the bundled crate's: shared enums by name, the operator and
/// error tables, and method and event family modules by module name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reuse {
    /// Shared enums, by schema name.
    pub enums: BTreeSet<String>,
    /// The `operators` module.
    pub operators: bool,
    /// The `errors` module.
    pub errors: bool,
    /// Method and event family modules.
    pub modules: BTreeSet<String>,
}

impl Reuse {
    /// Nothing is reused: everything is generated (the bundled crate itself, or a standalone
    /// build).
    pub fn nothing() -> Self {
        Reuse::default()
    }

    /// What `schema` (the bundled schema with a user's laid over it) can take from `bundled`:
    /// each item equal to the bundled one whose enums and tables are taken too. An extended
    /// enum, and every method that uses it, is generated.
    pub fn against(schema: &Schema, bundled: &Schema) -> Self {
        let enums: BTreeSet<String> =
            schema.enums.iter().filter(|e| bundled.shared_enum(&e.name) == Some(*e)).map(|e| e.name.clone()).collect();
        let operators = schema.operators == bundled.operators;
        let errors = schema.errors == bundled.errors;
        let enums_taken = |types: &mut dyn Iterator<Item = &FieldType>| {
            let mut all = true;
            for ty in types {
                ty.visit(&mut |t| {
                    if let FieldType::Enum(r) = t
                        && r.scope == EnumScope::Shared
                    {
                        all &= enums.contains(&r.name);
                    }
                });
            }
            all
        };
        let mut modules = BTreeSet::new();
        for m in &schema.methods {
            let same = bundled.method(&m.name).is_some_and(|b| same_method(m, b, schema, bundled));
            if same && operators && enums_taken(&mut m.fields.iter().chain(&m.params).map(|f| &f.ty)) {
                modules.insert(m.module.clone());
            }
        }
        for f in &schema.event_families {
            let same = bundled.event_families.iter().any(|b| b == f);
            if same && enums_taken(&mut f.events.iter().flat_map(|e| &e.fields).map(|f| &f.ty)) {
                modules.insert(f.name.clone());
            }
        }
        Reuse { enums, operators, errors, modules }
    }
}

/// Equal methods: the same IR, once shared enum references are compared by name (a user's
/// new shared enum moves the indices of the others).
fn same_method(a: &crate::ir::Method, b: &crate::ir::Method, sa: &Schema, sb: &Schema) -> bool {
    let ops = |m: &crate::ir::Method, s: &Schema| -> Vec<String> {
        m.operators.iter().map(|&i| s.operators[i].wire.clone()).collect()
    };
    if ops(a, sa) != ops(b, sb) {
        return false;
    }
    let mut a = a.clone();
    let mut b = b.clone();
    for m in [&mut a, &mut b] {
        m.operators.clear();
        for f in m.fields.iter_mut().chain(m.params.iter_mut()) {
            f.ty.visit_mut(&mut |t| {
                if let FieldType::Enum(r) = t
                    && r.scope == EnumScope::Shared
                {
                    r.index = 0;
                }
            });
        }
    }
    a == b
}
