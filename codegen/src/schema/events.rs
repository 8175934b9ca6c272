use serde::Deserialize;

use super::{EnumDef, FieldDef, Text};

/// `schema/events/<family>.yaml`: a family of events, such as the contact-centre queue events.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventFamilyFile {
    /// Family name; becomes the module name (`queue`).
    pub family: String,
    /// Rust module name, where the snake_case of `family` does not fit.
    pub rust_name: Option<String>,
    /// Title.
    pub title: Text,
    /// Description.
    pub description: Option<Text>,
    /// The payload key that names the event (`event`).
    pub event_key: String,
    /// Whether the payload also carries arbitrary variables of the member and the queue.
    #[serde(default)]
    pub extra_variables: bool,
    /// Where events occur.
    pub queue_types: Vec<QueueTypeDef>,
    /// Enums used by event fields.
    #[serde(default)]
    pub enums: Vec<EnumDef>,
    /// The events.
    pub events: Vec<EventDef>,
}

/// A queue type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueTypeDef {
    /// Code (`preview_dialer`).
    pub code: String,
    /// Whether an agent takes part in this kind of queue.
    pub with_agent: bool,
    /// Rust variant name, where the PascalCase of `code` does not fit.
    pub rust_name: Option<String>,
    /// English description.
    pub en: Option<String>,
    /// Russian description.
    pub ru: Option<String>,
}

/// One event.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventDef {
    /// Name as it is on the wire (`Answered`).
    pub name: String,
    /// Rust name of the variant and payload, where the PascalCase of `name` does not fit.
    pub rust_name: Option<String>,
    /// English description.
    pub en: Option<String>,
    /// Russian description.
    pub ru: Option<String>,
    /// Queue types where it occurs; the word `all` for every queue type.
    #[serde(default)]
    pub queues: Vec<String>,
    /// Another event whose fields and queues this one shares.
    pub same_as: Option<String>,
    /// The fields.
    #[serde(default)]
    pub fields: Vec<FieldDef>,
}
