//! The `check` command: a summary and exit 0 on the bundled schema, located errors and a
//! non-zero exit on a broken one.

use std::path::Path;
use std::process::Command;

fn check(schema: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_dataapi-codegen"))
        .args(["check", "--schema"])
        .arg(schema)
        .output()
        .expect("the command runs")
}

#[test]
fn bundled_schema_passes_with_a_summary() {
    let out = check(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let header = stdout.lines().next().unwrap_or_default();
    for column in ["method", "fields", "filterable", "sortable", "default", "enums"] {
        assert!(header.contains(column), "no `{column}` column in {header:?}");
    }
    for method in ["get.calls_report", "get.communications_report", "get.communications"] {
        assert!(stdout.lines().any(|l| l.starts_with(method)), "no row for {method}:\n{stdout}");
    }
    assert!(stdout.contains("events `queue`: 8 events"), "{stdout}");
}

#[test]
fn broken_schema_fails_with_located_errors() {
    let dir = std::env::temp_dir().join(format!("dataapi-cli-broken-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("methods")).unwrap();
    std::fs::write(
        dir.join("methods/get.x_report.yaml"),
        "method: get.x_report\ntitle: {en: X}\naccess: [partner]\nweight: 1\nkind: report\n\
         limits: {date_range_days: 90, limit: {default: 1, max: 2}, offset: {default: 0, max: 1}}\n\
         fields:\n  - {name: id, type: intger}\n",
    )
    .unwrap();
    let out = check(&dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("get.x_report.yaml:8:22: fields[0].type: unknown type `intger`"), "{stderr}");
    assert!(stderr.contains("did you mean `integer`?"), "{stderr}");
    assert!(stderr.contains("there is no operator table"), "{stderr}");
}
