//! Shared-secret credentials: OpenHands' `X-Session-API-Key`, Azure DevOps PATs (Basic or
//! Bearer) and CodeArts' `X-Auth-Token`. JWTs (Code Storage) are in [`super::jwt`].
//!
//! Comparisons are constant-time in the secret's content. An empty credential list means
//! the check is disabled (the server then refuses non-loopback addresses unless told
//! `--insecure`).

use axum::http::HeaderMap;
use base64::Engine as _;

/// Why a request's credentials were refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// The credential header is absent.
    #[error("no credentials")]
    Missing,
    /// The header is present but not in the expected form.
    #[error("malformed credentials")]
    Malformed,
    /// The credential is well formed but not accepted.
    #[error("wrong credentials")]
    Wrong,
}

impl AuthError {
    /// A short reason for the access log.
    pub fn reason(self) -> &'static str {
        match self {
            AuthError::Missing => "missing",
            AuthError::Malformed => "malformed",
            AuthError::Wrong => "wrong",
        }
    }
}

/// Compares two byte strings in time independent of where they differ.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn any_matches(accepted: &[String], given: &[u8]) -> bool {
    // Check them all, so that timing does not tell which one matched.
    accepted
        .iter()
        .fold(false, |hit, t| ct_eq(t.as_bytes(), given) | hit)
}

/// A header that must equal one of the configured secrets (`X-Session-API-Key`,
/// `X-Auth-Token`). No secrets: always accepted.
pub fn check_header_secret(
    headers: &HeaderMap,
    name: &str,
    accepted: &[String],
) -> Result<(), AuthError> {
    if accepted.is_empty() {
        return Ok(());
    }
    let value = headers.get(name).ok_or(AuthError::Missing)?;
    if any_matches(accepted, value.as_bytes()) {
        Ok(())
    } else {
        Err(AuthError::Wrong)
    }
}

/// The bearer token of an `Authorization: Bearer <token>` header.
pub fn bearer(headers: &HeaderMap) -> Result<&str, AuthError> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)
        .ok_or(AuthError::Missing)?;
    let value = value.to_str().map_err(|_| AuthError::Malformed)?;
    let (scheme, rest) = value.split_once(' ').ok_or(AuthError::Malformed)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(AuthError::Malformed);
    }
    let token = rest.trim();
    if token.is_empty() {
        return Err(AuthError::Malformed);
    }
    Ok(token)
}

/// An Azure DevOps PAT: `Authorization: Basic base64(<any user>:<PAT>)` or
/// `Authorization: Bearer <PAT>`. No tokens configured: always accepted.
pub fn check_pat(headers: &HeaderMap, tokens: &[String]) -> Result<(), AuthError> {
    if tokens.is_empty() {
        return Ok(());
    }
    let value = headers
        .get(axum::http::header::AUTHORIZATION)
        .ok_or(AuthError::Missing)?;
    let value = value.to_str().map_err(|_| AuthError::Malformed)?;
    let (scheme, rest) = value.split_once(' ').ok_or(AuthError::Malformed)?;
    let secret: Vec<u8> = if scheme.eq_ignore_ascii_case("basic") {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(rest.trim())
            .map_err(|_| AuthError::Malformed)?;
        let colon = decoded
            .iter()
            .position(|&c| c == b':')
            .ok_or(AuthError::Malformed)?;
        decoded[colon + 1..].to_vec()
    } else if scheme.eq_ignore_ascii_case("bearer") {
        rest.trim().as_bytes().to_vec()
    } else {
        return Err(AuthError::Malformed);
    };
    if any_matches(tokens, &secret) {
        Ok(())
    } else {
        Err(AuthError::Wrong)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(name: &'static str, value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn pats_basic_and_bearer() {
        let tokens = vec!["pat1".to_string(), "pat2".to_string()];
        let basic = |s: &str| {
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(s)
            )
        };
        let ok = |v: &str| check_pat(&headers("authorization", v), &tokens);
        assert_eq!(ok(&basic(":pat1")), Ok(()));
        assert_eq!(ok(&basic("anyone:pat2")), Ok(()));
        assert_eq!(ok("Bearer pat2"), Ok(()));
        assert_eq!(ok(&basic(":pat3")), Err(AuthError::Wrong));
        assert_eq!(ok(&basic("nocolon")), Err(AuthError::Malformed));
        assert_eq!(ok("Basic !!!"), Err(AuthError::Malformed));
        assert_eq!(ok("Digest x"), Err(AuthError::Malformed));
        assert_eq!(ok("Bearer"), Err(AuthError::Malformed));
        assert_eq!(
            check_pat(&HeaderMap::new(), &tokens),
            Err(AuthError::Missing)
        );
        assert_eq!(check_pat(&HeaderMap::new(), &[]), Ok(()));
    }

    #[test]
    fn bearer_tokens() {
        assert_eq!(bearer(&HeaderMap::new()), Err(AuthError::Missing));
        let h = headers("authorization", "Bearer abc.def.ghi");
        assert_eq!(bearer(&h), Ok("abc.def.ghi"));
        let h = headers("authorization", "bearer  tok ");
        assert_eq!(bearer(&h), Ok("tok"));
        for bad in ["Basic abc", "Bearer", "Bearer   ", "abc"] {
            let h = headers("authorization", bad);
            assert_eq!(bearer(&h), Err(AuthError::Malformed), "{bad:?}");
        }
    }

    #[test]
    fn header_secrets() {
        let keys = vec!["s3cret".to_string()];
        let h = headers("x-session-api-key", "s3cret");
        assert_eq!(check_header_secret(&h, "x-session-api-key", &keys), Ok(()));
        let h = headers("x-session-api-key", "s3cre");
        assert_eq!(
            check_header_secret(&h, "x-session-api-key", &keys),
            Err(AuthError::Wrong)
        );
        assert_eq!(
            check_header_secret(&HeaderMap::new(), "x-session-api-key", &keys),
            Err(AuthError::Missing)
        );
        assert!(ct_eq(b"abc", b"abc") && !ct_eq(b"abc", b"abd") && !ct_eq(b"ab", b"abc"));
    }
}
