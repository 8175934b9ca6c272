//! The workspace README's Rust examples, run as doctests so that they keep compiling.

#[doc = include_str!("../../../README.md")]
#[cfg(doctest)]
pub struct ReadmeExamples;
