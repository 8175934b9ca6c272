//! Prints what the generated crate knows about a method: limits, parameters, and every reply
//! field with its type and whether it can be filtered, sorted and is returned by default.
//!
//! ```sh
//! cargo run -p dataapi-runtime --example describe             # the list of methods
//! cargo run -p dataapi-runtime --example describe get.calls_report
//! ```

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    // A closed pipe (`| head`) ends the output quietly, so write errors are not fatal.
    let mut out = std::io::stdout().lock();
    let Some(name) = std::env::args().nth(1) else {
        for m in dataapi::METHODS {
            let _ = writeln!(out, "{} ({} fields)", m.name, m.fields.len());
        }
        return ExitCode::SUCCESS;
    };
    match dataapi::METHODS.iter().find(|m| m.name == name) {
        Some(m) => {
            let _ = write!(out, "{m}");
            ExitCode::SUCCESS
        }
        None => {
            let known: Vec<_> = dataapi::METHODS.iter().map(|m| m.name).collect();
            eprintln!("no method `{name}`; the schema has {}", known.join(", "));
            ExitCode::FAILURE
        }
    }
}
