//! The files a schema is made of, laid over each other, and loading them: parse every file,
//! then check them together.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ir::Schema;
use crate::load::{self, Source};
use crate::{bundled, check};

/// The files a schema is made of: the bundled schema and the user's folders and files, laid
/// over each other in the order they were added. Their methods and enums are merged; a name
/// declared twice is an error that names both places, and `extend: true` adds codes to an enum.
#[derive(Debug, Clone, Default)]
pub struct SchemaFiles {
    /// The texts, in the order they were added.
    pub sources: Vec<Source>,
    /// Files and folders that could not be read.
    pub problems: Vec<Diagnostic>,
    /// Every folder and file read from disk, for rebuild tracking.
    pub read: Vec<PathBuf>,
}

impl SchemaFiles {
    /// No files.
    pub fn new() -> Self {
        SchemaFiles::default()
    }

    /// The bundled schema.
    pub fn bundled() -> Self {
        SchemaFiles { sources: bundled::sources(), ..SchemaFiles::default() }
    }

    /// Adds a schema folder (laid out as `schema/` is) or a single schema file.
    pub fn add(&mut self, path: &Path) {
        self.read.push(path.to_path_buf());
        if path.is_dir() {
            let (sources, problems) = load::read_dir(path);
            self.read.extend(sources.iter().map(|s| PathBuf::from(&s.name)));
            self.sources.extend(sources);
            self.problems.extend(problems);
        } else if path.exists() {
            match load::read_file(path) {
                Ok(source) => self.sources.push(source),
                Err(d) => self.problems.push(d),
            }
        } else {
            self.problems.push(Diagnostic {
                file: path.display().to_string(),
                location: None,
                path: String::new(),
                message: "no such file or folder".into(),
                help: None,
            });
        }
    }

    /// Parses and checks the files together.
    pub fn load(&self) -> Result<Schema, Diagnostics> {
        check_sources(&self.sources, self.problems.clone())
    }
}

/// Parses and checks `sources`, after the problems already found in reading them.
pub fn check_sources(sources: &[Source], mut diags: Vec<Diagnostic>) -> Result<Schema, Diagnostics> {
    let (raw, parse_diags) = load::parse(sources);
    diags.extend(parse_diags);
    match check::check(&raw) {
        Ok(schema) if diags.is_empty() => Ok(schema),
        Ok(_) => Err(Diagnostics(diags).finish()),
        Err(more) => {
            diags.extend(more.0);
            Err(Diagnostics(diags).finish())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::FileKind;

    fn source(name: &str, text: &str) -> Source {
        Source { name: name.into(), kind: FileKind::of(name).expect("a schema file name"), text: text.into() }
    }

    #[test]
    fn a_user_schema_lays_over_the_bundled_one() {
        let mut files = SchemaFiles::bundled();
        files.sources.push(source(
            "enums.yaml",
            "enums:\n  - name: direction\n    extend: true\n    values:\n      - {code: internal, en: Internal}\n",
        ));
        let schema = files.load().unwrap_or_else(|d| panic!("{d}"));
        let direction = schema.shared_enum("direction").unwrap();
        let codes: Vec<&str> = direction.values.iter().map(|v| v.code.as_str()).collect();
        assert_eq!(codes, ["in", "out", "internal"], "the bundled codes, then the user's");
        assert!(schema.method("get.calls_report").is_some());
    }

    #[test]
    fn a_method_declared_twice_is_reported_with_both_places() {
        let mut files = SchemaFiles::bundled();
        let text = files.sources.iter().find(|s| s.name.ends_with("get.calls_report.yaml")).unwrap().text.clone();
        files.sources.push(source("methods/get.calls_report.yaml", &text));
        let err = files.load().unwrap_err().to_string();
        assert!(err.contains("duplicate method `get.calls_report`"), "{err}");
        assert!(err.contains("<bundled schema>/methods/get.calls_report.yaml"), "{err}");
    }

    #[test]
    fn a_missing_path_is_a_problem_not_a_panic() {
        let mut files = SchemaFiles::new();
        files.add(Path::new("/nonexistent/schema"));
        let err = files.load().unwrap_err().to_string();
        assert!(err.contains("/nonexistent/schema: no such file or folder"), "{err}");
    }
}
