//! The engine's stages are not public API: this must not compile (`scripts/package-check.sh`
//! checks that it fails, and why).

use dataapi_codegen::ir::Schema;

fn main() {
    let _ = dataapi_codegen::load_dir(std::path::Path::new("schema"));
    let _: Option<Schema> = None;
}
