//! The third way of use: a method of one's own, generated from `schema/` laid over the
//! bundled schema.

fn main() -> Result<(), dataapi_codegen::BuildError> {
    dataapi_codegen::Builder::new().schema("schema").methods(["get.orders_report"]).generate()?;
    Ok(())
}
