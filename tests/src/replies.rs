//! What the reply tests share: decoding a fixture, and checking that rows encode back to it.

use dataapi::runtime::{Page, Reply};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Decodes a reply body into its page; panics with the error where it does not decode.
pub fn decode<T: DeserializeOwned>(body: &str) -> Page<T> {
    Reply::<T>::decode(body.as_bytes()).unwrap_or_else(|e| panic!("the reply should decode: {e}"))
}

/// Removes, at every depth, the keys whose value is `null` and the keys named in `unknown`.
pub fn strip(value: &mut Value, unknown: &[&str]) {
    match value {
        Value::Object(map) => {
            map.retain(|k, v| !v.is_null() && !unknown.contains(&k.as_str()));
            map.values_mut().for_each(|v| strip(v, unknown));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| strip(v, unknown)),
        _ => {}
    }
}

/// Every decoded row encodes back to its input row, less the `unknown` keys and nulls.
#[track_caller]
pub fn assert_rows_round_trip<T: Serialize>(page: &Page<T>, body: &str, unknown: &[&str]) {
    let reply: Value = serde_json::from_str(body).unwrap();
    let rows = reply["result"]["data"].as_array().expect("result.data is an array");
    assert_eq!(page.data.len(), rows.len(), "every row of the reply decodes");
    for (i, (row, input)) in page.data.iter().zip(rows).enumerate() {
        let mut expected = input.clone();
        strip(&mut expected, unknown);
        let actual = serde_json::to_value(row).unwrap();
        assert_eq!(actual, expected, "row {i} does not encode back to its input");
    }
}
