//! `api-version` rules (§5 item 3): required (query parameter, or the `Accept` header's
//! `api-version=` parameter as the official clients send it), `4.1` … `7.2` with optional
//! `-preview[.N]`; anything newer is out of range, anything else invalid.

use super::AzureError;
use axum::http::{header, HeaderMap, StatusCode};

/// Oldest version served.
pub const MIN: &str = "4.1";
/// Newest version served.
pub const MAX: &str = "7.2";
/// Newest released (non-preview) version of the resource.
pub const RELEASED: &str = "7.1";

/// A parsed `major.minor` (minor in tenths as Azure writes them: `7.1`).
fn parse(v: &str) -> Option<(u32, u32)> {
    let base = match v.split_once("-preview") {
        Some((b, rest)) => {
            let ok = rest.is_empty()
                || rest
                    .strip_prefix('.')
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()));
            if !ok {
                return None;
            }
            b
        }
        None => v,
    };
    let (major, minor) = base.split_once('.').unwrap_or((base, "0"));
    let num = |s: &str| {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|c| c.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    Some((num(major)?, num(minor)?))
}

/// The requested version: the query parameter, else the `Accept` header's.
fn requested(query: &[(String, String)], headers: &HeaderMap) -> Option<String> {
    if let Some((_, v)) = query
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("api-version"))
    {
        return Some(v.trim().to_string());
    }
    let accept = headers.get(header::ACCEPT)?.to_str().ok()?;
    accept.split([';', ',']).find_map(|part| {
        let (k, v) = part.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("api-version")
            .then(|| v.trim().trim_matches('"').to_string())
    })
}

fn bad(type_key: &'static str, message: &str) -> AzureError {
    AzureError::new(StatusCode::BAD_REQUEST, type_key, message)
}

/// Checks the request's `api-version`; `Err` is the 400 answer.
pub fn check(
    query: &[(String, String)],
    headers: &HeaderMap,
    required: bool,
) -> Result<(), AzureError> {
    let Some(v) = requested(query, headers) else {
        if !required {
            return Ok(());
        }
        return Err(bad(
            "VssVersionNotSpecifiedException",
            "No api-version was supplied for the \"GET\" request. The version must be supplied either as part of the Accept header (e.g. \"application/json; api-version=1.0\") or as a query parameter (e.g. \"?api-version=1.0\").",
        ));
    };
    let Some(parsed) = parse(&v) else {
        return Err(bad(
            "VssInvalidApiVersionException",
            &format!("The API version {v} is not valid."),
        ));
    };
    let max = parse(MAX).expect("valid");
    let min = parse(MIN).expect("valid");
    if parsed > max || parsed < min {
        let which = if parsed > max {
            format!("The latest REST API version this server supports is {MAX}.")
        } else {
            format!("The oldest REST API version this server supports is {MIN}.")
        };
        return Err(bad(
            "VssVersionOutOfRangeException",
            &format!(
                "The requested REST API version of {v} is out of range for this server. {which}"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn q(v: &str) -> Vec<(String, String)> {
        vec![("api-version".into(), v.into())]
    }

    #[test]
    fn versions() {
        let h = HeaderMap::new();
        for ok in [
            "4.1",
            "7.1",
            "7.2",
            "7.1-preview",
            "7.1-preview.1",
            "5.0",
            "6",
        ] {
            assert!(check(&q(ok), &h, true).is_ok(), "{ok}");
        }
        for bad in [
            "7.3",
            "8.0",
            "4.0",
            "1.0",
            "x",
            "7.1-previewx",
            "7.1-preview.",
            "",
        ] {
            assert!(check(&q(bad), &h, true).is_err(), "{bad}");
        }
        assert!(check(&[], &h, true).is_err());
        assert!(check(&[], &h, false).is_ok());
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT,
            HeaderValue::from_static("application/json;api-version=7.1-preview.1"),
        );
        assert!(check(&[], &h, true).is_ok());
        h.insert(
            header::ACCEPT,
            HeaderValue::from_static("application/json; api-version=9.0"),
        );
        assert!(check(&[], &h, true).is_err());
    }
}
