//! Fields and their types, for reply fields, nested fields, parameters and event fields.

use super::{At, Checker, NameFrom, RustNames, Seen, flag, pascal, singular, snake, suggest, text};
use crate::ir::{Brand, Enum, EnumRef, EnumScope, Field, FieldType, Scalar, Stated};
use crate::schema::FieldDef;

/// What a list of fields belongs to; it decides which keys make sense.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Top-level reply field of a method: flags and groups.
    Reply,
    /// Field of a nested object or array item.
    Nested,
    /// Request parameter: `required`, and the `filter` type.
    Param,
    /// Event field: `required`.
    Event,
}

/// What names a field may refer to.
pub(crate) struct Scope<'s> {
    /// Enums of the method or family.
    pub local: &'s [Enum],
    /// Shared enums.
    pub shared: &'s [Enum],
    /// Group ids of the method.
    pub groups: &'s [String],
}

impl Scope<'_> {
    fn resolve(&self, name: &str) -> Option<EnumRef> {
        let find = |list: &[Enum], scope| {
            list.iter().position(|e| e.name == name).map(|index| EnumRef { scope, index, name: name.to_owned() })
        };
        find(self.local, EnumScope::Local).or_else(|| find(self.shared, EnumScope::Shared))
    }

    fn enum_names(&self) -> impl Iterator<Item = &str> + Clone {
        self.local.iter().chain(self.shared).map(|e| e.name.as_str())
    }
}

/// The words `type` and `items` take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Word {
    Scalar(Scalar),
    Enum,
    Array,
    Object,
    ValueObject,
    Filter,
}

const WORDS: [(&str, Word); 11] = [
    ("integer", Word::Scalar(Scalar::Integer)),
    ("decimal", Word::Scalar(Scalar::Decimal)),
    ("string", Word::Scalar(Scalar::String)),
    ("boolean", Word::Scalar(Scalar::Boolean)),
    ("datetime", Word::Scalar(Scalar::DateTime)),
    ("date", Word::Scalar(Scalar::Date)),
    ("enum", Word::Enum),
    ("array", Word::Array),
    ("object", Word::Object),
    ("value_object", Word::ValueObject),
    ("filter", Word::Filter),
];

impl Checker {
    /// Checks a list of fields at `prefix` (`fields`, `params`, `events[2].fields`).
    pub(crate) fn fields(
        &mut self,
        at: At<'_>,
        prefix: &str,
        defs: &[FieldDef],
        role: Role,
        scope: &Scope<'_>,
    ) -> Vec<Field> {
        let mut wire = Seen::new();
        let mut rust = match role {
            Role::Reply | Role::Nested => RustNames::reserving("unknown_keys", "unknown reply keys"),
            Role::Event => RustNames::reserving("variables", "the variables of the member and the queue"),
            Role::Param => RustNames::new(),
        };
        let mut out = Vec::new();
        for (i, def) in defs.iter().enumerate() {
            let path = format!("{prefix}[{i}]");
            if !wire.add(self, at, &format!("{path}.name"), "field", &def.name) {
                continue;
            }
            let rust_name = match snake(&def.name, def.rust_name.as_deref()) {
                Ok(n) => n,
                Err(e) => {
                    self.name_problem(
                        at,
                        &path,
                        NameFrom::of("name", "rust_name", def.rust_name.is_some()),
                        "field",
                        &def.name,
                        e,
                    );
                    continue;
                }
            };
            rust.add(self, at, &format!("{path}.name"), "field", &def.name, &rust_name);
            if role == Role::Reply && crate::ir::FIELDS_MODULE_NAMES.contains(&rust_name.as_str()) {
                let key = if def.rust_name.is_some() { "rust_name" } else { "name" };
                self.error(
                    at,
                    &format!("{path}.{key}"),
                    format!(
                        "field `{}` would become `{rust_name}`, a name the method's `fields` module uses",
                        def.name
                    ),
                    Some("write another `rust_name:`".into()),
                );
            }
            let Some(ty) = self.field_type(at, &path, def, role, scope) else {
                continue;
            };
            out.push(self.field_facts(at, &path, def, role, scope, rust_name, ty));
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn field_facts(
        &mut self,
        at: At<'_>,
        path: &str,
        def: &FieldDef,
        role: Role,
        scope: &Scope<'_>,
        rust_name: String,
        ty: FieldType,
    ) -> Field {
        let flags = [("filter", &def.filter), ("sort", &def.sort), ("default", &def.default)];
        let [filter, sort, default] = flags.map(|(key, value)| {
            let key_path = format!("{path}.{key}");
            if role != Role::Reply && value.is_some() {
                let owner = match role {
                    Role::Nested => "nested fields",
                    Role::Param => "request parameters",
                    _ => "event fields",
                };
                self.error(
                    at,
                    &key_path,
                    format!("`{key}` makes no sense on {owner}"),
                    Some("only top-level reply fields are filtered, sorted or returned by default".into()),
                );
                return Stated::NotStated;
            }
            flag(self, at, &key_path, value.as_deref())
        });
        let group = match (&def.group, role) {
            (None, _) => None,
            (Some(g), Role::Reply) => {
                let found = scope.groups.iter().position(|id| id == g);
                if found.is_none() {
                    let help = suggest::help(g, scope.groups.iter().map(String::as_str));
                    self.error(at, &format!("{path}.group"), format!("unknown group `{g}`"), help);
                }
                found
            }
            (Some(_), _) => {
                self.error(
                    at,
                    &format!("{path}.group"),
                    "`group` makes no sense here",
                    Some("only top-level reply fields belong to a doc section".into()),
                );
                None
            }
        };
        if def.required && matches!(role, Role::Reply | Role::Nested) {
            self.error(
                at,
                &format!("{path}.required"),
                "`required` makes no sense on reply fields",
                Some("every reply field may be absent or null; `required` is for parameters and event fields".into()),
            );
        }
        if def.lenient && !takes_lenient(&ty) {
            self.error(
                at,
                &format!("{path}.lenient"),
                format!("`lenient` makes no sense on a field of type {}", ty.describe()),
                Some("`lenient` lets integer and decimal fields also decode from numeric strings, and string fields from numbers".into()),
            );
        }
        if def.deprecated && !matches!(role, Role::Reply | Role::Nested) {
            self.error(
                at,
                &format!("{path}.deprecated"),
                "`deprecated` makes no sense here",
                Some("only reply fields are marked deprecated".into()),
            );
        }
        let brands = self.brands(at, path, def.brands.as_deref());
        Field {
            name: def.name.clone(),
            rust_name,
            ty,
            filter,
            sort,
            default,
            group,
            required: def.required,
            lenient: def.lenient,
            doc: text(&def.en, &def.ru),
            note: def.note.clone(),
            deprecated: def.deprecated,
            brands,
        }
    }

    /// The brands of `brands:`; empty where the key is absent (every brand).
    fn brands(&mut self, at: At<'_>, path: &str, words: Option<&[String]>) -> Vec<Brand> {
        let Some(words) = words else { return Vec::new() };
        let key = format!("{path}.brands");
        if words.is_empty() {
            self.error(
                at,
                &key,
                "`brands` lists no brand",
                Some("leave the key out for a field of every brand".into()),
            );
        }
        let mut out = Vec::new();
        for (i, w) in words.iter().enumerate() {
            match Brand::ALL.iter().find(|(n, _)| n == w) {
                Some(&(_, b)) if out.contains(&b) => {
                    self.error(at, &format!("{key}[{i}]"), format!("duplicate brand `{w}`"), None)
                }
                Some(&(_, b)) => out.push(b),
                None => {
                    let help = suggest::help(w, Brand::ALL.iter().map(|(n, _)| *n));
                    self.error(at, &format!("{key}[{i}]"), format!("unknown brand `{w}`"), help);
                }
            }
        }
        if out.len() == Brand::ALL.len() {
            self.error(
                at,
                &key,
                "`brands` lists every brand",
                Some("leave the key out for a field of every brand".into()),
            );
        }
        out.sort();
        out
    }

    fn word(&mut self, at: At<'_>, path: &str, word: &str, role: Role, item: bool) -> Option<Word> {
        let allowed = |w: Word| match w {
            Word::Filter => role == Role::Param && !item,
            Word::Array => !item,
            // A parameter has no `fields` to describe an object with.
            Word::Object => role != Role::Param,
            _ => true,
        };
        match WORDS.iter().find(|(name, _)| *name == word) {
            Some(&(_, w)) if allowed(w) => Some(w),
            Some(_) => {
                let what = match (role, item) {
                    (Role::Param, true) => "an item of a request parameter",
                    (Role::Param, false) => "a request parameter",
                    (_, true) => "an array item",
                    (_, false) => "this field",
                };
                self.error(at, path, format!("`{word}` is not a type {what} can have"), None);
                None
            }
            None => {
                let names = WORDS.iter().filter(|(_, w)| allowed(*w)).map(|(n, _)| *n);
                let what = if item { "item type" } else { "type" };
                self.error(at, path, format!("unknown {what} `{word}`"), suggest::help(word, names));
                None
            }
        }
    }

    fn field_type(
        &mut self,
        at: At<'_>,
        path: &str,
        def: &FieldDef,
        role: Role,
        scope: &Scope<'_>,
    ) -> Option<FieldType> {
        let word = self.word(at, &format!("{path}.type"), &def.ty, role, false)?;
        let item = match (&def.items, word) {
            (Some(items), Word::Array) => Some(self.word(at, &format!("{path}.items"), items, role, true)?),
            (None, Word::Array) => {
                self.error(
                    at,
                    path,
                    format!("array field `{}` has no `items`", def.name),
                    Some("add `items:` with the type of its elements".into()),
                );
                return None;
            }
            (Some(_), _) => {
                self.error(at, &format!("{path}.items"), "`items` applies only to arrays", None);
                None
            }
            (None, _) => None,
        };
        let element = item.unwrap_or(word);
        let misplaced = |key: &str, fits: bool| (!fits).then(|| format!("{path}.{key}"));
        for (key, present, fits, needs) in [
            ("enum", def.enum_ref.is_some(), element == Word::Enum, "enum fields"),
            ("fields", def.fields.is_some(), element == Word::Object, "object fields"),
            ("type_name", def.type_name.is_some(), element == Word::Object, "object fields"),
        ] {
            if let Some(p) = present.then(|| misplaced(key, fits)).flatten() {
                self.error(at, &p, format!("`{key}` applies only to {needs} and arrays of them"), None);
            }
        }
        let element = match element {
            Word::Scalar(s) => FieldType::Scalar(s),
            Word::ValueObject => FieldType::ValueObject,
            Word::Filter => FieldType::Filter,
            Word::Array => return None,
            Word::Enum => {
                let Some(name) = &def.enum_ref else {
                    self.error(
                        at,
                        path,
                        format!("enum field `{}` does not name its enum", def.name),
                        Some("add `enum:` with the name of an enum".into()),
                    );
                    return None;
                };
                let Some(r) = scope.resolve(name) else {
                    let help = suggest::help(name, scope.enum_names());
                    self.error(at, &format!("{path}.enum"), format!("unknown enum `{name}`"), help);
                    return None;
                };
                FieldType::Enum(r)
            }
            Word::Object => {
                let Some(nested) = &def.fields else {
                    self.error(
                        at,
                        path,
                        format!("object field `{}` has no `fields`", def.name),
                        Some("list its nested fields under `fields:`".into()),
                    );
                    return None;
                };
                let stem = if item.is_some() { singular(&def.name) } else { def.name.clone() };
                let rust_name = match pascal(&stem, def.type_name.as_deref()) {
                    Ok(n) => n,
                    Err(e) => {
                        let from = NameFrom::of("name", "type_name", def.type_name.is_some());
                        self.name_problem(at, path, from, "the struct of field", &def.name, e);
                        return None;
                    }
                };
                if nested.is_empty() {
                    self.error(at, &format!("{path}.fields"), "an object needs at least one field", None);
                }
                let fields = self.fields(at, &format!("{path}.fields"), nested, Role::Nested, scope);
                FieldType::Object { rust_name, fields }
            }
        };
        Some(match item {
            Some(_) => FieldType::Array(Box::new(element)),
            None => element,
        })
    }
}

/// Scalars that the runtime decodes from either a number or a string.
fn takes_lenient(ty: &FieldType) -> bool {
    matches!(ty, FieldType::Scalar(Scalar::Integer | Scalar::Decimal | Scalar::String))
}
