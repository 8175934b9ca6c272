//! The operator table and the error table.

use super::{At, Checker, NameFrom, RustNames, Seen, pascal, snake, suggest, text};
use crate::ir::{Enum, EnumValue, Text};
use crate::ir::{ErrorCode, Kind, Mnemonic, Operator, ValueShape};
use crate::load::Parsed;
use crate::schema::{ErrorsFile, OperatorsFile};

const SHAPES: [(&str, ValueShape); 5] = [
    ("same", ValueShape::Same),
    ("list", ValueShape::List),
    ("items", ValueShape::Items),
    ("text", ValueShape::Text),
    ("null", ValueShape::Null),
];

impl Checker {
    pub(crate) fn operators(&mut self, files: &[Parsed<OperatorsFile>]) -> Vec<Operator> {
        let mut wire = Seen::new();
        let mut rust = Seen::new();
        let mut out = Vec::new();
        for file in files {
            let at = At::new(&file.file, &file.index);
            for (i, def) in file.doc.operators.iter().enumerate() {
                let path = format!("operators[{i}]");
                if !wire.add(self, at, &format!("{path}.operator"), "operator", &def.operator) {
                    continue;
                }
                let rust_name = match snake(&def.rust_name, Some(&def.rust_name)) {
                    Ok(n) => n,
                    Err(e) => {
                        self.name_problem(at, &path, NameFrom::Written("rust_name"), "operator", &def.operator, e);
                        continue;
                    }
                };
                rust.add(self, at, &format!("{path}.rust_name"), "operator method", &rust_name);
                // The method name decides the marker type and the static, so they are as
                // distinct as the method names are.
                let bare = rust_name.strip_prefix("r#").unwrap_or(&rust_name);
                let marker = match pascal(bare, None) {
                    Ok(m) => m,
                    Err(e) => {
                        self.name_problem(at, &path, NameFrom::Written("rust_name"), "operator", &def.operator, e);
                        continue;
                    }
                };
                let static_name = bare.to_uppercase();
                let null_method = (def.null && def.value != "null").then(|| format!("{bare}_null"));
                if let Some(null_method) = &null_method {
                    rust.add(self, at, &format!("{path}.rust_name"), "operator method", null_method);
                }
                let mut fits = Vec::new();
                for (j, word) in def.fits.iter().enumerate() {
                    match Kind::ALL.iter().find(|(n, _)| n == word) {
                        Some(&(_, kind)) => fits.push(kind),
                        None => {
                            let help = suggest::help(word, Kind::ALL.iter().map(|(n, _)| *n));
                            self.error(
                                at,
                                &format!("{path}.fits[{j}]"),
                                format!("unknown kind of field `{word}`"),
                                help,
                            );
                        }
                    }
                }
                if def.fits.is_empty() {
                    self.error(at, &format!("{path}.fits"), "an operator must fit at least one kind of field", None);
                }
                let value = match SHAPES.iter().find(|(n, _)| *n == def.value) {
                    Some(&(_, shape)) => shape,
                    None => {
                        let help = suggest::help(&def.value, SHAPES.iter().map(|(n, _)| *n));
                        self.error(
                            at,
                            &format!("{path}.value"),
                            format!("unknown kind of value `{}`", def.value),
                            help,
                        );
                        continue;
                    }
                };
                let everywhere = match def.availability.as_str() {
                    "all" => true,
                    "some" => false,
                    other => {
                        self.error(
                            at,
                            &format!("{path}.availability"),
                            format!("unknown availability `{other}`"),
                            Some("expected `all` or `some`".into()),
                        );
                        true
                    }
                };
                out.push(Operator {
                    wire: def.operator.clone(),
                    rust_name,
                    marker,
                    static_name,
                    null_method,
                    fits,
                    value,
                    null: def.null,
                    everywhere,
                    doc: text(&def.en, &def.ru),
                });
            }
        }
        out
    }

    pub(crate) fn errors(&mut self, files: &[Parsed<ErrorsFile>]) -> Vec<ErrorCode> {
        let mut codes = Seen::new();
        let mut mnemonics = Seen::new();
        let mut variants = RustNames::new();
        let mut out = Vec::new();
        for file in files {
            let at = At::new(&file.file, &file.index);
            for (i, def) in file.doc.errors.iter().enumerate() {
                let path = format!("errors[{i}]");
                if !codes.add(self, at, &format!("{path}.code"), "error code", &def.code.to_string()) {
                    continue;
                }
                let mut list = Vec::new();
                for (j, m) in def.mnemonics.iter().enumerate() {
                    let mpath = format!("{path}.mnemonics[{j}]");
                    let mut fresh = mnemonics.add(self, at, &format!("{mpath}.mnemonic"), "mnemonic", &m.mnemonic);
                    for (k, alias) in m.aliases.iter().enumerate() {
                        fresh &= mnemonics.add(self, at, &format!("{mpath}.aliases[{k}]"), "mnemonic", alias);
                    }
                    if !fresh {
                        continue;
                    }
                    let Some(rust_name) = self.variant(
                        at,
                        &mpath,
                        "mnemonic",
                        "mnemonic",
                        &m.mnemonic,
                        m.rust_name.as_deref(),
                        &mut variants,
                    ) else {
                        continue;
                    };
                    list.push(Mnemonic {
                        name: m.mnemonic.clone(),
                        rust_name,
                        aliases: m.aliases.clone(),
                        get_only: m.get_only,
                        doc: text(&m.en, &m.ru),
                    });
                }
                out.push(ErrorCode {
                    code: def.code,
                    group: def.group.clone(),
                    doc: text(&def.en, &def.ru),
                    mnemonics: list,
                });
            }
        }
        out
    }
}

/// The error table's mnemonics as one open enum, the other spellings as aliases.
pub(crate) fn mnemonic_enum(errors: &[ErrorCode]) -> Enum {
    let values = errors
        .iter()
        .flat_map(|e| e.mnemonics.iter().map(move |m| (e, m)))
        .map(|(e, m)| {
            let mut note = format!("code {} ({})", e.code, e.group);
            if m.get_only {
                note.push_str("; reported by `get.*` methods only");
            }
            if !m.aliases.is_empty() {
                let spellings: Vec<_> = m.aliases.iter().map(|a| format!("`{a}`")).collect();
                note.push_str(&format!("; also spelt {}", spellings.join(", ")));
            }
            EnumValue {
                code: m.name.clone(),
                rust_name: m.rust_name.clone(),
                aliases: m.aliases.clone(),
                labels: Text::default(),
                doc: m.doc.clone(),
                note: Some(note),
            }
        })
        .collect();
    Enum {
        name: "mnemonic".into(),
        rust_name: "Mnemonic".into(),
        doc: Text {
            en: Some("What went wrong, as `error.data.mnemonic` says; unlike the code, it is unique.".into()),
            ru: None,
        },
        note: None,
        values,
    }
}
