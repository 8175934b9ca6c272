//! "Did you mean …?" for misspelt names.

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, c)| *score >= 0.8 || strsim::damerau_levenshtein(word, c) <= 1)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// `did you mean `x`?`, or a list of what is allowed when nothing is close.
pub fn help<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str> + Clone) -> Option<String> {
    match closest(word, candidates.clone()) {
        Some(c) => Some(format!("did you mean `{c}`?")),
        None => {
            let all: Vec<_> = candidates.into_iter().map(|c| format!("`{c}`")).collect();
            match all.len() {
                0 => None,
                1..=12 => Some(format!("expected one of {}", all.join(", "))),
                _ => None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos() {
        let names = ["finish_reason", "direction", "channel"];
        assert_eq!(closest("finish_reasons", names), Some("finish_reason"));
        assert_eq!(closest("chanel", names), Some("channel"));
        assert_eq!(closest("zebra", names), None);
        assert_eq!(help("intger", ["integer", "string"]).as_deref(), Some("did you mean `integer`?"));
        assert_eq!(help("zzz", ["integer", "string"]).as_deref(), Some("expected one of `integer`, `string`"));
    }
}
