//! `dataapi-codegen`: check the schema (and, with the alias, `cargo regenerate`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Schema tool of the dataapi workspace.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load and check every schema file, and print a summary per method.
    Check {
        /// The schema folder (default: the workspace's `schema/`).
        #[arg(long)]
        schema: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Check { schema } => {
            let root = schema.unwrap_or_else(bundled_schema);
            match dataapi_codegen::load_dir(&root) {
                Ok(schema) => {
                    print!("{}", dataapi_codegen::summary::render(&schema));
                    ExitCode::SUCCESS
                }
                Err(diags) => {
                    eprintln!("{diags}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// The workspace's `schema/`, named relative to the current folder where possible so that
/// diagnostics read `schema/methods/…`.
fn bundled_schema() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("schema");
    let root = root.canonicalize().unwrap_or(root);
    match std::env::current_dir()
        .ok()
        .and_then(|cwd| root.strip_prefix(cwd.canonicalize().ok()?).ok().map(Path::to_path_buf))
    {
        Some(relative) if !relative.as_os_str().is_empty() => relative,
        _ => root,
    }
}
