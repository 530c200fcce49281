//! Entry points for the server's fuzz targets (`fuzz/server_entries.rs`): the parsers of
//! network input (JWTs, `Authorization`/`Accept` headers, repository names) and of the
//! config file. Each takes arbitrary bytes and returns whether they parsed; none may
//! panic, hang or allocate without bound.

use super::config::{Config, IssuerConfig, KeyConfig};
use super::jwt::Verifier;
use axum::http::{HeaderMap, HeaderValue};
use std::sync::OnceLock;

fn verifier() -> &'static Verifier {
    static V: OnceLock<Verifier> = OnceLock::new();
    V.get_or_init(|| {
        let key = |alg: &str, pem: &str| KeyConfig {
            kid: None,
            alg: alg.into(),
            pem: Some(pem.into()),
            pem_file: None,
        };
        Verifier::new(&[IssuerConfig {
            iss: "acme".into(),
            keys: vec![
                key("ES256", include_str!("../../tests/keys/es256.pub.pem")),
                key("RS256", include_str!("../../tests/keys/rs256.pub.pem")),
            ],
        }])
        .expect("test keys parse")
    })
}

/// A JWT: verified against an ES256 and an RS256 key, and read unverified.
pub fn jwt(data: &[u8]) -> bool {
    let Ok(token) = std::str::from_utf8(data) else {
        return false;
    };
    let verified = verifier().verify(token, 1_750_000_000);
    if let Ok(c) = &verified {
        let _ = c.authorize(None, "git:read");
    }
    let unverified = Verifier::unverified(token, 1_750_000_000);
    if let Ok(c) = &unverified {
        let _ = c.authorize(c.repo.as_deref(), "git:read");
        let _ = c.repo.as_deref().map(super::repos::safe_segments);
    }
    verified.is_ok() || unverified.is_ok()
}

/// A config file.
pub fn config(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    match Config::parse(text) {
        Ok(c) => {
            let _ = c.check();
            let _ = c.open_services();
            true
        }
        Err(_) => false,
    }
}

/// Request headers and names: the bytes up to the first newline are an `Authorization`
/// value, the next line an `Accept` value, the rest a query string and repository name.
pub fn request_headers(data: &[u8]) -> bool {
    let mut parts = data.splitn(3, |&c| c == b'\n');
    let auth = parts.next().unwrap_or_default();
    let accept = parts.next().unwrap_or_default();
    let rest = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let mut h = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_bytes(auth) {
        h.insert(axum::http::header::AUTHORIZATION, v);
    }
    if let Ok(v) = HeaderValue::from_bytes(accept) {
        h.insert(axum::http::header::ACCEPT, v);
    }
    let pat = super::auth::check_pat(&h, &["pat".to_string()]).is_ok();
    let _ = super::auth::bearer(&h);
    let query: Vec<(String, String)> = rest
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let version = super::azure::check_api_version(&query, &h, true).is_ok();
    let _ = super::repos::safe_segments(&rest);
    pat || version
}
