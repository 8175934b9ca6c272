//! The configuration of many streams (`sync.toml`).
