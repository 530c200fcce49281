//! Huawei Cloud AK/SK request signatures (`SDK-HMAC-SHA256`), the only way the official
//! `huaweicloudsdk*` clients authenticate (they have no `X-Auth-Token` mode), verified
//! so that the CodeArts client works unchanged:
//!
//! ```text
//! Authorization: SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<h1;h2;...>, Signature=<hex>
//! canonical  = METHOD \n URI/ \n sorted encoded query \n h:v\n... \n h1;h2 \n hex(sha256(body))
//! to_sign    = "SDK-HMAC-SHA256" \n <X-Sdk-Date> \n hex(sha256(canonical))
//! signature  = hex(hmac_sha256(SK, to_sign))
//! ```
//!
//! `host` and `x-sdk-date` must be signed, and the date must be within 15 minutes of the
//! server's clock (a replay window, as the service has).

use super::auth::{ct_eq, AuthError};
use axum::http::{HeaderMap, Method, Uri};
use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};

/// How far `X-Sdk-Date` may be from now, in seconds.
pub const MAX_SKEW_SECS: i64 = 15 * 60;

/// One access key pair.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessKey {
    /// The access key id (AK).
    pub ak: String,
    /// The secret (SK).
    pub sk: String,
}

const EMPTY_HASH: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

fn hex(data: &[u8]) -> String {
    data.iter().map(|b| format!("{b:02x}")).collect()
}

/// Python's `quote(s, safe='~')`: everything but RFC 3986 unreserved characters.
fn encode(s: &[u8]) -> String {
    super::azure::escape_data_string(s)
}

/// Percent-decodes `s` (invalid escapes are kept as written).
fn decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let h = |c: u8| crate::oid::hex_value(c);
            if let (Some(x), Some(y)) = (h(b[i + 1]), h(b[i + 2])) {
                out.push(x << 4 | y);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

fn canonical_uri(path: &str) -> String {
    let decoded = decode(path);
    let mut uri: Vec<String> = decoded.split(|&c| c == b'/').map(encode).collect();
    if uri.last().is_some_and(|s| !s.is_empty()) || uri.len() == 1 {
        uri.push(String::new());
    }
    uri.join("/")
}

fn canonical_query(query: Option<&str>) -> String {
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = query
        .unwrap_or("")
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            let plus = |s: &str| s.replace('+', " ");
            (decode(&plus(k)), decode(&plus(v)))
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Parses `YYYYMMDDTHHMMSSZ` to Unix seconds.
fn parse_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    let (y, mo, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (h, mi, se) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let days = crate::object::date::days_from_civil(y, mo, d);
    Some(days * 86_400 + h * 3600 + mi * 60 + se)
}

/// The string an SDK signs: the algorithm, the date and the hash of the canonical request
/// (method, URI, query, the `names` headers, the payload hash).
fn string_to_sign(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    names: &[&str],
    date: &str,
) -> Result<String, AuthError> {
    let mut canonical = format!(
        "{}\n{}\n{}\n",
        method.as_str(),
        canonical_uri(uri.path()),
        canonical_query(uri.query())
    );
    for n in names {
        let v = headers.get(*n).ok_or(AuthError::Malformed)?;
        canonical.push_str(n);
        canonical.push(':');
        canonical.push_str(String::from_utf8_lossy(v.as_bytes()).trim());
        canonical.push('\n');
    }
    canonical.push('\n');
    canonical.push_str(&names.join(";"));
    canonical.push('\n');
    let payload = headers
        .get("x-sdk-content-sha256")
        .and_then(|v| v.to_str().ok())
        .unwrap_or(EMPTY_HASH);
    canonical.push_str(payload);
    Ok(format!(
        "SDK-HMAC-SHA256\n{date}\n{}",
        hex(&Sha256::digest(canonical.as_bytes()))
    ))
}

fn hmac_hex(sk: &str, to_sign: &str) -> String {
    let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(sk.as_bytes())
        .expect("HMAC takes any key length");
    mac.update(to_sign.as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// The `Authorization` value the Huawei SDKs send for a body-less request: signs the
/// headers `headers` holds (lowercase names, sorted; `host` and `x-sdk-date` must be
/// among them) with `key`. For clients and tests; the server only [`check`]s.
pub fn authorization(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    key: &AccessKey,
) -> Result<String, AuthError> {
    let mut names: Vec<&str> = headers.keys().map(|k| k.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    if !names.contains(&"host") || !names.contains(&"x-sdk-date") {
        return Err(AuthError::Malformed);
    }
    let date = headers
        .get("x-sdk-date")
        .and_then(|v| v.to_str().ok())
        .ok_or(AuthError::Malformed)?;
    let to_sign = string_to_sign(method, uri, headers, &names, date)?;
    Ok(format!(
        "SDK-HMAC-SHA256 Access={}, SignedHeaders={}, Signature={}",
        key.ak,
        names.join(";"),
        hmac_hex(&key.sk, &to_sign)
    ))
}

/// Verifies an AK/SK-signed request without a body (GET) at Unix time `now`.
pub fn check(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    keys: &[AccessKey],
    now: i64,
) -> Result<(), AuthError> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)
        .ok_or(AuthError::Missing)?
        .to_str()
        .map_err(|_| AuthError::Malformed)?;
    let rest = value
        .strip_prefix("SDK-HMAC-SHA256 ")
        .ok_or(AuthError::Malformed)?;
    let (mut ak, mut signed, mut sig) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=').ok_or(AuthError::Malformed)?;
        match k {
            "Access" => ak = Some(v),
            "SignedHeaders" => signed = Some(v),
            "Signature" => sig = Some(v),
            _ => return Err(AuthError::Malformed),
        }
    }
    let (ak, signed, sig) = match (ak, signed, sig) {
        (Some(a), Some(h), Some(s)) => (a, h, s),
        _ => return Err(AuthError::Malformed),
    };
    let names: Vec<&str> = signed.split(';').collect();
    if !names.contains(&"host") || !names.contains(&"x-sdk-date") {
        return Err(AuthError::Malformed);
    }
    let date = headers
        .get("x-sdk-date")
        .and_then(|v| v.to_str().ok())
        .ok_or(AuthError::Malformed)?;
    let t = parse_date(date).ok_or(AuthError::Malformed)?;
    if (now - t).abs() > MAX_SKEW_SECS {
        return Err(AuthError::Wrong);
    }
    let to_sign = string_to_sign(method, uri, headers, &names, date)?;
    let mut ok = false;
    let mut known = false;
    for k in keys {
        if !ct_eq(k.ak.as_bytes(), ak.as_bytes()) {
            continue;
        }
        known = true;
        ok |= ct_eq(hmac_hex(&k.sk, &to_sign).as_bytes(), sig.as_bytes());
    }
    if known && ok {
        Ok(())
    } else {
        Err(AuthError::Wrong)
    }
}

/// The CodeArts credential check: an accepted `X-Auth-Token`, or a request signed with an
/// accepted AK/SK pair. Nothing configured: accepted.
pub fn check_codearts(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    config: &super::config::CodeArtsSection,
    now: i64,
) -> Result<(), AuthError> {
    if config.tokens.is_empty() && config.access_keys.is_empty() {
        return Ok(());
    }
    if headers.contains_key("x-auth-token") && !config.tokens.is_empty() {
        return super::auth::check_header_secret(headers, "x-auth-token", &config.tokens);
    }
    if headers.contains_key(axum::http::header::AUTHORIZATION) {
        return check(method, uri, headers, &config.access_keys, now);
    }
    if headers.contains_key("x-auth-token") {
        return Err(AuthError::Wrong);
    }
    Err(AuthError::Missing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    /// A request signed by the real huaweicloudsdkcore 3.1.219 (captured from
    /// `clients/codearts_mr_changes.py` with AK `AKEXAMPLE`, SK `SKEXAMPLE`).
    fn captured() -> (Method, Uri, HeaderMap) {
        let mut h = HeaderMap::new();
        let mut set = |k: &'static str, v: &str| {
            h.insert(k, HeaderValue::from_str(v).unwrap());
        };
        set("user-agent", "huaweicloud-usdk-python/3.0; os/Linux##1_SMP_PREEMPT_DYNAMIC_@0#x86_64 python/3.11.7 impl/CPython; app/59ee7e30-ca0e-4e33-a4e0-5b384cae95af");
        set("content-type", "application/json");
        set("x-project-id", "proj123");
        set("x-sdk-date", "20261202T072524Z");
        set("host", "127.0.0.1:18097");
        set("authorization", "SDK-HMAC-SHA256 Access=AKEXAMPLE, SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date, Signature=c68a1163be697bbb668b396a743bbd79e676eeeff0a6f583414a5aa8b9b2c69c");
        (
            Method::GET,
            "/v4/repositories/1001/merge-requests/1/changes"
                .parse()
                .unwrap(),
            h,
        )
    }

    #[test]
    fn verifies_what_the_real_sdk_signed() {
        let (m, u, h) = captured();
        let keys = [AccessKey {
            ak: "AKEXAMPLE".into(),
            sk: "SKEXAMPLE".into(),
        }];
        let at = parse_date("20261202T072524Z").unwrap();
        assert_eq!(at, 1_796_196_324);
        assert_eq!(check(&m, &u, &h, &keys, at + 60), Ok(()));
        // Wrong secret, unknown key, stale date, tampered path or header: refused.
        let wrong = [AccessKey {
            ak: "AKEXAMPLE".into(),
            sk: "other".into(),
        }];
        assert_eq!(check(&m, &u, &h, &wrong, at), Err(AuthError::Wrong));
        let other = [AccessKey {
            ak: "AK2".into(),
            sk: "SKEXAMPLE".into(),
        }];
        assert_eq!(check(&m, &u, &h, &other, at), Err(AuthError::Wrong));
        assert_eq!(
            check(&m, &u, &h, &keys, at + 16 * 60),
            Err(AuthError::Wrong)
        );
        let u2: Uri = "/v4/repositories/1002/merge-requests/1/changes"
            .parse()
            .unwrap();
        assert_eq!(check(&m, &u2, &h, &keys, at), Err(AuthError::Wrong));
        let mut h2 = h.clone();
        h2.insert("x-project-id", HeaderValue::from_static("proj124"));
        assert_eq!(check(&m, &u, &h2, &keys, at), Err(AuthError::Wrong));
        let mut h3 = h.clone();
        h3.insert(
            "authorization",
            HeaderValue::from_static("SDK-HMAC-SHA256 Access=AKEXAMPLE, Signature=00"),
        );
        assert_eq!(check(&m, &u, &h3, &keys, at), Err(AuthError::Malformed));
        assert_eq!(
            check(&m, &u, &HeaderMap::new(), &keys, at),
            Err(AuthError::Missing)
        );
    }

    #[test]
    fn signs_as_the_real_sdk_signs() {
        let (m, u, mut h) = captured();
        let sent = h.remove("authorization").unwrap();
        let key = AccessKey {
            ak: "AKEXAMPLE".into(),
            sk: "SKEXAMPLE".into(),
        };
        assert_eq!(
            authorization(&m, &u, &h, &key).unwrap(),
            sent.to_str().unwrap()
        );
        h.remove("x-sdk-date");
        assert_eq!(authorization(&m, &u, &h, &key), Err(AuthError::Malformed));
    }

    #[test]
    fn codearts_accepts_a_token_or_a_signature() {
        let (m, u, h) = captured();
        let at = parse_date("20261202T072524Z").unwrap();
        let mut cfg = crate::server::config::CodeArtsSection::default();
        assert_eq!(check_codearts(&m, &u, &HeaderMap::new(), &cfg, at), Ok(()));
        cfg.tokens = vec!["tok".into()];
        assert_eq!(
            check_codearts(&m, &u, &HeaderMap::new(), &cfg, at),
            Err(AuthError::Missing)
        );
        let mut t = HeaderMap::new();
        t.insert("x-auth-token", HeaderValue::from_static("tok"));
        assert_eq!(check_codearts(&m, &u, &t, &cfg, at), Ok(()));
        t.insert("x-auth-token", HeaderValue::from_static("bad"));
        assert_eq!(check_codearts(&m, &u, &t, &cfg, at), Err(AuthError::Wrong));
        // A signature with no access keys configured is not accepted.
        assert_eq!(check_codearts(&m, &u, &h, &cfg, at), Err(AuthError::Wrong));
        cfg.access_keys = vec![AccessKey {
            ak: "AKEXAMPLE".into(),
            sk: "SKEXAMPLE".into(),
        }];
        assert_eq!(check_codearts(&m, &u, &h, &cfg, at), Ok(()));
    }

    #[test]
    fn canonical_parts() {
        assert_eq!(canonical_uri("/v4/a b/x"), "/v4/a%20b/x/");
        assert_eq!(canonical_uri("/v4/a%20b/"), "/v4/a%20b/");
        assert_eq!(
            canonical_query(Some("b=2&a=1&a=0&c=x%2Fy")),
            "a=0&a=1&b=2&c=x%2Fy"
        );
        assert_eq!(canonical_query(None), "");
        assert_eq!(parse_date("19700101T000000Z"), Some(0));
        assert_eq!(parse_date("2025-01-01"), None);
        assert_eq!(decode("%zz%41"), b"%zzA");
    }
}
