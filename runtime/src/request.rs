//! The request of every report method, written once: the common parameters, their setters,
//! validation and the JSON-RPC envelope. A method adds only its own parameters, as
//! [`Method::Params`].

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;

use super::envelope::{Id, RpcRequest};
use super::filter::{RawFilter, RawSort};
use super::typed::{Filter, Sort};
use super::validate::{self, Violations};
use super::{AccessToken, Brand, DateTime, Method};

/// A request of method `M`: the `params` of its call. Each generated method module names it
/// `Request` (`dataapi::calls_report::Request` is `Request<CallsReport>`).
///
/// Build it with [`Request::new`] (or [`Request::with_params`] for a method with required
/// parameters of its own) and the setters; [`Request::to_rpc`] wraps it in the JSON-RPC
/// envelope. `Debug` never shows the access token.
///
/// A request sent through the client carries no token: the client holds the authentication
/// (a key, or a `login.user` session) and adds its own. Code that sends requests itself sets
/// one with [`Request::token`] before [`Request::to_rpc`].
#[derive(Serialize)]
#[serde(bound = "")]
#[non_exhaustive]
pub struct Request<M: Method> {
    /// Access token of the session: `None` for a request sent through the client, which adds
    /// its own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token: Option<AccessToken>,
    /// The client user an agent acts for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    /// Rows to skip, at most the method's `offset` maximum.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u32>,
    /// Rows per page, at most the method's `limit` maximum.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Start of the period (every dated report has one; see [`Request::without_dates`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_from: Option<DateTime>,
    /// End of the period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_till: Option<DateTime>,
    /// Which rows to return.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<RawFilter>,
    /// Sort keys, most significant first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sort: Vec<RawSort>,
    /// Which fields to return; the default reply fields when not set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<Cow<'static, str>>>,
    /// The parameters only this method takes.
    #[serde(flatten)]
    pub params: M::Params,
}

/// Whether a method's requests carry a period, as types: what [`Method::Period`] names.
pub mod period {
    /// Every request carries `date_from` and `date_till`.
    #[derive(Debug, Clone, Copy)]
    pub struct Required;
    /// A request may carry a period, or narrow its rows by other parameters instead.
    #[derive(Debug, Clone, Copy)]
    pub struct Optional;
    /// Requests carry no period (a list, such as `get.chat_channels`).
    #[derive(Debug, Clone, Copy)]
    pub struct None;

    /// A request of the method can carry a period.
    #[diagnostic::on_unimplemented(
        message = "this method's requests take no period",
        label = "no `date_from` and `date_till` here",
        note = "build the request with `Request::without_dates()`"
    )]
    pub trait Dated {}
    impl Dated for Required {}
    impl Dated for Optional {}

    /// A request of the method can go without a period.
    #[diagnostic::on_unimplemented(
        message = "this method's requests need a period",
        label = "`date_from` and `date_till` are required here",
        note = "build the request with `Request::new(date_from, date_till)`"
    )]
    pub trait Undated {}
    impl Undated for Optional {}
    impl Undated for None {}
}

impl<M: Method> Request<M>
where
    M::Params: Default,
    M::Period: period::Dated,
{
    /// A request for the rows of `date_from`..`date_till`.
    pub fn new(date_from: DateTime, date_till: DateTime) -> Self {
        Request::with_params(date_from, date_till, M::Params::default())
    }
}

impl<M: Method> Request<M>
where
    M::Params: Default,
    M::Period: period::Undated,
{
    /// A request without a period: for a method that takes none (`get.chat_channels`), or one
    /// that another parameter can narrow instead (`get.chat_messages_report` with a chat).
    pub fn without_dates() -> Self {
        Request::build(None, M::Params::default())
    }
}

impl<M: Method> Request<M>
where
    M::Period: period::Dated,
{
    /// A request for the rows of `date_from`..`date_till`, with the method's own parameters.
    pub fn with_params(date_from: DateTime, date_till: DateTime, params: M::Params) -> Self {
        Request::build(Some((date_from, date_till)), params)
    }

    /// Sets the period `date_from`..`date_till`.
    #[must_use]
    pub fn dates(mut self, date_from: DateTime, date_till: DateTime) -> Self {
        self.date_from = Some(date_from);
        self.date_till = Some(date_till);
        self
    }
}

impl<M: Method> Request<M>
where
    M::Period: period::Undated,
{
    /// A request without a period, with the method's own parameters.
    pub fn without_dates_with_params(params: M::Params) -> Self {
        Request::build(None, params)
    }
}

impl<M: Method> Request<M> {
    fn build(dates: Option<(DateTime, DateTime)>, params: M::Params) -> Self {
        Request {
            access_token: None,
            user_id: None,
            offset: None,
            limit: None,
            date_from: dates.map(|d| d.0),
            date_till: dates.map(|d| d.1),
            filter: None,
            sort: Vec::new(),
            fields: None,
            params,
        }
    }

    /// Sets the access token, for a request sent by hand ([`Request::to_rpc`]); the client
    /// replaces it with its own.
    #[must_use]
    pub fn token(mut self, access_token: impl Into<AccessToken>) -> Self {
        self.access_token = Some(access_token.into());
        self
    }

    /// Acts for this client user (agents only).
    #[must_use]
    pub fn user_id(mut self, user_id: i64) -> Self {
        self.user_id = Some(user_id);
        self
    }

    /// Sets the page size.
    #[must_use]
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Sets how many rows to skip.
    #[must_use]
    pub fn offset(mut self, offset: u32) -> Self {
        self.offset = Some(offset);
        self
    }

    /// Sets the filter, built from this method's `fields`.
    #[must_use]
    pub fn filter(mut self, filter: Filter<M>) -> Self {
        self.filter = Some(filter.into_raw());
        self
    }

    /// Sets a filter from its wire form (read from JSON, say); [`Request::validate`] checks it.
    #[must_use]
    pub fn raw_filter(mut self, filter: RawFilter) -> Self {
        self.filter = Some(filter);
        self
    }

    /// Adds a sort key, built from this method's `fields`, after those already set.
    #[must_use]
    pub fn sort(mut self, sort: Sort<M>) -> Self {
        self.sort.push(sort.into_raw());
        self
    }

    /// Adds a sort key in its wire form; [`Request::validate`] checks it.
    #[must_use]
    pub fn raw_sort(mut self, sort: RawSort) -> Self {
        self.sort.push(sort);
        self
    }

    /// Asks for exactly these fields, in this order (names as `&'static str` cost no
    /// allocation; `String`s are kept as they are).
    #[must_use]
    pub fn fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<Cow<'static, str>>,
    {
        self.fields = Some(fields.into_iter().map(Into::into).collect());
        self
    }

    /// Changes the parameters only this method takes.
    #[must_use]
    pub fn params(mut self, change: impl FnOnce(&mut M::Params)) -> Self {
        change(&mut self.params);
        self
    }

    /// Checks the request against everything the schema knows the API would reject, and
    /// returns every problem at once. A request without a token passes (the client adds its
    /// own); a token set empty does not.
    pub fn validate(&self) -> Result<(), Violations> {
        self.check(None)
    }

    /// As [`Request::validate`], and also refuses the fields `brand`'s docs do not list.
    pub fn validate_for(&self, brand: Brand) -> Result<(), Violations> {
        self.check(Some(brand))
    }

    fn check(&self, brand: Option<Brand>) -> Result<(), Violations> {
        validate::typed(
            M::DESCRIPTOR,
            &validate::Typed {
                access_token: self.access_token.as_ref(),
                date_from: self.date_from,
                date_till: self.date_till,
                limit: self.limit,
                offset: self.offset,
                fields: self.fields.as_deref(),
                sort: &self.sort,
                filter: self.filter.as_ref(),
                params: &self.params,
                brand,
            },
        )
    }

    /// The JSON-RPC call carrying this request.
    pub fn to_rpc(&self, id: impl Into<Id>) -> RpcRequest<'_, Self> {
        RpcRequest::new(id, M::NAME, self)
    }
}

impl<M: Method> Clone for Request<M> {
    fn clone(&self) -> Self {
        Request {
            access_token: self.access_token.clone(),
            user_id: self.user_id,
            offset: self.offset,
            limit: self.limit,
            date_from: self.date_from,
            date_till: self.date_till,
            filter: self.filter.clone(),
            sort: self.sort.clone(),
            fields: self.fields.clone(),
            params: self.params.clone(),
        }
    }
}

impl<M: Method> PartialEq for Request<M> {
    fn eq(&self, other: &Self) -> bool {
        self.access_token == other.access_token
            && self.user_id == other.user_id
            && self.offset == other.offset
            && self.limit == other.limit
            && self.date_from == other.date_from
            && self.date_till == other.date_till
            && self.filter == other.filter
            && self.sort == other.sort
            && self.fields == other.fields
            && self.params == other.params
    }
}

impl<M: Method> fmt::Debug for Request<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &M::NAME)
            .field("access_token", &self.access_token)
            .field("user_id", &self.user_id)
            .field("offset", &self.offset)
            .field("limit", &self.limit)
            .field("date_from", &self.date_from)
            .field("date_till", &self.date_till)
            .field("filter", &self.filter)
            .field("sort", &self.sort)
            .field("fields", &self.fields)
            .field("params", &self.params)
            .finish()
    }
}

/// The parameters of a method that takes none of its own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub struct NoParams {}
