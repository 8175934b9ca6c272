//! `dataapi-codegen`: check a schema, and regenerate the `dataapi` crate's modules from one.
//! The command is the library's [`dataapi_codegen::cli`] module (feature `cli`).

fn main() -> std::process::ExitCode {
    dataapi_codegen::cli::main()
}
