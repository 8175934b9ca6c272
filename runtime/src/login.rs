//! `login.user`: a login and password traded for a session's access token, which lasts an
//! hour; there is no refresh, so a client logs in again.
//!
//! ```
//! use dataapi::runtime::login::Login;
//!
//! let login = Login::new("manager@example.com", "pa55word");
//! assert_eq!(format!("{login:?}"), r#"Login { login: "manager@example.com", password: Password(***) }"#);
//! let call = serde_json::to_value(login.to_rpc(1)).unwrap();
//! assert_eq!(call["method"], "login.user");
//! assert_eq!(call["params"]["password"], "pa55word");
//!
//! let reply = br#"{"jsonrpc":"2.0","id":1,"result":{"data":{"access_token":"t0k3n","expire_at":1774000000,"app_id":42}}}"#;
//! let session = Login::decode_reply(reply).unwrap();
//! assert_eq!(session.access_token.expose(), "t0k3n");
//! assert!(!format!("{session:?}").contains("t0k3n"));
//! assert_eq!(session.app_id, Some(42));
//!
//! // The CoMagic docs' example spells it `expire`; the Call API example has no `app_id`.
//! let reply = br#"{"jsonrpc":"2.0","id":1,"result":{"data":{"access_token":"t0k3n","expire":1774000000}}}"#;
//! let session = Login::decode_reply(reply).unwrap();
//! assert_eq!((session.expire_at, session.app_id), (1774000000, None));
//! ```

use serde::{Deserialize, Serialize};

use super::envelope::{Id, RpcRequest, decode_body};
use super::error::{ApiError, ReplyError};
use super::secret::{AccessToken, Password};

/// The parameters of `login.user`. `Debug` masks the password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Login {
    /// The user's login.
    pub login: String,
    /// The user's password.
    pub password: Password,
}

impl Login {
    /// The method's wire name.
    pub const METHOD: &'static str = "login.user";

    /// A login with its password.
    pub fn new(login: impl Into<String>, password: impl Into<Password>) -> Self {
        Login { login: login.into(), password: password.into() }
    }

    /// The JSON-RPC call.
    pub fn to_rpc(&self, id: impl Into<Id>) -> RpcRequest<'_, Self> {
        RpcRequest::new(id, Self::METHOD, self)
    }

    /// Decodes the reply into the session, or into why there is none.
    pub fn decode_reply(body: &[u8]) -> Result<Session, ReplyError> {
        let reply: LoginReply = decode_body(body)?;
        match (reply.result, reply.error) {
            (_, Some(error)) => Err(ReplyError::Api(error)),
            (Some(result), None) => Ok(result.data),
            (None, None) => Err(ReplyError::Api(ApiError::empty_reply())),
        }
    }
}

/// What `login.user` gives: the token to send with every other call. `Debug` masks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The token for the `access_token` of other calls.
    pub access_token: AccessToken,
    /// When the token expires, in Unix seconds. Decoded from `expire_at` or `expire` (the
    /// spelling of the CoMagic docs' example); encoded as `expire_at`.
    #[serde(alias = "expire")]
    pub expire_at: i64,
    /// The application (account) the session belongs to; some replies leave it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<i64>,
}

#[derive(Deserialize)]
struct LoginReply {
    #[serde(default)]
    result: Option<LoginResult>,
    #[serde(default)]
    error: Option<ApiError>,
}

#[derive(Deserialize)]
struct LoginResult {
    data: Session,
}
