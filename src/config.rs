//! A reader for git's config files: sections, subsections, keys and values with git's
//! quoting, escapes, comments and continuation lines.
//!
//! Only what the engine needs is read: the repository's own `config` (no includes, no
//! global or system files), so results never depend on the user running oxgit.

use std::path::Path;

/// A parsed config file: `(section.subsection.key, value)` in file order. Section and key
/// names are lowercased; subsections keep their case, as in git.
#[derive(Debug, Clone, Default)]
pub struct Config {
    entries: Vec<(String, Option<String>)>,
}

/// Why a config file could not be parsed.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config {path}: {source}")]
    Io {
        /// The config file.
        path: std::path::PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A line is not valid config syntax.
    #[error("bad config line {line} in {path}")]
    Syntax {
        /// The config file.
        path: std::path::PathBuf,
        /// 1-based line number.
        line: usize,
    },
}

impl Config {
    /// Reads `path`; a missing file is an empty config (mirrors can lack one).
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        match std::fs::read(path) {
            Ok(bytes) => Config::parse(&bytes).map_err(|line| ConfigError::Syntax {
                path: path.to_path_buf(),
                line,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(ConfigError::Io {
                path: path.to_path_buf(),
                source: e,
            }),
        }
    }

    /// Parses config text; the error is the 1-based number of the first bad line.
    pub fn parse(text: &[u8]) -> Result<Config, usize> {
        let text = String::from_utf8_lossy(text);
        let mut chars = text.chars().peekable();
        let mut line = 1usize;
        let mut section = String::new();
        let mut entries = Vec::new();
        while let Some(&c) = chars.peek() {
            match c {
                '\n' => {
                    line += 1;
                    chars.next();
                }
                ' ' | '\t' | '\r' => {
                    chars.next();
                }
                '#' | ';' => {
                    for c in chars.by_ref() {
                        if c == '\n' {
                            line += 1;
                            break;
                        }
                    }
                }
                '[' => {
                    chars.next();
                    let mut name = String::new();
                    let mut sub: Option<String> = None;
                    loop {
                        match chars.next() {
                            Some(']') => break,
                            Some('"') if sub.is_none() && name.ends_with(' ') => {
                                let mut s = String::new();
                                loop {
                                    match chars.next() {
                                        Some('"') => break,
                                        Some('\\') => match chars.next() {
                                            Some(c) if c != '\n' => s.push(c),
                                            _ => return Err(line),
                                        },
                                        Some('\n') | None => return Err(line),
                                        Some(c) => s.push(c),
                                    }
                                }
                                sub = Some(s);
                            }
                            Some(c)
                                if sub.is_none()
                                    && (c.is_ascii_alphanumeric() || c == '-' || c == '.') =>
                            {
                                name.push(c.to_ascii_lowercase())
                            }
                            Some(' ') if sub.is_none() => name.push(' '),
                            _ => return Err(line),
                        }
                    }
                    let name = name.trim_end().to_string();
                    section = match sub {
                        Some(s) => format!("{name}.{s}"),
                        None => {
                            // `[section.sub]` is the old, lowercased form of subsections.
                            name
                        }
                    };
                }
                c if c.is_ascii_alphabetic() => {
                    if section.is_empty() {
                        return Err(line);
                    }
                    let mut key = String::new();
                    while let Some(&c) = chars.peek() {
                        if c.is_ascii_alphanumeric() || c == '-' {
                            key.push(c.to_ascii_lowercase());
                            chars.next();
                        } else {
                            break;
                        }
                    }
                    while matches!(chars.peek(), Some(' ' | '\t')) {
                        chars.next();
                    }
                    let value = match chars.peek() {
                        Some('=') => {
                            chars.next();
                            Some(parse_value(&mut chars, &mut line)?)
                        }
                        Some('\n' | '#' | ';' | '\r') | None => None,
                        _ => return Err(line),
                    };
                    entries.push((format!("{section}.{key}"), value));
                }
                _ => return Err(line),
            }
        }
        Ok(Config { entries })
    }

    /// The last value of `key` (`section.key` or `section.subsection.key`; section and key
    /// are matched case-insensitively).
    pub fn get(&self, key: &str) -> Option<&str> {
        let key = normalize_key(key);
        self.entries
            .iter()
            .rev()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_deref().unwrap_or(""))
    }

    /// Every value of `key`, in file order (for multi-valued keys such as
    /// `remote.<name>.fetch`); a key without `=` yields `""`.
    pub fn get_all<'a>(&'a self, key: &str) -> impl Iterator<Item = &'a str> + 'a {
        let key = normalize_key(key);
        self.entries
            .iter()
            .filter(move |(k, _)| *k == key)
            .map(|(_, v)| v.as_deref().unwrap_or(""))
    }

    /// Every entry of `section` (`section.<rest>`, in file order) as `(rest, value)`;
    /// `value` is `None` for a key without `=`.
    pub fn section_entries<'a>(
        &'a self,
        section: &str,
    ) -> impl Iterator<Item = (String, Option<&'a str>)> + 'a {
        let prefix = format!("{}.", section.to_ascii_lowercase());
        self.entries.iter().filter_map(move |(k, v)| {
            k.strip_prefix(&prefix)
                .map(|rest| (rest.to_string(), v.as_deref()))
        })
    }

    /// Whether `key` is present, even without a value.
    fn get_raw(&self, key: &str) -> Option<&Option<String>> {
        let key = normalize_key(key);
        self.entries
            .iter()
            .rev()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }

    /// `key` as a boolean, with git's spellings (`true/yes/on/1`, `false/no/off/0/""`; a
    /// key without `=` is true). `None` if absent or not a boolean.
    pub fn get_bool(&self, key: &str) -> Option<bool> {
        match self.get_raw(key)? {
            None => Some(true),
            Some(v) => parse_bool(v),
        }
    }

    /// `key` as an integer with git's `k`, `m`, `g` suffixes.
    pub fn get_int(&self, key: &str) -> Option<i64> {
        let v = self.get(key)?.trim();
        let (digits, mult) = match v.as_bytes().last()? {
            b'k' | b'K' => (&v[..v.len() - 1], 1024),
            b'm' | b'M' => (&v[..v.len() - 1], 1024 * 1024),
            b'g' | b'G' => (&v[..v.len() - 1], 1024 * 1024 * 1024),
            _ => (v, 1),
        };
        digits.parse::<i64>().ok()?.checked_mul(mult)
    }
}

/// git's boolean spellings.
pub fn parse_bool(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" | "1" => Some(true),
        "false" | "no" | "off" | "0" | "" => Some(false),
        _ => None,
    }
}

/// Lowercases the section and key of `section[.subsection].key`, keeping the subsection.
fn normalize_key(key: &str) -> String {
    let first = key.find('.').unwrap_or(key.len());
    let last = key.rfind('.').unwrap_or(key.len());
    if first == last {
        return key.to_ascii_lowercase();
    }
    format!(
        "{}{}{}",
        key[..first].to_ascii_lowercase(),
        &key[first..last],
        key[last..].to_ascii_lowercase()
    )
}

fn parse_value(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    line: &mut usize,
) -> Result<String, usize> {
    let mut out = String::new();
    let mut quoted = false;
    let mut pending_space = String::new();
    let mut started = false;
    loop {
        match chars.next() {
            None => break,
            Some('\n') => {
                if quoted {
                    return Err(*line);
                }
                *line += 1;
                break;
            }
            Some('\r') if chars.peek() == Some(&'\n') => {}
            Some(' ' | '\t') if !quoted => {
                // git keeps inner runs of unquoted whitespace as that many spaces.
                if started {
                    pending_space.push(' ');
                }
            }
            Some('#' | ';') if !quoted => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        *line += 1;
                        break;
                    }
                }
                break;
            }
            Some('"') => {
                out.push_str(&pending_space);
                pending_space.clear();
                quoted = !quoted;
                started = true;
            }
            Some('\\') => {
                let c = match chars.next() {
                    Some('\n') => {
                        *line += 1;
                        continue;
                    }
                    Some('\r') if chars.peek() == Some(&'\n') => {
                        chars.next();
                        *line += 1;
                        continue;
                    }
                    Some('n') => '\n',
                    Some('t') => '\t',
                    Some('b') => '\u{8}',
                    Some('\\') => '\\',
                    Some('"') => '"',
                    _ => return Err(*line),
                };
                out.push_str(&pending_space);
                pending_space.clear();
                out.push(c);
                started = true;
            }
            Some(c) => {
                out.push_str(&pending_space);
                pending_space.clear();
                out.push(c);
                started = true;
            }
        }
    }
    if quoted {
        return Err(*line);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sections_subsections_and_values() {
        let c = Config::parse(
            b"[core]\n\tbare = false # c\n\tAbbrev=12\n[remote \"Origin\"]\n\turl = \"a b\" \\\n c\n[extensions]\n\tobjectFormat = sha256\n[x]\n\tflag\n",
        )
        .unwrap();
        assert_eq!(c.get_bool("core.bare"), Some(false));
        assert_eq!(c.get_int("core.abbrev"), Some(12));
        assert_eq!(c.get("remote.Origin.url"), Some("a b  c"));
        assert_eq!(c.get("extensions.objectformat"), Some("sha256"));
        assert_eq!(c.get_bool("x.flag"), Some(true));
        assert_eq!(c.get("remote.origin.url"), None);
    }

    #[test]
    fn reports_bad_lines() {
        assert_eq!(Config::parse(b"[core\n").unwrap_err(), 1);
        assert_eq!(Config::parse(b"[a]\nk = \"open\n").unwrap_err(), 2);
    }
}
