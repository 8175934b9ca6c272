//! Typed models for the Data API (in progress).
