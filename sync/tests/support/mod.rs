//! What tests of the sync share.
#![allow(dead_code)]

pub mod postgres;
