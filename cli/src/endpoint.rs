//! The options `pull` and `sync` share: where the API is and how to sign in to it.

use clap::Args;
use dataapi_sync::config::Account;

/// Where the API is and how to sign in. Secrets are never arguments: the options name the
/// environment variables that hold them.
#[derive(Debug, Args)]
pub struct Endpoint {
    /// The brand whose endpoint to call (comagic, the default, uis or callgear); the request
    /// is held to its docs (a field only another brand documents is refused).
    #[arg(long, value_parser = ["comagic", "uis", "callgear"], conflicts_with = "url")]
    pub brand: Option<String>,
    /// Another endpoint (a white label, the fake server).
    #[arg(long)]
    pub url: Option<String>,
    /// The environment variable holding the access token.
    #[arg(long, value_name = "VAR", conflicts_with_all = ["login", "password_env"])]
    pub token_env: Option<String>,
    /// The login for `login.user` (with --password-env).
    #[arg(long, requires = "password_env")]
    pub login: Option<String>,
    /// The environment variable holding the password of --login.
    #[arg(long, value_name = "VAR", requires = "login")]
    pub password_env: Option<String>,
}

impl Endpoint {
    /// The account these options describe, as a config file would (`name` is its folder and
    /// its value of `_dataapi_account`).
    pub fn account(&self, name: &str, time_zone: Option<String>) -> Account {
        Account {
            name: name.to_owned(),
            brand: self.brand.clone(),
            url: self.url.clone(),
            token_env: self.token_env.clone(),
            login: self.login.clone(),
            password_env: self.password_env.clone(),
            time_zone,
        }
    }

    /// Whether credentials were named (clap holds `--login` and `--password-env` together).
    pub fn signs_in(&self) -> bool {
        self.token_env.is_some() || self.login.is_some()
    }
}

/// A problem with an account made of these options ([`Endpoint::account`]), in the words of
/// the command line: the options the user typed, not the config file's settings.
pub fn in_options(problem: &str, account: &Account) -> String {
    let problem = problem.strip_prefix(&format!("account {}: ", account.name)).unwrap_or(problem);
    // The setting a problem is about comes first.
    let options =
        [("token_env ", "--token-env "), ("password_env ", "--password-env "), ("time_zone ", "--time-zone ")];
    match options.iter().find_map(|(setting, option)| problem.strip_prefix(setting).map(|rest| (option, rest))) {
        Some((option, rest)) => format!("{option}{rest}"),
        None => problem.to_owned(),
    }
}

/// The problem with no credentials, in both commands' words.
pub const NO_CREDENTIALS: &str = "no credentials: give --token-env VAR, or --login with --password-env VAR";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_accounts_problems_name_the_options_typed() {
        let endpoint = Endpoint {
            brand: None,
            url: None,
            token_env: Some("NO_SUCH_TOKEN".into()),
            login: None,
            password_env: None,
        };
        let account = endpoint.account("default", Some("Mars/Olympus".into()));
        let problem = account.check().unwrap_err();
        assert_eq!(in_options(&problem, &account), "--time-zone `Mars/Olympus` is not an IANA zone (Europe/Moscow)");
        let problem = "account default: token_env NO_SUCH_TOKEN: the environment variable is not set or empty";
        assert_eq!(
            in_options(problem, &account),
            "--token-env NO_SUCH_TOKEN: the environment variable is not set or empty"
        );
        assert_eq!(in_options("something else", &account), "something else");
    }
}
