//! What the command's tests share: starting `dataapi` as a server process and reading the
//! address it prints as its first line of stdout.
#![allow(dead_code)] // each test file uses some of these

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// The built `dataapi` binary.
pub fn dataapi() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dataapi"))
}

/// Starts `command` and waits for the first line it prints (its URL); the child and the line.
pub fn serve(mut command: Command) -> (Child, String) {
    let mut child = command.stdout(Stdio::piped()).spawn().expect("the command starts");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut first).expect("its first line");
    (child, first.trim().to_owned())
}
