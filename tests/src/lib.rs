//! Integration tests of the workspace live in `tests/`; this library only runs the README's
//! Rust examples as doctests, so that they keep compiling.

#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeExamples;
