//! Access tokens: permanent ones given at start, and sessions of `login.user` that expire.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

use super::data::mix;

/// What is wrong with a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// Unknown (or logged out).
    Invalid,
    /// A session past its lifetime.
    Expired,
}

/// Tokens and logins.
#[derive(Debug)]
pub struct Auth {
    permanent: HashSet<String>,
    logins: Vec<(String, String)>,
    ttl: Duration,
    seed: u64,
    issued: AtomicU64,
    sessions: Mutex<HashMap<String, Instant>>,
}

impl Auth {
    /// Permanent tokens, logins with their passwords, and how long a session lasts.
    pub fn new(permanent: Vec<String>, logins: Vec<(String, String)>, ttl: Duration, seed: u64) -> Self {
        Auth {
            permanent: permanent.into_iter().collect(),
            logins,
            ttl,
            seed,
            issued: AtomicU64::new(0),
            sessions: Mutex::new(HashMap::new()),
        }
    }

    /// Whether `token` may call.
    pub fn check(&self, token: &str) -> Result<(), Denied> {
        if self.permanent.contains(token) {
            return Ok(());
        }
        let sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        match sessions.get(token) {
            Some(expires) if Instant::now() < *expires => Ok(()),
            Some(_) => Err(Denied::Expired),
            None => Err(Denied::Invalid),
        }
    }

    /// A new session for a known login and password: its token and lifetime.
    pub fn login(&self, login: &str, password: &str) -> Option<(String, Duration)> {
        if !self.logins.iter().any(|(l, p)| l == login && p == password) {
            return None;
        }
        let n = self.issued.fetch_add(1, Ordering::Relaxed);
        let token = format!("fake{:016x}{:016x}", mix(self.seed ^ mix(n)), mix(n ^ 0x5e55));
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        sessions.insert(token.clone(), Instant::now() + self.ttl);
        Some((token, self.ttl))
    }

    /// Ends a session; false if there was none.
    pub fn logout(&self, token: &str) -> bool {
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        sessions.remove(token).is_some()
    }
}
