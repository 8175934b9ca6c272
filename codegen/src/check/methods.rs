//! Methods, event families, and the Rust namespaces they fill.

use super::fields::{Role, Scope};
use super::{At, Checker, NameFrom, RustNames, Seen, module_name, pascal, suggest, text, text_of};
use crate::ir::{
    Access, DateRange, Enum, EnumScope, EnumValue, Event, EventFamily, Field, FieldType, FilterRequires, Limits,
    Method, QueueType, RESERVED_MODULES, RequestKind, Schema, Text,
};
use crate::load::{Parsed, RawSchema};
use crate::schema::{EventFamilyFile, MethodFile};

/// Parameters every report takes; a method file lists only its own. The runtime's
/// `dataapi::runtime::descriptor::COMMON_PARAMS` is the same list, which a test checks.
pub const COMMON_PARAMS: [&str; 9] =
    ["access_token", "user_id", "offset", "limit", "date_from", "date_till", "filter", "sort", "fields"];

/// Days of the API-wide date range rule ("3 months"), for methods whose page states none.
pub const GENERAL_DATE_RANGE_DAYS: u32 = 90;

/// The mnemonic of a `filter_requires` rule that names none.
const FILTER_REQUIRES_MNEMONIC: &str = "invalid_parameters_combination";

/// Type, trait and module names every method module has.
const METHOD_TYPES: [&str; 5] = ["Row", "Request", "Params", "RequestExt", "fields"];

/// Type names every event family module has.
const FAMILY_TYPES: [&str; 3] = ["Event", "QueueType", "Variables"];

impl Checker {
    pub(crate) fn methods(&mut self, files: &[Parsed<MethodFile>], schema: &Schema) -> Vec<Method> {
        let mut names = Seen::new();
        let mut out = Vec::new();
        for file in files {
            let at = At::new(&file.file, &file.index);
            if names.add(self, at, "method", "method", &file.doc.method)
                && let Some(m) = self.method(at, &file.doc, schema)
            {
                out.push(m);
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    fn method(&mut self, at: At<'_>, def: &MethodFile, schema: &Schema) -> Option<Method> {
        let before = self.diags.len();
        let Some((verb, object)) = def.method.split_once('.') else {
            self.error(
                at,
                "method",
                format!("`{}` is not a method name", def.method),
                Some("method names are `verb.object`, such as `get.calls_report`".into()),
            );
            return None;
        };
        let stem = if verb == "get" { object.to_owned() } else { format!("{verb}_{object}") };
        let from = NameFrom::of("method", "rust_name", def.rust_name.is_some());
        let module = module_name(&stem, def.rust_name.as_deref())
            .map_err(|e| self.name_problem(at, "", from, "method", &def.method, e))
            .ok()?;
        let rust_name =
            pascal(&module, None).map_err(|e| self.name_problem(at, "", from, "method", &def.method, e)).ok()?;
        let access =
            self.words(at, "access", &def.access, &[("partner", Access::Partner), ("customer", Access::Customer)]);
        if def.access.is_empty() {
            self.error(
                at,
                "access",
                "a method must say who may call it",
                Some("list `partner`, `customer` or both".into()),
            );
        }
        let kind = match def.kind.as_str() {
            "report" => RequestKind::Report,
            "flat_report" => RequestKind::FlatReport,
            other => {
                let help = suggest::help(other, ["report", "flat_report"]);
                self.error(at, "kind", format!("unknown kind of request `{other}`"), help);
                RequestKind::Report
            }
        };
        let keep_unknown_keys = match def.unknown_keys.as_deref() {
            None | Some("ignore") => false,
            Some("keep") => true,
            Some(other) => {
                let help = suggest::help(other, ["ignore", "keep"]);
                self.error(at, "unknown_keys", format!("`{other}` is neither `ignore` nor `keep`"), help);
                false
            }
        };
        let limits = self.limits(at, def);
        let operators = self.method_operators(at, def, schema);
        let mut groups = Seen::new();
        for (i, g) in def.groups.iter().enumerate() {
            groups.add(self, at, &format!("groups[{i}].id"), "group", &g.id);
        }
        let group_ids: Vec<String> = def.groups.iter().map(|g| g.id.clone()).collect();
        let enums = self.local_enums(at, "enums", &def.enums);
        let scope = Scope { local: &enums, shared: &schema.enums, groups: &group_ids };
        for (i, p) in def.params.iter().enumerate() {
            if COMMON_PARAMS.contains(&p.name.as_str()) {
                self.error(
                    at,
                    &format!("params[{i}].name"),
                    format!("`{}` is a parameter of every report", p.name),
                    Some("list only the parameters of this method; the common ones are built in".into()),
                );
            }
        }
        let params =
            self.fields(at, "params", &def.params.iter().map(param_as_field).collect::<Vec<_>>(), Role::Param, &scope);
        if def.fields.is_empty() {
            self.error(at, "fields", "a method needs at least one reply field", None);
        }
        let fields = self.fields(at, "fields", &def.fields, Role::Reply, &scope);
        let requires_one_of = self.requires_one_of(at, def, &limits, &params);
        let filter_requires = self.filter_requires(at, def, &limits, &params, &fields, schema);
        let key = self.key(at, def, &fields);
        let method = Method {
            name: def.method.clone(),
            module,
            rust_name,
            title: text_of(&def.title),
            description: def.description.as_ref().map(text_of).unwrap_or_default(),
            access,
            weight: def.weight,
            components: def.components.clone(),
            kind,
            params,
            limits,
            operators,
            groups: def
                .groups
                .iter()
                .map(|g| crate::ir::Group { id: g.id.clone(), title: text(&g.en, &g.ru) })
                .collect(),
            enums,
            fields,
            keep_unknown_keys,
            requires_one_of,
            filter_requires,
            key,
        };
        // Names inside the module are only meaningful once every field resolved.
        if self.diags.len() == before {
            self.method_namespace(at, &method, &schema.enums);
        }
        Some(method)
    }

    fn words<T: Copy>(&mut self, at: At<'_>, prefix: &str, words: &[String], table: &[(&str, T)]) -> Vec<T> {
        let mut seen = Seen::new();
        let mut out = Vec::new();
        for (i, w) in words.iter().enumerate() {
            let path = format!("{prefix}[{i}]");
            match table.iter().find(|(n, _)| n == w) {
                Some(&(_, v)) => {
                    if seen.add(self, at, &path, "entry", w) {
                        out.push(v);
                    }
                }
                None => {
                    let help = suggest::help(w, table.iter().map(|(n, _)| *n));
                    self.error(at, &path, format!("unknown {prefix} `{w}`"), help);
                }
            }
        }
        out
    }

    fn limits(&mut self, at: At<'_>, def: &MethodFile) -> Limits {
        let l = &def.limits;
        let (date_range, date_range_days) = match (l.date_range_days, l.date_range.as_deref()) {
            (Some(0), None) => {
                self.error(at, "limits.date_range_days", "the date range must be at least one day", None);
                (DateRange::Documented, 0)
            }
            (Some(days), None) => (DateRange::Documented, days),
            (None, Some("general")) => (DateRange::General, GENERAL_DATE_RANGE_DAYS),
            (None, Some("none")) => (DateRange::NoDates, 0),
            (None, Some(other)) => {
                let help = suggest::help(other, ["general", "none"]);
                self.error(at, "limits.date_range", format!("unknown date range `{other}`"), help);
                (DateRange::General, GENERAL_DATE_RANGE_DAYS)
            }
            (Some(_), Some(_)) => {
                self.error(
                    at,
                    "limits.date_range",
                    "`date_range` and `date_range_days` together",
                    Some("keep `date_range_days` where the page states a range, `date_range` where it does not".into()),
                );
                (DateRange::Documented, l.date_range_days.unwrap_or(GENERAL_DATE_RANGE_DAYS))
            }
            (None, None) => {
                self.error(
                    at,
                    "limits",
                    "the limits do not say how long a date range may be",
                    Some(
                        "add `date_range_days: N` as the page states it, `date_range: general` where it states \
                         none, or `date_range: none` for a request without dates"
                            .into(),
                    ),
                );
                (DateRange::General, GENERAL_DATE_RANGE_DAYS)
            }
        };
        if l.filter_depth == Some(0) {
            self.error(
                at,
                "limits.filter_depth",
                "a filter depth of 0 allows no filter",
                Some("leave the key out where the docs set no limit".into()),
            );
        }
        for (key, p, min) in [("limit", &l.limit, 1), ("offset", &l.offset, 0)] {
            if p.default > p.max {
                self.error(
                    at,
                    &format!("limits.{key}.default"),
                    format!("default {} is above the maximum {}", p.default, p.max),
                    None,
                );
            }
            if p.max < min {
                self.error(at, &format!("limits.{key}.max"), format!("the maximum must be at least {min}"), None);
            }
        }
        Limits {
            date_range,
            date_range_days,
            filter_depth: l.filter_depth,
            limit_default: l.limit.default,
            limit_max: l.limit.max,
            offset_default: l.offset.default,
            offset_max: l.offset.max,
        }
    }

    /// `key`: top-level scalar reply fields, each once; `[id]` by default where there is an `id`.
    fn key(&mut self, at: At<'_>, def: &MethodFile, fields: &[Field]) -> Vec<String> {
        let Some(key) = &def.key else {
            return fields.iter().filter(|f| f.name == "id").map(|f| f.name.clone()).collect();
        };
        if key.is_empty() {
            self.error(at, "key", "an empty key tells no rows apart", Some("leave `key` out, or name fields".into()));
        }
        for (i, name) in key.iter().enumerate() {
            let path = format!("key[{i}]");
            match fields.iter().find(|f| &f.name == name) {
                None => {
                    let help = suggest::help(name, fields.iter().map(|f| f.name.as_str()));
                    self.error(at, &path, format!("`{name}` is not a reply field of this method"), help);
                }
                Some(f) if !matches!(f.ty, FieldType::Scalar(_) | FieldType::Enum(_) | FieldType::ValueObject) => self.error(
                    at,
                    &path,
                    format!("`{name}` is not a scalar: a key is made of plain values"),
                    None,
                ),
                Some(_) if key[..i].contains(name) => {
                    self.error(at, &path, format!("`{name}` is named twice"), None)
                }
                Some(_) => {}
            }
        }
        key.clone()
    }

    /// `requires_one_of`: sets of the method's own parameters or its dates.
    fn requires_one_of(&mut self, at: At<'_>, def: &MethodFile, limits: &Limits, params: &[Field]) -> Vec<Vec<String>> {
        let dated = limits.date_range != DateRange::NoDates;
        if def.requires_one_of.len() == 1 {
            self.error(
                at,
                "requires_one_of",
                "`requires_one_of` with one set is a plain requirement",
                Some("mark the parameters `required: true`, or list the alternatives".into()),
            );
        }
        let mut out = Vec::new();
        for (i, set) in def.requires_one_of.iter().enumerate() {
            let path = format!("requires_one_of[{i}]");
            if set.is_empty() {
                self.error(at, &path, "an empty set of parameters", None);
            }
            let mut seen = Seen::new();
            for (j, name) in set.iter().enumerate() {
                let item = format!("{path}[{j}]");
                if !seen.add(self, at, &item, "parameter", name) {
                    continue;
                }
                let is_date = name == "date_from" || name == "date_till";
                match params.iter().find(|p| &p.name == name) {
                    Some(p) if p.required => self.error(
                        at,
                        &item,
                        format!("`{name}` is required anyway"),
                        Some("a parameter in `requires_one_of` is not `required: true`".into()),
                    ),
                    Some(_) => {}
                    None if is_date && dated => {}
                    None if is_date => self.error(
                        at,
                        &item,
                        format!("`{name}`: this method's requests carry no dates (`date_range: none`)"),
                        None,
                    ),
                    None => {
                        let names = params.iter().map(|p| p.name.as_str()).chain(["date_from", "date_till"]);
                        let help = suggest::help(name, names);
                        self.error(at, &item, format!("`{name}` is not a parameter of this method"), help);
                    }
                }
            }
            if set.iter().any(|n| n == "date_from") != set.iter().any(|n| n == "date_till") {
                self.error(
                    at,
                    &path,
                    "`date_from` and `date_till` go together",
                    Some("name both dates in the same set".into()),
                );
            }
            out.push(set.clone());
        }
        out
    }

    /// `filter_requires`: reply fields that are filterable, with parameters or reply fields
    /// as their companions and a mnemonic of the error table.
    fn filter_requires(
        &mut self,
        at: At<'_>,
        def: &MethodFile,
        limits: &Limits,
        params: &[Field],
        fields: &[Field],
        schema: &Schema,
    ) -> Vec<FilterRequires> {
        let mut out = Vec::new();
        for (i, rule) in def.filter_requires.iter().enumerate() {
            let path = format!("filter_requires[{i}]");
            if rule.fields.is_empty() {
                self.error(at, &format!("{path}.fields"), "the rule names no field", None);
            }
            for (j, name) in rule.fields.iter().enumerate() {
                let item = format!("{path}.fields[{j}]");
                match fields.iter().find(|f| &f.name == name) {
                    Some(f) if f.filter.allows() => {}
                    Some(_) => self.error(
                        at,
                        &item,
                        format!("`{name}` cannot be filtered, so the rule never applies"),
                        Some("the field's `filter` must be `yes`".into()),
                    ),
                    None => {
                        let help = suggest::help(name, fields.iter().map(|f| f.name.as_str()));
                        self.error(at, &item, format!("`{name}` is not a reply field of this method"), help);
                    }
                }
            }
            if rule.with_one_of.is_empty() {
                self.error(at, &format!("{path}.with_one_of"), "the rule names no companion", None);
            }
            for (j, name) in rule.with_one_of.iter().enumerate() {
                let is_date = (name == "date_from" || name == "date_till") && limits.date_range != DateRange::NoDates;
                let param = params.iter().any(|p| &p.name == name);
                let field = fields.iter().any(|f| &f.name == name && f.filter.allows());
                if !(is_date || param || field) {
                    let names = params.iter().map(|p| p.name.as_str()).chain(fields.iter().map(|f| f.name.as_str()));
                    self.error(
                        at,
                        &format!("{path}.with_one_of[{j}]"),
                        format!("`{name}` is neither a parameter nor a filterable reply field of this method"),
                        suggest::help(name, names),
                    );
                }
            }
            let mnemonic = rule.mnemonic.clone().unwrap_or_else(|| FILTER_REQUIRES_MNEMONIC.to_owned());
            let known = schema.errors.iter().flat_map(|e| &e.mnemonics).any(|m| m.name == mnemonic);
            if !known && !schema.errors.is_empty() {
                let names = schema.errors.iter().flat_map(|e| &e.mnemonics).map(|m| m.name.as_str());
                match rule.mnemonic {
                    Some(_) => {
                        let help = suggest::help(&mnemonic, names);
                        self.error(at, &format!("{path}.mnemonic"), format!("unknown mnemonic `{mnemonic}`"), help)
                    }
                    None => self.error(
                        at,
                        &path,
                        format!("the rule's default mnemonic `{mnemonic}` is not in the error table"),
                        Some("name one with `mnemonic:`".into()),
                    ),
                }
            }
            out.push(FilterRequires {
                fields: rule.fields.clone(),
                with_one_of: rule.with_one_of.clone(),
                mnemonic,
                doc: text(&rule.en, &rule.ru),
            });
        }
        out
    }

    fn method_operators(&mut self, at: At<'_>, def: &MethodFile, schema: &Schema) -> Vec<usize> {
        if schema.operators.is_empty() {
            self.error(at, "", "there is no operator table", Some("add `operators.yaml` to the schema folder".into()));
            return Vec::new();
        }
        let Some(list) = &def.operators else {
            return (0..schema.operators.len()).collect();
        };
        let mut seen = Seen::new();
        let mut out = Vec::new();
        for (i, op) in list.iter().enumerate() {
            let path = format!("operators[{i}]");
            match schema.operators.iter().position(|o| &o.wire == op) {
                Some(index) => {
                    if seen.add(self, at, &path, "operator", op) {
                        out.push(index);
                    }
                }
                None => {
                    let help = suggest::help(op, schema.operators.iter().map(|o| o.wire.as_str()));
                    self.error(at, &path, format!("unknown operator `{op}`"), help);
                }
            }
        }
        out
    }

    /// The types a method module declares must have distinct names.
    fn method_namespace(&mut self, at: At<'_>, method: &Method, shared: &[Enum]) {
        let mut names = Namespace::default();
        for t in METHOD_TYPES {
            names.claim(t, "", Claim::Generated);
        }
        for (i, e) in method.enums.iter().enumerate() {
            names.claim(&e.rust_name, &format!("enums[{i}].name"), Claim::Enum);
        }
        walk_types(&method.fields, "fields", &mut |path, ty| match ty {
            FieldType::Enum(r) if r.scope == EnumScope::Shared => {
                names.claim(&shared[r.index].rust_name, &format!("{path}.enum"), Claim::SharedEnum)
            }
            FieldType::Object { rust_name, .. } => names.claim(rust_name, &format!("{path}.name"), Claim::Struct),
            _ => {}
        });
        names.report(self, at, &method.module);
    }

    pub(crate) fn event_families(&mut self, files: &[Parsed<EventFamilyFile>], schema: &Schema) -> Vec<EventFamily> {
        let mut names = Seen::new();
        let mut out = Vec::new();
        for file in files {
            let at = At::new(&file.file, &file.index);
            if names.add(self, at, "family", "event family", &file.doc.family)
                && let Some(f) = self.family(at, &file.doc, schema)
            {
                out.push(f);
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    fn family(&mut self, at: At<'_>, def: &EventFamilyFile, schema: &Schema) -> Option<EventFamily> {
        let before = self.diags.len();
        let from = NameFrom::of("family", "rust_name", def.rust_name.is_some());
        let name = module_name(&def.family, def.rust_name.as_deref())
            .map_err(|e| self.name_problem(at, "", from, "family", &def.family, e))
            .ok()?;
        if def.event_key.trim().is_empty() {
            self.error(
                at,
                "event_key",
                "the event key is empty",
                Some("name the payload key that carries the event name, such as `event`".into()),
            );
        }
        let mut codes = Seen::new();
        let mut variants = RustNames::new();
        let mut queue_types = Vec::new();
        for (i, q) in def.queue_types.iter().enumerate() {
            let path = format!("queue_types[{i}]");
            if !codes.add(self, at, &format!("{path}.code"), "queue type", &q.code) {
                continue;
            }
            if let Some(rust_name) =
                self.variant(at, &path, "code", "queue type", &q.code, q.rust_name.as_deref(), &mut variants)
            {
                queue_types.push(QueueType {
                    code: q.code.clone(),
                    rust_name,
                    with_agent: q.with_agent,
                    doc: text(&q.en, &q.ru),
                });
            }
        }
        let enums = self.local_enums(at, "enums", &def.enums);
        let scope = Scope { local: &enums, shared: &schema.enums, groups: &[] };
        let mut seen = Seen::new();
        let mut event_variants = RustNames::new();
        let mut events: Vec<Event> = Vec::new();
        for (i, e) in def.events.iter().enumerate() {
            let path = format!("events[{i}]");
            if !seen.add(self, at, &format!("{path}.name"), "event", &e.name) {
                continue;
            }
            let Some(rust_name) =
                self.variant(at, &path, "name", "event", &e.name, e.rust_name.as_deref(), &mut event_variants)
            else {
                continue;
            };
            let queues = self.event_queues(at, &path, &e.queues, &queue_types);
            if e.same_as.is_none() && e.queues.is_empty() {
                self.error(
                    at,
                    &format!("{path}.queues"),
                    format!("event `{}` lists no queue types", e.name),
                    Some("list them under `queues:` (`[all]` for every one), or take them from another event with `same_as:`".into()),
                );
            }
            let fields = self.fields(at, &format!("{path}.fields"), &e.fields, Role::Event, &scope);
            if e.same_as.is_some() && (!e.fields.is_empty() || !e.queues.is_empty()) {
                self.error(
                    at,
                    &format!("{path}.same_as"),
                    "an event with `same_as` takes its fields and queues from the other event",
                    Some("remove `fields` and `queues`, or `same_as`".into()),
                );
            }
            events.push(Event {
                name: e.name.clone(),
                rust_name,
                doc: text(&e.en, &e.ru),
                queues,
                same_as: None,
                fields,
            });
        }
        self.same_as(at, def, &mut events);
        let family = EventFamily {
            name,
            family: def.family.clone(),
            title: text_of(&def.title),
            description: def.description.as_ref().map(text_of).unwrap_or_default(),
            event_key: def.event_key.clone(),
            extra_variables: def.extra_variables,
            queue_type: Enum {
                name: "queue_type".into(),
                rust_name: "QueueType".into(),
                doc: Text {
                    en: Some("A kind of queue where events occur.".into()), ru: Some("Тип очереди.".into())
                },
                note: None,
                values: queue_types
                    .iter()
                    .map(|q| EnumValue {
                        code: q.code.clone(),
                        rust_name: q.rust_name.clone(),
                        aliases: Vec::new(),
                        labels: Text::default(),
                        doc: q.doc.clone(),
                        note: None,
                    })
                    .collect(),
            },
            queue_types,
            enums,
            events,
        };
        if self.diags.len() == before {
            self.family_namespace(at, &family, &schema.enums);
        }
        Some(family)
    }

    fn event_queues(&mut self, at: At<'_>, path: &str, words: &[String], queue_types: &[QueueType]) -> Vec<usize> {
        if words.len() == 1 && words[0] == "all" {
            return (0..queue_types.len()).collect();
        }
        let mut out = Vec::new();
        for (j, w) in words.iter().enumerate() {
            match queue_types.iter().position(|q| &q.code == w) {
                None if w == "all" => self.error(
                    at,
                    &format!("{path}.queues[{j}]"),
                    "`all` stands for every queue type and cannot be listed with others",
                    Some("write `queues: [all]`, or list the queue types without `all`".into()),
                ),
                Some(i) if !out.contains(&i) => out.push(i),
                Some(_) => self.error(at, &format!("{path}.queues[{j}]"), format!("duplicate queue type `{w}`"), None),
                None => {
                    let names = std::iter::once("all").chain(queue_types.iter().map(|q| q.code.as_str()));
                    self.error(
                        at,
                        &format!("{path}.queues[{j}]"),
                        format!("unknown queue type `{w}`"),
                        suggest::help(w, names),
                    );
                }
            }
        }
        out
    }

    /// Resolves `same_as` chains, copying the fields and queues of the event they end at.
    fn same_as(&mut self, at: At<'_>, def: &EventFamilyFile, events: &mut [Event]) {
        let position = |name: &str| events.iter().position(|e| e.name == name);
        let targets: Vec<Option<usize>> = events
            .iter()
            .map(|e| {
                let (i, d) = def.events.iter().enumerate().find(|(_, d)| d.name == e.name)?;
                let target = d.same_as.as_deref()?;
                let found = position(target);
                if found.is_none() {
                    let help = suggest::help(target, events.iter().map(|e| e.name.as_str()));
                    self.error(at, &format!("events[{i}].same_as"), format!("unknown event `{target}`"), help);
                }
                found
            })
            .collect();
        for start in 0..events.len() {
            let Some(first) = targets[start] else { continue };
            let mut chain = vec![start];
            let mut at_event = first;
            while let Some(next) = targets[at_event] {
                if chain.contains(&at_event) {
                    break;
                }
                chain.push(at_event);
                at_event = next;
            }
            if chain.contains(&at_event) {
                // Report a circle once, at its first event; an event leading into it is
                // left without its fields, which the report of the circle explains.
                if at_event != start || chain.iter().any(|&k| k < start) {
                    continue;
                }
                let i = def.events.iter().position(|d| d.name == events[start].name).unwrap_or(0);
                let names: Vec<_> = chain.iter().chain([&at_event]).map(|&k| events[k].name.as_str()).collect();
                self.error(
                    at,
                    &format!("events[{i}].same_as"),
                    format!("`same_as` goes round in a circle: {}", names.join(" → ")),
                    Some("give one of these events its own `queues` and `fields` instead of `same_as`".into()),
                );
                continue;
            }
            events[start].same_as = Some(at_event);
            events[start].fields = events[at_event].fields.clone();
            events[start].queues = events[at_event].queues.clone();
        }
    }

    fn family_namespace(&mut self, at: At<'_>, family: &EventFamily, shared: &[Enum]) {
        let mut names = Namespace::default();
        for t in FAMILY_TYPES {
            names.claim(t, "", Claim::Generated);
        }
        for (i, e) in family.enums.iter().enumerate() {
            names.claim(&e.rust_name, &format!("enums[{i}].name"), Claim::Enum);
        }
        for (i, e) in family.events.iter().enumerate() {
            names.claim(&e.rust_name, &format!("events[{i}].name"), Claim::Event);
            if e.same_as.is_none() {
                walk_types(&e.fields, &format!("events[{i}].fields"), &mut |path, ty| match ty {
                    FieldType::Enum(r) if r.scope == EnumScope::Shared => {
                        names.claim(&shared[r.index].rust_name, &format!("{path}.enum"), Claim::SharedEnum)
                    }
                    FieldType::Object { rust_name, .. } => {
                        names.claim(rust_name, &format!("{path}.name"), Claim::Struct)
                    }
                    _ => {}
                });
            }
        }
        names.report(self, at, &family.name);
    }

    /// Module names of methods and families must differ from each other and from the crate's own.
    pub(crate) fn module_names(&mut self, schema: &Schema, raw: &RawSchema) {
        let mut seen: Vec<(&str, String)> =
            RESERVED_MODULES.iter().map(|m| (*m, "the crate itself uses".to_owned())).collect();
        // In file order, so that the file read later is the one reported.
        let mut methods: Vec<_> = schema.methods.iter().map(|m| (m.module.as_str(), m.name.as_str())).collect();
        methods.sort_by_key(|(_, name)| raw.methods.iter().position(|p| p.doc.method == *name));
        let families = schema.event_families.iter().map(|f| (f.name.as_str(), f.family.as_str()));
        for (module, owner) in methods.into_iter().chain(families) {
            if let Some((_, first)) = seen.iter().find(|(m, _)| *m == module) {
                let file =
                    raw.methods.iter().find(|p| p.doc.method == owner).map(|p| (&p.file, &p.index, "method")).or_else(
                        || raw.events.iter().find(|p| p.doc.family == owner).map(|p| (&p.file, &p.index, "family")),
                    );
                if let Some((file, index, key)) = file {
                    self.error(
                        At::new(file, index),
                        key,
                        format!("`{owner}` becomes the Rust module `{module}`, which {first}"),
                        Some("give one of them another module with `rust_name:`".into()),
                    );
                }
            } else {
                seen.push((module, format!("`{owner}` becomes too")));
            }
        }
    }
}

/// A method's parameter is checked as a field with the parameter's keys.
fn param_as_field(p: &crate::schema::ParamDef) -> crate::schema::FieldDef {
    crate::schema::FieldDef {
        name: p.name.clone(),
        ty: p.ty.clone(),
        items: p.items.clone(),
        enum_ref: p.enum_ref.clone(),
        fields: None,
        filter: None,
        sort: None,
        default: None,
        group: None,
        required: p.required,
        lenient: false,
        en: p.en.clone(),
        ru: p.ru.clone(),
        note: p.note.clone(),
        rust_name: p.rust_name.clone(),
        type_name: None,
        deprecated: false,
        brands: None,
    }
}

/// Calls `visit` on every field type, nested ones included, with the field's YAML path.
fn walk_types(fields: &[Field], prefix: &str, visit: &mut dyn FnMut(&str, &FieldType)) {
    for (i, f) in fields.iter().enumerate() {
        let path = format!("{prefix}[{i}]");
        let mut ty = &f.ty;
        if let FieldType::Array(item) = ty {
            ty = item;
        }
        visit(&path, ty);
        if let FieldType::Object { fields, .. } = ty {
            walk_types(fields, &format!("{path}.fields"), visit);
        }
    }
}

/// What claims a type name in a module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Claim {
    /// A type every module of its kind has (`Row`, `Request`, `Event`, …).
    Generated,
    /// An enum of the method or family.
    Enum,
    /// A shared enum a field uses.
    SharedEnum,
    /// The struct of an object field.
    Struct,
    /// An event.
    Event,
}

/// The type names of one module: the first claim of a name wins, later ones are reported.
#[derive(Default)]
struct Namespace {
    claims: Vec<(String, String, Claim)>,
    /// Name, path and claim of the later one, then path and claim of the first.
    clashes: Vec<(String, String, Claim, String, Claim)>,
}

impl Namespace {
    fn claim(&mut self, name: &str, path: &str, what: Claim) {
        match self.claims.iter().find(|(n, ..)| n == name) {
            // One shared enum used by two fields is one type, not a clash.
            Some((_, _, Claim::SharedEnum)) if what == Claim::SharedEnum => {}
            Some((_, first_path, first)) => {
                self.clashes.push((name.to_owned(), path.to_owned(), what, first_path.clone(), *first))
            }
            None => self.claims.push((name.to_owned(), path.to_owned(), what)),
        }
    }

    fn report(self, cx: &mut Checker, at: At<'_>, module: &str) {
        for (name, path, what, first_path, first) in self.clashes {
            let line = at.location(&first_path).map_or(0, |l| l.line);
            let this = match what {
                Claim::Generated => "a type the generator declares",
                Claim::Enum => "the type of this enum",
                Claim::SharedEnum => "the type of this field's shared enum",
                Claim::Struct => "the struct of this field",
                Claim::Event => "the type of this event",
            };
            let other = match first {
                Claim::Generated => "a type the generator declares".to_owned(),
                Claim::Enum => format!("the type of the enum at line {line}"),
                Claim::SharedEnum => format!("the type of the shared enum of the field at line {line}"),
                Claim::Struct => format!("the struct of the field at line {line}"),
                Claim::Event => format!("the type of the event at line {line}"),
            };
            let help = match (what, first) {
                (Claim::Struct, _) => Some("set `type_name:` on this field to name its struct".to_owned()),
                (Claim::Enum, _) => Some("set `rust_name:` on this enum".to_owned()),
                (_, Claim::Struct) => Some(format!("set `type_name:` on the field at line {line}")),
                (_, Claim::Enum) => Some(format!("set `rust_name:` on the enum at line {line}")),
                (Claim::SharedEnum, _) | (_, Claim::SharedEnum) => {
                    Some("set `rust_name:` on the shared enum".to_owned())
                }
                _ => None,
            };
            cx.error(at, &path, format!("`{name}`, {this}, is also {other} in module `{module}`"), help);
        }
    }
}
