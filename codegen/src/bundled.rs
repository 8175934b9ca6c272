//! The schema shipped with the crate (the `dataapi-schema` package: the workspace's `schema/`
//! folder, embedded), so that the derive macros and the builder work with no files of the user's.

use crate::load::{FileKind, Source};

use dataapi_schema::FILES;

/// The name every bundled file's diagnostics start with.
pub const PREFIX: &str = "<bundled schema>/";

/// The bundled schema files as sources, named `<bundled schema>/methods/…`.
pub fn sources() -> Vec<Source> {
    FILES
        .iter()
        .filter_map(|(relative, text)| {
            let kind = FileKind::of(relative)?;
            Some(Source { name: format!("{PREFIX}{relative}"), kind, text: (*text).to_owned() })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_bundled_schema_loads() {
        let schema = crate::SchemaFiles::bundled().load().unwrap_or_else(|d| panic!("{d}"));
        assert!(schema.method("get.calls_report").is_some());
        assert_eq!(super::sources().len(), super::FILES.len(), "every bundled file has a place");
    }
}
