//! The PostgreSQL target against a real server of the test's own (skipped without PostgreSQL,
//! unless `DATAAPI_REQUIRE_POSTGRES=1`).

mod support;

use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveDateTime};
use dataapi_runtime::DateTime;
use dataapi_sync::target::{Postgres, PostgresStream};
use dataapi_sync::{DayState, Error, Stream, StreamState, Target, TargetOptions, last_second};
use rust_decimal::Decimal;
use serde_json::value::RawValue;
use serde_json::{Value, json};
use support::postgres::TempPostgres;
use tokio_postgres::{Client, NoTls};

fn day(s: &str) -> NaiveDate {
    s.parse().expect("a date")
}

fn stream(fields: &[&str]) -> Stream {
    let fields: Vec<String> = fields.iter().map(|f| (*f).to_owned()).collect();
    Stream::new("acct", &dataapi::calls_report::DESCRIPTOR, day("2026-09-01")).fields(&fields)
}

fn rows(values: &[Value]) -> Vec<Box<RawValue>> {
    values.iter().map(|v| RawValue::from_string(v.to_string()).expect("JSON")).collect()
}

async fn client(pg: &TempPostgres) -> Client {
    let (client, connection) = tokio_postgres::connect(&pg.url(), NoTls).await.expect("a connection");
    tokio::spawn(connection);
    client
}

fn state_with(stream: &Stream, days: &[(&str, u64)]) -> StreamState {
    let mut state = StreamState::new(stream, "Europe/Moscow");
    for (d, rows) in days {
        let d = day(d);
        state.days.insert(
            d,
            DayState { till: last_second(d), as_of: DateTime(d.and_hms_opt(23, 59, 59).unwrap()), rows: *rows },
        );
    }
    state
}

async fn open(pg: &TempPostgres) -> Postgres {
    Postgres::open(&pg.url()).await.expect("the target opens")
}

const FIELDS: &[&str] = &["id", "start_time", "finish_reason", "sale_cost", "is_lost", "tags"];

#[tokio::test(flavor = "multi_thread")]
async fn days_are_replaced_whole_with_their_record() {
    let Some(pg) = TempPostgres::start() else { return };
    let target = open(&pg).await;
    let s = stream(FIELDS);
    assert_eq!(target.place(&s), "dataapi.calls_report");
    assert_eq!(target.peek(&s).await.expect("a read"), None, "nothing yet, and peeking creates nothing");
    let schemas: i64 = client(&pg)
        .await
        .query_one("SELECT count(*) FROM pg_namespace WHERE nspname = 'dataapi'", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(schemas, 0);
    let mut t = target.stream(&s).await.expect("the stream opens");
    assert_eq!(t.state().await.expect("a read"), None);

    let first = rows(&[
        json!({"id": 1, "start_time": "2026-09-01 10:00:00", "finish_reason": "subscriber_disconnects", "sale_cost": 12.5, "is_lost": false, "tags": [{"tag_id": 7, "tag_name": "vip", "tag_change_time": "2026-09-01 10:05:00"}]}),
        json!({"id": 2, "start_time": "2026-09-01 11:00:00", "finish_reason": "a_code_not_yet_known", "sale_cost": "99999999999999999999.99", "is_lost": true, "tags": []}),
        json!({"id": 3, "start_time": "2026-09-01 12:00:00", "finish_reason": null, "is_lost": null}),
    ]);
    let state1 = state_with(&s, &[("2026-09-01", 3)]);
    assert_eq!(t.replace_day(day("2026-09-01"), &first, &state1).await.expect("day 1"), 0, "every value fits");
    assert_eq!(t.state().await.expect("a read"), Some(state1));

    let again = rows(&[
        json!({"id": 1, "start_time": "2026-09-01 10:00:00", "finish_reason": "subscriber_disconnects", "sale_cost": "12.50", "is_lost": false, "tags": [{"tag_id": 7, "tag_name": "vip"}]}),
        json!({"id": "not a number", "start_time": "yesterday", "finish_reason": 5, "sale_cost": "a lot", "is_lost": "maybe", "tags": {"tag_id": 1}}),
    ]);
    let state2 = state_with(&s, &[("2026-09-01", 2), ("2026-09-02", 1)]);
    let misfits = t.replace_day(day("2026-09-01"), &again, &state2).await.expect("day 1 again");
    assert_eq!(misfits, 5, "id, start_time, sale_cost, is_lost and tags did not fit");
    let second = rows(&[
        json!({"id": 10, "start_time": "2026-09-02 00:00:01", "finish_reason": "timeout", "tags": [{"tag_id": "x"}]}),
    ]);
    assert_eq!(t.replace_day(day("2026-09-02"), &second, &state2).await.expect("day 2"), 1);
    assert_eq!(t.state().await.expect("a read"), Some(state2.clone()));
    assert_eq!(target.peek(&s).await.expect("a read"), Some(state2.clone()), "read without the lease");

    let db = client(&pg).await;
    let counts: Vec<(NaiveDate, i64)> = db
        .query("SELECT _dataapi_date, count(*) FROM dataapi.calls_report WHERE _dataapi_account = 'acct' GROUP BY 1 ORDER BY 1", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        counts,
        vec![(day("2026-09-01"), 2), (day("2026-09-02"), 1)],
        "the second replace replaced, not appended"
    );

    let row = db
        .query_one(
            "SELECT start_time, finish_reason, sale_cost, is_lost, tags, dataapi_mismatched FROM dataapi.calls_report WHERE id = 1",
            &[],
        )
        .await
        .unwrap();
    let start: NaiveDateTime = row.get(0);
    assert_eq!(start.to_string(), "2026-09-01 10:00:00");
    assert_eq!(row.get::<_, String>(1), "subscriber_disconnects");
    assert_eq!(row.get::<_, Decimal>(2), Decimal::new(1250, 2));
    assert!(!row.get::<_, bool>(3));
    assert_eq!(row.get::<_, Value>(4), json!([{"tag_id": 7, "tag_name": "vip"}]));
    assert_eq!(row.get::<_, Option<Value>>(5), None, "every value fit");

    // The values that do not fit are kept aside, by wire name, as sent.
    let row = db
        .query_one(
            "SELECT id, start_time, finish_reason, sale_cost, is_lost, tags, dataapi_mismatched FROM dataapi.calls_report \
             WHERE _dataapi_date = '2026-09-01' AND id IS NULL",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, Option<NaiveDateTime>>(1), None);
    assert_eq!(row.get::<_, Option<String>>(2).as_deref(), Some("5"), "a text column takes a number as written");
    assert_eq!(row.get::<_, Option<Decimal>>(3), None);
    assert_eq!(row.get::<_, Option<bool>>(4), None);
    assert_eq!(row.get::<_, Option<Value>>(5), None);
    assert_eq!(
        row.get::<_, Value>(6),
        json!({"id": "not a number", "start_time": "yesterday", "sale_cost": "a lot", "is_lost": "maybe", "tags": {"tag_id": 1}})
    );
    // An item of an array that does not fit its type puts the array aside.
    let row =
        db.query_one("SELECT tags, dataapi_mismatched FROM dataapi.calls_report WHERE id = 10", &[]).await.unwrap();
    assert_eq!(row.get::<_, Option<Value>>(0), None);
    assert_eq!(row.get::<_, Value>(1), json!({"tags": [{"tag_id": "x"}]}));

    // Unknown enum codes are kept.
    t.replace_day(day("2026-09-03"), &rows(&[json!({"id": 20, "finish_reason": "a_code_not_yet_known"})]), &state2)
        .await
        .unwrap();
    let code: String =
        db.query_one("SELECT finish_reason FROM dataapi.calls_report WHERE id = 20", &[]).await.unwrap().get(0);
    assert_eq!(code, "a_code_not_yet_known");

    // The comments: the fields' docs and the method.
    let doc: Option<String> = db
        .query_one("SELECT col_description('dataapi.calls_report'::regclass, attnum) FROM pg_attribute WHERE attrelid = 'dataapi.calls_report'::regclass AND attname = 'start_time'", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(doc.as_deref(), Some("When the call session began"));
    let doc: String =
        db.query_one("SELECT obj_description('dataapi.calls_report'::regclass, 'pg_class')", &[]).await.unwrap().get(0);
    assert!(doc.contains("get.calls_report"), "{doc}");
    let indexes: i64 = db
        .query_one("SELECT count(*) FROM pg_indexes WHERE schemaname = 'dataapi' AND tablename = 'calls_report'", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(indexes, 1);
    let types: Vec<(String, String)> = db
        .query(
            "SELECT column_name::text, data_type::text FROM information_schema.columns \
             WHERE table_schema = 'dataapi' AND table_name = 'calls_report' ORDER BY ordinal_position",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let shown: Vec<String> = types.iter().map(|(n, t)| format!("{n} {t}")).collect();
    assert_eq!(
        shown,
        [
            "_dataapi_account text",
            "_dataapi_date date",
            "id bigint",
            "start_time timestamp without time zone",
            "finish_reason text",
            "sale_cost numeric",
            "is_lost boolean",
            "tags jsonb",
            "dataapi_mismatched jsonb"
        ]
    );
    t.close().await.expect("closed");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stream_has_one_writer_at_a_time() {
    let Some(pg) = TempPostgres::start() else { return };
    let target = Target::open(&pg.url(), &TargetOptions::default()).await.expect("the target opens");
    let s = stream(&["id", "start_time"]);
    let first = target.stream(&s).await.expect("the first opens");
    match target.stream(&s).await {
        Err(Error::Busy { stream, holder }) => {
            assert_eq!(stream, "acct/get.calls_report");
            assert!(holder.contains("dataapi sync"), "{holder}");
        }
        other => panic!("not busy: {other:?}"),
    }
    // Another account's stream of the same table is not held.
    let mut other = s.clone();
    other.account = "other".into();
    target.stream(&other).await.expect("another account").close().await.unwrap();

    first.close().await.expect("closed");
    let second = target.stream(&s).await.expect("free after close");
    drop(second);
    // A dropped stream's connection ends, and the server lets go of its lease.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match target.stream(&s).await {
            Ok(t) => {
                t.close().await.unwrap();
                break;
            }
            Err(Error::Busy { .. }) if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(50)).await,
            Err(e) => panic!("still held after the drop: {e}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn new_fields_add_columns_and_tables_are_named() {
    let Some(pg) = TempPostgres::start() else { return };
    let target = open(&pg).await;
    let mut s = stream(&["id", "start_time"]);
    s.table = Some("warehouse.calls".into());
    assert_eq!(target.place(&s), "warehouse.calls");
    let mut t: PostgresStream = target.stream(&s).await.unwrap();
    let state = state_with(&s, &[("2026-09-01", 1)]);
    t.replace_day(day("2026-09-01"), &rows(&[json!({"id": 1, "start_time": "2026-09-01 10:00:00"})]), &state)
        .await
        .unwrap();
    t.close().await.unwrap();

    let mut wider = stream(&["id", "start_time", "is_lost", "employees"]);
    wider.table = Some("warehouse.calls".into());
    let mut t = target.stream(&wider).await.expect("more fields");
    assert_eq!(t.state().await.unwrap(), Some(state), "the record is in the table's schema");
    t.replace_day(
        day("2026-09-02"),
        &rows(&[
            json!({"id": 2, "start_time": "2026-09-02 10:00:00", "is_lost": true, "employees": [{"employee_id": 5}]}),
        ]),
        &state_with(&wider, &[("2026-09-01", 1), ("2026-09-02", 1)]),
    )
    .await
    .unwrap();
    t.close().await.unwrap();

    let db = client(&pg).await;
    let got: Vec<(i64, Option<bool>, Option<Value>)> = db
        .query("SELECT id, is_lost, employees FROM warehouse.calls ORDER BY id", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    assert_eq!(got, vec![(1, None, None), (2, Some(true), Some(json!([{"employee_id": 5}])))]);
    let records: i64 = db.query_one("SELECT count(*) FROM warehouse._dataapi_state", &[]).await.unwrap().get(0);
    assert_eq!(records, 1);

    // A column of another type is refused, not written into.
    db.batch_execute("ALTER TABLE warehouse.calls ALTER COLUMN is_lost TYPE text").await.unwrap();
    match target.stream(&wider).await {
        Err(Error::Target { message, .. }) => assert!(message.contains("is_lost"), "{message}"),
        other => panic!("not refused: {other:?}"),
    }
    // And the refused stream gave its lease back.
    db.batch_execute("ALTER TABLE warehouse.calls ALTER COLUMN is_lost TYPE boolean USING is_lost::boolean")
        .await
        .unwrap();
    target.stream(&wider).await.expect("free again").close().await.unwrap();

    for bad in ["calls; drop table x", "a.b.c", "1calls", ""] {
        let mut s = stream(&["id"]);
        s.table = Some(bad.into());
        if bad.is_empty() {
            // An empty name is the default table.
            assert_eq!(target.place(&s), "dataapi.calls_report");
            continue;
        }
        assert!(matches!(target.stream(&s).await, Err(Error::Invalid(_))), "{bad}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_is_not_there_is_named() {
    let Some(pg) = TempPostgres::start() else { return };
    let url = pg.url().replace("%2Fdataapi-pg", "%2Fnowhere-pg");
    match Postgres::open(&url).await {
        Err(Error::Target { place, message }) => {
            assert!(place.contains("nowhere-pg"), "{place}");
            assert!(message.contains("cannot connect"), "{message}");
        }
        other => panic!("opened: {other:?}"),
    }
    assert!(matches!(Postgres::open("postgres://a@b:notaport/x").await, Err(Error::Invalid(_))));
}
