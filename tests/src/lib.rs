//! Integration tests of the workspace live in `tests/`. This library holds what they share
//! with the fuzz targets in `fuzz/` (the promises kept on hostile input), and runs the
//! README's Rust examples as doctests, so that they keep compiling.

pub mod hostile;
pub mod replies;

#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeExamples;
