//! The classic reports bundled from the vendor tables: each decodes a realistic reply (every
//! field, nested arrays, codes the schema does not know, nulls, keys it does not know) and
//! encodes it back; the language additions they need (brands, deprecated fields, aliases,
//! labels, date rules, conditional filters) work end to end.
//!
//! The fixtures `tests/fixtures/<method>_reply.json` hold two rows each: the first with every
//! field of the method filled in (nested arrays with two items), the second with `null` in
//! every scalar, empty arrays, a code added after the schema in every enum, and a key the
//! schema does not list.

use dataapi::errors::Mnemonic;
use dataapi::prelude::*;
use dataapi::runtime::{Brand, DateRange, DateTime, Decimal, Page, TypeDescriptor, validate};
use dataapi_tests::replies::{assert_rows_round_trip, decode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn dt(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime {
    DateTime::from_ymd_hms(y, mo, d, h, mi, s).expect("a valid date-time")
}

/// Decodes a fixture, checks that its first row has every field of the method and that every
/// row encodes back to its input (less `null`s and the unknown key), and returns the page.
fn decodes_and_round_trips<T: DeserializeOwned + Serialize>(
    body: &str,
    descriptor: &dataapi::runtime::MethodDescriptor,
) -> Page<T> {
    let page = decode::<T>(body);
    let reply: Value = serde_json::from_str(body).unwrap();
    let rows = reply["result"]["data"].as_array().expect("result.data is an array");
    assert_eq!(page.data.len(), rows.len(), "every row of the reply decodes");
    assert_eq!(page.metadata.total_items, Some(rows.len() as u64));
    let full = rows[0].as_object().unwrap();
    let names: Vec<&str> = descriptor.fields.iter().map(|f| f.name).collect();
    assert_eq!(full.keys().map(String::as_str).collect::<Vec<_>>().len(), names.len());
    for name in &names {
        assert!(full.contains_key(*name), "{}: the fixture's first row lacks `{name}`", descriptor.name);
    }
    assert_rows_round_trip(&page, body, &["field_added_later"]);
    page
}

/// Every `null` of the second row decoded to nothing: it encodes to no key at all.
fn null_row_is_empty<T: Serialize>(row: &T, keep: &[&str]) {
    let encoded = serde_json::to_value(row).unwrap();
    for key in encoded.as_object().unwrap().keys() {
        assert!(keep.contains(&key.as_str()), "`{key}` was null in the reply but encodes to a value");
    }
}

mod chats_report {
    use dataapi::chats_report::{
        Attribute, ChatChannelType, DESCRIPTOR, Initiator, ReleaseCause, Request, Row, Status, VisitorType, fields,
    };

    use super::*;

    const BODY: &str = include_str!("../fixtures/chats_report_reply.json");

    #[test]
    fn a_realistic_reply_decodes_and_round_trips() {
        let page = decodes_and_round_trips::<Row>(BODY, &DESCRIPTOR);
        let r = &page.data[0];
        assert_eq!(r.status, Some(Status::New));
        assert_eq!(r.initiator, Some(Initiator::Operator));
        assert_eq!(r.chat_channel_type, Some(ChatChannelType::Comagic));
        assert_eq!(r.release_cause, Some(ReleaseCause::ClosedByTimeout));
        assert_eq!(r.duration.as_deref(), Some("312"), "documented and sent as a string");
        assert_eq!(r.employee_rating, Some(5), "`employee_raiting` on the wire");
        assert_eq!(r.sale_date, Some(dt(2026, 3, 2, 10, 15, 0)), "read as YYYY-MM-DD, not the documented YYYY-DD-MM");
        assert_eq!(r.sale_cost, Some(Decimal::new(12505, 1)));
        assert_eq!(r.visitor_phone_number.as_deref(), Some("79161234567"));
        assert_eq!(r.visitor_ids.as_deref(), Some(&[4100010, 4100011][..]));
        assert_eq!(r.attributes.as_deref(), Some(&[Attribute::First, Attribute::Through][..]));
        assert_eq!(r.tags.as_ref().map(Vec::len), Some(2));
        assert_eq!(r.visitor_custom_properties.as_ref().unwrap()[0].property_value.as_deref(), Some("Москва"));
        let empty = &page.data[1];
        assert_eq!(empty.status, Some(Status::Unrecognized("code_added_later".into())));
        assert_eq!(empty.visitor_type, Some(VisitorType::Unrecognized("code_added_later".into())));
        assert_eq!(empty.tags.as_deref(), Some(&[][..]));
        null_row_is_empty(
            empty,
            &[
                "id",
                "status",
                "initiator",
                "communication_type",
                "chat_channel_type",
                "release_cause",
                "channel",
                "tags",
                "visitor_ids",
                "visitor_type",
                "visitor_device",
                "visitor_custom_properties",
                "segments",
                "attributes",
            ],
        );
    }

    #[test]
    fn the_employee_rating_is_written_as_the_wire_spells_it() {
        let row: Row = serde_json::from_value(json!({"employee_raiting": 4})).unwrap();
        assert_eq!(serde_json::to_value(&row).unwrap(), json!({"employee_raiting": 4}));
        assert_eq!(<fields::employee_rating as dataapi::runtime::Field>::NAME, "employee_raiting");
    }

    #[test]
    fn typed_filters_sorts_and_validation() {
        let request = Request::new(dt(2026, 3, 1, 0, 0, 0), dt(2026, 3, 31, 23, 59, 59))
            .token("token")
            .filter(Filter::all([
                fields::status.is_in([Status::Succeed, Status::Lost]),
                fields::chat_channel_type.eq(ChatChannelType::Whatsapp),
                fields::duration.eq("60".to_owned()),
            ]))
            .sort(fields::date_time.desc())
            .fields(["id", "status", "employee_raiting", "employee_raiting"]);
        request.validate().expect("valid");
        let params = serde_json::to_value(&request).unwrap();
        assert_eq!(params["filter"]["filters"][1]["value"], "whatsapp");
        // The page states no range: the general rule of 90 days.
        assert_eq!(DESCRIPTOR.limits.date_range, DateRange::General);
        let long = Request::new(dt(2026, 1, 1, 0, 0, 0), dt(2026, 4, 2, 0, 0, 0)).token("token");
        assert!(long.validate().unwrap_err().has("date_till", &Mnemonic::DateIntervalLimitReached));
    }
}

mod offline_messages_report {
    use dataapi::offline_messages_report::{DESCRIPTOR, FormType, Request, Row, Status, fields};

    use super::*;

    const BODY: &str = include_str!("../fixtures/offline_messages_report_reply.json");

    #[test]
    fn a_realistic_reply_decodes_and_round_trips() {
        let page = decodes_and_round_trips::<Row>(BODY, &DESCRIPTOR);
        let r = &page.data[0];
        assert_eq!(r.status, Some(Status::Processing));
        assert_eq!(r.form_type, Some(FormType::Custom));
        assert_eq!(r.is_agree_to_mailing, Some(true));
        assert_eq!(
            r.tags.as_ref().unwrap()[1].tag_type,
            Some(dataapi::offline_messages_report::TagType::Unrecognized("code_added_later".into()))
        );
        let empty = &page.data[1];
        assert_eq!(empty.form_type, Some(FormType::Unrecognized("code_added_later".into())));
        assert_eq!(empty.text, None);
    }

    #[test]
    fn form_type_keeps_its_labels_and_a_label_is_no_code() {
        let TypeDescriptor::Enum { labels, .. } = DESCRIPTOR.field("form_type").unwrap().ty else { panic!() };
        let custom = labels.iter().find(|l| l.code == "custom").unwrap();
        assert_eq!((custom.en, custom.ru), (Some("Custom"), Some("Пользовательская")));
        // A label the docs show, sent back as it came, decodes and round-trips as an unknown code.
        let row: Row = serde_json::from_value(json!({"form_type": "Стандартная"})).unwrap();
        assert_eq!(row.form_type, Some(FormType::Unrecognized("Стандартная".into())));
        assert_eq!(serde_json::to_value(&row).unwrap(), json!({"form_type": "Стандартная"}));
        // As a filter value, it is caught.
        let filter = json!({"field": "form_type", "operator": "=", "value": "Стандартная"});
        let problems = validate::filter(&DESCRIPTOR, &filter).unwrap_err();
        assert_eq!(
            problems.to_string(),
            "filter.value: invalid_parameter_value: \"Стандартная\" is how the docs label a value, not a code \
             (the code is believed to be `standard`)"
        );
    }

    #[test]
    fn typed_filters_sorts_and_validation() {
        let request = Request::new(dt(2026, 3, 1, 0, 0, 0), dt(2026, 3, 2, 0, 0, 0))
            .token("token")
            .include_tech_offline_messages(true)
            .filter(fields::form_type.eq(FormType::Standard))
            .sort(fields::form_name.asc());
        request.validate().expect("valid");
        assert_eq!(serde_json::to_value(&request).unwrap()["include_tech_offline_messages"], true);
        let bad = json!({"filter": {"field": "date_time", "operator": "=", "value": "2026-03-01 00:00:00"}});
        let problems = validate::filter(&DESCRIPTOR, &bad["filter"]).unwrap_err();
        assert!(problems.has("filter.field", &Mnemonic::FilterProhibited));
    }
}

mod call_legs_report {
    use dataapi::call_legs_report::{DESCRIPTOR, Direction, FinishReason, Request, Row, fields};

    use super::*;

    const BODY: &str = include_str!("../fixtures/call_legs_report_reply.json");
    const CALLGEAR: &str = include_str!("../fixtures/call_legs_report_callgear_reply.json");

    #[test]
    #[allow(deprecated)]
    fn a_realistic_reply_decodes_and_round_trips() {
        let page = decodes_and_round_trips::<Row>(BODY, &DESCRIPTOR);
        let r = &page.data[0];
        assert_eq!(r.finish_reason, Some(FinishReason::SubscriberDisconnects));
        assert_eq!(r.direction, Some(Direction::In));
        assert_eq!(r.is_transferred, Some(true), "`is_transfered` on the wire");
        assert_eq!(r.release_cause_code, Some(16));
        assert_eq!(r.call_records.as_ref().map(Vec::len), Some(2));
        assert_eq!(page.data[1].finish_reason, Some(FinishReason::Unrecognized("code_added_later".into())));
        assert_eq!(page.data[1].release_cause_code, None);
    }

    #[test]
    fn callgear_spellings_decode_to_the_same_variants_and_encode_in_the_comagic_spelling() {
        let page = decode::<Row>(CALLGEAR);
        let reasons: Vec<_> = page.data.iter().map(|r| r.finish_reason.clone().unwrap()).collect();
        assert_eq!(
            reasons,
            [
                FinishReason::SubscriberDisconnects,
                FinishReason::SubscriberBusy,
                FinishReason::SubscriberNotResponsible,
                FinishReason::SubscriberNumberProblems,
                FinishReason::OperatorNotResponsible,
                FinishReason::OperatorBusy,
            ]
        );
        let written: Vec<Value> =
            page.data.iter().map(|r| serde_json::to_value(r).unwrap()["finish_reason"].clone()).collect();
        assert_eq!(
            written,
            [
                "subscriber_disconnects",
                "subscriber_busy",
                "subscriber_not_responsible",
                "subscriber_number_problems",
                "operator_not_responsible",
                "operator_busy"
            ]
        );
        // Written in the CoMagic spelling, a row decodes to the same value again.
        for row in &page.data {
            let again: Row = serde_json::from_value(serde_json::to_value(row).unwrap()).unwrap();
            assert_eq!(&again, row);
        }
    }

    #[test]
    fn fields_of_one_brand_are_described_and_refused_for_the_other() {
        let comagic_only: Vec<&str> =
            DESCRIPTOR.fields.iter().filter(|f| !f.documented_for(Brand::CallGear)).map(|f| f.name).collect();
        assert_eq!(comagic_only, ["wav_call_records", "called_phone_number", "scenario_name", "action_id"]);
        assert_eq!(DESCRIPTOR.fields.iter().filter(|f| f.documented_for(Brand::CoMagic)).count(), 34);
        assert_eq!(DESCRIPTOR.fields.iter().filter(|f| f.documented_for(Brand::CallGear)).count(), 30);

        let request = Request::new(dt(2026, 3, 1, 0, 0, 0), dt(2026, 3, 2, 0, 0, 0))
            .token("token")
            .filter(fields::action_id.eq(5))
            .sort(fields::scenario_name.asc())
            .fields(["id", "wav_call_records"]);
        request.validate().expect("valid without a brand");
        request.validate_for(Brand::CoMagic).expect("valid for CoMagic");
        let problems = request.validate_for(Brand::CallGear).unwrap_err();
        assert_eq!(
            problems.to_string(),
            "\
fields[1]: unexpected_parameters: `wav_call_records` is documented by CoMagic only, not by CallGear
sort[0].field: sort_prohibited: `scenario_name` is documented by CoMagic only, not by CallGear
filter.field: filter_prohibited: `action_id` is documented by CoMagic only, not by CallGear"
        );
        let params = serde_json::to_value(&request).unwrap();
        assert_eq!(validate::params_for(&DESCRIPTOR, Some(Brand::CallGear), &params).unwrap_err(), problems);
    }

    #[test]
    fn deprecated_fields_are_described() {
        let deprecated: Vec<&str> = DESCRIPTOR.fields.iter().filter(|f| f.deprecated).map(|f| f.name).collect();
        assert_eq!(deprecated, ["release_cause_code", "release_cause_description"]);
        let text = DESCRIPTOR.to_string();
        assert!(text.contains("deprecated"), "{text}");
        assert!(text.contains("CoMagic only"), "{text}");
    }

    #[test]
    fn typed_filters_sorts_and_validation() {
        let request = Request::new(dt(2026, 3, 1, 0, 0, 0), dt(2026, 3, 2, 0, 0, 0))
            .token("token")
            .filter(Filter::any([
                fields::finish_reason.eq(FinishReason::OperatorBusy),
                fields::is_transferred.eq(true),
            ]))
            .sort(fields::call_session_id.desc());
        request.validate().expect("valid");
        let params = serde_json::to_value(&request).unwrap();
        assert_eq!(params["filter"]["filters"][1]["field"], "is_transfered");
    }
}

mod calls_report_finish_reason {
    use dataapi::calls_report::{FinishReason, Row};

    use super::*;

    #[test]
    fn the_92_codes_and_the_8_callgear_spellings() {
        assert_eq!(FinishReason::KNOWN.len(), 92);
        let pairs = [
            ("Sitephone_is_not_configured", FinishReason::SitephoneIsNotConfigured),
            ("employees_not_exists", FinishReason::EmployeeNotExists),
            ("caller_disconnects", FinishReason::SubscriberDisconnects),
            ("caller_busy", FinishReason::SubscriberBusy),
            ("caller_not_responsive", FinishReason::SubscriberNotResponsible),
            ("caller_number_problems", FinishReason::SubscriberNumberProblems),
            ("operator_not_responsive", FinishReason::OperatorNotResponsible),
            ("no_success_caller_call", FinishReason::NoSuccessSubscriberCall),
        ];
        for (callgear, variant) in pairs {
            let comagic = variant.as_str().to_owned();
            let row: Row = serde_json::from_value(json!({"finish_reason": callgear})).unwrap();
            assert_eq!(row.finish_reason.as_ref(), Some(&variant), "{callgear}");
            assert_eq!(comagic.as_str().parse::<FinishReason>().unwrap(), variant);
            assert_eq!(serde_json::to_value(&row).unwrap(), json!({"finish_reason": comagic}));
            assert!(variant.is_known());
        }
        // Codes new in the table.
        assert_eq!("numa_in_spam_list".parse::<FinishReason>().unwrap(), FinishReason::NumaInSpamList);
        assert_eq!(
            "too_many_identical_incoming_calls".parse::<FinishReason>().unwrap(),
            FinishReason::TooManyIdenticalIncomingCalls
        );
    }
}

mod goals_report {
    use dataapi::goals_report::{Channel, DESCRIPTOR, Request, Row, Source, Type, fields};

    use super::*;

    const BODY: &str = include_str!("../fixtures/goals_report_reply.json");

    #[test]
    fn a_realistic_reply_decodes_and_round_trips() {
        let page = decodes_and_round_trips::<Row>(BODY, &DESCRIPTOR);
        let r = &page.data[0];
        assert_eq!(r.r#type, Some(Type::TrackEvent));
        assert_eq!(r.source, Some(Source::YandexMetrika));
        assert_eq!(r.channel, Some(Channel::Display));
        assert_eq!(page.data[1].source, Some(Source::Unrecognized("code_added_later".into())));
    }

    #[test]
    fn typed_filters_sorts_and_validation() {
        let request = Request::new(dt(2026, 3, 1, 0, 0, 0), dt(2026, 3, 2, 0, 0, 0))
            .token("token")
            .filter(Filter::all([fields::r#type.eq(Type::PpcGoal), fields::source.is_in([Source::Comagic])]))
            .sort(fields::name.asc());
        request.validate().expect("valid");
        let problems = validate::sort(&DESCRIPTOR, &json!([{"field": "type"}])).unwrap_err();
        assert!(problems.has("sort[0].field", &Mnemonic::SortProhibited));
    }
}

mod visitor_sessions_report {
    use dataapi::visitor_sessions_report::{CommunicationType, DESCRIPTOR, Engine, Request, Row, fields};

    use super::*;

    const BODY: &str = include_str!("../fixtures/visitor_sessions_report_reply.json");

    #[test]
    fn a_realistic_reply_decodes_and_round_trips() {
        let page = decodes_and_round_trips::<Row>(BODY, &DESCRIPTOR);
        let r = &page.data[0];
        assert_eq!(r.engine, Some(Engine::YandexDirect));
        let campaign = r.integrated_campaign_data.as_ref().unwrap();
        assert_eq!(campaign.yandex_region_id.as_deref(), Some("213"));
        assert_eq!(campaign.banner_id.as_deref(), Some("771"));
        let hits = r.hits.as_ref().unwrap();
        assert_eq!(hits.len(), 2);
        assert_eq!(hits[0].hit_url.as_deref(), Some("https://shop.example.ru/sofas"));
        let communications = r.communications.as_ref().unwrap();
        assert_eq!(communications[0].communication_type, Some(CommunicationType::Call));
        assert_eq!(
            communications[1].communication_type,
            Some(CommunicationType::Unrecognized("code_added_later".into()))
        );
    }

    #[test]
    fn ad_system_ids_and_hit_durations_decode_from_numbers_too() {
        let row: Row = serde_json::from_value(json!({
            "integrated_campaign_data": {"keyword_id": 9981},
            "hits": [{"hit_duration": 35}]
        }))
        .unwrap();
        assert_eq!(row.integrated_campaign_data.unwrap().keyword_id.as_deref(), Some("9981"));
        assert_eq!(row.hits.unwrap()[0].hit_duration.as_deref(), Some("35"));
    }

    #[test]
    fn typed_filters_sorts_and_validation() {
        let request = Request::new(dt(2026, 3, 1, 0, 0, 0), dt(2026, 3, 31, 0, 0, 0))
            .token("token")
            .filter(fields::visitor_browser_name.like("Chrome%"))
            .sort(fields::visitor_language.asc());
        request.validate().expect("valid");
        // Visits: 31 days per request.
        let long = Request::new(dt(2026, 3, 1, 0, 0, 0), dt(2026, 4, 2, 0, 0, 0)).token("token");
        assert!(long.validate().unwrap_err().has("date_till", &Mnemonic::DateIntervalLimitReached));
    }
}

mod financial_call_legs_report {
    use dataapi::financial_call_legs_report::{DESCRIPTOR, DirectionType, Request, Row, Source, fields};

    use super::*;

    const BODY: &str = include_str!("../fixtures/financial_call_legs_report_reply.json");

    #[test]
    fn a_realistic_reply_decodes_and_round_trips() {
        let page = decodes_and_round_trips::<Row>(BODY, &DESCRIPTOR);
        let r = &page.data[0];
        assert_eq!(r.source, Some(Source::Callapi));
        assert_eq!(r.direction_type, Some(DirectionType::International));
        assert_eq!(r.total_charge, Some(Decimal::new(235, 2)));
        assert_eq!(page.data[1].direction_type, Some(DirectionType::Unrecognized("code_added_later".into())));
    }

    #[test]
    fn typed_filters_sorts_and_validation() {
        let request = Request::new(dt(2026, 3, 1, 0, 0, 0), dt(2026, 3, 2, 0, 0, 0))
            .token("token")
            .filter(Filter::all([fields::total_charge.gt(Decimal::new(1, 0)), fields::source.eq(Source::Sip)]))
            .sort(fields::start_time.asc());
        request.validate().expect("valid");
    }
}

mod chat_messages_report {
    use dataapi::chat_messages_report::{ChannelType, DESCRIPTOR, Request, Row, Source, fields};

    use super::*;

    const BODY: &str = include_str!("../fixtures/chat_messages_report_reply.json");

    #[test]
    fn a_realistic_reply_decodes_and_round_trips() {
        let page = decodes_and_round_trips::<Row>(BODY, &DESCRIPTOR);
        let r = &page.data[0];
        assert_eq!(r.source, Some(Source::System));
        assert_eq!(r.channel_type, Some(ChannelType::Comagic));
        let resource = r.resource.as_ref().unwrap();
        assert_eq!(resource.size, Some(20480));
        assert_eq!(resource.mime_type.as_deref(), Some("application/pdf"));
        assert_eq!(page.data[1].resource, None);
    }

    #[test]
    fn a_request_names_a_chat_some_chats_or_a_period_of_at_most_30_days() {
        let from = dt(2026, 3, 1, 0, 0, 0);
        Request::without_dates().token("token").chat_id(7).validate().expect("one chat");
        Request::without_dates().token("token").chat_ids(vec![7, 8]).validate().expect("some chats");
        Request::without_dates().token("token").dates(from, dt(2026, 3, 31, 0, 0, 0)).validate().expect("30 days");
        Request::without_dates()
            .token("token")
            .chat_id(7)
            .dates(from, dt(2026, 3, 2, 0, 0, 0))
            .validate()
            .expect("both");
        let none = Request::without_dates().token("token").validate().unwrap_err();
        assert_eq!(
            none.to_string(),
            "chat_id: required_parameter_missed: get.chat_messages_report needs `chat_id` or `chat_ids` or \
             `date_from` and `date_till`"
        );
        let long = Request::without_dates().token("token").dates(from, dt(2026, 4, 1, 0, 0, 1)).validate().unwrap_err();
        assert!(long.has("date_till", &Mnemonic::DateIntervalLimitReached));
        // Without dates the request has none on the wire.
        let params = serde_json::to_value(Request::without_dates().token("token").chat_id(7)).unwrap();
        assert_eq!(params, json!({"access_token": "token", "chat_id": 7}));
        // The same rules for JSON input, where one date alone is also caught.
        validate::params(&DESCRIPTOR, &params).expect("valid JSON");
        let half = json!({"access_token": "t", "date_from": "2026-03-01 00:00:00"});
        let problems = validate::params(&DESCRIPTOR, &half).unwrap_err();
        assert!(problems.has("date_till", &Mnemonic::RequiredParameterMissed), "{problems}");
        assert!(problems.has("chat_id", &Mnemonic::RequiredParameterMissed), "{problems}");
    }

    #[test]
    fn the_channel_is_filtered_only_with_a_period_or_a_chat() {
        let by_channel = fields::channel_type.eq(ChannelType::Telegram);
        let alone = Request::without_dates().token("token").chat_ids(vec![1]).filter(by_channel.clone());
        alone.validate().expect("chat_ids counts");
        // Filtering on the channel with no chat and no period: the chat rule of the request
        // is met by a filter on `chat_id`, the channel rule as well.
        let with_chat_filter = json!({"access_token": "t", "chat_ids": [1], "filter": {"filters": [
            {"field": "channel_id", "operator": "=", "value": 5},
            {"field": "chat_id", "operator": "=", "value": 9}
        ], "condition": "and"}});
        validate::params(&DESCRIPTOR, &with_chat_filter).expect("valid");
        let without = json!({"access_token": "t", "chat_ids": [1],
            "filter": {"field": "channel_type", "operator": "=", "value": "telegram"}});
        validate::params(&DESCRIPTOR, &without).expect("chat_ids is a companion");
        // A request whose only narrowing is the channel filter.
        let bare =
            json!({"access_token": "t", "filter": {"field": "channel_type", "operator": "=", "value": "telegram"}});
        let problems = validate::params(&DESCRIPTOR, &bare).unwrap_err();
        assert_eq!(
            problems.to_string(),
            "\
chat_id: required_parameter_missed: get.chat_messages_report needs `chat_id` or `chat_ids` or `date_from` and `date_till`
filter: invalid_parameters_combination: `channel_type` can be filtered only together with one of `date_from`, `chat_id`, `chat_ids`"
        );
        let typed = Request::without_dates().token("token").filter(by_channel).validate().unwrap_err();
        assert!(typed.has("filter", &Mnemonic::InvalidParametersCombination), "{typed}");
    }
}

mod chat_channels {
    use dataapi::chat_channels::{DESCRIPTOR, Request, Row, Status, Type, fields};

    use super::*;

    const BODY: &str = include_str!("../fixtures/chat_channels_reply.json");

    #[test]
    fn a_realistic_reply_decodes_and_round_trips() {
        let page = decodes_and_round_trips::<Row>(BODY, &DESCRIPTOR);
        let r = &page.data[0];
        assert_eq!(r.r#type, Some(Type::Comagic));
        assert_eq!(r.status, Some(Status::Active));
        assert_eq!(r.channel_external_id.as_deref(), Some("+79161234567"));
        assert_eq!(page.data[1].status, Some(Status::Unrecognized("code_added_later".into())));
    }

    #[test]
    fn a_list_without_dates() {
        assert_eq!(DESCRIPTOR.limits.date_range, DateRange::NoDates);
        let request = Request::without_dates()
            .token("token")
            .filter(fields::r#type.eq(Type::Telegram))
            .sort(fields::name.asc())
            .limit(100);
        request.validate().expect("valid");
        let params = serde_json::to_value(&request).unwrap();
        assert!(params.get("date_from").is_none());
        validate::params(&DESCRIPTOR, &params).expect("valid JSON");
        let dated =
            json!({"access_token": "t", "date_from": "2026-03-01 00:00:00", "date_till": "2026-03-02 00:00:00"});
        let problems = validate::params(&DESCRIPTOR, &dated).unwrap_err();
        assert!(problems.has("date_from", &Mnemonic::UnexpectedParameters), "{problems}");
        assert!(problems.has("date_till", &Mnemonic::UnexpectedParameters), "{problems}");
    }
}

/// The API accepts a name listed twice in `fields`, and so does the validator.
#[test]
fn repeated_field_names_are_accepted() {
    let fields = json!(["id", "scenario_name", "scenario_name"]);
    validate::fields(&dataapi::call_legs_report::DESCRIPTOR, &fields).expect("repeats are fine");
    let request = dataapi::calls_report::Request::new(dt(2026, 3, 1, 0, 0, 0), dt(2026, 3, 2, 0, 0, 0))
        .token("t")
        .fields(["id", "id"]);
    request.validate().expect("repeats are fine");
}

/// Every bundled method has a descriptor, and the twelve are those of `check` (`get.account`
/// the twelfth).
#[test]
fn twelve_methods_are_bundled() {
    let names: Vec<&str> = dataapi::METHODS.iter().map(|m| m.name).collect();
    assert_eq!(names.len(), 12, "{names:?}");
    assert!(names.contains(&"get.account"), "{names:?}");
}
