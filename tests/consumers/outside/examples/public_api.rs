//! The public API of `dataapi_codegen`, as a user reaches it: this compiles.

use std::path::PathBuf;

use dataapi_codegen::{BuildError, Builder, Diagnostic, Diagnostics, EmitError, Location};

fn main() {
    let result: Result<PathBuf, BuildError> = Builder::new()
        .schema("schema")
        .bundled(true)
        .methods(["get.orders_report"])
        .out_dir(std::env::temp_dir())
        .out_file("dataapi_public_api.rs")
        .emit_rerun_if_changed(false)
        .keep_unknown_keys(false)
        .standalone(false)
        .generate();
    match result {
        Ok(path) => println!("{}", path.display()),
        Err(BuildError::Schema(diags)) => report(&diags),
        Err(BuildError::Emit(e)) => emitted(&e),
        Err(other) => println!("{other}"),
    }
}

fn report(diags: &Diagnostics) {
    for d in diags.iter() {
        let Diagnostic { file, location, path, message, help } = d;
        let at = location.map(|Location { line, column }| format!("{line}:{column}"));
        println!("{file} {at:?} {path} {message} {help:?}");
    }
}

fn emitted(e: &EmitError) {
    println!("{e}");
}
