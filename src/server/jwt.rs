//! JWT bearer tokens as Code Storage uses them (§3.2 of the spec): ES256 (P-256) or RS256
//! signatures checked against public keys configured per issuer, then the claims: `exp`
//! (required, 60 s leeway), `nbf` (if present), the `repo` claim and the `git:read` scope
//! (`git:write` implies it).
//!
//! Only the two public-key algorithms are accepted: `none`, the HMAC family and anything
//! else are refused before any key is looked at, so a public key can never be used as
//! an HMAC secret. Verification only: no private-key operation happens in the server.

use super::config::{IssuerConfig, KeyConfig};
use base64::Engine as _;
use serde::Deserialize;

/// Clock skew tolerated on `exp` and `nbf`, in seconds.
pub const LEEWAY_SECS: i64 = 60;

/// Longest token accepted (bytes); longer ones are refused unparsed.
const MAX_TOKEN: usize = 8 * 1024;

/// Why a token was refused. Each variant is a distinct, tested failure.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    /// Not three base64url parts of JSON.
    #[error("malformed token")]
    Malformed,
    /// `alg` is not ES256 or RS256 (`none`, `HS256`, ...).
    #[error("unsupported algorithm {0:?}")]
    UnsupportedAlgorithm(String),
    /// No issuer with the token's `iss` is configured.
    #[error("unknown issuer")]
    UnknownIssuer,
    /// The issuer has no key for the token's `alg`/`kid`.
    #[error("no key for this token")]
    UnknownKey,
    /// No candidate key verifies the signature.
    #[error("bad signature")]
    BadSignature,
    /// `exp` is missing.
    #[error("no exp claim")]
    MissingExp,
    /// `exp` has passed (beyond the leeway).
    #[error("expired")]
    Expired,
    /// `nbf` is in the future (beyond the leeway).
    #[error("not yet valid")]
    NotYetValid,
    /// The `repo` claim is missing or names another repository.
    #[error("wrong repo claim")]
    WrongRepo,
    /// The token lacks the needed scope.
    #[error("missing scope")]
    MissingScope,
}

impl JwtError {
    /// A short reason for the access log (the client only ever sees 401).
    pub fn reason(&self) -> &'static str {
        match self {
            JwtError::Malformed => "malformed token",
            JwtError::UnsupportedAlgorithm(_) => "unsupported algorithm",
            JwtError::UnknownIssuer => "unknown issuer",
            JwtError::UnknownKey => "unknown key",
            JwtError::BadSignature => "bad signature",
            JwtError::MissingExp => "no exp",
            JwtError::Expired => "expired",
            JwtError::NotYetValid => "not yet valid",
            JwtError::WrongRepo => "wrong repo claim",
            JwtError::MissingScope => "missing scope",
        }
    }
}

/// The claims oxgit reads.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// The issuer (organisation).
    #[serde(default)]
    pub iss: Option<String>,
    /// The caller (for logs only).
    #[serde(default)]
    pub sub: Option<String>,
    /// The repository the token is for.
    #[serde(default)]
    pub repo: Option<String>,
    /// Granted scopes (`git:read`, `git:write`, ...).
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Expiry (Unix seconds).
    #[serde(default)]
    pub exp: Option<i64>,
    /// Not before (Unix seconds).
    #[serde(default)]
    pub nbf: Option<i64>,
    /// Issued at (Unix seconds).
    #[serde(default)]
    pub iat: Option<i64>,
}

impl Claims {
    /// Whether the token grants `scope`; `git:write` includes `git:read`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes
            .iter()
            .any(|s| s == scope || (scope == "git:read" && s == "git:write"))
    }

    /// Checks that the token is for `repo` (when the route names one) and grants `scope`;
    /// returns the repository to serve.
    pub fn authorize<'a>(
        &'a self,
        repo: Option<&'a str>,
        scope: &str,
    ) -> Result<&'a str, JwtError> {
        let claim = self.repo.as_deref().filter(|r| !r.is_empty());
        let repo = match (claim, repo) {
            (Some(c), Some(r)) if c == r => c,
            (Some(c), None) => c,
            _ => return Err(JwtError::WrongRepo),
        };
        if !self.has_scope(scope) {
            return Err(JwtError::MissingScope);
        }
        Ok(repo)
    }
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    crit: Option<serde_json::Value>,
}

/// The algorithms accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alg {
    /// ECDSA P-256 with SHA-256.
    Es256,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    Rs256,
}

impl Alg {
    fn parse(name: &str) -> Option<Alg> {
        match name {
            "ES256" => Some(Alg::Es256),
            "RS256" => Some(Alg::Rs256),
            _ => None,
        }
    }
}

enum PublicKey {
    Es256(p256::ecdsa::VerifyingKey),
    Rs256(Box<rsa::PublicKey>),
}

struct Key {
    kid: Option<String>,
    key: PublicKey,
}

impl Key {
    fn alg(&self) -> Alg {
        match self.key {
            PublicKey::Es256(_) => Alg::Es256,
            PublicKey::Rs256(_) => Alg::Rs256,
        }
    }

    fn verify(&self, message: &[u8], sig: &[u8]) -> bool {
        match &self.key {
            PublicKey::Es256(k) => {
                use p256::ecdsa::signature::Verifier;
                p256::ecdsa::Signature::from_slice(sig).is_ok_and(|s| k.verify(message, &s).is_ok())
            }
            PublicKey::Rs256(k) => k.pkcs1v15_verify::<rsa::sha2::Sha256>(message, sig).is_ok(),
        }
    }
}

/// The configured issuers and their parsed keys.
#[derive(Default)]
pub struct Verifier {
    issuers: Vec<(String, Vec<Key>)>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field(
                "issuers",
                &self.issuers.iter().map(|i| &i.0).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// Why a configured key could not be used.
#[derive(Debug, thiserror::Error)]
#[error("issuer {iss:?}: {message}")]
pub struct KeyError {
    /// The issuer.
    pub iss: String,
    /// What is wrong.
    pub message: String,
}

fn parse_key(iss: &str, k: &KeyConfig) -> Result<Key, KeyError> {
    let err = |m: String| KeyError {
        iss: iss.to_string(),
        message: m,
    };
    let pem = k
        .pem
        .as_deref()
        .ok_or_else(|| err("key without PEM".into()))?;
    let key = match Alg::parse(&k.alg) {
        Some(Alg::Es256) => {
            use p256::pkcs8::DecodePublicKey;
            let vk = p256::ecdsa::VerifyingKey::from_public_key_pem(pem.trim())
                .map_err(|e| err(format!("not a P-256 public key: {e}")))?;
            PublicKey::Es256(vk)
        }
        Some(Alg::Rs256) => {
            use rsa::pkcs1::DecodeRsaPublicKey;
            use rsa::pkcs8::DecodePublicKey;
            use rsa::traits::PublicKeyParts;
            let pem = pem.trim();
            let pk = if pem.starts_with("-----BEGIN RSA PUBLIC KEY-----") {
                rsa::PublicKey::from_pkcs1_pem(pem).map_err(|e| err(e.to_string()))?
            } else {
                rsa::PublicKey::from_public_key_pem(pem).map_err(|e| err(e.to_string()))?
            };
            if pk.size() * 8 < 2048 {
                return Err(err(format!(
                    "RSA key of {} bits; at least 2048 needed",
                    pk.size() * 8
                )));
            }
            PublicKey::Rs256(Box::new(pk))
        }
        None => return Err(err(format!("alg {:?}: use ES256 or RS256", k.alg))),
    };
    Ok(Key {
        kid: k.kid.clone(),
        key,
    })
}

fn b64(part: &str) -> Result<Vec<u8>, JwtError> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| JwtError::Malformed)
}

impl Verifier {
    /// Parses every configured key.
    pub fn new(issuers: &[IssuerConfig]) -> Result<Verifier, KeyError> {
        let mut out = Vec::new();
        for i in issuers {
            let keys = i
                .keys
                .iter()
                .map(|k| parse_key(&i.iss, k))
                .collect::<Result<Vec<_>, _>>()?;
            out.push((i.iss.clone(), keys));
        }
        Ok(Verifier { issuers: out })
    }

    /// Whether no issuer is configured (the check is then disabled).
    pub fn is_empty(&self) -> bool {
        self.issuers.is_empty()
    }

    /// Verifies `token`'s signature and time claims at Unix time `now`.
    pub fn verify(&self, token: &str, now: i64) -> Result<Claims, JwtError> {
        let (header, claims, signed, sig) = split(token)?;
        let alg = Alg::parse(&header.alg)
            .ok_or_else(|| JwtError::UnsupportedAlgorithm(header.alg.clone()))?;
        if header.crit.is_some() {
            return Err(JwtError::Malformed);
        }
        let iss = claims.iss.as_deref().ok_or(JwtError::UnknownIssuer)?;
        let keys = self
            .issuers
            .iter()
            .find(|(name, _)| name == iss)
            .map(|(_, keys)| keys)
            .ok_or(JwtError::UnknownIssuer)?;
        let mut candidates = keys.iter().filter(|k| {
            k.alg() == alg
                && match (&header.kid, &k.kid) {
                    (Some(want), Some(have)) => want == have,
                    _ => true,
                }
        });
        let mut any = false;
        let ok = candidates.any(|k| {
            any = true;
            k.verify(signed.as_bytes(), &sig)
        });
        if !any {
            return Err(JwtError::UnknownKey);
        }
        if !ok {
            return Err(JwtError::BadSignature);
        }
        check_times(&claims, now)?;
        Ok(claims)
    }

    /// Reads a token's claims without checking its signature (only when no issuer is
    /// configured: development on a loopback address), still checking the times.
    pub fn unverified(token: &str, now: i64) -> Result<Claims, JwtError> {
        let (header, claims, _, _) = split(token)?;
        if Alg::parse(&header.alg).is_none() {
            return Err(JwtError::UnsupportedAlgorithm(header.alg));
        }
        check_times(&claims, now)?;
        Ok(claims)
    }
}

fn split(token: &str) -> Result<(Header, Claims, &str, Vec<u8>), JwtError> {
    if token.len() > MAX_TOKEN {
        return Err(JwtError::Malformed);
    }
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwtError::Malformed);
    };
    let header: Header = serde_json::from_slice(&b64(h)?).map_err(|_| JwtError::Malformed)?;
    let claims: Claims = serde_json::from_slice(&b64(p)?).map_err(|_| JwtError::Malformed)?;
    let sig = b64(s)?;
    Ok((header, claims, &token[..h.len() + 1 + p.len()], sig))
}

fn check_times(claims: &Claims, now: i64) -> Result<(), JwtError> {
    let exp = claims.exp.ok_or(JwtError::MissingExp)?;
    if now > exp.saturating_add(LEEWAY_SECS) {
        return Err(JwtError::Expired);
    }
    if let Some(nbf) = claims.nbf {
        if now.saturating_add(LEEWAY_SECS) < nbf {
            return Err(JwtError::NotYetValid);
        }
    }
    Ok(())
}

/// The current Unix time in seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
