//! `dataapi events` as a process: the eight queue events as JSON bodies, form bodies and query
//! strings are written as JSON lines that decode to the same events; an unknown event is kept
//! with every key; events that do not fit the schema and hostile bodies (huge, malformed, deeply
//! nested, of another type) get a 4xx with the reason and write nothing.
//!
//! Then the receiver as the internet would try it: forged events without the secret, a disk
//! that fills during a write, a partial line left by a crash, descriptor exhaustion, floods of
//! connections and of headers, senders that retry, and a sender over its rate.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::Duration;

use common::{dataapi, serve};
use dataapi::queue::Event;
use serde_json::{Value, json};

/// The secret the tests give with `--secret-env EVENTS_TEST_SECRET`.
const SECRET: &str = "s3cr3t-0123456789abcdef";
/// The options that give it.
const WITH_SECRET: [&str; 2] = ["--secret-env", "EVENTS_TEST_SECRET"];

/// A receiver process, stopped when dropped; its stderr goes to `stderr.log` beside the output.
struct Receiver {
    child: Child,
    addr: String,
    log: PathBuf,
}

impl Receiver {
    fn start(out: &Path, extra: &[&str]) -> Self {
        Self::start_with(out, extra, &[])
    }

    /// Starts the receiver through `wrapper` (a command that runs the rest, such as `prlimit`).
    fn start_with(out: &Path, extra: &[&str], wrapper: &[&str]) -> Self {
        let mut command = match wrapper.split_first() {
            Some((first, rest)) => {
                let mut c = std::process::Command::new(first);
                c.args(rest).arg(env!("CARGO_BIN_EXE_dataapi"));
                c
            }
            None => dataapi(),
        };
        let log = out.with_file_name("stderr.log");
        let stderr = std::fs::OpenOptions::new().create(true).append(true).open(&log).unwrap();
        command.args(["events", "--addr", "127.0.0.1:0", "--out"]).arg(out).args(extra);
        command.env("EVENTS_TEST_SECRET", SECRET).stderr(stderr);
        let (child, first) = serve(command);
        assert!(first.starts_with("http://"), "the receiver starts: {}", std::fs::read_to_string(&log).unwrap());
        let addr = first.trim_start_matches("http://").trim_end_matches('/').to_owned();
        Receiver { child, addr, log }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends one request; returns the status and the answer's body.
    fn send(&self, method: &str, target: &str, content_type: Option<&str>, body: &[u8]) -> (u16, String) {
        self.send_with(method, target, &[], content_type, body)
    }

    /// Sends one request with extra headers; returns the status and the answer's body.
    fn send_with(
        &self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        content_type: Option<&str>,
        body: &[u8],
    ) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", self.addr);
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
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
    let receiver = Receiver::start(&out, &WITH_SECRET);
    let at = format!("/{SECRET}");
    let mut expected = Vec::new();
    for payload in eight() {
        let event = Event::from_json(payload.clone()).unwrap();
        let name = event.name().to_owned();
        let body = payload.to_string();
        let (status, text) = receiver.send("POST", &at, Some("application/json"), body.as_bytes());
        assert_eq!((status, text.trim()), (200, format!("accepted {name}").as_str()), "JSON {name}");
        let form = encoded(&payload);
        let (status, text) =
            receiver.send("POST", &at, Some("application/x-www-form-urlencoded; charset=utf-8"), form.as_bytes());
        assert_eq!(status, 200, "form {name}: {text}");
        let (status, text) = receiver.send("GET", &format!("{at}?{form}"), None, b"");
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
    let (status, _) = receiver.send("POST", &at, Some("application/json"), unknown.to_string().as_bytes());
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
    let too_big_a_head = format!("/?{}", "a".repeat(20_000));
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
        ("GET", "/?event=Joined&channel=call&member_channel_id=m", None, b"".to_vec(), 405, "only POST"),
        ("POST", &too_big_a_head, json_type, b"{}".to_vec(), 431, ""),
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

    // With the secret, a query string is an event too, and a bad one is refused.
    drop(receiver);
    let receiver = Receiver::start(&out, &["--queue-type", "inbound_queue", "--secret-env", "EVENTS_TEST_SECRET"]);
    let (status, text) = receiver.send("GET", &format!("/{SECRET}?event=Joined&%ZZ"), None, b"");
    assert_eq!(status, 422, "{text}");
    assert!(text.contains("member_channel_id"), "{text}");
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

fn joined(id: &str) -> String {
    json!({"event": "Joined", "channel": "call", "member_channel_id": "m", "crm_deal_id": id}).to_string()
}

/// Every line of the file parses as an event; their `crm_deal_id`s.
fn whole_lines(out: &Path) -> Vec<String> {
    let text = std::fs::read(out).unwrap_or_default();
    assert!(text.is_empty() || text.ends_with(b"\n"), "the file ends with a whole line");
    String::from_utf8(text)
        .expect("UTF-8")
        .lines()
        .map(|l| {
            let v: Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("a line that is not JSON ({e}): {l:.200}"));
            Event::from_json(v.clone()).unwrap();
            v["crm_deal_id"].as_str().unwrap_or_default().to_owned()
        })
        .collect()
}

/// `/proc/PID/status`'s value of `key` in kB (`VmRSS`, `VmHWM`).
fn status_kb(pid: u32, key: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with(key)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// The CPU time the process has used, in seconds.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after.split(' ').collect();
    // utime and stime are the 14th and 15th fields (the 12th and 13th after the name).
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    let hz = std::process::Command::new("getconf").arg("CLK_TCK").output().unwrap();
    ticks / String::from_utf8_lossy(&hz.stdout).trim().parse::<f64>().unwrap()
}

fn has_prlimit() -> bool {
    let found = std::process::Command::new("prlimit").arg("--version").output().is_ok_and(|o| o.status.success());
    assert!(found, "prlimit (util-linux) is needed to set the receiver's limits");
    found
}

/// A forged request: its method, target and headers.
type Forged<'a> = (&'a str, String, Vec<(&'a str, &'a str)>);

#[test]
fn forged_events_without_the_secret_get_404_and_write_nothing() {
    let dir = scratch("secret");
    let out = dir.join("events.ndjson");
    let receiver = Receiver::start(&out, &WITH_SECRET);
    let body = joined("forged");
    let json_type = Some("application/json");
    let wrong_bearer = format!("Bearer {SECRET}x");
    let forged: Vec<Forged> = vec![
        ("POST", "/".to_owned(), vec![]),
        ("POST", "/hook".to_owned(), vec![]),
        ("POST", format!("/{SECRET}x"), vec![]),
        ("POST", format!("/{}", &SECRET[..SECRET.len() - 1]), vec![]),
        ("POST", format!("/{SECRET}/more"), vec![]),
        ("POST", format!("/x/{SECRET}"), vec![]),
        ("POST", "/".to_owned(), vec![("Authorization", wrong_bearer.as_str())]),
        ("POST", "/".to_owned(), vec![("Authorization", SECRET)]),
        ("POST", format!("/?secret={SECRET}"), vec![]),
        ("GET", "/?event=Joined&channel=call&member_channel_id=m".to_owned(), vec![]),
        ("PUT", "/".to_owned(), vec![]),
    ];
    for (method, target, headers) in &forged {
        let (status, text) = receiver.send_with(method, target, headers, json_type, body.as_bytes());
        assert_eq!(status, 404, "{method} {target} {headers:?}: {text}");
        assert!(!text.contains(SECRET), "the answer does not echo the secret");
    }
    assert!(std::fs::read(&out).unwrap().is_empty(), "no forged event was written");

    // The secret in the path, as a bearer token at any path, and in the path of a GET.
    let bearer = format!("Bearer {SECRET}");
    assert_eq!(receiver.send("POST", &format!("/{SECRET}"), json_type, joined("path").as_bytes()).0, 200);
    let headers = [("Authorization", bearer.as_str())];
    assert_eq!(receiver.send_with("POST", "/hook", &headers, json_type, joined("bearer").as_bytes()).0, 200);
    let query = format!("/{SECRET}?event=Joined&channel=call&member_channel_id=m&crm_deal_id=get");
    assert_eq!(receiver.send("GET", &query, None, b"").0, 200);
    assert_eq!(whole_lines(&out), ["path", "bearer", "get"]);
    drop(receiver);

    // Without a secret: no GET, and no address but loopback unless told.
    let open = Receiver::start(&dir.join("open.ndjson"), &[]);
    let query = "/?event=Joined&channel=call&member_channel_id=m";
    assert_eq!(open.send("GET", query, None, b"").0, 405, "a web page cannot write an event with an image tag");
    assert_eq!(open.send("POST", "/", json_type, joined("local").as_bytes()).0, 200);
    drop(open);
    let refused =
        dataapi().args(["events", "--addr", "0.0.0.0:0", "--out"]).arg(dir.join("public.ndjson")).output().unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let text = String::from_utf8_lossy(&refused.stderr);
    assert!(text.contains("--secret-env") && text.contains("--insecure-no-secret"), "{text}");
    let insecure = Receiver::start(&dir.join("insecure.ndjson"), &["--insecure-no-secret"]);
    drop(insecure);
    for (value, problem) in
        [(None, "not set"), (Some("short"), "at least 16"), (Some("has a space in it, 1234"), "' '")]
    {
        let mut command = dataapi();
        command.args(["events", "--secret-env", "EVENTS_TEST_BAD_SECRET", "--out"]).arg(dir.join("bad.ndjson"));
        if let Some(v) = value {
            command.env("EVENTS_TEST_BAD_SECRET", v);
        }
        let run = command.output().unwrap();
        let text = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{text}");
        assert!(text.contains(problem), "`{problem}` in {text}");
    }
}

/// The file may grow only to 4 000 bytes (RLIMIT_FSIZE, with SIGXFSZ ignored, as a full disk
/// answers a write): a line written half-way is cut back before the 503, so every line of the
/// file parses and every acknowledged event is in it, then and once there is room again.
#[test]
fn a_disk_that_fills_during_a_write_leaves_only_whole_lines() {
    if !has_prlimit() {
        return;
    }
    let dir = scratch("full");
    let out = dir.join("events.ndjson");
    let wrapper = ["sh", "-c", "trap '' XFSZ; exec prlimit --fsize=4000:unlimited \"$@\"", "sh"];
    let receiver = Receiver::start_with(&out, &[], &wrapper);
    let json_type = Some("application/json");
    let big = |id: &str| {
        json!({"event": "Joined", "channel": "call", "member_channel_id": "m", "crm_deal_id": id, "pad": "p".repeat(800)})
            .to_string()
    };
    let mut acknowledged = Vec::new();
    let mut refused = 0;
    for n in 0..8 {
        let id = format!("big-{n}");
        let (status, text) = receiver.send("POST", "/", json_type, big(&id).as_bytes());
        match status {
            200 => acknowledged.push(id),
            503 => refused += 1,
            _ => panic!("{status} {text}"),
        }
        assert_eq!(whole_lines(&out), acknowledged, "after event {n}");
    }
    assert!(acknowledged.len() >= 3 && refused >= 3, "{} written, {refused} refused", acknowledged.len());
    let len = std::fs::metadata(&out).unwrap().len();
    assert!(len < 4000 && len + 800 > 4000, "the last write would have fitted in part: {len} bytes");
    assert!(receiver.log().contains("cannot write an event"), "{}", receiver.log());
    // A small event still fits after the failures: it is a line of its own.
    assert_eq!(receiver.send("POST", "/", json_type, joined("small").as_bytes()).0, 200);
    acknowledged.push("small".into());
    assert_eq!(whole_lines(&out), acknowledged);
    // Room again.
    let pid = receiver.child.id().to_string();
    let raised = std::process::Command::new("prlimit").args(["--pid", &pid, "--fsize=unlimited"]).status().unwrap();
    assert!(raised.success());
    for n in 0..3 {
        let id = format!("after-{n}");
        assert_eq!(receiver.send("POST", "/", json_type, big(&id).as_bytes()).0, 200);
        acknowledged.push(id);
    }
    assert_eq!(whole_lines(&out), acknowledged, "every acknowledged event, each on a whole line");
}

#[test]
fn a_partial_last_line_left_by_a_crash_is_cut_on_start() {
    let dir = scratch("partial");
    let out = dir.join("events.ndjson");
    let partial = r#"{"event":"Joined","channel":"call","member_chan"#;
    std::fs::write(&out, format!("{}\n{}\n{partial}", joined("one"), joined("two"))).unwrap();
    let receiver = Receiver::start(&out, &[]);
    assert!(
        receiver.log().contains(&format!("cut a partial last line of {} bytes", partial.len())),
        "reported: {}",
        receiver.log()
    );
    assert_eq!(whole_lines(&out), ["one", "two"]);
    assert_eq!(receiver.send("POST", "/", Some("application/json"), joined("three").as_bytes()).0, 200);
    assert_eq!(whole_lines(&out), ["one", "two", "three"]);
}

/// With 64 file descriptors and 300 idle connections, accept fails for lack of descriptors:
/// the receiver says so, closes the connections idle longest, and still answers a valid event,
/// without spinning.
#[test]
fn out_of_descriptors_it_still_answers_and_does_not_spin() {
    if !has_prlimit() {
        return;
    }
    let dir = scratch("descriptors");
    let out = dir.join("events.ndjson");
    let receiver = Receiver::start_with(&out, &[], &["prlimit", "--nofile=64:64"]);
    let pid = receiver.child.id();
    let cpu_before = cpu_seconds(pid);
    let started = std::time::Instant::now();
    let idle: Vec<TcpStream> = (0..300).filter_map(|_| TcpStream::connect(&receiver.addr).ok()).collect();
    assert!(idle.len() >= 250, "{} idle connections", idle.len());
    std::thread::sleep(Duration::from_secs(2));
    let asked = std::time::Instant::now();
    let (status, text) = receiver.send("POST", "/", Some("application/json"), joined("valid").as_bytes());
    let answered_in = asked.elapsed();
    assert_eq!(status, 200, "{text}");
    std::thread::sleep(Duration::from_secs(2));
    let cpu = cpu_seconds(pid) - cpu_before;
    let wall = started.elapsed().as_secs_f64();
    eprintln!("out of descriptors: answered in {answered_in:?}; {cpu:.2} CPU-seconds in {wall:.1} s");
    assert!(answered_in < Duration::from_secs(5), "answered in {answered_in:?}");
    assert!(cpu < 1.5, "{cpu:.2} CPU-seconds in {wall:.1} s: the accept loop spins");
    assert!(receiver.log().contains("cannot accept a connection"), "a line says so: {}", receiver.log());
    assert_eq!(whole_lines(&out), ["valid"]);
    drop(idle);
}

/// 800 connections each sending 32 KiB of a request head that never ends, then a valid event:
/// the connections are capped (256 by default), each head at 16 KiB (431), so memory stays
/// bounded.
#[test]
fn floods_of_connections_and_headers_keep_memory_bounded() {
    let dir = scratch("flood");
    let out = dir.join("events.ndjson");
    let receiver = Receiver::start(&out, &[]);
    let pid = receiver.child.id();
    let before = status_kb(pid, "VmRSS");
    let junk = format!("POST / HTTP/1.1\r\nHost: x\r\nX-Pad: {}", "a".repeat(32 * 1024));
    let mut flood = Vec::new();
    for _ in 0..800 {
        let Ok(mut s) = TcpStream::connect(&receiver.addr) else { continue };
        s.set_write_timeout(Some(Duration::from_millis(200))).unwrap();
        let _ = s.write_all(junk.as_bytes());
        flood.push(s);
    }
    assert!(flood.len() >= 700, "{} connections", flood.len());
    std::thread::sleep(Duration::from_millis(500));
    let (status, text) = receiver.send("POST", "/", Some("application/json"), joined("valid").as_bytes());
    assert_eq!(status, 200, "{text}");
    let peak = status_kb(pid, "VmHWM");
    eprintln!("flood of 800 connections × 32 KiB of headers: {before} kB before, peak {peak} kB");
    assert!(peak < 64 * 1024, "the peak was {peak} kB");
    assert_eq!(whole_lines(&out), ["valid"]);
    drop(flood);
}

#[test]
fn a_retried_event_is_written_once_within_the_window_and_after_a_restart() {
    let dir = scratch("dedup");
    let out = dir.join("events.ndjson");
    let dedup = ["--dedup-key", "event,member_channel_id,crm_deal_id", "--dedup-window", "10m"];
    let receiver = Receiver::start(&out, &dedup);
    let json_type = Some("application/json");
    for id in ["a", "b", "a", "a"] {
        let (status, text) = receiver.send("POST", "/", json_type, joined(id).as_bytes());
        assert_eq!(status, 200, "{text}");
    }
    let (_, text) = receiver.send("POST", "/", json_type, joined("b").as_bytes());
    assert!(text.contains("duplicate"), "{text}");
    assert_eq!(whole_lines(&out), ["a", "b"]);
    // The same event as a form body is the same event.
    let form = "event=Joined&channel=call&member_channel_id=m&crm_deal_id=a";
    assert_eq!(receiver.send("POST", "/", Some("application/x-www-form-urlencoded"), form.as_bytes()).0, 200);
    assert_eq!(whole_lines(&out), ["a", "b"]);
    drop(receiver);

    let receiver = Receiver::start(&out, &dedup);
    assert!(receiver.log().contains("2 event keys"), "{}", receiver.log());
    for id in ["a", "c", "b", "c"] {
        assert_eq!(receiver.send("POST", "/", json_type, joined(id).as_bytes()).0, 200);
    }
    assert_eq!(whole_lines(&out), ["a", "b", "c"], "the window survived the restart");
    drop(receiver);

    // Past the window the same event is written again.
    let short = dir.join("short.ndjson");
    let receiver = Receiver::start(&short, &["--dedup-key", "crm_deal_id", "--dedup-window", "1s"]);
    assert_eq!(receiver.send("POST", "/", json_type, joined("x").as_bytes()).0, 200);
    assert_eq!(receiver.send("POST", "/", json_type, joined("x").as_bytes()).0, 200);
    std::thread::sleep(Duration::from_millis(1200));
    assert_eq!(receiver.send("POST", "/", json_type, joined("x").as_bytes()).0, 200);
    assert_eq!(whole_lines(&short), ["x", "x"]);
    let bad = dataapi().args(["events", "--dedup-window", "10 parsecs", "--out", "x"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn a_sender_over_its_rate_gets_429() {
    let dir = scratch("rate");
    let out = dir.join("events.ndjson");
    let receiver = Receiver::start(&out, &["--rate-limit", "5"]);
    let started = std::time::Instant::now();
    let statuses: Vec<u16> = (0..20)
        .map(|n| receiver.send("POST", "/", Some("application/json"), joined(&n.to_string()).as_bytes()).0)
        .collect();
    let allowed = 5.0 + started.elapsed().as_secs_f64() * 5.0;
    let ok = statuses.iter().filter(|&&s| s == 200).count();
    assert!(ok >= 5 && ok as f64 <= allowed + 1.0, "{ok} accepted of {statuses:?}");
    assert!(statuses.iter().all(|&s| s == 200 || s == 429), "{statuses:?}");
    assert_eq!(whole_lines(&out).len(), ok);
}

#[test]
fn a_mistyped_queue_type_lists_the_valid_ones() {
    let dir = scratch("queue-type");
    let out = dataapi()
        .args(["events", "--queue-type", "inbound_queu", "--out"])
        .arg(dir.join("events.ndjson"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("did you mean `inbound_queue`?"), "{text}");
    for code in dataapi::queue::QueueType::CODES {
        assert!(text.contains(code), "`{code}` is listed in:\n{text}");
    }
    assert!(!dir.join("events.ndjson").exists(), "nothing was started");
}
