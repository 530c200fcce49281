//! The server's TOML config: limits, and one credential section per service.
//!
//! ```toml
//! [server]
//! listen = "127.0.0.1:8080"      # or --listen
//! root = "/srv/repos"            # or --root
//! request_timeout_secs = 30
//!
//! [openhands]
//! session_api_key = "s3cret"     # X-Session-API-Key; unset: no check
//!
//! [azure]
//! tokens = ["pat-1", "pat-2"]    # Basic (any user, PAT as password) or Bearer
//!
//! [[code_storage.issuers]]
//! iss = "acme"                   # the JWT `iss` claim
//! [[code_storage.issuers.keys]]
//! kid = "2025-01"                # optional; matched against the JWT header's `kid`
//! alg = "ES256"                  # or RS256
//! pem_file = "/etc/oxgit/acme-es256.pub.pem"   # or pem = """-----BEGIN PUBLIC KEY-----..."""
//!
//! [codearts]
//! tokens = ["MIIZ..."]           # X-Auth-Token
//! access_keys = [{ ak = "AK...", sk = "SK..." }]   # SDK-HMAC-SHA256 (the Huawei SDKs)
//! web_url = "https://codearts.example"          # base of web_url members
//! max_files = 1000                                # GitLab diff limits
//! max_lines = 50000
//! max_patch_bytes = 204800
//! user_ids = { ada = 1 }                          # author.id by user name
//! ```

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Why a config could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has unknown keys.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message.
        message: String,
    },
    /// A value is out of range or inconsistent.
    #[error("config: {0}")]
    Invalid(String),
}

/// The whole config file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Listening, limits and timeouts.
    pub server: ServerSection,
    /// OpenHands workspace changes (`X-Session-API-Key`).
    pub openhands: OpenHandsSection,
    /// Azure DevOps commit changes (PATs).
    pub azure: AzureSection,
    /// Code Storage commit diff (JWT issuers and their public keys).
    pub code_storage: CodeStorageSection,
    /// CodeArts merge-request changes (`X-Auth-Token`).
    pub codearts: CodeArtsSection,
}

/// `[server]`: where to listen and how much to accept.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerSection {
    /// Address to listen on (`--listen` wins).
    pub listen: Option<String>,
    /// Folder holding the repositories (`--root` wins).
    pub root: Option<PathBuf>,
    /// Longest time a handler may take before the request fails with 503.
    pub request_timeout_secs: u64,
    /// Longest time a client may take to send a request's head (slow-client protection;
    /// also closes idle keep-alive connections).
    pub header_read_timeout_secs: u64,
    /// Largest request head (request line and headers) accepted; larger ones get 431.
    pub max_header_bytes: usize,
    /// Longest request target accepted; longer ones get 414.
    pub max_uri_bytes: usize,
    /// Connections served at once; further clients wait to be accepted.
    pub max_connections: usize,
    /// Diffs computed at once; past it requests get 503 with `Retry-After`.
    pub max_concurrent_diffs: usize,
    /// Threads for blocking git work (0: twice the number of cores).
    pub worker_threads: usize,
    /// The `Retry-After` value of 503 answers, in seconds.
    pub retry_after_secs: u64,
    /// How long in-flight requests may run after SIGINT/SIGTERM.
    pub shutdown_grace_secs: u64,
}

impl Default for ServerSection {
    fn default() -> Self {
        ServerSection {
            listen: None,
            root: None,
            request_timeout_secs: 30,
            header_read_timeout_secs: 10,
            max_header_bytes: 16 * 1024,
            max_uri_bytes: 8 * 1024,
            max_connections: 512,
            max_concurrent_diffs: 8,
            worker_threads: 0,
            retry_after_secs: 1,
            shutdown_grace_secs: 30,
        }
    }
}

/// `[openhands]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OpenHandsSection {
    /// The value `X-Session-API-Key` must have; unset disables the check, as OpenHands
    /// does when `SESSION_API_KEY` is unset.
    pub session_api_key: Option<String>,
    /// Conversation workspaces are `<conversations_root>/<conversation_id>` (unset: the
    /// `--root` folder, or the folder holding the served repository).
    pub conversations_root: Option<String>,
    /// Conversation ids mapped to workspace folders anywhere (`id = "path"`).
    pub conversations: std::collections::BTreeMap<String, String>,
}

/// `[azure]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AzureSection {
    /// Accepted personal access tokens; empty disables the check.
    pub tokens: Vec<String>,
    /// Base of the item URLs in responses (`{public_url}/{organization}/{projectId}/_apis/…`).
    pub public_url: String,
    /// Whether a request without `api-version` is refused (400), as the documentation
    /// says; `false` serves it at the latest version, as Azure DevOps Services does.
    pub require_api_version: bool,
}

impl Default for AzureSection {
    fn default() -> Self {
        AzureSection {
            tokens: Vec::new(),
            public_url: "https://dev.azure.com".into(),
            require_api_version: true,
        }
    }
}

/// `[code_storage]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CodeStorageSection {
    /// JWT issuers (organisations) and their public keys.
    pub issuers: Vec<IssuerConfig>,
}

/// One JWT issuer.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuerConfig {
    /// The `iss` claim.
    pub iss: String,
    /// Its public keys.
    pub keys: Vec<KeyConfig>,
}

/// One public key of an issuer.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyConfig {
    /// Matched against the token header's `kid`; a key without one matches any token
    /// of the issuer whose `alg` it has.
    #[serde(default)]
    pub kid: Option<String>,
    /// `ES256` (P-256) or `RS256` (at least 2048 bits).
    pub alg: String,
    /// The public key as PEM (SPKI `PUBLIC KEY`, or PKCS#1 `RSA PUBLIC KEY`).
    #[serde(default)]
    pub pem: Option<String>,
    /// Or a file holding it (relative paths are relative to the config file).
    #[serde(default)]
    pub pem_file: Option<PathBuf>,
}

/// `[codearts]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CodeArtsSection {
    /// Accepted `X-Auth-Token` values. With neither tokens nor access keys the check is
    /// disabled.
    pub tokens: Vec<String>,
    /// Accepted AK/SK pairs for `SDK-HMAC-SHA256` signed requests (what the official
    /// Huawei Cloud SDKs send).
    pub access_keys: Vec<super::aksk::AccessKey>,
    /// Base of `web_url` members.
    pub web_url: String,
    /// GitLab's diff limits (§4.4): at most this many files (default 1000)...
    pub max_files: usize,
    /// ...this many patch lines over the collection (default 50 000)...
    pub max_lines: u64,
    /// ...and a file's patch of this many bytes is `too_large` (default 200 KiB, at most
    /// 500 KiB); a tenth of it is collapsed.
    pub max_patch_bytes: u64,
    /// `a_mode`/`b_mode` as integers (`33188`), as CodeArts' sample shows, instead of
    /// GitLab's octal strings (`"100644"`).
    pub integer_modes: bool,
    /// User ids reported as `author.id`, by user name (unknown users: `null`).
    pub user_ids: std::collections::BTreeMap<String, u64>,
}

impl Default for CodeArtsSection {
    fn default() -> Self {
        CodeArtsSection {
            tokens: Vec::new(),
            access_keys: Vec::new(),
            web_url: "https://codearts.example".into(),
            max_files: 1000,
            max_lines: 50_000,
            max_patch_bytes: 204_800,
            integer_modes: false,
            user_ids: std::collections::BTreeMap::new(),
        }
    }
}

impl Config {
    /// Reads and checks a config file; key PEM files are read relative to it.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut config = Config::parse(&text).map_err(|e| match e {
            ConfigError::Parse { message, .. } => ConfigError::Parse {
                path: path.to_path_buf(),
                message,
            },
            other => other,
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        for issuer in &mut config.code_storage.issuers {
            for key in &mut issuer.keys {
                if let Some(file) = &key.pem_file {
                    let file = base.join(file);
                    let pem = std::fs::read_to_string(&file)
                        .map_err(|source| ConfigError::Read { path: file, source })?;
                    key.pem = Some(pem);
                }
            }
        }
        config.check()?;
        Ok(config)
    }

    /// Parses config text (PEM files are not read).
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: PathBuf::new(),
            message: e.to_string(),
        })
    }

    /// Checks ranges and consistency.
    pub fn check(&self) -> Result<(), ConfigError> {
        let s = &self.server;
        let bad = |m: &str| Err(ConfigError::Invalid(m.to_string()));
        if s.max_header_bytes < 8192 {
            return bad("server.max_header_bytes must be at least 8192");
        }
        if s.max_uri_bytes == 0 || s.max_concurrent_diffs == 0 || s.max_connections == 0 {
            return bad("server limits must be positive");
        }
        if s.request_timeout_secs == 0 || s.header_read_timeout_secs == 0 {
            return bad("server timeouts must be positive");
        }
        let c = &self.codearts;
        if c.max_files == 0 || c.max_lines == 0 || !(1..=512_000).contains(&c.max_patch_bytes) {
            return bad("codearts limits: max_files and max_lines must be positive, max_patch_bytes 1 to 512000");
        }
        for issuer in &self.code_storage.issuers {
            if issuer.keys.is_empty() {
                return Err(ConfigError::Invalid(format!(
                    "issuer {:?} has no keys",
                    issuer.iss
                )));
            }
            for key in &issuer.keys {
                if key.pem.is_none() && key.pem_file.is_none() {
                    return Err(ConfigError::Invalid(format!(
                        "a key of issuer {:?} has neither pem nor pem_file",
                        issuer.iss
                    )));
                }
            }
        }
        Ok(())
    }

    /// Services whose credential check is disabled because nothing is configured.
    pub fn open_services(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.openhands.session_api_key.is_none() {
            v.push("openhands");
        }
        if self.azure.tokens.is_empty() {
            v.push("azure");
        }
        if self.code_storage.issuers.is_empty() {
            v.push("code_storage");
        }
        if self.codearts.tokens.is_empty() && self.codearts.access_keys.is_empty() {
            v.push("codearts");
        }
        v
    }

    /// Whether any service has a credential configured.
    pub fn has_credentials(&self) -> bool {
        self.open_services().len() < 4
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_section_and_rejects_unknown_keys() {
        let c = Config::parse(
            r#"
            [server]
            listen = "127.0.0.1:0"
            max_concurrent_diffs = 2
            [openhands]
            session_api_key = "k"
            [azure]
            tokens = ["a"]
            [[code_storage.issuers]]
            iss = "acme"
            [[code_storage.issuers.keys]]
            alg = "ES256"
            pem = "x"
            [codearts]
            tokens = ["t"]
            "#,
        )
        .unwrap();
        assert_eq!(c.server.max_concurrent_diffs, 2);
        assert_eq!(c.server.request_timeout_secs, 30);
        assert!(c.open_services().is_empty());
        assert!(c.check().is_ok());
        assert!(Config::parse("[server]\nlisten_on = 1\n").is_err());
        assert!(Config::parse("[nope]\n").is_err());
        let empty = Config::parse("").unwrap();
        assert!(!empty.has_credentials());
        let c = Config::parse("[server]\nmax_header_bytes = 100\n").unwrap();
        assert!(c.check().is_err());
        let c = Config::parse("[codearts]\nmax_patch_bytes = 600000\n").unwrap();
        assert!(c.check().is_err());
        let c = Config::parse("[codearts]\nmax_files = 5\nuser_ids = { ada = 1 }\n").unwrap();
        assert!(c.check().is_ok());
        assert_eq!((c.codearts.max_files, c.codearts.max_lines), (5, 50_000));
        assert_eq!(c.codearts.user_ids["ada"], 1);
    }
}
