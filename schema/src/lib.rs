//! The bundled schema of the CoMagic / UIS / CallGear Data API: the YAML files that
//! [`dataapi`](https://docs.rs/dataapi) is generated from, embedded as text.
//!
//! The files follow the schema language described in this crate's README. They are what
//! `dataapi-codegen` lays a user's own schema over, in a build script and in the derive
//! macros; most users never depend on this crate directly.
//!
//! ```
//! let (name, text) = dataapi_schema::FILES
//!     .iter()
//!     .find(|(name, _)| *name == "methods/get.calls_report.yaml")
//!     .expect("the calls report is bundled");
//! assert!(text.contains("method: get.calls_report"), "{name}");
//! ```

include!(concat!(env!("OUT_DIR"), "/files.rs"));
