//! `dataapi`: the project's data command line. `cargo dataapi <command>` runs it from the
//! repository root (an alias in `.cargo/config.toml`).
//!
//! Each subcommand lives in its own module: `pull` in [`pull`], `events` in [`events`],
//! `sync` in [`sync`], `fake-server` in [`fake_server`].

mod descriptors;
mod durable;
mod endpoint;
mod events;
mod fake_server;
mod parquet;
mod pull;
mod sync;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The dataapi command line.
#[derive(Debug, Parser)]
#[command(name = "dataapi", version, about = "Tools for the CoMagic / UIS / CallGear Data API")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Pull every row of a method's period into NDJSON, CSV or Parquet, resumable.
    Pull(pull::Args),
    /// Keep a Parquet dataset, an object store or PostgreSQL equal to the API, a day at a time.
    Sync(sync::Args),
    /// Receive queue events over HTTP and append each accepted one to a file as a JSON line.
    Events(events::Args),
    /// Serve a fake Data API built from the schema on loopback, or dump the rows it holds.
    FakeServer(fake_server::Args),
}

/// Exit code for bad options, as clap uses it.
const USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Pull(args) => pull::run(args),
        Command::Sync(args) => sync::run(args),
        Command::Events(args) => events::run(args),
        Command::FakeServer(args) => fake_server::run(args),
    }
}
