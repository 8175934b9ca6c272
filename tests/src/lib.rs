//! Integration tests of the workspace live in `tests/`. This library holds what they share
//! with the fuzz targets in `fuzz/` (the promises kept on hostile input). The README's Rust
//! examples are doctests of `tests/readme`.

pub mod hostile;
pub mod replies;
