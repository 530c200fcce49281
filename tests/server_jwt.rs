//! JWT verification (Code Storage, spec §3.2): every failure case, against keys
//! generated with openssl (tests/keys), tokens signed here with the same crates.
#![cfg(feature = "server")]

mod common;
mod server_support;

use oxgit::server::config::{IssuerConfig, KeyConfig};
use oxgit::server::jwt::{JwtError, Verifier};
use serde_json::{json, Value};
use server_support::tokens::{b64, es256, rs256, token, ES_KEY, ES_OTHER_KEY};

const ES_PUB: &str = include_str!("keys/es256.pub.pem");
const RS_PUB: &str = include_str!("keys/rs256.pub.pem");
const RS_1024_PUB: &str = include_str!("keys/rs1024.pub.pem");
const NOW: i64 = 1_750_000_000;

fn key(alg: &str, kid: Option<&str>, pem: &str) -> KeyConfig {
    KeyConfig {
        kid: kid.map(str::to_string),
        alg: alg.into(),
        pem: Some(pem.into()),
        pem_file: None,
    }
}

fn verifier() -> Verifier {
    Verifier::new(&[
        IssuerConfig {
            iss: "acme".into(),
            keys: vec![key("ES256", Some("k1"), ES_PUB), key("RS256", None, RS_PUB)],
        },
        IssuerConfig {
            iss: "other".into(),
            keys: vec![key("RS256", Some("r1"), RS_PUB)],
        },
    ])
    .unwrap()
}

fn claims() -> Value {
    json!({"iss": "acme", "sub": "ci", "repo": "team/alpha", "scopes": ["git:read"], "iat": NOW, "exp": NOW + 300})
}

fn with(mut v: Value, k: &str, x: Value) -> Value {
    if x.is_null() {
        v.as_object_mut().unwrap().remove(k);
    } else {
        v[k] = x;
    }
    v
}

#[test]
fn valid_es256_and_rs256_tokens() {
    let v = verifier();
    let t = token(
        &json!({"alg": "ES256", "typ": "JWT", "kid": "k1"}),
        &claims(),
        es256(ES_KEY),
    );
    let c = v.verify(&t, NOW).unwrap();
    assert_eq!(c.authorize(None, "git:read"), Ok("team/alpha"));
    assert_eq!(
        c.authorize(Some("team/alpha"), "git:read"),
        Ok("team/alpha")
    );
    // No kid: any key of the issuer with that alg is tried.
    let t = token(&json!({"alg": "ES256"}), &claims(), es256(ES_KEY));
    assert!(v.verify(&t, NOW).is_ok());
    let t = token(&json!({"alg": "RS256", "typ": "JWT"}), &claims(), rs256);
    assert!(v.verify(&t, NOW).is_ok());
    // git:write implies git:read.
    let t = token(
        &json!({"alg": "ES256"}),
        &with(claims(), "scopes", json!(["git:write"])),
        es256(ES_KEY),
    );
    assert!(v
        .verify(&t, NOW)
        .unwrap()
        .authorize(None, "git:read")
        .is_ok());
    // Leeway: 60 s after exp and 60 s before nbf still pass.
    let t = token(
        &json!({"alg": "ES256"}),
        &with(
            with(claims(), "exp", json!(NOW - 60)),
            "nbf",
            json!(NOW + 60),
        ),
        es256(ES_KEY),
    );
    assert!(v.verify(&t, NOW).is_ok());
}

#[test]
fn every_failure_is_refused_with_its_reason() {
    let v = verifier();
    let es = es256(ES_KEY);
    let h = json!({"alg": "ES256", "kid": "k1"});
    let cases: Vec<(&str, String, JwtError)> = vec![
        ("garbage", "not-a-token".into(), JwtError::Malformed),
        ("two parts", "a.b".into(), JwtError::Malformed),
        ("four parts", "a.b.c.d".into(), JwtError::Malformed),
        ("bad base64", "!!.!!.!!".into(), JwtError::Malformed),
        (
            "header not JSON",
            format!("{}.{}.{}", b64(b"nope"), b64(b"{}"), b64(b"x")),
            JwtError::Malformed,
        ),
        ("huge", "a".repeat(20_000), JwtError::Malformed),
        (
            "alg none",
            format!(
                "{}.{}.",
                b64(br#"{"alg":"none"}"#),
                b64(claims().to_string().as_bytes())
            ),
            JwtError::UnsupportedAlgorithm("none".into()),
        ),
        (
            "HS256 with the public key as secret",
            {
                use hmac_free::hs256;
                let input = format!(
                    "{}.{}",
                    b64(br#"{"alg":"HS256"}"#),
                    b64(claims().to_string().as_bytes())
                );
                format!(
                    "{input}.{}",
                    b64(&hs256(ES_PUB.as_bytes(), input.as_bytes()))
                )
            },
            JwtError::UnsupportedAlgorithm("HS256".into()),
        ),
        (
            "ES384",
            token(&json!({"alg": "ES384"}), &claims(), &es),
            JwtError::UnsupportedAlgorithm("ES384".into()),
        ),
        (
            "wrong signature",
            token(&h, &claims(), es256(ES_OTHER_KEY)),
            JwtError::BadSignature,
        ),
        (
            "tampered claims",
            {
                let t = token(&h, &claims(), &es);
                let parts: Vec<&str> = t.split('.').collect();
                format!(
                    "{}.{}.{}",
                    parts[0],
                    b64(with(claims(), "repo", json!("team/beta"))
                        .to_string()
                        .as_bytes()),
                    parts[2]
                )
            },
            JwtError::BadSignature,
        ),
        (
            "RS256 signature under ES256 header",
            token(&h, &claims(), rs256),
            JwtError::BadSignature,
        ),
        (
            "unknown issuer",
            token(&h, &with(claims(), "iss", json!("evil")), &es),
            JwtError::UnknownIssuer,
        ),
        (
            "no issuer",
            token(&h, &with(claims(), "iss", Value::Null), &es),
            JwtError::UnknownIssuer,
        ),
        (
            "unknown kid",
            token(&json!({"alg": "ES256", "kid": "k9"}), &claims(), &es),
            JwtError::UnknownKey,
        ),
        (
            "alg the issuer has no key for",
            token(
                &json!({"alg": "ES256"}),
                &with(claims(), "iss", json!("other")),
                &es,
            ),
            JwtError::UnknownKey,
        ),
        (
            "crit header",
            token(&json!({"alg": "ES256", "crit": ["x"]}), &claims(), &es),
            JwtError::Malformed,
        ),
        (
            "expired",
            token(&h, &with(claims(), "exp", json!(NOW - 61)), &es),
            JwtError::Expired,
        ),
        (
            "no exp",
            token(&h, &with(claims(), "exp", Value::Null), &es),
            JwtError::MissingExp,
        ),
        (
            "not yet valid",
            token(&h, &with(claims(), "nbf", json!(NOW + 61)), &es),
            JwtError::NotYetValid,
        ),
    ];
    for (what, t, want) in cases {
        assert_eq!(v.verify(&t, NOW).err(), Some(want), "{what}");
    }
    // Claims that verify but do not authorize.
    let c = v.verify(&token(&h, &claims(), &es), NOW).unwrap();
    assert_eq!(
        c.authorize(Some("team/beta"), "git:read"),
        Err(JwtError::WrongRepo)
    );
    let c = v
        .verify(&token(&h, &with(claims(), "repo", Value::Null), &es), NOW)
        .unwrap();
    assert_eq!(c.authorize(None, "git:read"), Err(JwtError::WrongRepo));
    let c = v
        .verify(
            &token(
                &h,
                &with(claims(), "scopes", json!(["repo:write", "org:read"])),
                &es,
            ),
            NOW,
        )
        .unwrap();
    assert_eq!(c.authorize(None, "git:read"), Err(JwtError::MissingScope));
    let c = v
        .verify(&token(&h, &with(claims(), "scopes", Value::Null), &es), NOW)
        .unwrap();
    assert_eq!(c.authorize(None, "git:read"), Err(JwtError::MissingScope));
}

#[test]
fn bad_keys_are_refused_at_startup() {
    let bad = |k: KeyConfig| {
        Verifier::new(&[IssuerConfig {
            iss: "x".into(),
            keys: vec![k],
        }])
        .is_err()
    };
    assert!(bad(key("RS256", None, RS_1024_PUB)), "RSA below 2048 bits");
    assert!(bad(key("ES256", None, RS_PUB)), "an RSA key as ES256");
    assert!(bad(key("RS256", None, ES_PUB)), "an EC key as RS256");
    assert!(bad(key("HS256", None, "secret")), "HMAC is not offered");
    assert!(bad(key("ES256", None, "garbage")));
    assert!(Verifier::new(&[]).unwrap().is_empty());
}

/// HMAC-SHA256 written out (RFC 2104) so the test can forge an HS256 token with the
/// public key as the secret, the classic algorithm-confusion attack.
mod hmac_free {
    use sha2::{Digest, Sha256};

    pub fn hs256(key: &[u8], msg: &[u8]) -> Vec<u8> {
        let mut k = if key.len() > 64 {
            Sha256::digest(key).to_vec()
        } else {
            key.to_vec()
        };
        k.resize(64, 0);
        let ipad: Vec<u8> = k.iter().map(|b| b ^ 0x36).collect();
        let opad: Vec<u8> = k.iter().map(|b| b ^ 0x5c).collect();
        let inner = Sha256::new()
            .chain_update(&ipad)
            .chain_update(msg)
            .finalize();
        Sha256::new()
            .chain_update(&opad)
            .chain_update(inner)
            .finalize()
            .to_vec()
    }
}
