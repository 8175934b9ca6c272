//! The access token and the `login.user` password never show in `Debug`, `Display`, errors
//! or validator reports; they go only into the serialized call, where the API needs them.

use dataapi::calls_report::Request;
use dataapi::runtime::{AccessToken, DateTime, validate};

const SECRET: &str = "SECRET-token-7f3a9c";

fn request() -> Request {
    let from = DateTime::from_ymd_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let till = DateTime::from_ymd_hms(2026, 12, 1, 0, 0, 0).unwrap(); // too long a range
    Request::new(from, till).token(SECRET).limit(0).fields(["id", "no_such_field"])
}

#[test]
fn debug_output_hides_the_token() {
    let r = request();
    assert!(!format!("{r:?}").contains(SECRET), "{r:?}");
    assert!(!format!("{:?}", r.to_rpc(1)).contains(SECRET));
    assert!(!format!("{:?}", AccessToken::new(SECRET)).contains(SECRET));
    assert!(!format!("{:#?}", r).contains(SECRET));
}

#[test]
fn validator_reports_never_quote_the_token() {
    let violations = request().validate().unwrap_err();
    assert!(violations.iter().count() >= 3, "{violations}");
    assert!(!violations.to_string().contains(SECRET));
    assert!(!format!("{violations:?}").contains(SECRET));
    // The same request checked as JSON.
    let params = serde_json::to_value(request()).unwrap();
    let violations = validate::params(&dataapi::calls_report::DESCRIPTOR, &params).unwrap_err();
    assert!(!violations.to_string().contains(SECRET));
}

#[test]
fn the_call_carries_it_where_the_api_reads_it() {
    let call = serde_json::to_value(request().to_rpc(1)).unwrap();
    assert_eq!(call["params"]["access_token"], SECRET);
}

const PASSWORD: &str = "PASSWORD-5e1d";

#[test]
fn login_and_session_hide_the_password_and_the_token() {
    use dataapi::runtime::login::Login;
    let login = Login::new("manager@example.com", PASSWORD);
    let shown = format!("{login:?} {login:#?} {:?} {}", login.to_rpc(7), login.password);
    assert!(!shown.contains(PASSWORD), "{shown}");
    assert_eq!(serde_json::to_value(login.to_rpc(7)).unwrap()["params"]["password"], PASSWORD);

    let reply = format!(
        r#"{{"jsonrpc":"2.0","id":7,"result":{{"data":{{"access_token":"{SECRET}","expire_at":1774000000,"app_id":42}}}}}}"#
    );
    let session = Login::decode_reply(reply.as_bytes()).unwrap();
    assert_eq!(session.access_token.expose(), SECRET);
    assert!(!format!("{session:?} {session:#?}").contains(SECRET));
}

/// The server echoes the request in an error's `data.params`, and may name the token as the
/// offending value: neither shows in the error's `Display` or `Debug`.
#[test]
fn errors_that_echo_the_request_mask_it() {
    let body = format!(
        r#"{{"jsonrpc":"2.0","id":1,"error":{{"code":-32001,"message":"Access token is invalid","data":{{
            "mnemonic":"access_token_invalid","field":"access_token","value":"{SECRET}",
            "params":{{"access_token":"{SECRET}","login":"me","password":"{PASSWORD}","date_from":"2026-03-01 00:00:00"}}}}}}}}"#
    );
    for error in [
        dataapi::runtime::Reply::<dataapi::calls_report::Row>::decode(body.as_bytes()).unwrap_err(),
        dataapi::runtime::login::Login::decode_reply(body.as_bytes()).unwrap_err(),
    ] {
        let shown = format!("{error} {error:?} {error:#?}");
        assert!(!shown.contains(SECRET) && !shown.contains(PASSWORD), "{shown}");
        // What is not secret is still there to debug with.
        assert!(shown.contains("access_token_invalid") && shown.contains("2026-03-01 00:00:00"), "{shown}");
        // And nothing is lost: the data keeps the values.
        let dataapi::runtime::ReplyError::Api(api) = error else { panic!("an API error") };
        assert_eq!(api.data.unwrap().params.unwrap()["password"], PASSWORD);
    }
}

#[test]
fn a_token_of_the_wrong_type_is_not_quoted() {
    for token in [serde_json::json!([SECRET]), serde_json::json!({"t": SECRET}), serde_json::json!(SECRET)] {
        let params = serde_json::json!({"access_token": token, "date_from": 5});
        let violations = validate::params(&dataapi::calls_report::DESCRIPTOR, &params).unwrap_err();
        assert!(!format!("{violations} {violations:?}").contains(SECRET), "{violations}");
    }
}

#[test]
fn a_token_sent_as_a_number_is_not_quoted_in_the_decode_error() {
    let reply = br#"{"jsonrpc":"2.0","id":1,"result":{"data":{"access_token":73194620518,"expire_at":1,"app_id":2}}}"#;
    let e = dataapi::runtime::login::Login::decode_reply(reply).unwrap_err();
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains("73194620518"), "{shown}");
    assert!(shown.contains("result.data.access_token"), "{shown}");
}

/// A request sent through the client asks for no token: without one, it validates and its
/// call carries none; a token set empty is reported.
#[test]
fn a_request_without_a_token_is_for_the_client() {
    let from = DateTime::from_ymd_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let till = DateTime::from_ymd_hms(2026, 3, 2, 0, 0, 0).unwrap();
    let bare = Request::new(from, till);
    bare.validate().expect("no token is needed to validate");
    let call = serde_json::to_value(bare.to_rpc(1)).unwrap();
    assert!(call["params"].get("access_token").is_none(), "{call}");
    let empty = Request::new(from, till).token("").validate().unwrap_err();
    assert!(empty.to_string().starts_with("access_token: required_parameter_missed"), "{empty}");
}
