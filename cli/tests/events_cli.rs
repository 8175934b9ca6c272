//! `dataapi events` as a process: the eight queue events as JSON bodies, form bodies and query
//! strings are written as JSON lines that decode to the same events; an unknown event is kept
//! with every key; events that do not fit the schema and hostile bodies (huge, malformed, deeply
//! nested, of another type) get a 4xx with the reason and write nothing.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::Duration;

use common::{dataapi, serve};
use dataapi::queue::Event;
use serde_json::{Value, json};

/// A receiver process, stopped when dropped.
struct Receiver {
    child: Child,
    addr: String,
}

impl Receiver {
    fn start(out: &Path, extra: &[&str]) -> Self {
        let mut command = dataapi();
        command.args(["events", "--addr", "127.0.0.1:0", "--out"]).arg(out).args(extra);
        let (child, first) = serve(command);
        let addr = first.trim_start_matches("http://").trim_end_matches('/').to_owned();
        Receiver { child, addr }
    }

    /// Sends one request; returns the status and the answer's body.
    fn send(&self, method: &str, target: &str, content_type: Option<&str>, body: &[u8]) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", self.addr);
        if let Some(t) = content_type {
            head.push_str(&format!("Content-Type: {t}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
        // The receiver may answer (413) before it has read a huge body.
        let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body));
        let mut all = Vec::new();
        let _ = stream.read_to_end(&mut all);
        let all = String::from_utf8_lossy(&all).into_owned();
        let status = all.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        (status, all.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default())
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("events_cli").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One payload of each of the eight events, with the fields it always carries and a variable.
fn eight() -> Vec<Value> {
    let with_agent = |name: &str| {
        json!({"event": name, "channel": "call", "agent_channel_id": "cc-agent-1", "member_channel_id": "cc-member-2",
            "agent_id": 17, "call_duration": "61", "crm_deal_id": "77", "note": "a & b = c?"})
    };
    let member_only =
        |name: &str| json!({"event": name, "channel": "chat", "member_channel_id": "cc-member-3", "crm_deal_id": "78"});
    vec![
        member_only("Joined"),
        with_agent("Answered"),
        with_agent("Offering"),
        with_agent("Bridged"),
        with_agent("Missed"),
        member_only("Leaving"),
        with_agent("Processing"),
        with_agent("Active"),
    ]
}

/// The payload as `key=value&…`, every value as the text a template renders.
fn encoded(payload: &Value) -> String {
    let mut out = String::new();
    for (k, v) in payload.as_object().unwrap() {
        let text = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if !out.is_empty() {
            out.push('&');
        }
        let escape = |s: &str| -> String {
            s.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
                    b' ' => "+".to_owned(),
                    _ => format!("%{b:02X}"),
                })
                .collect()
        };
        out.push_str(&format!("{}={}", escape(k), escape(&text)));
    }
    out
}

fn written(out: &Path) -> Vec<Event> {
    std::fs::read_to_string(out)
        .unwrap_or_default()
        .lines()
        .map(|l| Event::from_json(serde_json::from_str(l).unwrap()).unwrap())
        .collect()
}

#[test]
fn the_eight_events_as_json_form_and_query_are_written_as_decoded() {
    let dir = scratch("eight");
    let out = dir.join("events.ndjson");
    let receiver = Receiver::start(&out, &[]);
    let mut expected = Vec::new();
    for payload in eight() {
        let event = Event::from_json(payload.clone()).unwrap();
        let name = event.name().to_owned();
        let body = payload.to_string();
        let (status, text) = receiver.send("POST", "/", Some("application/json"), body.as_bytes());
        assert_eq!((status, text.trim()), (200, format!("accepted {name}").as_str()), "JSON {name}");
        let form = encoded(&payload);
        let (status, text) =
            receiver.send("POST", "/hook", Some("application/x-www-form-urlencoded; charset=utf-8"), form.as_bytes());
        assert_eq!(status, 200, "form {name}: {text}");
        let (status, text) = receiver.send("GET", &format!("/hook?{form}"), None, b"");
        assert_eq!(status, 200, "query {name}: {text}");
        // Form and query values are strings; they decode to the same event.
        expected.extend([event.clone(), event.clone(), event]);
    }
    let got = written(&out);
    assert_eq!(got.len(), 24);
    assert!(got == expected, "every event is written as it was decoded, variables included");
    assert_eq!(got[0].to_json()["crm_deal_id"], "78");
    assert_eq!(got[4].to_json()["note"], "a & b = c?");

    // An event this schema does not know is kept with every key.
    let unknown = json!({"event": "Transferred", "channel": "call", "to": "cc-agent-9", "crm_deal_id": "79"});
    let (status, _) = receiver.send("POST", "/", Some("application/json"), unknown.to_string().as_bytes());
    assert_eq!(status, 200);
    let last = written(&out).pop().unwrap();
    assert_eq!(last.name(), "Transferred");
    assert_eq!(last.to_json(), unknown);
}

/// A request (method, target, content type, body) and its expected status and reason.
type Case<'a> = (&'a str, &'a str, Option<&'a str>, Vec<u8>, u16, &'a str);

#[test]
fn bad_and_hostile_requests_get_a_4xx_with_the_reason_and_write_nothing() {
    let dir = scratch("hostile");
    let out = dir.join("events.ndjson");
    let receiver = Receiver::start(&out, &["--queue-type", "inbound_queue", "--max-body", "4096"]);
    let json_type = Some("application/json");
    let mut deep = String::from(r#"{"event":"Joined","x":"#);
    deep.push_str(&"[".repeat(3_000));
    let huge = format!(r#"{{"event":"Joined","x":"{}"}}"#, "a".repeat(1 << 20));
    let cases: Vec<Case> = vec![
        ("POST", "/", json_type, br#"{"event":"Joined","channel":"call""#.to_vec(), 400, "not JSON"),
        ("POST", "/", json_type, deep.into_bytes(), 400, "not JSON"),
        ("POST", "/", json_type, huge.into_bytes(), 413, "4096"),
        ("POST", "/", json_type, b"[1,2]".to_vec(), 400, "an array, not an object"),
        ("POST", "/", json_type, br#"{"channel":"call"}"#.to_vec(), 400, "no event name"),
        ("POST", "/", Some("text/xml"), b"<event/>".to_vec(), 415, "text/xml"),
        ("POST", "/", None, b"".to_vec(), 400, "no event"),
        ("PUT", "/", json_type, b"{}".to_vec(), 405, "POST"),
        (
            "POST",
            "/",
            json_type,
            br#"{"event":"Bridged","channel":"call","agent_channel_id":"a","member_channel_id":"m","agent_id":"seventeen"}"#
                .to_vec(),
            400,
            "agent_id",
        ),
        (
            "POST",
            "/",
            json_type,
            br#"{"event":"Bridged","channel":"call","agent_channel_id":"a","member_channel_id":"m"}"#.to_vec(),
            422,
            "has no `agent_id`",
        ),
        (
            "POST",
            "/",
            json_type,
            br#"{"event":"Answered","channel":"call","agent_channel_id":"a","member_channel_id":"m","agent_id":1}"#
                .to_vec(),
            422,
            "does not occur in a `inbound_queue` queue",
        ),
        ("GET", "/?event=Joined&%ZZ", None, b"".to_vec(), 422, "member_channel_id"),
    ];
    for (method, target, content_type, body, status, reason) in cases {
        let (got, text) = receiver.send(method, target, content_type, &body);
        assert_eq!(got, status, "{method} {target} {content_type:?}: {text}");
        assert!(text.contains(reason), "`{reason}` in the answer `{text}`");
    }
    assert!(written(&out).is_empty(), "nothing was written");
    // The receiver still works.
    let ok = json!({"event": "Joined", "channel": "call", "member_channel_id": "m"});
    assert_eq!(receiver.send("POST", "/", json_type, ok.to_string().as_bytes()).0, 200);
    assert_eq!(written(&out).len(), 1);
}

/// Killed in the middle of a burst from several clients, the receiver has lost none of the
/// events it acknowledged: each 200 came after its line was on disk.
#[test]
fn a_kill_during_a_burst_loses_no_acknowledged_event() {
    let dir = scratch("burst");
    let out = dir.join("events.ndjson");
    let mut receiver = Receiver::start(&out, &[]);
    let addr = receiver.addr.clone();
    let senders: Vec<_> = (0..4)
        .map(|t| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let mut acknowledged = Vec::new();
                for n in 0..2_000 {
                    let id = format!("t{t}-{n}");
                    let body = json!({"event": "Joined", "channel": "call", "member_channel_id": "m", "crm_deal_id": id})
                        .to_string();
                    let head = format!(
                        "POST / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                        body.len()
                    );
                    let Ok(mut stream) = TcpStream::connect(&addr) else { break };
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                    if stream.write_all(format!("{head}{body}").as_bytes()).is_err() {
                        break;
                    }
                    let mut reply = String::new();
                    let _ = stream.read_to_string(&mut reply);
                    if reply.starts_with("HTTP/1.1 200") {
                        acknowledged.push(id);
                    } else if reply.is_empty() {
                        break;
                    }
                }
                acknowledged
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(400));
    let _ = receiver.child.kill();
    let _ = receiver.child.wait();
    let acknowledged: Vec<String> = senders.into_iter().flat_map(|s| s.join().unwrap()).collect();
    assert!(
        acknowledged.len() >= 20,
        "the burst was under way when the receiver was killed: {} acknowledged",
        acknowledged.len()
    );
    assert!(acknowledged.len() < 8_000, "the receiver was killed before the burst ended");
    // A line being written when the process died may be cut short; it was not acknowledged.
    let text = std::fs::read_to_string(&out).unwrap();
    let on_disk: std::collections::HashSet<String> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| v["crm_deal_id"].as_str().map(str::to_owned))
        .collect();
    let lost: Vec<_> = acknowledged.iter().filter(|id| !on_disk.contains(*id)).take(5).collect();
    assert!(lost.is_empty(), "acknowledged but not on disk: {lost:?}");
}
