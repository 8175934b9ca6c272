//! Every input a fuzz target once failed on, kept in `fuzz-regressions/<target>/` and run
//! through the same promise again.

use std::path::Path;

use dataapi_tests::hostile;

#[test]
fn every_finding_keeps_its_promise() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz-regressions");
    for dir in std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()) {
        let promise: fn(&[u8]) = match dir.file_name().and_then(|n| n.to_str()) {
            Some("schema") => hostile::schema_file,
            Some("reply") => hostile::reply,
            Some("validator") => hostile::validator,
            Some("event") => hostile::event,
            _ => panic!("{}: not a fuzz target", dir.display()),
        };
        for path in std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()) {
            let input = std::fs::read(&path).unwrap();
            if std::panic::catch_unwind(|| promise(&input)).is_err() {
                panic!("{} fails again", path.display());
            }
        }
    }
}
