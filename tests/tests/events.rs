//! Decoding the eight queue events from a JSON body and from form pairs, with the member's and
//! the queue's variables, and encoding them back.
//!
//! A receiver sees a flat set of named values that the user templated, so numbers and booleans
//! may come as strings (and in form pairs always do); every key the event does not define is a
//! variable of the member or the queue.

use std::collections::BTreeMap;

use dataapi::queue::{AmdResult, CcResult, Channel, Event, QueueType};
use dataapi::runtime::EventError;
use serde_json::{Value, json};

/// The variables every test payload carries besides the event's own fields.
fn variables() -> BTreeMap<String, Value> {
    BTreeMap::from([("crm_deal_id".to_owned(), json!("77")), ("queue_priority".to_owned(), json!("high"))])
}

/// The payload as form pairs: every value as the string a template would render.
fn pairs_of(payload: &Value) -> Vec<(String, String)> {
    payload
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect()
}

/// Decodes `payload` as JSON and as form pairs; both must give the same event, which must
/// also survive `to_json` → `from_json`.
fn decode_both(payload: Value) -> Event {
    let from_json = Event::from_json(payload.clone()).unwrap_or_else(|e| panic!("JSON payload: {e}"));
    let from_pairs = Event::from_pairs(pairs_of(&payload)).unwrap_or_else(|e| panic!("form payload: {e}"));
    assert_eq!(from_pairs, from_json, "form pairs and JSON decode alike");
    assert_round_trip(&from_json);
    from_json
}

fn assert_round_trip(event: &Event) {
    let encoded = event.to_json();
    assert_eq!(encoded[Event::KEY], event.name(), "the name is under `event`");
    let decoded = Event::from_json(encoded.clone()).unwrap_or_else(|e| panic!("{encoded}: {e}"));
    assert_eq!(&decoded, event);
}

const ALL_QUEUES: [QueueType; 8] = [
    QueueType::OfflineQueue,
    QueueType::InboundQueue,
    QueueType::OutboundIvr,
    QueueType::PreviewDialer,
    QueueType::ProgressiveDialer,
    QueueType::PredictiveDialer,
    QueueType::ChatInboundQueue,
    QueueType::TaskQueue,
];

const QUEUES_WITH_AGENT: [QueueType; 7] = [
    QueueType::OfflineQueue,
    QueueType::InboundQueue,
    QueueType::PreviewDialer,
    QueueType::ProgressiveDialer,
    QueueType::PredictiveDialer,
    QueueType::ChatInboundQueue,
    QueueType::TaskQueue,
];

// ---------------------------------------------------------------------------------------------
// The eight events
// ---------------------------------------------------------------------------------------------

#[test]
fn joined() {
    let event = decode_both(json!({
        "event": "Joined",
        "channel": "call",
        "attempt_id": "90017",
        "destination": 74951234567_i64,
        "use_processing": "true",
        "agent_channel_id": "cc-agent-5f1e2d3c",
        "member_channel_id": "cc-member-9a8b7c6d",
        "crm_deal_id": "77",
        "queue_priority": "high"
    }));
    let Event::Joined(p) = &event else { panic!("expected Joined, got {event:?}") };
    assert_eq!(p.channel, Some(Channel::Call));
    assert_eq!(p.attempt_id, Some(90017));
    assert_eq!(p.destination.as_deref(), Some("74951234567"), "a number decodes into a text field");
    assert_eq!(p.use_processing, Some(true));
    assert_eq!(p.agent_channel_id.as_deref(), Some("cc-agent-5f1e2d3c"));
    assert_eq!(p.member_channel_id.as_deref(), Some("cc-member-9a8b7c6d"));
    assert_eq!(p.variables, variables());
    assert_eq!(event.name(), "Joined");
    assert_eq!(event.queues(), ALL_QUEUES);
}

#[test]
fn answered_from_form_pairs() {
    let event = Event::from_pairs(vec![
        ("event", "Answered"),
        ("channel", "call"),
        ("attempt_id", "90017"),
        ("destination", "74951234567"),
        ("use_processing", "true"),
        ("agent_channel_id", "cc-agent-5f1e2d3c"),
        ("member_channel_id", "cc-member-9a8b7c6d"),
        ("agent_name", "Иванов Иван"),
        ("agent_id", "17"),
        ("user_id", "5501"),
        ("agent_extension", "101"),
        ("member_name", "Сидоров Пётр"),
        ("member_id", "880"),
        ("cc_attempt_seq", "2"),
        ("call_bill_sec", "45"),
        ("call_duration", "61"),
        ("amd_result", "MASHINE"),
        ("call_voice_sec", "40"),
        ("crm_deal_id", "77"),
        ("queue_priority", "high"),
    ])
    .unwrap();
    let Event::Answered(p) = &event else { panic!("expected Answered, got {event:?}") };
    assert_eq!(p.channel, Some(Channel::Call));
    assert_eq!(p.attempt_id, Some(90017));
    assert_eq!(p.use_processing, Some(true));
    assert_eq!(p.agent_name.as_deref(), Some("Иванов Иван"));
    assert_eq!(p.agent_id, Some(17));
    assert_eq!(p.user_id, Some(5501));
    assert_eq!(p.agent_extension.as_deref(), Some("101"));
    assert_eq!(p.member_name.as_deref(), Some("Сидоров Пётр"));
    assert_eq!(p.member_id, Some(880));
    assert_eq!(p.cc_attempt_seq, Some(2));
    assert_eq!(p.call_bill_sec, Some(45));
    assert_eq!(p.call_duration, Some(61));
    assert_eq!(p.amd_result, Some(AmdResult::Mashine));
    assert_eq!(p.call_voice_sec, Some(40));
    assert_eq!(p.variables, variables());
    assert_eq!(event.name(), "Answered");
    assert_eq!(event.queues(), [QueueType::PreviewDialer, QueueType::OfflineQueue]);
    assert_round_trip(&event);

    // Encoded, the typed fields are typed and the variables sit beside them.
    let encoded = event.to_json();
    assert_eq!(encoded["agent_id"], 17);
    assert_eq!(encoded["use_processing"], true);
    assert_eq!(encoded["amd_result"], "MASHINE");
    assert_eq!(encoded["crm_deal_id"], "77");
    assert_eq!(encoded["queue_priority"], "high");
}

#[test]
fn answered_from_json() {
    let event = decode_both(json!({
        "event": "Answered",
        "channel": "chat",
        "attempt_id": 90018,
        "destination": "74951234567",
        "use_processing": false,
        "agent_channel_id": "cc-agent-11",
        "member_channel_id": "cc-member-12",
        "agent_name": "Петрова Мария",
        "agent_id": 18,
        "user_id": "5502",
        "agent_extension": "102",
        "member_name": "Анна",
        "member_id": 881,
        "cc_attempt_seq": 1,
        "call_bill_sec": "0",
        "call_duration": 9,
        "amd_result": "HUMAN",
        "call_voice_sec": 0,
        "crm_deal_id": "77",
        "queue_priority": "high"
    }));
    let Event::Answered(p) = &event else { panic!("expected Answered, got {event:?}") };
    assert_eq!(p.channel, Some(Channel::Chat));
    assert_eq!(p.use_processing, Some(false));
    assert_eq!(p.agent_id, Some(18));
    assert_eq!(p.user_id, Some(5502));
    assert_eq!(p.call_bill_sec, Some(0));
    assert_eq!(p.amd_result, Some(AmdResult::Human));
    assert_eq!(p.variables, variables());
}

#[test]
fn offering() {
    let event = decode_both(json!({
        "event": "Offering",
        "channel": "task",
        "attempt_id": "90019",
        "destination": "74957654321",
        "use_processing": "1",
        "agent_channel_id": "cc-agent-21",
        "member_channel_id": "cc-member-22",
        "agent_name": "Смирнов Алексей",
        "agent_id": "19",
        "user_id": 5503,
        "agent_extension": "103",
        "member_name": "ООО «Ромашка»",
        "member_id": "882",
        "cc_attempt_seq": "3",
        "call_bill_sec": 0,
        "call_duration": "4",
        "amd_result": "HUMAN",
        "call_voice_sec": "0",
        "crm_deal_id": "77",
        "queue_priority": "high"
    }));
    let Event::Offering(p) = &event else { panic!("expected Offering, got {event:?}") };
    assert_eq!(p.channel, Some(Channel::Task));
    assert_eq!(p.use_processing, Some(true), "`1` is true");
    assert_eq!(p.agent_id, Some(19));
    assert_eq!(p.member_name.as_deref(), Some("ООО «Ромашка»"));
    assert_eq!(p.member_id, Some(882));
    assert_eq!(p.cc_attempt_seq, Some(3));
    assert_eq!(p.call_duration, Some(4));
    assert_eq!(p.variables, variables());
    assert_eq!(event.name(), "Offering");
    assert_eq!(event.queues(), ALL_QUEUES);
}

#[test]
fn bridged() {
    let event = decode_both(json!({
        "event": "Bridged",
        "channel": "call",
        "attempt_id": 90020,
        "destination": "74951234567",
        "use_processing": "true",
        "agent_channel_id": "cc-agent-31",
        "member_channel_id": "cc-member-32",
        "agent_name": "Иванов Иван",
        "agent_id": "17",
        "user_id": "5501",
        "agent_extension": "101",
        "member_name": "Сидоров Пётр",
        "member_id": "880",
        "cc_attempt_seq": "1",
        "call_bill_sec": "12",
        "call_duration": "20",
        "amd_result": "HUMAN",
        "call_voice_sec": "12",
        "crm_deal_id": "77",
        "queue_priority": "high"
    }));
    let Event::Bridged(p) = &event else { panic!("expected Bridged, got {event:?}") };
    assert_eq!(p.agent_id, Some(17));
    assert_eq!(p.call_bill_sec, Some(12));
    assert_eq!(p.call_voice_sec, Some(12));
    assert_eq!(p.amd_result, Some(AmdResult::Human));
    assert_eq!(p.variables, variables());
    assert_eq!(event.name(), "Bridged");
    assert_eq!(event.queues(), ALL_QUEUES);
}

#[test]
fn missed() {
    let event = decode_both(json!({
        "event": "Missed",
        "channel": "call",
        "attempt_id": "90021",
        "destination": "74951234567",
        "use_processing": "false",
        "agent_channel_id": "cc-agent-41",
        "member_channel_id": "cc-member-42",
        "agent_name": "Петрова Мария",
        "agent_id": "18",
        "user_id": "5502",
        "agent_extension": "102",
        "member_name": "Сидоров Пётр",
        "member_id": "880",
        "cc_attempt_seq": "2",
        "call_bill_sec": "0",
        "call_duration": "30",
        "amd_result": "MASHINE",
        "crm_deal_id": "77",
        "queue_priority": "high"
    }));
    let Event::Missed(p) = &event else { panic!("expected Missed, got {event:?}") };
    assert_eq!(p.use_processing, Some(false));
    assert_eq!(p.agent_id, Some(18));
    assert_eq!(p.call_duration, Some(30));
    assert_eq!(p.amd_result, Some(AmdResult::Mashine));
    assert_eq!(p.variables, variables());
    assert_eq!(event.name(), "Missed");
    assert_eq!(event.queues(), QUEUES_WITH_AGENT);
    assert!(event.queues().iter().all(QueueType::with_agent));
}

#[test]
fn missed_keeps_call_voice_sec_as_a_variable() {
    // The docs do not list `call_voice_sec` for Missed, so there it is a variable like any other.
    let event = Event::from_pairs([("event", "Missed"), ("agent_id", "18"), ("call_voice_sec", "0")]).unwrap();
    let Event::Missed(p) = &event else { panic!("expected Missed, got {event:?}") };
    assert_eq!(p.variables, BTreeMap::from([("call_voice_sec".to_owned(), json!("0"))]));
}

#[test]
fn leaving() {
    let event = decode_both(json!({
        "event": "Leaving",
        "channel": "call",
        "attempt_id": "90022",
        "destination": "74951234567",
        "use_processing": "true",
        "agent_channel_id": "cc-agent-51",
        "member_channel_id": "cc-member-52",
        "agent_name": "Иванов Иван",
        "agent_id": "17",
        "user_id": "5501",
        "agent_extension": "101",
        "member_name": "Сидоров Пётр",
        "member_id": "880",
        "cc_attempt_seq": "1",
        "cc_result": "success",
        "call_bill_sec": "185",
        "call_duration": 203,
        "call_cause": "NORMAL_CLEARING",
        "call_sip_code": "200",
        "amd_result": "HUMAN",
        "call_voice_sec": "185",
        "crm_deal_id": "77",
        "queue_priority": "high"
    }));
    let Event::Leaving(p) = &event else { panic!("expected Leaving, got {event:?}") };
    assert_eq!(p.cc_result, Some(CcResult::Success));
    assert_eq!(p.call_bill_sec, Some(185));
    assert_eq!(p.call_duration, Some(203));
    assert_eq!(p.call_cause.as_deref(), Some("NORMAL_CLEARING"));
    assert_eq!(p.call_sip_code, Some(200));
    assert_eq!(p.call_voice_sec, Some(185));
    assert_eq!(p.variables, variables());
    assert_eq!(event.name(), "Leaving");
    assert_eq!(event.queues(), ALL_QUEUES);
}

#[test]
fn leaving_with_each_call_result() {
    for (wire, expected) in [
        ("success", CcResult::Success),
        ("cancel", CcResult::Cancel),
        ("abandoned", CcResult::Abandoned),
        ("transferred", CcResult::Unrecognized("transferred".into())),
    ] {
        let event = Event::from_pairs([("event", "Leaving"), ("cc_result", wire), ("call_sip_code", "486")]).unwrap();
        let Event::Leaving(p) = &event else { panic!("expected Leaving, got {event:?}") };
        assert_eq!(p.cc_result.as_ref(), Some(&expected), "{wire}");
        assert_eq!(p.call_sip_code, Some(486));
        assert_eq!(event.to_json()["cc_result"], wire, "the code encodes verbatim");
    }
}

#[test]
fn processing() {
    let event = decode_both(json!({
        "event": "Processing",
        "channel": "call",
        "attempt_id": "90023",
        "destination": "74951234567",
        "use_processing": "true",
        "agent_channel_id": "cc-agent-61",
        "member_channel_id": "cc-member-62",
        "agent_name": "Иванов Иван",
        "agent_id": "17",
        "user_id": "5501",
        "agent_extension": "101",
        "member_name": "Сидоров Пётр",
        "member_id": "880",
        "cc_attempt_seq": "1",
        "call_bill_sec": "185",
        "call_duration": "203",
        "call_cause": "NORMAL_CLEARING",
        "call_sip_code": 200,
        "amd_result": "HUMAN",
        "call_voice_sec": "185",
        "crm_deal_id": "77",
        "queue_priority": "high"
    }));
    let Event::Processing(p) = &event else { panic!("expected Processing, got {event:?}") };
    assert_eq!(p.use_processing, Some(true));
    assert_eq!(p.agent_id, Some(17));
    assert_eq!(p.call_cause.as_deref(), Some("NORMAL_CLEARING"));
    assert_eq!(p.call_sip_code, Some(200));
    assert_eq!(p.variables, variables());
    assert_eq!(event.name(), "Processing");
    assert_eq!(event.queues(), QUEUES_WITH_AGENT);
}

#[test]
fn active_carries_the_answered_payload() {
    let event = decode_both(json!({
        "event": "Active",
        "channel": "call",
        "attempt_id": "90024",
        "destination": "74951234567",
        "use_processing": "true",
        "agent_channel_id": "cc-agent-71",
        "member_channel_id": "cc-member-72",
        "agent_name": "Иванов Иван",
        "agent_id": "17",
        "user_id": "5501",
        "agent_extension": "101",
        "member_name": "Сидоров Пётр",
        "member_id": "880",
        "cc_attempt_seq": "1",
        "call_bill_sec": "95",
        "call_duration": "110",
        "amd_result": "MASHINE",
        "call_voice_sec": "95",
        "crm_deal_id": "77",
        "queue_priority": "high"
    }));
    let Event::Active(p) = &event else { panic!("expected Active, got {event:?}") };
    let p: &dataapi::queue::Answered = p;
    assert_eq!(p.agent_id, Some(17));
    assert_eq!(p.use_processing, Some(true));
    assert_eq!(p.amd_result, Some(AmdResult::Mashine));
    assert_eq!(p.call_bill_sec, Some(95));
    assert_eq!(p.variables, variables());
    assert_eq!(event.name(), "Active");
    assert_eq!(event.queues(), [QueueType::PreviewDialer, QueueType::OfflineQueue]);
    // The same payload under the name Answered is an Answered event, not an Active one.
    let mut as_answered = event.to_json();
    as_answered[Event::KEY] = json!("Answered");
    let answered = Event::from_json(as_answered).unwrap();
    assert_eq!(answered, Event::Answered(p.clone()));
    assert_ne!(answered, event);
}

// ---------------------------------------------------------------------------------------------
// Codes, names and variables
// ---------------------------------------------------------------------------------------------

#[test]
fn codes_are_kept_verbatim() {
    let event = Event::from_pairs([("event", "Answered"), ("amd_result", "human"), ("channel", "email")]).unwrap();
    let Event::Answered(p) = &event else { panic!("expected Answered, got {event:?}") };
    assert_eq!(p.amd_result, Some(AmdResult::Unrecognized("human".into())), "AMD codes are upper case");
    assert_eq!(p.channel, Some(Channel::Unrecognized("email".into())));
    let encoded = event.to_json();
    assert_eq!(encoded["amd_result"], "human");
    assert_eq!(encoded["channel"], "email");
    assert_round_trip(&event);
}

#[test]
fn variables_keep_their_json_types() {
    let event = Event::from_json(json!({
        "event": "Joined",
        "channel": "call",
        "crm_deal_id": 77,
        "vip": true,
        "tags": ["опт", "повторный"],
        "client": {"name": "Иванов Иван", "inn": "7701234567"},
        "comment": null
    }))
    .unwrap();
    let Event::Joined(p) = &event else { panic!("expected Joined, got {event:?}") };
    assert_eq!(p.variables["crm_deal_id"], json!(77));
    assert_eq!(p.variables["vip"], json!(true));
    assert_eq!(p.variables["tags"], json!(["опт", "повторный"]));
    assert_eq!(p.variables["client"]["name"], "Иванов Иван");
    assert_eq!(p.variables["comment"], Value::Null);
    assert_eq!(p.variables.len(), 5);
    assert_round_trip(&event);
}

#[test]
fn a_repeated_form_key_keeps_its_last_value() {
    let event = Event::from_pairs([("event", "Answered"), ("agent_id", "17"), ("agent_id", "18")]).unwrap();
    let Event::Answered(p) = &event else { panic!("expected Answered, got {event:?}") };
    assert_eq!(p.agent_id, Some(18));
}

#[test]
fn the_name_is_trimmed() {
    let event = Event::from_pairs([("event", " Answered\n"), ("agent_id", "17")]).unwrap();
    assert_eq!(event.name(), "Answered");
    assert!(matches!(event, Event::Answered(_)));
}

#[test]
fn unknown_event_keeps_its_name_and_fields() {
    let payload = json!({
        "event": "Transferred",
        "agent_id": "17",
        "transfer_target": "Отдел продаж",
        "crm_deal_id": "77"
    });
    let event = Event::from_json(payload.clone()).unwrap();
    let Event::Unrecognized { name, fields } = &event else { panic!("expected Unrecognized, got {event:?}") };
    assert_eq!(name, "Transferred");
    assert_eq!(fields.len(), 3, "every key but the name: {fields:?}");
    assert_eq!(fields["agent_id"], "17", "fields stay as they came");
    assert_eq!(fields["transfer_target"], "Отдел продаж");
    assert_eq!(event.name(), "Transferred");
    assert!(event.queues().is_empty());
    assert_eq!(event.to_json(), payload);
    assert_round_trip(&event);
    // The event name is case-sensitive.
    let lower = Event::from_pairs([("event", "answered"), ("agent_id", "17")]).unwrap();
    assert!(matches!(&lower, Event::Unrecognized { name, .. } if name == "answered"), "{lower:?}");
}

#[test]
fn round_trip_of_every_event() {
    let names = ["Joined", "Answered", "Offering", "Bridged", "Missed", "Leaving", "Processing", "Active"];
    for name in names {
        let event = Event::from_pairs([
            ("event", name),
            ("channel", "call"),
            ("attempt_id", "90017"),
            ("use_processing", "true"),
            ("agent_id", "17"),
            ("call_sip_code", "200"),
            ("cc_result", "cancel"),
            ("amd_result", "MASHINE"),
            ("crm_deal_id", "77"),
            ("queue_priority", "high"),
        ])
        .unwrap();
        assert_eq!(event.name(), name);
        assert!(!matches!(event, Event::Unrecognized { .. }), "{name} is a known event");
        assert_eq!(Event::from_json(event.to_json()).unwrap(), event, "{name}");
    }
}

// ---------------------------------------------------------------------------------------------
// Payloads that are not events
// ---------------------------------------------------------------------------------------------

#[test]
fn a_payload_without_a_name_is_an_error() {
    let err = Event::from_json(json!({"agent_id": "17", "channel": "call"})).unwrap_err();
    assert!(matches!(err, EventError::NoName("event")), "{err:?}");
    assert_eq!(err.to_string(), "the payload has no event name under `event`");

    let err = Event::from_pairs([("Event", "Answered")]).unwrap_err();
    assert!(matches!(err, EventError::NoName("event")), "the key is case-sensitive: {err:?}");

    let err = Event::from_json(json!({"event": 5})).unwrap_err();
    assert!(matches!(err, EventError::NoName("event")), "a name that is no string: {err:?}");
}

#[test]
fn a_payload_that_is_no_object_is_an_error() {
    for (payload, what) in [
        (json!(["Answered"]), "an array"),
        (json!("Answered"), "a string"),
        (json!(17), "a number"),
        (Value::Null, "null"),
        (json!(true), "a boolean"),
    ] {
        let err = Event::from_json(payload.clone()).unwrap_err();
        assert!(matches!(err, EventError::NotAnObject(w) if w == what), "{payload}: {err:?}");
    }
}

#[test]
fn a_bad_integer_names_its_field() {
    let err = Event::from_json(json!({"event": "Answered", "agent_id": "seventeen", "crm_deal_id": "77"})).unwrap_err();
    let EventError::Field { event, path, source } = &err else { panic!("expected EventError::Field, got {err:?}") };
    assert_eq!(event, "Answered");
    assert_eq!(path, "agent_id");
    assert!(source.to_string().contains("seventeen"), "{source}");
    let message = err.to_string();
    assert!(message.starts_with("event `Answered`: field `agent_id`:"), "{message}");

    let err = Event::from_pairs([("event", "Leaving"), ("call_sip_code", "4xx")]).unwrap_err();
    assert!(
        matches!(&err, EventError::Field { event, path, .. } if event == "Leaving" && path == "call_sip_code"),
        "{err:?}"
    );
}

#[test]
fn a_bad_boolean_names_its_field() {
    let err = Event::from_pairs([("event", "Joined"), ("use_processing", "yes")]).unwrap_err();
    assert!(
        matches!(&err, EventError::Field { event, path, .. } if event == "Joined" && path == "use_processing"),
        "{err:?}"
    );
    assert!(err.to_string().contains("`true`/`false`/`1`/`0`"), "{err}");
}

#[test]
fn a_fractional_count_is_an_error() {
    let err = Event::from_json(json!({"event": "Answered", "call_duration": 61.5})).unwrap_err();
    assert!(matches!(&err, EventError::Field { path, .. } if path == "call_duration"), "{err:?}");
    // A whole number written as a fraction is fine.
    let event = Event::from_json(json!({"event": "Answered", "call_duration": 61.0})).unwrap();
    assert!(matches!(&event, Event::Answered(p) if p.call_duration == Some(61)), "{event:?}");
}

/// A template renders an empty variable as an empty string: a Joined event of an inbound queue
/// has no dialer attempt, so `attempt_id` is `""`. Today the whole event fails to decode.
#[test]
fn an_empty_form_value_is_no_value() {
    let event =
        Event::from_pairs([("event", "Joined"), ("channel", "call"), ("attempt_id", ""), ("use_processing", "")])
            .expect("empty values should decode as absent");
    let Event::Joined(p) = &event else { panic!("expected Joined, got {event:?}") };
    assert_eq!(p.attempt_id, None);
    assert_eq!(p.use_processing, None);
}

mod checks {
    use dataapi::queue::{Event, QueueType};
    use dataapi::runtime::EventProblem;

    fn answered(fields: &[(&str, &str)]) -> Event {
        let mut pairs = vec![("event", "Answered")];
        pairs.extend_from_slice(fields);
        Event::from_pairs(pairs).unwrap()
    }

    const FULL: [(&str, &str); 4] =
        [("channel", "call"), ("member_channel_id", "m-1"), ("agent_id", "17"), ("agent_channel_id", "a-1")];

    #[test]
    fn an_event_fits_the_queues_it_occurs_in() {
        let event = answered(&FULL);
        assert_eq!(event.check(Some(&QueueType::PreviewDialer)), Ok(()));
        assert_eq!(event.check(None), Ok(()));
        let problems = event.check(Some(&QueueType::InboundQueue)).unwrap_err();
        assert!(
            matches!(&problems[..], [EventProblem::WrongQueue { queue, .. }] if queue == "inbound_queue"),
            "{problems:?}"
        );
        assert!(problems[0].to_string().contains("occurs in preview_dialer, offline_queue"), "{}", problems[0]);
    }

    #[test]
    fn missed_and_processing_need_a_queue_with_an_agent() {
        for name in ["Missed", "Processing"] {
            let event = Event::from_pairs([("event", name)]).unwrap();
            let problems = event.check(Some(&QueueType::OutboundIvr)).unwrap_err();
            assert!(problems.iter().any(|p| matches!(p, EventProblem::WrongQueue { .. })), "{name}: {problems:?}");
            assert!(event.queues().iter().all(QueueType::with_agent), "{name}");
        }
    }

    #[test]
    fn required_fields_are_reported_when_absent() {
        let event = answered(&[("channel", "call"), ("agent_id", "17")]);
        // Reported in the docs' field order.
        assert_eq!(event.missing_fields(), ["agent_channel_id", "member_channel_id"]);
        let problems = event.check(Some(&QueueType::OfflineQueue)).unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[1].to_string().contains("`Answered` has no `member_channel_id`"), "{}", problems[1]);
        // Active carries what Answered carries.
        let active = Event::from_pairs([("event", "Active"), ("channel", "chat")]).unwrap();
        let mut missing = active.missing_fields();
        missing.sort_unstable();
        assert_eq!(missing, ["agent_channel_id", "agent_id", "member_channel_id"]);
    }
}
