//! Generates the modules of `schema/` laid over the bundled schema into `$OUT_DIR`.

fn main() -> Result<(), dataapi_codegen::BuildError> {
    dataapi_codegen::Builder::new().schema("schema").methods(["get.deals_report", "get.calls_report"]).generate()?;
    Ok(())
}
