//! The `dataapi-codegen` command (feature `cli`): `check` a schema and print a summary per
//! method, or `regenerate` the `dataapi` crate's modules from it.
//!
//! Paths come from the arguments and the current folder, never from where the command was
//! built. Inside a checkout of the workspace (any folder under one that holds `schema/` and
//! `generated/src/api`) the defaults are the checkout's own folders, which is what
//! `cargo regenerate` runs. `--schema DIR` lays a folder over the bundled schema, exactly as
//! [`Builder::schema`](crate::Builder::schema) does; `--no-bundled` reads `DIR` alone.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::{Diagnostics, Schema, SchemaFiles, regenerate, summary};

/// Check the Data API schema and generate the `dataapi` crate's modules from it.
#[derive(Parser)]
#[command(name = "dataapi-codegen", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load and check a schema, and print a summary per method.
    Check {
        #[command(flatten)]
        schema: SchemaArgs,
    },
    /// Rewrite the generated modules of the `dataapi` crate from a schema.
    Regenerate {
        /// Write nothing; exit 1 and list the stale files when the output differs.
        #[arg(long)]
        check: bool,
        #[command(flatten)]
        schema: SchemaArgs,
        /// The output folder [default: the checkout's `generated/src/api`].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

#[derive(Args)]
struct SchemaArgs {
    /// A schema folder or file, laid over the bundled schema [default: inside a checkout, its
    /// `schema/` folder alone; elsewhere, the bundled schema].
    #[arg(long, value_name = "PATH")]
    schema: Option<PathBuf>,
    /// Read `--schema` alone, without the bundled schema under it (for a whole schema of
    /// one's own, operators and errors included).
    #[arg(long, requires = "schema")]
    no_bundled: bool,
}

/// Runs the command with the process's arguments.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let checkout = std::env::current_dir().ok().as_deref().and_then(checkout);
    let result = match cli.command {
        Command::Check { schema } => load(&schema, checkout.as_deref()).map(|schema| {
            // A closed pipe (`| head`) is not an error worth a panic.
            let _ = write!(std::io::stdout(), "{}", summary::render(&schema));
            ExitCode::SUCCESS
        }),
        Command::Regenerate { check, schema, out } => {
            let out = out.or_else(|| checkout.as_ref().map(|c| c.join("generated/src/api")));
            match out {
                None => Err("no output folder: pass `--out DIR`, or run inside a checkout of the dataapi \
                             workspace (a folder with `schema/` and `generated/src/api`)"
                    .to_owned()),
                Some(out) => load(&schema, checkout.as_deref()).and_then(|schema| {
                    run_regenerate(&schema, &shown(&out), check, checkout.as_deref()).map_err(|e| e.to_string())
                }),
            }
        }
    };
    result.unwrap_or_else(|message| {
        eprintln!("{message}");
        ExitCode::FAILURE
    })
}

/// The schema the arguments name, checked.
fn load(args: &SchemaArgs, checkout: Option<&Path>) -> Result<Schema, String> {
    let files = match (&args.schema, checkout) {
        (Some(path), _) => {
            let mut files = if args.no_bundled { SchemaFiles::new() } else { SchemaFiles::bundled() };
            files.add(&shown(path));
            files
        }
        // The checkout's own folder is the bundled schema as it is on disk now.
        (None, Some(checkout)) => {
            let mut files = SchemaFiles::new();
            files.add(&shown(&checkout.join("schema")));
            files
        }
        (None, None) => SchemaFiles::bundled(),
    };
    files.load().map_err(|d: Diagnostics| d.to_string())
}

fn run_regenerate(
    schema: &Schema,
    out: &Path,
    check: bool,
    checkout: Option<&Path>,
) -> Result<ExitCode, regenerate::Error> {
    let plan = regenerate::Plan::new(schema, out)?;
    let display = out.display();
    if plan.changes().is_empty() {
        println!("{display} is up to date");
        return Ok(ExitCode::SUCCESS);
    }
    if check {
        // Inside a checkout the alias is the way; elsewhere, the same command without `--check`.
        let how = if checkout.is_some() { "`cargo regenerate`" } else { "the same command without `--check`" };
        eprintln!("{display} is stale; run {how}:\n{}", plan.summary());
        return Ok(ExitCode::FAILURE);
    }
    plan.apply()?;
    println!("regenerated {display}:\n{}", plan.summary());
    Ok(ExitCode::SUCCESS)
}

/// The nearest folder at or above `dir` that is a checkout of the workspace.
fn checkout(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join("schema/operators.yaml").is_file() && d.join("generated/src/api").is_dir())
        .map(Path::to_path_buf)
}

/// `path` relative to the current folder where it lies under it, so that messages read
/// `schema/methods/…` rather than a path from the root of the file system.
fn shown(path: &Path) -> PathBuf {
    let cwd = std::env::current_dir().ok().and_then(|c| c.canonicalize().ok());
    let absolute = path.canonicalize().ok();
    match (cwd, absolute) {
        (Some(cwd), Some(absolute)) => match absolute.strip_prefix(&cwd) {
            Ok(relative) if !relative.as_os_str().is_empty() => relative.to_path_buf(),
            Ok(_) => PathBuf::from("."),
            Err(_) => path.to_path_buf(),
        },
        _ => path.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkout_is_found_from_any_folder_inside_it() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace");
        assert_eq!(checkout(&root.join("codegen/src")).as_deref(), Some(root));
        assert_eq!(checkout(Path::new("/")), None);
    }
}
