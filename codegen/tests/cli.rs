//! The command: a summary and exit 0 on the bundled schema, located errors and a non-zero
//! exit on a broken one; a user's folder laid over the bundled schema; paths from the
//! arguments and the current folder, inside a checkout and outside one.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dataapi-codegen")).current_dir(dir).args(args).output().expect("the command runs")
}

fn check(schema: &Path) -> Output {
    run(Path::new(env!("CARGO_MANIFEST_DIR")), &["check", "--schema", schema.to_str().unwrap()])
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dataapi-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("methods")).unwrap();
    dir
}

const ORDERS: &str = "method: get.orders_report\ntitle: {en: Orders}\naccess: [partner]\nweight: 1\nkind: report\n\
    limits: {date_range_days: 90, limit: {default: 1, max: 2}, offset: {default: 0, max: 1}}\n\
    fields:\n  - {name: id, type: integer}\n  - {name: direction, type: enum, enum: direction}\n";

#[test]
fn a_folder_of_ones_own_lies_over_the_bundled_schema() {
    let dir = temp_dir("overlay");
    std::fs::write(dir.join("methods/get.orders_report.yaml"), ORDERS).unwrap();
    let out = check(&dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for method in ["get.orders_report", "get.calls_report"] {
        assert!(stdout.lines().any(|l| l.starts_with(method)), "no row for {method}:\n{stdout}");
    }
    // `--no-bundled` reads the folder alone, which lacks the tables.
    let alone = run(&dir, &["check", "--no-bundled", "--schema", "."]);
    assert_eq!(alone.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&alone.stderr).contains("there is no operator table"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn outside_a_checkout_paths_come_from_the_arguments() {
    let dir = temp_dir("outside");
    std::fs::write(dir.join("methods/get.orders_report.yaml"), ORDERS).unwrap();
    let no_out = run(&dir, &["regenerate"]);
    assert_eq!(no_out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&no_out.stderr).contains("no output folder: pass `--out DIR`"));
    let stale = run(&dir, &["regenerate", "--schema", ".", "--out", "generated", "--check"]);
    assert_eq!(stale.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&stale.stderr);
    assert!(stderr.starts_with("generated is stale; run the same command without `--check`:"), "{stderr}");
    let written = run(&dir, &["regenerate", "--schema", ".", "--out", "generated"]);
    let stdout = String::from_utf8_lossy(&written.stdout);
    assert!(written.status.success(), "{}", String::from_utf8_lossy(&written.stderr));
    assert!(stdout.starts_with("regenerated generated:") && stdout.contains("new      orders_report.rs"), "{stdout}");
    let again = run(&dir, &["regenerate", "--schema", ".", "--out", "generated", "--check"]);
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    assert_eq!(String::from_utf8_lossy(&again.stdout), "generated is up to date\n");
    // `check` without `--schema` outside a checkout reads the bundled schema.
    assert!(run(&dir, &["check"]).status.success());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn inside_a_checkout_the_defaults_are_its_folders() {
    let out = run(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &["regenerate", "--check"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).ends_with("generated/src/api is up to date\n"));
}

#[test]
fn bundled_schema_passes_with_a_summary() {
    // Inside the checkout, the default is its own `schema/` folder.
    let out = run(Path::new(env!("CARGO_MANIFEST_DIR")), &["check"]);
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
}
