//! Enums: names, codes, and the Rust names they become.

use super::{At, Checker, NameFrom, RustNames, Seen, pascal, text};
use crate::ir::{CATCH_ALL_VARIANT, Enum, EnumValue};
use crate::load::Parsed;
use crate::schema::{EnumDef, EnumsFile};

impl Checker {
    /// The enums of every `enums.yaml`; a name may be declared only once.
    pub(crate) fn shared_enums(&mut self, files: &[Parsed<EnumsFile>]) -> Vec<Enum> {
        let mut seen = Seen::new();
        let mut out = Vec::new();
        for file in files {
            let at = At::new(&file.file, &file.index);
            for (i, def) in file.doc.enums.iter().enumerate() {
                let path = format!("enums[{i}]");
                if seen.add(self, at, &format!("{path}.name"), "enum", &def.name) {
                    out.extend(self.enum_def(at, &path, def));
                }
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// Enums declared inside a method or event family, at `prefix` (`enums`).
    pub(crate) fn local_enums(&mut self, at: At<'_>, prefix: &str, defs: &[EnumDef]) -> Vec<Enum> {
        let mut seen = Seen::new();
        let mut out = Vec::new();
        for (i, def) in defs.iter().enumerate() {
            let path = format!("{prefix}[{i}]");
            if seen.add(self, at, &format!("{path}.name"), "enum", &def.name) {
                // Keep the index aligned with `defs` order for references.
                out.extend(self.enum_def(at, &path, def));
            }
        }
        out
    }

    fn enum_def(&mut self, at: At<'_>, path: &str, def: &EnumDef) -> Option<Enum> {
        let rust_name = match pascal(&def.name, def.rust_name.as_deref()) {
            Ok(n) => n,
            Err(e) => {
                self.name_problem(
                    at,
                    path,
                    NameFrom::of("name", "rust_name", def.rust_name.is_some()),
                    "enum",
                    &def.name,
                    e,
                );
                return None;
            }
        };
        if def.values.is_empty() {
            self.error(
                at,
                &format!("{path}.values"),
                format!("enum `{}` has no values", def.name),
                Some("list at least one known code; unknown codes are kept at run time anyway".into()),
            );
        }
        let mut codes = Seen::new();
        let mut variants = RustNames::new();
        let mut values = Vec::new();
        for (i, v) in def.values.iter().enumerate() {
            let vpath = format!("{path}.values[{i}]");
            if !codes.add(self, at, &format!("{vpath}.code"), "code", &v.code) {
                continue;
            }
            let variant = match pascal(&v.code, v.rust_name.as_deref()) {
                Ok(n) => n,
                Err(e) => {
                    self.name_problem(
                        at,
                        &vpath,
                        NameFrom::of("code", "rust_name", v.rust_name.is_some()),
                        "code",
                        &v.code,
                        e,
                    );
                    continue;
                }
            };
            if variant == CATCH_ALL_VARIANT {
                self.error(
                    at,
                    &format!("{vpath}.code"),
                    format!("code `{}` would take the name `{CATCH_ALL_VARIANT}`, kept for unknown codes", v.code),
                    Some("add a `rust_name:` to this value".into()),
                );
                continue;
            }
            variants.add(self, at, &format!("{vpath}.code"), "code", &v.code, &variant);
            values.push(EnumValue {
                code: v.code.clone(),
                rust_name: variant,
                doc: text(&v.en, &v.ru),
                note: v.note.clone(),
            });
        }
        Some(Enum { name: def.name.clone(), rust_name, doc: text(&def.en, &def.ru), note: def.note.clone(), values })
    }
}
