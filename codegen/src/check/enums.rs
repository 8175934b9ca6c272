//! Enums: names, codes, and the Rust names they become.

use super::{At, Checker, NameFrom, RustNames, Seen, closest, pascal, text};
use crate::ir::{CATCH_ALL_VARIANT, Enum, EnumValue};
use crate::load::Parsed;
use crate::schema::{EnumDef, EnumValueDef, EnumsFile};

/// An enum being built, with what its later values are checked against.
struct Building<'a> {
    enum_: Enum,
    codes: Seen<'a>,
    variants: RustNames,
}

impl Checker {
    /// The enums of every `enums.yaml`; a name may be declared only once. A declaration with
    /// `extend: true` adds its values to the enum declared elsewhere, so a user's schema can
    /// add codes to a bundled enum.
    pub(crate) fn shared_enums<'a>(&mut self, files: &'a [Parsed<EnumsFile>]) -> Vec<Enum> {
        let mut seen = Seen::new();
        let mut built: Vec<Building<'a>> = Vec::new();
        let mut extensions = Vec::new();
        for file in files {
            let at = At::new(&file.file, &file.index);
            for (i, def) in file.doc.enums.iter().enumerate() {
                let path = format!("enums[{i}]");
                if def.extend {
                    extensions.push((at, path, def));
                } else if seen.add(self, at, &format!("{path}.name"), "enum", &def.name) {
                    built.extend(self.enum_def(at, &path, def));
                }
            }
        }
        for (at, path, def) in extensions {
            self.extension(at, &path, def, &mut built);
        }
        let mut out: Vec<Enum> = built.into_iter().map(|b| b.enum_).collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// Enums declared inside a method or event family, at `prefix` (`enums`).
    pub(crate) fn local_enums(&mut self, at: At<'_>, prefix: &str, defs: &[EnumDef]) -> Vec<Enum> {
        let mut seen = Seen::new();
        let mut out = Vec::new();
        for (i, def) in defs.iter().enumerate() {
            let path = format!("{prefix}[{i}]");
            if def.extend {
                self.error(
                    at,
                    &format!("{path}.extend"),
                    "only enums of `enums.yaml` can be extended",
                    Some("drop `extend`: an enum declared here with a shared enum's name replaces it here".into()),
                );
            }
            if seen.add(self, at, &format!("{path}.name"), "enum", &def.name) {
                // Keep the index aligned with `defs` order for references.
                out.extend(self.enum_def(at, &path, def).map(|b| b.enum_));
            }
        }
        out
    }

    fn enum_def<'a>(&mut self, at: At<'a>, path: &str, def: &EnumDef) -> Option<Building<'a>> {
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
        let mut b = Building {
            enum_: Enum {
                name: def.name.clone(),
                rust_name,
                doc: text(&def.en, &def.ru),
                note: def.note.clone(),
                values: Vec::new(),
            },
            codes: Seen::new(),
            variants: RustNames::new(),
        };
        self.values(at, path, &def.values, &mut b);
        Some(b)
    }

    /// Adds the values of an `extend: true` declaration to the enum it names.
    fn extension<'a>(&mut self, at: At<'a>, path: &str, def: &EnumDef, built: &mut [Building<'a>]) {
        if def.en.is_some() || def.ru.is_some() || def.note.is_some() || def.rust_name.is_some() {
            self.error(
                at,
                path,
                format!("an extension of `{}` only adds `values`", def.name),
                Some(
                    "keep `name`, `extend` and `values`; the texts and names stay those of the enum it extends".into(),
                ),
            );
        }
        match built.iter_mut().find(|b| b.enum_.name == def.name) {
            Some(base) => self.values(at, path, &def.values, base),
            None => {
                let help = closest(&def.name, built.iter().map(|b| b.enum_.name.as_str()))
                    .map(|n| format!("did you mean `{n}`?"))
                    .or_else(|| Some("`extend: true` adds codes to an enum declared in another `enums.yaml`".into()));
                self.error(
                    at,
                    &format!("{path}.name"),
                    format!("there is no shared enum `{}` to extend", def.name),
                    help,
                );
            }
        }
    }

    fn values<'a>(&mut self, at: At<'a>, path: &str, defs: &[EnumValueDef], b: &mut Building<'a>) {
        for (i, v) in defs.iter().enumerate() {
            let vpath = format!("{path}.values[{i}]");
            if !b.codes.add(self, at, &format!("{vpath}.code"), "code", &v.code) {
                continue;
            }
            let Some(variant) =
                self.variant(at, &vpath, "code", "code", &v.code, v.rust_name.as_deref(), &mut b.variants)
            else {
                continue;
            };
            // An alias is one more wire code of the enum: no other code or alias may repeat it.
            let aliases = v
                .aliases
                .iter()
                .enumerate()
                .filter(|(j, a)| b.codes.add(self, at, &format!("{vpath}.aliases[{j}]"), "code", a))
                .map(|(_, a)| a.clone())
                .collect();
            let labels = match &v.labels {
                Some(l) if l.en.is_none() && l.ru.is_none() => {
                    self.error(
                        at,
                        &format!("{vpath}.labels"),
                        "`labels` without a label",
                        Some("give `en:`, `ru:` or both, as the docs show them".into()),
                    );
                    crate::ir::Text::default()
                }
                Some(l) => text(&l.en, &l.ru),
                None => crate::ir::Text::default(),
            };
            b.enum_.values.push(EnumValue {
                code: v.code.clone(),
                rust_name: variant,
                doc: text(&v.en, &v.ru),
                note: v.note.clone(),
                aliases,
                labels,
            });
        }
    }
}

impl Checker {
    /// The variant of an open enum for the wire name `wire` at `path` (written at `key`): its
    /// PascalCase or the `rust_name` the schema gives, never the catch-all, and distinct from
    /// the enum's other variants. Every generated enum's variants are named here.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn variant(
        &mut self,
        at: At<'_>,
        path: &str,
        key: &'static str,
        what: &str,
        wire: &str,
        explicit: Option<&str>,
        variants: &mut RustNames,
    ) -> Option<String> {
        let variant = match pascal(wire.trim(), explicit) {
            Ok(n) => n,
            Err(e) => {
                self.name_problem(at, path, NameFrom::of(key, "rust_name", explicit.is_some()), what, wire, e);
                return None;
            }
        };
        if variant == CATCH_ALL_VARIANT {
            self.error(
                at,
                &format!("{path}.{key}"),
                format!("{what} `{wire}` would take the name `{CATCH_ALL_VARIANT}`, kept for unknown {what}s"),
                Some(format!("add a `rust_name:` to this {what}")),
            );
            return None;
        }
        variants.add(self, at, &format!("{path}.{key}"), what, wire, &variant);
        Some(variant)
    }
}
