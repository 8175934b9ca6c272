//! A downstream crate: its own schema (`schema/`) generated in `build.rs`, included here, and
//! a struct of its own checked against it by the derive.

/// The modules generated from `schema/` over the bundled schema.
pub mod api {
    dataapi::include_generated!();
}

/// What this crate keeps of a deal.
#[derive(Debug, Clone, PartialEq, dataapi::Report)]
#[report(method = "get.deals_report", schema = "schema", api = crate::api)]
pub struct Deal {
    /// Deal ID.
    pub id: u64,
    /// Stage.
    pub stage: api::deals_report::Stage,
    /// Amount.
    pub amount: dataapi::Decimal,
    /// Products.
    pub products: Vec<api::deals_report::Product>,
    /// How the call ended, with this crate's own code known.
    pub finish_reason: Option<api::enums::FinishReason>,
}
