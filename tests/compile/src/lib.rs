//! Compile-time tests, in `tests/`: misuse of the typed API and of the derives fails to
//! compile with the messages checked in beside each case (`ui/`), and what the engine emits
//! compiles under `#![deny(warnings)]` (`snapshots/` holds its text for the fixture schemas).
