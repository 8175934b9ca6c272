//! Hostile input never panics: mutated and arbitrary schema files give `Ok` or located
//! errors; mutated and truncated replies give a row or a typed error that says where; events
//! from any JSON or form pairs decode or say why. The promises are those of
//! `dataapi_tests::hostile`, which the fuzz targets hold input to as well.

use dataapi::runtime::Reply;
use dataapi_codegen::{FileKind, SchemaFiles, Source};
use dataapi_tests::hostile::{self, mutate};
use proptest::prelude::*;

fn yamlish() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,40}",
        "[-:{}\\[\\],&*!|>'\"#% \\n a-z0-9]{0,80}",
        Just("&a [*a, *a]".to_owned()),
        Just("{method: get.x, method: get.y}".to_owned()),
        Just("- [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[".to_owned()),
        Just("fields: 12345678901234567890123456789".to_owned()),
        Just(format!("fields: {}", "[".repeat(300))),
        Just("a: 1\ra: 2\r\nb: *x".to_owned()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn mutated_bundled_schemas_load_or_give_located_errors(
        file in 0usize..16, kind in any::<u8>(), at in 0.0f64..1.0, extra in yamlish()
    ) {
        let mut sources = SchemaFiles::bundled().sources;
        let n = file % sources.len();
        sources[n].text = mutate(&sources[n].text, kind, at, &extra);
        hostile::schema_sources(&sources);
    }

    #[test]
    fn arbitrary_text_in_any_file_kind_never_panics(text in yamlish(), kind in 0usize..5) {
        let (name, kind) = [
            ("enums.yaml", FileKind::Enums),
            ("operators.yaml", FileKind::Operators),
            ("errors.yaml", FileKind::Errors),
            ("methods/get.x.yaml", FileKind::Method),
            ("events/x.yaml", FileKind::Events),
        ][kind];
        let mut sources = SchemaFiles::bundled().sources;
        sources.push(Source { name: name.into(), kind, text });
        hostile::schema_sources(&sources);
    }

    /// Any bytes as a schema file of any kind, invalid UTF-8 included.
    #[test]
    fn arbitrary_bytes_as_a_schema_file(kind in any::<u8>(), text in yamlish(), bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
        let mut data = vec![kind];
        data.extend_from_slice(text.as_bytes());
        data.extend_from_slice(&bytes);
        hostile::schema_file(&data);
    }
}

const CALLS: &str = include_str!("../fixtures/calls_report_reply.json");

/// The fixture with one JSON value replaced: a number where a string was, a string where a
/// number was, a huge or negative number, `null`, a deep array, or cut short.
fn mutate_reply(kind: u8, at: f64) -> String {
    let cut = ((CALLS.len() as f64) * at) as usize;
    let mut cut = cut.min(CALLS.len());
    while !CALLS.is_char_boundary(cut) {
        cut -= 1;
    }
    let (head, tail) = CALLS.split_at(cut);
    // The next `": ` value after the cut.
    let Some(colon) = tail.find(": ") else { return head.to_owned() };
    let value_start = cut + colon + 2;
    let rest = &CALLS[value_start..];
    let value_end = value_start + rest.find([',', '\n', '}']).unwrap_or(rest.len());
    let replacement = match kind % 8 {
        0 => "\"text\"".to_owned(),
        1 => "123".to_owned(),
        2 => "-5".to_owned(),
        3 => "1e400".to_owned(),
        4 => "null".to_owned(),
        5 => format!("{}{}", "[".repeat(200), "]".repeat(200)),
        6 => "18446744073709551616".to_owned(),
        _ => return head.to_owned(),
    };
    format!("{}{replacement}{}", &CALLS[..value_start], &CALLS[value_end..])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn mutated_replies_decode_or_name_the_place(kind in any::<u8>(), at in 0.0f64..1.0) {
        let body = mutate_reply(kind, at);
        if let Err(dataapi::runtime::ReplyError::Decode { path, source }) =
            Reply::<dataapi::calls_report::Row>::decode(body.as_bytes())
        {
            // A body that is still JSON but has a wrong value says where that value is.
            if serde_json::from_str::<serde_json::Value>(&body).is_ok() {
                prop_assert!(!path.is_empty(), "no path for: {source}");
            }
        }
        // Every method's rows and the user struct: rows that decode survive a round trip.
        hostile::reply(body.as_bytes());
    }

    #[test]
    fn arbitrary_bytes_as_a_reply_or_an_event(body in proptest::collection::vec(any::<u8>(), 0..200)) {
        hostile::reply(&body);
        hostile::event(&body);
    }

    /// Form pairs with the family's keys and any values, and JSON objects of any values.
    #[test]
    fn events_from_any_pairs(
        pairs in proptest::collection::vec((event_key(), "\\PC{0,12}|[0-9]{1,25}|true|false|"), 0..8),
        json in any::<bool>(),
    ) {
        let mut data = vec![u8::from(!json)];
        if json {
            let map: serde_json::Map<String, serde_json::Value> =
                pairs.into_iter().map(|(k, v)| (k, serde_json::Value::String(v))).collect();
            data.extend(serde_json::to_vec(&map).unwrap());
        } else {
            let text: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            data.extend(text.join("&").into_bytes());
        }
        hostile::event(&data);
    }
}

/// Keys of queue event payloads: the event key, real field names, and others.
fn event_key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("event".to_owned()),
        proptest::sample::select(vec![
            "channel",
            "attempt_id",
            "destination",
            "use_processing",
            "agent_id",
            "agent_channel_id",
            "member_channel_id",
            "cc_result",
            "amd_result",
            "queue_type"
        ])
        .prop_map(str::to_owned),
        "[a-z_]{1,10}",
    ]
}

/// Deep nesting is refused at the place it gets too deep (libyaml would take time quadratic
/// in the depth to say less), and a huge file of valid fields loads.
#[test]
fn deep_and_huge_documents() {
    let bundled = SchemaFiles::bundled().sources;
    let base = || bundled.iter().filter(|s| s.kind != FileKind::Method).cloned().collect::<Vec<_>>();
    for depth in [100, 300, 100_000] {
        let mut sources = base();
        let text = format!("method: get.deep\nfields: {}{}\n", "[".repeat(depth), "]".repeat(depth));
        sources.push(Source { name: "methods/get.deep.yaml".into(), kind: FileKind::Method, text });
        let diags = dataapi_codegen::load_sources(&sources).unwrap_err();
        let first = diags.iter().next().unwrap();
        assert!(first.message.contains("nests too deep here"), "{diags}");
        assert_eq!(first.location.map(|l| l.line), Some(2));
        hostile::schema_sources(&sources);
    }
    let mut sources = base();
    let fields: String = (0..5_000).map(|i| format!("  - {{name: field_{i}, type: string}}\n")).collect();
    let text = format!(
        "method: get.huge\ntitle: {{en: Huge}}\naccess: [partner]\nweight: 1\nkind: report\nlimits:\n  \
         date_range_days: 90\n  limit: {{default: 1, max: 2}}\n  offset: {{default: 0, max: 1}}\nfields:\n{fields}"
    );
    sources.push(Source { name: "methods/get.huge.yaml".into(), kind: FileKind::Method, text });
    let schema = dataapi_codegen::load_sources(&sources).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(schema.method("get.huge").unwrap().fields.len(), 5_000);
}
