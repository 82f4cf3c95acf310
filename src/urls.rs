//! URLs that may carry a password: kept whole for connecting, shown redacted everywhere a
//! person may read them (logs, `Debug`, error messages).

use std::fmt;

use serde::{Deserialize, Serialize};

/// A URL that may carry a password (`postgres://app:pw@db/skills`): shown with the password
/// replaced by `***` wherever it is formatted for a person (`Debug`, `Display`), kept whole for
/// the connection.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Url(String);

impl Url {
    /// The URL as given, password included: for connecting only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Url {
    fn from(url: &str) -> Self {
        Self(url.to_owned())
    }
}

impl From<String> for Url {
    fn from(url: String) -> Self {
        Self(url)
    }
}

impl fmt::Debug for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", redact_url(&self.0))
    }
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_url(&self.0))
    }
}

/// Replaces the password of `scheme://user:password@host` with `***`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}
