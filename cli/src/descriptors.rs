//! Runtime descriptors for a schema loaded at run time (`--schema DIR`): the bundled schema
//! with the user's files laid over it, converted once at start-up. The descriptors live as
//! long as the process, so they are leaked.

use std::path::Path;

use dataapi::runtime::{
    Brand, DateRange, FieldDescriptor, FilterRequires, Kind, Label, LimitsDescriptor, MethodDescriptor,
    OperatorDescriptor, RequestKind, Stated, TypeDescriptor, ValueShape,
};
use dataapi_codegen::SchemaFiles;
use dataapi_codegen::ir;

fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

fn leak_slice<T>(values: Vec<T>) -> &'static [T] {
    Box::leak(values.into_boxed_slice())
}

fn leak_str(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

/// Every method of the bundled schema with the files of `dir` laid over it, or the located
/// problems of the schema.
pub fn load(dir: &Path) -> Result<Vec<&'static MethodDescriptor>, String> {
    let mut files = SchemaFiles::bundled();
    files.add(dir);
    let schema = files.load().map_err(|d| d.to_string())?;
    Ok(convert(&schema))
}

/// The descriptors of every method of a checked schema. This is the one place that builds
/// descriptors field by field.
pub fn convert(schema: &ir::Schema) -> Vec<&'static MethodDescriptor> {
    let operators: Vec<&'static OperatorDescriptor> = schema
        .operators
        .iter()
        .map(|o| {
            leak(OperatorDescriptor {
                wire: leak_str(&o.wire),
                fits: leak_slice(o.fits.iter().map(|&k| kind(k)).collect()),
                value: shape(o.value),
                null: o.null,
                everywhere: o.everywhere,
            })
        })
        .collect();
    schema
        .methods
        .iter()
        .map(|m| {
            let fields = |list: &[ir::Field]| leak_slice(list.iter().map(|f| field(schema, m, f)).collect());
            leak(MethodDescriptor {
                name: leak_str(&m.name),
                kind: match m.kind {
                    ir::RequestKind::Report => RequestKind::Report,
                    ir::RequestKind::FlatReport => RequestKind::FlatReport,
                },
                limits: LimitsDescriptor {
                    date_range: match m.limits.date_range {
                        ir::DateRange::Documented => DateRange::Documented,
                        ir::DateRange::General => DateRange::General,
                        ir::DateRange::NoDates => DateRange::NoDates,
                    },
                    date_range_days: m.limits.date_range_days,
                    filter_depth: m.limits.filter_depth,
                    limit_default: m.limits.limit_default,
                    limit_max: m.limits.limit_max,
                    offset_default: m.limits.offset_default,
                    offset_max: m.limits.offset_max,
                },
                operators: leak_slice(m.operators.iter().map(|&i| operators[i]).collect()),
                params: fields(&m.params),
                fields: fields(&m.fields),
                requires_one_of: leak_slice(
                    m.requires_one_of.iter().map(|set| leak_slice(set.iter().map(|n| leak_str(n)).collect())).collect(),
                ),
                filter_requires: leak_slice(
                    m.filter_requires
                        .iter()
                        .map(|r| FilterRequires {
                            fields: leak_slice(r.fields.iter().map(|n| leak_str(n)).collect()),
                            with_one_of: leak_slice(r.with_one_of.iter().map(|n| leak_str(n)).collect()),
                            mnemonic: leak_str(&r.mnemonic),
                        })
                        .collect(),
                ),
                key: leak_slice(m.key.iter().map(|n| leak_str(n)).collect()),
            })
        })
        .collect()
}

fn field(schema: &ir::Schema, method: &ir::Method, f: &ir::Field) -> FieldDescriptor {
    FieldDescriptor {
        name: leak_str(&f.name),
        ty: ty(schema, method, &f.ty),
        filter: stated(f.filter),
        sort: stated(f.sort),
        default: stated(f.default),
        required: f.required,
        deprecated: f.deprecated,
        brands: leak_slice(
            f.brands
                .iter()
                .map(|b| match b {
                    ir::Brand::CoMagic => Brand::CoMagic,
                    ir::Brand::CallGear => Brand::CallGear,
                })
                .collect(),
        ),
        doc: leak_str(&f.doc.headline()),
    }
}

fn ty(schema: &ir::Schema, method: &ir::Method, t: &ir::FieldType) -> TypeDescriptor {
    match t {
        ir::FieldType::Scalar(s) => match s {
            ir::Scalar::Integer => TypeDescriptor::Integer,
            ir::Scalar::Decimal => TypeDescriptor::Decimal,
            ir::Scalar::String => TypeDescriptor::String,
            ir::Scalar::Boolean => TypeDescriptor::Boolean,
            ir::Scalar::DateTime => TypeDescriptor::DateTime,
            ir::Scalar::Date => TypeDescriptor::Date,
        },
        ir::FieldType::Enum(r) => {
            let e = schema.resolve(&method.enums, r);
            TypeDescriptor::Enum {
                name: leak_str(&e.name),
                codes: leak_slice(e.values.iter().map(|v| leak_str(&v.code)).collect()),
                labels: leak_slice(
                    e.values
                        .iter()
                        .filter(|v| v.labels != ir::Text::default())
                        .map(|v| Label {
                            code: leak_str(&v.code),
                            en: v.labels.en.as_deref().map(leak_str),
                            ru: v.labels.ru.as_deref().map(leak_str),
                        })
                        .collect(),
                ),
            }
        }
        ir::FieldType::ValueObject => TypeDescriptor::ValueObject,
        ir::FieldType::Object { fields, .. } => {
            TypeDescriptor::Object(leak_slice(fields.iter().map(|f| field(schema, method, f)).collect()))
        }
        ir::FieldType::Array(item) => TypeDescriptor::Array(leak(ty(schema, method, item))),
        ir::FieldType::Filter => TypeDescriptor::Filter,
    }
}

fn stated(s: ir::Stated) -> Stated {
    match s {
        ir::Stated::Yes => Stated::Yes,
        ir::Stated::No => Stated::No,
        ir::Stated::NotStated => Stated::NotStated,
    }
}

fn kind(k: ir::Kind) -> Kind {
    match k {
        ir::Kind::Number => Kind::Number,
        ir::Kind::String => Kind::String,
        ir::Kind::Boolean => Kind::Boolean,
        ir::Kind::Iso8601 => Kind::Iso8601,
        ir::Kind::Enum => Kind::Enum,
        ir::Kind::Array => Kind::Array,
        ir::Kind::Object => Kind::Object,
        ir::Kind::ValueObject => Kind::ValueObject,
        ir::Kind::Any => Kind::Any,
    }
}

fn shape(v: ir::ValueShape) -> ValueShape {
    match v {
        ir::ValueShape::Same => ValueShape::Same,
        ir::ValueShape::List => ValueShape::List,
        ir::ValueShape::Items => ValueShape::Items,
        ir::ValueShape::Text => ValueShape::Text,
        ir::ValueShape::Null => ValueShape::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_schema_converts_to_the_generated_descriptors() {
        let schema = SchemaFiles::bundled().load().expect("the bundled schema loads");
        let converted = convert(&schema);
        assert_eq!(converted.len(), dataapi::METHODS.len());
        for generated in dataapi::METHODS {
            let ours = converted.iter().find(|m| m.name == generated.name).expect("every method converts");
            assert_eq!(*ours, *generated, "{}", generated.name);
        }
    }
}
