//! git's clean conversion ("convert to git") for hashing work-tree files: CRLF to LF per
//! `core.autocrlf` and the `text`, `eol`, `crlf` and `binary` attributes (`text=auto`
//! with git's binary detection and its "file already has CRLF in the index" rule), and
//! `ident`. Filter drivers and `working-tree-encoding` are refused with a clear error.
//!
//! Attributes come from `.gitattributes` in the path's directories, `info/attributes`
//! (highest precedence) and `core.attributesFile` (default
//! `$XDG_CONFIG_HOME/git/attributes`), with git's "first set wins from the highest
//! precedence" rule and the built-in `binary` macro.

use super::ignore::Pattern;
use crate::config::Config;
use crate::object::ObjectKind;
use crate::oid::{HashKind, ObjectId};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// An attribute's state for a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttrValue {
    /// `attr`.
    Set,
    /// `-attr`.
    Unset,
    /// `attr=value`.
    Value(String),
    /// Not mentioned, or reset with `!attr`.
    Unspecified,
}

/// One line of an attributes file.
#[derive(Clone, Debug)]
struct AttrLine {
    /// `None` for a macro definition (`[attr]name`).
    pattern: Option<Pattern>,
    macro_name: Option<String>,
    attrs: Vec<(String, AttrValue)>,
}

/// The lines of one attributes file and the directory it applies to.
#[derive(Clone, Debug, Default)]
struct AttrFile {
    base: Vec<u8>,
    lines: Vec<AttrLine>,
}

fn parse_attr_file(text: &[u8], base: &[u8], macros_allowed: bool) -> AttrFile {
    let text = text.strip_prefix(b"\xef\xbb\xbf").unwrap_or(text);
    let mut lines = Vec::new();
    for raw in text.split(|&c| c == b'\n') {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let line = raw.trim_ascii_start();
        if line.is_empty() || line[0] == b'#' || line.len() > 2048 {
            continue;
        }
        let mut words = line
            .split(|c| c.is_ascii_whitespace())
            .filter(|w| !w.is_empty());
        let Some(first) = words.next() else { continue };
        let attrs: Vec<(String, AttrValue)> = words
            .map(|w| {
                let w = String::from_utf8_lossy(w);
                if let Some(n) = w.strip_prefix('-') {
                    (n.to_string(), AttrValue::Unset)
                } else if let Some(n) = w.strip_prefix('!') {
                    (n.to_string(), AttrValue::Unspecified)
                } else if let Some((n, v)) = w.split_once('=') {
                    (n.to_string(), AttrValue::Value(v.to_string()))
                } else {
                    (w.to_string(), AttrValue::Set)
                }
            })
            .collect();
        if let Some(name) = first.strip_prefix(b"[attr]") {
            if macros_allowed {
                lines.push(AttrLine {
                    pattern: None,
                    macro_name: Some(String::from_utf8_lossy(name).into_owned()),
                    attrs,
                });
            }
            continue;
        }
        let pattern = Pattern::parse(first);
        if pattern.is_negative() {
            // git: "Negative patterns are ignored in git attributes".
            continue;
        }
        lines.push(AttrLine {
            pattern: Some(pattern),
            macro_name: None,
            attrs,
        });
    }
    AttrFile {
        base: base.to_vec(),
        lines,
    }
}

/// Reads `.gitattributes` files of the work tree (with the index as fallback for
/// skip-worktree ones).
pub trait AttrSource: Sync {
    /// The contents of `<dir>.gitattributes` (`dir` empty or ending in `/`).
    fn read(&self, dir: &[u8]) -> Option<Vec<u8>>;
}

impl<T: AttrSource + ?Sized> AttrSource for &T {
    fn read(&self, dir: &[u8]) -> Option<Vec<u8>> {
        (**self).read(dir)
    }
}

/// The attributes of a repository, loaded on demand.
pub struct Attributes<'a> {
    source: Box<dyn AttrSource + Send + 'a>,
    info: Arc<AttrFile>,
    global: Arc<AttrFile>,
    per_dir: Mutex<HashMap<Vec<u8>, Arc<AttrFile>>>,
    icase: bool,
}

impl<'a> Attributes<'a> {
    /// The attributes of `repo`: `info/attributes`, `core.attributesFile`, and the
    /// `.gitattributes` files `source` reads.
    pub fn new(
        repo: &crate::Repository,
        source: Box<dyn AttrSource + Send + 'a>,
    ) -> Attributes<'a> {
        let cfg = repo.config();
        let read = |p: &Path| {
            std::fs::read(p)
                .map(|t| parse_attr_file(&t, b"", true))
                .unwrap_or_default()
        };
        let info = read(&repo.common_dir().join("info").join("attributes"));
        let global = attributes_file(cfg).map(|p| read(&p)).unwrap_or_default();
        Attributes {
            source,
            info: Arc::new(info),
            global: Arc::new(global),
            per_dir: Mutex::new(HashMap::new()),
            icase: cfg.get_bool("core.ignorecase") == Some(true),
        }
    }

    fn dir_file(&self, dir: &[u8]) -> Arc<AttrFile> {
        let mut map = self.per_dir.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(f) = map.get(dir) {
            return f.clone();
        }
        let f = Arc::new(
            self.source
                .read(dir)
                .map(|t| parse_attr_file(&t, dir, dir.is_empty()))
                .unwrap_or_default(),
        );
        map.insert(dir.to_vec(), f.clone());
        f
    }

    /// Whether the global and `info/attributes` files have no lines (the per-directory
    /// files are read as paths are looked up).
    pub fn no_fixed_files(&self) -> bool {
        self.info.lines.is_empty() && self.global.lines.is_empty()
    }

    /// The values of `names` for the file `path`.
    pub fn lookup(&self, path: &[u8], names: &[&str]) -> Vec<AttrValue> {
        // The stack, highest precedence first: info/attributes, the directories from
        // the deepest up to the top, the global file.
        let mut stack = vec![self.info.clone()];
        let mut dirs = Vec::new();
        let mut i = 0;
        dirs.push(&path[..0]);
        while let Some(j) = path[i..].iter().position(|&c| c == b'/') {
            dirs.push(&path[..i + j + 1]);
            i += j + 1;
        }
        for d in dirs.iter().rev() {
            stack.push(self.dir_file(d));
        }
        stack.push(self.global.clone());
        if stack.iter().all(|f| f.lines.is_empty()) {
            return vec![AttrValue::Unspecified; names.len()];
        }
        let mut macros: HashMap<&str, &AttrLine> = HashMap::new();
        for f in &stack {
            for l in f.lines.iter().rev() {
                if let Some(m) = &l.macro_name {
                    macros.entry(m.as_str()).or_insert(l);
                }
            }
        }
        let binary = AttrLine {
            pattern: None,
            macro_name: Some("binary".into()),
            attrs: vec![
                ("diff".into(), AttrValue::Unset),
                ("merge".into(), AttrValue::Unset),
                ("text".into(), AttrValue::Unset),
            ],
        };
        macros.entry("binary").or_insert(&binary);
        let mut values: HashMap<&str, AttrValue> = HashMap::new();
        fn fill<'l>(
            values: &mut HashMap<&'l str, AttrValue>,
            macros: &HashMap<&str, &'l AttrLine>,
            attrs: &'l [(String, AttrValue)],
            depth: usize,
        ) {
            for (name, v) in attrs.iter().rev() {
                if values.contains_key(name.as_str()) {
                    continue;
                }
                values.insert(name.as_str(), v.clone());
                if *v == AttrValue::Set && depth < 16 {
                    if let Some(m) = macros.get(name.as_str()) {
                        fill(values, macros, &m.attrs, depth + 1);
                    }
                }
            }
        }
        for f in &stack {
            for l in f.lines.iter().rev() {
                let Some(p) = &l.pattern else { continue };
                if p.matches(path, false, &f.base, self.icase) {
                    fill(&mut values, &macros, &l.attrs, 0);
                }
            }
        }
        names
            .iter()
            .map(|n| values.get(n).cloned().unwrap_or(AttrValue::Unspecified))
            .collect()
    }
}

/// `core.attributesFile`, or `$XDG_CONFIG_HOME/git/attributes`.
fn attributes_file(cfg: &Config) -> Option<PathBuf> {
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from);
    match cfg.get("core.attributesfile") {
        Some(v) => Some(match (v.strip_prefix("~/"), &home) {
            (Some(rest), Some(h)) => h.join(rest),
            _ => PathBuf::from(v),
        }),
        None => match std::env::var_os("XDG_CONFIG_HOME").filter(|x| !x.is_empty()) {
            Some(x) => Some(PathBuf::from(x).join("git/attributes")),
            None => home.map(|h| h.join(".config/git/attributes")),
        },
    }
}

/// What the clean conversion does to one file (git's `crlf_action`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CrlfAction {
    /// No conversion.
    Binary,
    /// CRLF becomes LF (`text`, `eol=...`).
    Text,
    /// CRLF becomes LF unless the file looks binary or its staged version has CRLF
    /// (`text=auto`, `core.autocrlf`).
    Auto,
}

/// `core.autocrlf`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AutoCrlf {
    /// `false` (the default).
    False,
    /// `true`.
    True,
    /// `input`.
    Input,
}

/// Why a file cannot be hashed as git would.
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    /// The file's attributes call for a conversion oxgit does not run.
    #[error("{path}: {what} is not supported")]
    Unsupported {
        /// The path.
        path: String,
        /// The conversion.
        what: String,
    },
}

/// The conversion settings of a repository: config and attributes.
pub struct Converter<'a> {
    attrs: Attributes<'a>,
    autocrlf: AutoCrlf,
    /// Whether any attribute file exists (if not, and `core.autocrlf` is false, every
    /// file hashes as it is).
    has_attributes: bool,
    config: &'a Config,
}

/// The attributes conversion looks at.
const NAMES: [&str; 6] = [
    "crlf",
    "ident",
    "filter",
    "eol",
    "text",
    "working-tree-encoding",
];

impl<'a> Converter<'a> {
    /// The converter of `repo`, reading `.gitattributes` through `source`.
    pub fn new(repo: &'a crate::Repository, source: &'a dyn AttrSource) -> Converter<'a> {
        let cfg = repo.config();
        let autocrlf = match cfg.get("core.autocrlf") {
            Some(v) if v.eq_ignore_ascii_case("input") => AutoCrlf::Input,
            Some(_) if cfg.get_bool("core.autocrlf") == Some(true) => AutoCrlf::True,
            _ => AutoCrlf::False,
        };
        let attrs = Attributes::new(repo, Box::new(source));
        Converter {
            has_attributes: true,
            attrs,
            autocrlf,
            config: cfg,
        }
    }

    /// Tells the converter that no `.gitattributes` file exists anywhere and no global or
    /// info attributes apply, so attribute lookups can be skipped.
    pub fn set_no_attribute_files(&mut self, none: bool) {
        self.has_attributes =
            !(none && self.attrs.info.lines.is_empty() && self.attrs.global.lines.is_empty());
    }

    /// The conversion for `path`, and whether `ident` applies; an error for filters and
    /// encodings oxgit cannot run.
    pub fn action(&self, path: &[u8]) -> Result<(CrlfAction, bool), ConvertError> {
        if !self.has_attributes {
            return Ok((
                match self.autocrlf {
                    AutoCrlf::False => CrlfAction::Binary,
                    _ => CrlfAction::Auto,
                },
                false,
            ));
        }
        let v = self.attrs.lookup(path, &NAMES);
        let (crlf, ident, filter, eol, text, encoding) = (&v[0], &v[1], &v[2], &v[3], &v[4], &v[5]);
        let unsupported = |what: String| ConvertError::Unsupported {
            path: String::from_utf8_lossy(path).into_owned(),
            what,
        };
        if let AttrValue::Value(drv) = filter {
            let has = |k: &str| self.config.get(&format!("filter.{drv}.{k}")).is_some();
            if has("clean") || has("process") {
                return Err(unsupported(format!("the clean filter '{drv}'")));
            }
        }
        if let AttrValue::Value(enc) = encoding {
            return Err(unsupported(format!("working-tree-encoding={enc}")));
        }
        #[derive(PartialEq)]
        enum A {
            Undefined,
            Binary,
            Text,
            Input,
            Auto,
        }
        let check = |v: &AttrValue| match v {
            AttrValue::Set => A::Text,
            AttrValue::Unset => A::Binary,
            AttrValue::Value(s) if s == "input" => A::Input,
            AttrValue::Value(s) if s == "auto" => A::Auto,
            _ => A::Undefined,
        };
        let mut a = check(text);
        if a == A::Undefined {
            a = check(crlf);
        }
        let mut action = match a {
            A::Binary => Some(CrlfAction::Binary),
            A::Text | A::Input => Some(CrlfAction::Text),
            A::Auto => Some(CrlfAction::Auto),
            A::Undefined => None,
        };
        if action != Some(CrlfAction::Binary) {
            match eol {
                AttrValue::Value(e)
                    if (e == "lf" || e == "crlf") && action != Some(CrlfAction::Auto) =>
                {
                    action = Some(CrlfAction::Text);
                }
                _ => {}
            }
        }
        let action = action.unwrap_or(match self.autocrlf {
            AutoCrlf::False => CrlfAction::Binary,
            _ => CrlfAction::Auto,
        });
        Ok((action, *ident == AttrValue::Set))
    }
}

/// git's `gather_stats` counts.
#[derive(Default)]
struct TextStat {
    nul: usize,
    lonecr: usize,
    lonelf: usize,
    crlf: usize,
    printable: usize,
    nonprintable: usize,
}

fn gather_stats(buf: &[u8]) -> TextStat {
    let mut s = TextStat::default();
    let mut i = 0;
    while i < buf.len() {
        let c = buf[i];
        if c == b'\r' {
            if buf.get(i + 1) == Some(&b'\n') {
                s.crlf += 1;
                i += 1;
            } else {
                s.lonecr += 1;
            }
        } else if c == b'\n' {
            s.lonelf += 1;
        } else if c == 127 {
            s.nonprintable += 1;
        } else if c < 32 {
            match c {
                b'\x08' | b'\t' | b'\x1b' | b'\x0c' => s.printable += 1,
                0 => {
                    s.nul += 1;
                    s.nonprintable += 1;
                }
                _ => s.nonprintable += 1,
            }
        } else {
            s.printable += 1;
        }
        i += 1;
    }
    if buf.last() == Some(&0x1a) {
        s.nonprintable = s.nonprintable.saturating_sub(1);
    }
    s
}

fn is_binary(s: &TextStat) -> bool {
    s.lonecr > 0 || s.nul > 0 || (s.printable >> 7) < s.nonprintable
}

/// Whether staged contents `data` have CRLF line endings git would keep (git's
/// `has_crlf_in_index`: a CR, a text file, and at least one CRLF).
pub fn has_crlf(data: &[u8]) -> bool {
    if memchr::memchr(b'\r', data).is_none() {
        return false;
    }
    let s = gather_stats(data);
    !is_binary(&s) && s.crlf > 0
}

/// Applies the clean conversion to `data`. `staged_has_crlf` is asked only in auto
/// mode, when it matters. Returns `None` when nothing changes.
pub fn to_git(
    data: &[u8],
    action: CrlfAction,
    ident: bool,
    staged_has_crlf: &mut dyn FnMut() -> bool,
) -> Option<Vec<u8>> {
    let mut out: Option<Vec<u8>> = None;
    if action != CrlfAction::Binary && !data.is_empty() {
        let s = gather_stats(data);
        let mut convert = s.crlf > 0;
        if action == CrlfAction::Auto && convert && (is_binary(&s) || staged_has_crlf()) {
            convert = false;
        }
        if convert {
            let mut v = Vec::with_capacity(data.len());
            let mut i = 0;
            while i < data.len() {
                let c = data[i];
                let drop =
                    c == b'\r' && (action == CrlfAction::Auto || data.get(i + 1) == Some(&b'\n'));
                if !drop {
                    v.push(c);
                }
                i += 1;
            }
            out = Some(v);
        }
    }
    if ident {
        let src = out.as_deref().unwrap_or(data);
        if let Some(v) = ident_to_git(src) {
            out = Some(v);
        }
    }
    out
}

/// git's `ident_to_git`: `$Id: anything$` (on one line) becomes `$Id$`.
fn ident_to_git(src: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(src.len());
    let mut rest = src;
    let mut changed = false;
    while let Some(d) = memchr::memchr(b'$', rest) {
        out.extend_from_slice(&rest[..=d]);
        rest = &rest[d + 1..];
        if rest.len() > 3 && rest.starts_with(b"Id:") {
            let Some(end) = memchr::memchr(b'$', &rest[3..]) else {
                break;
            };
            if memchr::memchr(b'\n', &rest[3..3 + end]).is_some() {
                continue;
            }
            out.extend_from_slice(b"Id$");
            rest = &rest[3 + end + 1..];
            changed = true;
        }
    }
    out.extend_from_slice(rest);
    changed.then_some(out)
}

/// The blob id of `data` in `hash`.
pub fn blob_id(hash: HashKind, data: &[u8]) -> ObjectId {
    crate::oid::hash_object(hash, ObjectKind::Blob, data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_rules() {
        let mut no = || false;
        assert_eq!(
            to_git(b"a\r\nb\r\n", CrlfAction::Text, false, &mut no).unwrap(),
            b"a\nb\n"
        );
        assert_eq!(
            to_git(b"a\r\nb\r\n", CrlfAction::Auto, false, &mut no).unwrap(),
            b"a\nb\n"
        );
        // A lone CR makes auto mode treat the file as binary; text mode keeps lone CRs.
        assert!(to_git(b"a\rb\r\n", CrlfAction::Auto, false, &mut no).is_none());
        assert_eq!(
            to_git(b"a\rb\r\n", CrlfAction::Text, false, &mut no).unwrap(),
            b"a\rb\n"
        );
        assert!(to_git(b"a\r\n", CrlfAction::Auto, false, &mut || true).is_none());
        assert!(to_git(b"a\r\n", CrlfAction::Binary, false, &mut no).is_none());
        assert!(to_git(b"a\0\r\n", CrlfAction::Auto, false, &mut no).is_none());
        assert_eq!(
            to_git(b"x $Id: abc $ y\n", CrlfAction::Binary, true, &mut no).unwrap(),
            b"x $Id$ y\n"
        );
        assert!(has_crlf(b"a\r\nb\n"));
        assert!(!has_crlf(b"a\nb\n"));
    }
}
