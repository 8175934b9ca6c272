//! `dataapi-codegen`: check the schema (and, with the alias, `cargo regenerate`).

use std::io::Write;
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
    /// Rewrite the generated modules of the `dataapi` crate from the schema.
    Regenerate {
        /// Write nothing; exit 1 and list the stale files when the output differs.
        #[arg(long)]
        check: bool,
        /// The schema folder (default: the workspace's `schema/`).
        #[arg(long)]
        schema: Option<PathBuf>,
        /// The output folder (default: the workspace's `generated/src/api`).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Check { schema } => {
            let root = schema.unwrap_or_else(|| workspace("schema"));
            match dataapi_codegen::load_dir(&root) {
                Ok(schema) => {
                    // A closed pipe (`| head`) is not an error worth a panic.
                    let _ = write!(std::io::stdout(), "{}", dataapi_codegen::summary::render(&schema));
                    ExitCode::SUCCESS
                }
                Err(diags) => {
                    eprintln!("{diags}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Regenerate { check, schema, out } => {
            let root = schema.unwrap_or_else(|| workspace("schema"));
            let out = out.unwrap_or_else(|| workspace("generated/src/api"));
            match regenerate(&root, &out, check) {
                Ok(code) => code,
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

fn regenerate(root: &Path, out: &Path, check: bool) -> Result<ExitCode, dataapi_codegen::regenerate::Error> {
    let schema = dataapi_codegen::load_dir(root)?;
    let plan = dataapi_codegen::regenerate::Plan::new(&schema, out)?;
    let display = out.display();
    if plan.changes().is_empty() {
        println!("{display} is up to date");
        return Ok(ExitCode::SUCCESS);
    }
    if check {
        eprintln!("{display} is stale; run `cargo regenerate`:\n{}", plan.summary());
        return Ok(ExitCode::FAILURE);
    }
    plan.apply()?;
    println!("regenerated {display}:\n{}", plan.summary());
    Ok(ExitCode::SUCCESS)
}

/// A folder of the workspace, named relative to the current folder where possible so that
/// messages read `schema/methods/…`.
fn workspace(relative: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(relative);
    let root = root.canonicalize().unwrap_or(root);
    match std::env::current_dir()
        .ok()
        .and_then(|cwd| root.strip_prefix(cwd.canonicalize().ok()?).ok().map(Path::to_path_buf))
    {
        Some(relative) if !relative.as_os_str().is_empty() => relative,
        _ => root,
    }
}
