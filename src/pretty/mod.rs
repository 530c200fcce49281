//! Commit formatting exactly as git 2.47 prints it: the built-in pretty formats
//! (`oneline`, `short`, `medium`, `full`, `fuller`, `reference`, `raw`, `email`,
//! `mboxrd`), user formats (`format:`, `tformat:`, a bare string with `%`, `pretty.<name>`
//! aliases) with every placeholder git has, mailmap, notes and decorations.
//!
//! A [`Formatter`] is built once per command from a [`FormatSpec`] (what
//! [`parse_pretty`] makes of `--format`/`--pretty`) and [`PrettyOptions`]; then
//! [`Formatter::write_entry`] writes one log entry per commit, with git's separators and
//! terminators between entries.
//!
//! Placeholders git implements but oxgit does not (signature placeholders
//! on signed commits, re-encoding from encodings other than UTF-8 and ISO-8859-1) are
//! refused with a [`PrettyError`]; placeholders git itself does not know are echoed
//! literally, as git does.
//!
//! ```no_run
//! use oxgit::pretty::{parse_pretty, CommitInfo, Formatter, PrettyOptions};
//! use oxgit::Repository;
//!
//! let repo = Repository::discover(std::path::Path::new("."))?;
//! let spec = parse_pretty("format:%h %an %ad %s", repo.config())?;
//! let mut f = Formatter::new(&repo, spec, PrettyOptions::for_repo(&repo))?;
//! let id = oxgit::revision::resolve(&repo, "HEAD")?;
//! let obj = repo.odb().read(&id)?;
//! let c = oxgit::object::Commit::parse(&obj.data)?;
//! let mut out = Vec::new();
//! f.write_entry(&CommitInfo::new(id, c.tree, &c.parents, &obj.data), &mut out)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod color;
pub mod graph;
mod mailmap;
mod refdata;
pub mod shortlog;
mod text;
mod trailers;

pub use mailmap::Mailmap;
pub use refdata::{
    Decoration, DecorationFilter, DecorationKind, DecorationStyle, Decorations, Notes, NotesError,
};
pub use trailers::{format_trailers, TrailerOptions};

use crate::config::Config;
use crate::object::date::{show_date, Clock, DateMode, DateStyle};
use crate::oid::ObjectId;
use crate::repo::Repository;
use text::{add_tabexpand, add_wrapped, display_width, is_space, utf8_replace};

/// Why a commit could not be formatted.
#[derive(Debug, thiserror::Error)]
pub enum PrettyError {
    /// `--pretty=<name>` names no format or alias (git's message).
    #[error("invalid --pretty format: {0}")]
    InvalidFormat(String),
    /// A `pretty.<name>` alias that refers to itself (git's message).
    #[error("invalid --pretty format: '{0}' references an alias which points to itself")]
    AliasLoop(String),
    /// A colour git cannot parse (git's message).
    #[error("unable to parse --pretty format")]
    BadColor,
    /// Something git supports that oxgit does not.
    #[error("{0}")]
    Unsupported(String),
    /// An object could not be read.
    #[error(transparent)]
    Odb(#[from] crate::odb::OdbError),
    /// Notes could not be read.
    #[error(transparent)]
    Notes(#[from] NotesError),
    /// Refs could not be read.
    #[error(transparent)]
    Refs(#[from] crate::refs::RefError),
    /// The mailmap could not be read.
    #[error(transparent)]
    Mailmap(#[from] crate::revision::RevisionError),
}

/// A built-in format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    /// `oneline`.
    Oneline,
    /// `short`.
    Short,
    /// `medium` (the default).
    Medium,
    /// `full`.
    Full,
    /// `fuller`.
    Fuller,
    /// `raw`.
    Raw,
    /// `email`.
    Email,
    /// `mboxrd`.
    Mboxrd,
}

impl Builtin {
    fn is_mail(self) -> bool {
        matches!(self, Builtin::Email | Builtin::Mboxrd)
    }
}

/// What to print for each commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Format {
    /// A built-in format.
    Builtin(Builtin),
    /// A user format string.
    User(String),
}

/// The result of `--format`/`--pretty` parsing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatSpec {
    /// The format.
    pub format: Format,
    /// Entries end in a newline (`tformat:`, `oneline`) rather than being separated by
    /// one (`format:`, the multi-line built-ins).
    pub terminator: bool,
    /// The tab width of messages when `--expand-tabs` is not given (8 for `medium`,
    /// `full`, `fuller`).
    pub expand_tabs_default: usize,
    /// The date style the format implies unless `--date` is given (`reference`: short).
    pub default_date: Option<DateStyle>,
    /// Whether a format was given at all (git then does not show notes by default).
    pub given: bool,
}

impl FormatSpec {
    /// git's default: `medium`.
    pub fn medium() -> FormatSpec {
        FormatSpec {
            format: Format::Builtin(Builtin::Medium),
            terminator: false,
            expand_tabs_default: 8,
            default_date: None,
            given: false,
        }
    }

    /// `--oneline`.
    pub fn oneline() -> FormatSpec {
        FormatSpec {
            format: Format::Builtin(Builtin::Oneline),
            terminator: true,
            expand_tabs_default: 0,
            default_date: None,
            given: true,
        }
    }

    /// Whether this is an empty user format (`--format=`): git prints nothing at all for
    /// each commit.
    pub fn is_empty(&self) -> bool {
        matches!(&self.format, Format::User(s) if s.is_empty())
    }

    /// Whether this user format uses placeholder `p` (`b'S'` for `%S`, ...).
    pub fn uses(&self, p: u8) -> bool {
        matches!(&self.format, Format::User(f) if uses_placeholder(f, p))
    }

    /// Whether placeholders of this format need the commit object (beyond ids, parents
    /// and tree).
    pub fn needs_commit_text(&self) -> bool {
        match &self.format {
            Format::Builtin(_) => true,
            Format::User(f) => {
                let b = f.as_bytes();
                let mut i = 0;
                while let Some(p) = memchr::memchr(b'%', &b[i..]) {
                    let mut j = i + p + 1;
                    if b.get(j) == Some(&b'%') {
                        i = j + 1;
                        continue;
                    }
                    if matches!(b.get(j), Some(b'+' | b'-' | b' ')) {
                        j += 1;
                    }
                    match b.get(j) {
                        Some(
                            b'H' | b'h' | b'T' | b't' | b'P' | b'p' | b'n' | b'x' | b'm' | b'%',
                        ) => {}
                        Some(b'C' | b'w' | b'<' | b'>' | b'd' | b'D' | b'S') => {}
                        None => {}
                        _ => return true,
                    }
                    i = j;
                }
                false
            }
        }
    }
}

/// Parses a `--pretty`/`--format` value as git's `get_commit_format` does, resolving
/// `pretty.<name>` aliases from `config`.
pub fn parse_pretty(arg: &str, config: &Config) -> Result<FormatSpec, PrettyError> {
    let user = |s: &str, terminator: bool| FormatSpec {
        format: Format::User(s.to_string()),
        terminator,
        expand_tabs_default: 0,
        default_date: None,
        given: true,
    };
    if let Some(rest) = arg.strip_prefix("format:") {
        return Ok(user(rest, false));
    }
    if arg.is_empty() {
        return Ok(user("", true));
    }
    if let Some(rest) = arg.strip_prefix("tformat:") {
        return Ok(user(rest, true));
    }
    if arg.contains('%') {
        return Ok(user(arg, true));
    }
    // The built-ins, then aliases in config order (built-in names cannot be redefined).
    struct Entry {
        name: String,
        spec: Option<FormatSpec>,
        alias: Option<String>,
    }
    let builtin = |name: &str, b: Builtin, term: bool, tabs: usize| Entry {
        name: name.to_string(),
        spec: Some(FormatSpec {
            format: Format::Builtin(b),
            terminator: term,
            expand_tabs_default: tabs,
            default_date: None,
            given: true,
        }),
        alias: None,
    };
    let mut table = vec![
        builtin("raw", Builtin::Raw, false, 0),
        builtin("medium", Builtin::Medium, false, 8),
        builtin("short", Builtin::Short, false, 0),
        builtin("email", Builtin::Email, false, 0),
        builtin("mboxrd", Builtin::Mboxrd, false, 0),
        builtin("fuller", Builtin::Fuller, false, 8),
        builtin("full", Builtin::Full, false, 8),
        builtin("oneline", Builtin::Oneline, true, 0),
        Entry {
            name: "reference".into(),
            spec: Some(FormatSpec {
                format: Format::User("%C(auto)%h (%s, %ad)".into()),
                terminator: true,
                expand_tabs_default: 0,
                default_date: Some(DateStyle::Short),
                given: true,
            }),
            alias: None,
        },
    ];
    let builtins = table.len();
    for (key, value) in config.section_entries("pretty") {
        let value = value.unwrap_or("");
        if table[..builtins].iter().any(|e| e.name == key) {
            continue;
        }
        let entry = if let Some(f) = value.strip_prefix("format:") {
            Entry {
                name: key.clone(),
                spec: Some(user(f, false)),
                alias: None,
            }
        } else if let Some(f) = value.strip_prefix("tformat:") {
            Entry {
                name: key.clone(),
                spec: Some(user(f, true)),
                alias: None,
            }
        } else if value.contains('%') {
            Entry {
                name: key.clone(),
                spec: Some(user(value, true)),
                alias: None,
            }
        } else {
            Entry {
                name: key.clone(),
                spec: None,
                alias: Some(value.to_string()),
            }
        };
        match table[builtins..].iter_mut().find(|e| e.name == key) {
            Some(e) => *e = entry,
            None => table.push(entry),
        }
    }
    let mut sought = arg.to_string();
    for _ in 0..=table.len() {
        let lower = sought.to_ascii_lowercase();
        let found = table
            .iter()
            .filter(|e| e.name.to_ascii_lowercase().starts_with(&lower))
            .min_by_key(|e| e.name.len());
        let Some(found) = found else {
            return Err(PrettyError::InvalidFormat(arg.to_string()));
        };
        match (&found.spec, &found.alias) {
            (Some(spec), _) => return Ok(spec.clone()),
            (None, Some(a)) => sought = a.clone(),
            (None, None) => return Err(PrettyError::InvalidFormat(arg.to_string())),
        }
    }
    Err(PrettyError::AliasLoop(arg.to_string()))
}

/// How commits are shown, beyond the format.
#[derive(Clone, Debug)]
pub struct PrettyOptions {
    /// The `--date` mode (`None`: the format's default, else `default`).
    pub date: Option<DateMode>,
    /// The abbreviation length of `%h`, `%p`, `Merge:` lines (`None`: full ids).
    pub abbrev: Option<usize>,
    /// Abbreviate the id on `commit <id>` lines (`--abbrev-commit`, `--oneline`).
    pub abbrev_commit: bool,
    /// `--expand-tabs=<n>` (`None`: the format's default; `Some(0)`: no expansion).
    pub expand_tabs: Option<usize>,
    /// Emit colours (`%C(...)` without `always,`, `%C(auto)`, decorations).
    pub color: bool,
    /// Map identities of the built-in formats through the mailmap (`log.mailmap`).
    pub use_mailmap: bool,
    /// Show notes after the message of built-in formats.
    pub show_notes: bool,
    /// Decorate `commit <id>` lines (`--decorate`).
    pub decorate: Option<DecorationStyle>,
    /// Which refs decorate when not git's default namespaces (`--decorate-refs`...,
    /// and every ref for `rev-list`).
    pub decoration_filter: Option<DecorationFilter>,
    /// "Now" and the local zone.
    pub clock: Clock,
    /// The `[<prefix>] ` of `Subject:` lines in the email formats (`log` and `show`:
    /// `format.subjectPrefix`, default `PATCH`; `rev-list`: none).
    pub subject_prefix: Option<String>,
}

impl PrettyOptions {
    /// git log's defaults for `repo`: default abbreviation length, mailmap on unless
    /// `log.mailmap` is false, the environment's clock.
    pub fn for_repo(repo: &Repository) -> PrettyOptions {
        PrettyOptions {
            date: None,
            abbrev: Some(crate::odb::default_abbrev_len(repo.odb(), repo.config())),
            abbrev_commit: false,
            expand_tabs: None,
            color: false,
            use_mailmap: repo.config().get_bool("log.mailmap") != Some(false),
            show_notes: false,
            decorate: None,
            decoration_filter: None,
            clock: Clock::from_env(),
            subject_prefix: None,
        }
    }
}

/// One commit to format.
#[derive(Clone, Copy, Debug)]
pub struct CommitInfo<'a> {
    /// Its id.
    pub id: ObjectId,
    /// Its tree.
    pub tree: ObjectId,
    /// Its parents, as the walk sees them.
    pub parents: &'a [ObjectId],
    /// The raw commit object (may be empty when the format needs only ids).
    pub data: &'a [u8],
    /// The ref or revision it was reached from (`%S`, `--source`).
    pub source: Option<&'a str>,
    /// The `%m` mark (`>`; `<` for the left side of a symmetric range, `-` boundary).
    pub mark: &'a str,
    /// The parent a per-parent diff (`-m`) is against: git's ` (from <parent>)`.
    pub from: Option<ObjectId>,
    /// A boundary commit (`--boundary`): marked `- ` on the `commit` line of built-in
    /// formats (`o` under a graph).
    pub boundary: bool,
    /// The revision mark built-in formats put before the id (with a space) when no
    /// graph is drawn: git's `put_revision_mark` (`<`, `>`, `=`, `+`; `-` for a
    /// boundary commit is implied by [`CommitInfo::boundary`]).
    pub line_mark: &'a str,
    /// The ids built-in formats print after the commit's own on its header line,
    /// abbreviated as it is: `--parents` and `--children` (git's `show_parents` and
    /// `show_children`).
    pub relatives: &'a [ObjectId],
}

impl<'a> CommitInfo<'a> {
    /// A commit reached normally (mark `>`), without a source.
    pub fn new(id: ObjectId, tree: ObjectId, parents: &'a [ObjectId], data: &'a [u8]) -> Self {
        CommitInfo {
            id,
            tree,
            parents,
            data,
            source: None,
            mark: ">",
            from: None,
            boundary: false,
            line_mark: "",
            relatives: &[],
        }
    }
}

/// Formats commits; keeps git's between-entries state.
pub struct Formatter<'r> {
    repo: &'r Repository,
    spec: FormatSpec,
    opts: PrettyOptions,
    date: DateMode,
    expand_tabs: usize,
    abbrev: crate::odb::Abbreviator<'r>,
    mailmap: Option<Mailmap>,
    notes: Option<Notes>,
    decorations: Option<Decorations>,
    shown_one: bool,
    missing_newline: bool,
    /// What separates or ends entries: a newline, or NUL with `-z`.
    entry_end: u8,
    /// `%(describe)`: the names for each set of options used (`None`: none could be
    /// read, so every description is empty).
    #[allow(clippy::type_complexity)]
    describe_names: Vec<(
        (bool, Vec<String>, Vec<String>),
        Option<crate::revision::describe::Names>,
    )>,
    /// `--graph`: the drawing before each line of each entry.
    graph: Option<graph::Graph<ObjectId>>,
    /// `--source`: built-in formats show each commit's source after its id.
    show_source: bool,
}

/// git's `is_blank_line`: the length without trailing whitespace, and whether that is 0.
fn trimmed_len(line: &[u8]) -> usize {
    let mut len = line.len();
    while len > 0 && is_space(line[len - 1]) {
        len -= 1;
    }
    len
}

/// The length of the line at the start of `msg`, including its newline.
fn one_line(msg: &[u8]) -> usize {
    memchr::memchr(b'\n', msg).map_or(msg.len(), |i| i + 1)
}

/// git's `skip_blank_lines`.
fn skip_blank_lines(msg: &[u8]) -> usize {
    let mut pos = 0;
    while pos < msg.len() {
        let n = one_line(&msg[pos..]);
        if trimmed_len(&msg[pos..pos + n]) != 0 {
            break;
        }
        pos += n;
    }
    pos
}

/// git's `format_subject`: the first paragraph, lines joined by `sep`; returns where the
/// paragraph ended.
fn format_subject(out: Option<&mut Vec<u8>>, msg: &[u8], sep: &[u8]) -> usize {
    let mut pos = 0;
    let mut first = true;
    let mut out = out;
    while pos < msg.len() {
        let n = one_line(&msg[pos..]);
        let line = &msg[pos..pos + n];
        pos += n;
        let len = trimmed_len(line);
        if len == 0 {
            break;
        }
        if let Some(o) = out.as_deref_mut() {
            if !first {
                o.extend_from_slice(sep);
            }
            o.extend_from_slice(&line[..len]);
        }
        first = false;
    }
    pos
}

/// An identity split as git's `split_ident_line` does.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Ident<'a> {
    pub(crate) name: &'a [u8],
    pub(crate) mail: &'a [u8],
    /// The time's digits, when the line has a time and a zone.
    pub(crate) date: Option<&'a [u8]>,
    /// The zone (`+0100`), when the line has a time and a zone.
    pub(crate) tz: Option<&'a [u8]>,
}

/// git's `split_ident_line`: `None` without `<...>`.
pub(crate) fn split_ident(line: &[u8]) -> Option<Ident<'_>> {
    let line = &line[..memchr::memchr(0, line).unwrap_or(line.len())];
    let lt = memchr::memchr(b'<', line)?;
    let mut name_end = lt;
    while name_end > 0 && is_space(line[name_end - 1]) {
        name_end -= 1;
    }
    let gt = lt + 1 + memchr::memchr(b'>', &line[lt + 1..])?;
    let mut id = Ident {
        name: &line[..name_end],
        mail: &line[lt + 1..gt],
        date: None,
        tz: None,
    };
    let last_gt = memchr::memrchr(b'>', line).unwrap_or(gt);
    let mut cp = last_gt + 1;
    while cp < line.len() && is_space(line[cp]) {
        cp += 1;
    }
    let ds = cp;
    while cp < line.len() && line[cp].is_ascii_digit() {
        cp += 1;
    }
    if cp == ds {
        return Some(id);
    }
    let de = cp;
    while cp < line.len() && is_space(line[cp]) {
        cp += 1;
    }
    if cp >= line.len() || !matches!(line[cp], b'+' | b'-') {
        return Some(id);
    }
    let ts = cp;
    cp += 1;
    while cp < line.len() && line[cp].is_ascii_digit() {
        cp += 1;
    }
    if cp == ts + 1 {
        return Some(id);
    }
    id.date = Some(&line[ds..de]);
    id.tz = Some(&line[ts..cp]);
    Some(id)
}

impl Ident<'_> {
    /// git's `show_ident_date`.
    fn show_date(&self, mode: &DateMode, clock: &Clock) -> String {
        let mut time: i64 = 0;
        let mut tz = 0;
        if let Some(d) = self.date {
            let parsed = std::str::from_utf8(d)
                .ok()
                .and_then(|s| s.parse::<u64>().ok());
            match parsed {
                Some(t) if t < i64::MAX as u64 => {
                    time = t as i64;
                    tz = self.tz.map_or(0, crate::object::date::parse_tz);
                }
                _ => {}
            }
        }
        show_date(time, tz, mode, clock)
    }
}

/// How text after a `%<(...)`-style placeholder is padded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flush {
    None,
    Right,
    Left,
    LeftAndSteal,
    Both,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Trunc {
    None,
    Left,
    Middle,
    Right,
}

/// git's `FORMATTING_LIMIT`.
const FORMATTING_LIMIT: i64 = 16 * 1024;

/// The state of one user-format expansion (git's `format_commit_context`).
struct Expansion<'c> {
    commit: &'c CommitInfo<'c>,
    /// The commit object up to its first NUL, re-encoded to UTF-8.
    message: std::borrow::Cow<'c, [u8]>,
    encoding: Option<Vec<u8>>,
    author: Option<(usize, usize)>,
    committer: Option<(usize, usize)>,
    message_off: usize,
    subject_off: usize,
    body_off: usize,
    flush: Flush,
    trunc: Trunc,
    padding: i64,
    auto_color: bool,
    width: i64,
    indent1: i64,
    indent2: i64,
    wrap_start: usize,
}

/// Whether `enc` names UTF-8 (`same_encoding`).
fn is_utf8(enc: &[u8]) -> bool {
    enc.eq_ignore_ascii_case(b"utf-8") || enc.eq_ignore_ascii_case(b"utf8")
}

fn is_latin1(enc: &[u8]) -> bool {
    [
        &b"iso-8859-1"[..],
        b"iso8859-1",
        b"iso_8859-1",
        b"latin1",
        b"latin-1",
        b"l1",
        b"iso88591",
    ]
    .iter()
    .any(|n| enc.eq_ignore_ascii_case(n))
}

/// The `encoding` header of a commit object.
fn encoding_header(data: &[u8]) -> Option<&[u8]> {
    let mut pos = 0;
    while pos < data.len() {
        let n = one_line(&data[pos..]);
        let line = &data[pos..pos + n];
        if line == b"\n" {
            return None;
        }
        if let Some(v) = line.strip_prefix(b"encoding ") {
            return Some(v.strip_suffix(b"\n").unwrap_or(v));
        }
        pos += n;
    }
    None
}

/// The commit object in UTF-8, as git's `repo_logmsg_reencode(.., "UTF-8")` gives it:
/// with `drop_header`, the `encoding` header of a re-encoded commit is removed.
pub(crate) fn reencode<'a>(
    id: &ObjectId,
    data: &'a [u8],
    drop_header: bool,
) -> Result<std::borrow::Cow<'a, [u8]>, PrettyError> {
    let data = &data[..memchr::memchr(0, data).unwrap_or(data.len())];
    let Some(enc) = encoding_header(data) else {
        return Ok(data.into());
    };
    let converted: Vec<u8> = if is_utf8(enc) {
        data.to_vec()
    } else if is_latin1(enc) {
        let s: String = data.iter().map(|&b| char::from(b)).collect();
        s.into_bytes()
    } else {
        return Err(PrettyError::Unsupported(format!(
            "commit {id} is in encoding '{}', which oxgit cannot re-encode",
            String::from_utf8_lossy(enc)
        )));
    };
    if !drop_header {
        return Ok(converted.into());
    }
    // Remove the header line from the converted copy.
    let mut pos = 0;
    while pos < converted.len() {
        let n = one_line(&converted[pos..]);
        if converted[pos..pos + n] == *b"\n" {
            break;
        }
        if converted[pos..].starts_with(b"encoding ") {
            let mut v = converted[..pos].to_vec();
            v.extend_from_slice(&converted[pos + n..]);
            return Ok(v.into());
        }
        pos += n;
    }
    Ok(converted.into())
}

impl<'r> Formatter<'r> {
    /// A formatter for `spec` with `opts`; loads the notes it will show.
    pub fn new(
        repo: &'r Repository,
        spec: FormatSpec,
        opts: PrettyOptions,
    ) -> Result<Self, PrettyError> {
        let date = match &opts.date {
            Some(d) => d.clone(),
            None => DateMode::new(spec.default_date.clone().unwrap_or_default()),
        };
        let expand_tabs = opts.expand_tabs.unwrap_or(spec.expand_tabs_default);
        if let Some(enc) = repo.config().get("i18n.logOutputEncoding") {
            if !is_utf8(enc.as_bytes()) {
                return Err(PrettyError::Unsupported(format!(
                    "i18n.logOutputEncoding={enc} is not supported by oxgit (only UTF-8)"
                )));
            }
        }
        let user_notes = matches!(&spec.format, Format::User(f) if uses_placeholder(f, b'N'));
        let notes = if (opts.show_notes && matches!(spec.format, Format::Builtin(_))) || user_notes
        {
            Some(Notes::load_default(repo)?)
        } else {
            None
        };
        let user_decorates = matches!(&spec.format, Format::User(f)
            if uses_placeholder(f, b'd') || uses_placeholder(f, b'D') || f.contains("%(decorate"));
        let decorations = if opts.decorate.is_some() || user_decorates {
            Some(match &opts.decoration_filter {
                Some(f) => Decorations::load_filtered(repo, f)?,
                None => Decorations::load(repo)?,
            })
        } else {
            None
        };
        Ok(Formatter {
            repo,
            spec,
            date,
            expand_tabs,
            abbrev: crate::odb::Abbreviator::new(repo.odb()),
            mailmap: None,
            notes,
            decorations,
            opts,
            shown_one: false,
            missing_newline: false,
            entry_end: b'\n',
            describe_names: Vec::new(),
            graph: None,
            show_source: false,
        })
    }

    /// The format being used.
    pub fn spec(&self) -> &FormatSpec {
        &self.spec
    }

    /// The notes shown with each commit (`%N`, or the default formats' `Notes:` block),
    /// if any: git's `--grep` searches them too.
    pub fn notes(&self) -> Option<&Notes> {
        self.notes.as_ref()
    }

    /// The decorations, if the format or `--decorate` loaded them.
    pub fn decorations(&self) -> Option<&Decorations> {
        self.decorations.as_ref()
    }

    fn abbrev_id(&mut self, id: &ObjectId, len: Option<usize>) -> Result<String, PrettyError> {
        Ok(self.abbrev.abbrev(id, len.filter(|&l| l > 0))?)
    }

    fn mailmap(&mut self) -> Result<&Mailmap, PrettyError> {
        if self.mailmap.is_none() {
            self.mailmap = Some(Mailmap::load(self.repo)?);
        }
        Ok(self.mailmap.as_ref().expect("loaded"))
    }

    /// Writes one log entry as `git log` does (`show_log`): the separator from the
    /// previous entry, the `commit <id>` line of built-in formats, the message, notes
    /// and the terminator.
    pub fn write_entry(
        &mut self,
        c: &CommitInfo<'_>,
        out: &mut Vec<u8>,
    ) -> Result<(), PrettyError> {
        if self.shown_one && !self.spec.terminator {
            if self.entry_end == b'\n' && !self.missing_newline {
                self.graph_padding(out);
            }
            out.push(self.entry_end);
        }
        self.shown_one = true;
        if let Some(g) = self.graph.as_mut() {
            g.show_commit(out);
        }
        let mut msg = Vec::new();
        match self.spec.format.clone() {
            Format::User(f) => self.expand(&f, c, &mut msg)?,
            Format::Builtin(b) => {
                if b.is_mail() {
                    out.extend_from_slice(
                        format!("From {} Mon Sep 17 00:00:00 2001\n", c.id).as_bytes(),
                    );
                    if let Some(g) = self.graph.as_mut() {
                        g.show_oneline(out);
                    }
                } else {
                    let len = if self.opts.abbrev_commit {
                        self.opts.abbrev
                    } else {
                        None
                    };
                    let want = self.opts.color;
                    let color = |s: &'static str| if want { s } else { "" };
                    out.extend_from_slice(color(color::COMMIT).as_bytes());
                    if b != Builtin::Oneline {
                        out.extend_from_slice(b"commit ");
                    }
                    if self.graph.is_none() {
                        if c.boundary {
                            out.extend_from_slice(b"- ");
                        } else if !c.line_mark.is_empty() {
                            out.extend_from_slice(c.line_mark.as_bytes());
                            out.push(b' ');
                        }
                    }
                    let hex = self.abbrev_id(&c.id, len)?;
                    out.extend_from_slice(hex.as_bytes());
                    for r in c.relatives {
                        let hex = self.abbrev_id(r, len)?;
                        out.push(b' ');
                        out.extend_from_slice(hex.as_bytes());
                    }
                    if let Some(p) = &c.from {
                        let hex = self.abbrev_id(p, len)?;
                        out.extend_from_slice(format!(" (from {hex})").as_bytes());
                    }
                    out.extend_from_slice(color(color::RESET).as_bytes());
                    if let (true, Some(s)) = (self.show_source, c.source) {
                        // git's show_decorations: `--source` before the decorations.
                        out.push(b'\t');
                        out.extend_from_slice(s.as_bytes());
                    }
                    if let (Some(style), Some(d)) = (&self.opts.decorate, &self.decorations) {
                        d.write(&c.id, style, self.opts.color, out);
                    }
                    if b == Builtin::Oneline {
                        out.push(b' ');
                    } else {
                        out.push(b'\n');
                        if let Some(g) = self.graph.as_mut() {
                            g.show_oneline(out);
                        }
                    }
                }
                self.pretty_print(b, c, &mut msg)?;
                if self.opts.show_notes {
                    if let Some(n) = &self.notes {
                        let mut nb = Vec::new();
                        n.format(self.repo, &c.id, false, &mut nb)?;
                        if !nb.is_empty() {
                            if b.is_mail() {
                                msg.extend_from_slice(b"---\n");
                            }
                            msg.extend_from_slice(&nb);
                        }
                    }
                }
            }
        }
        self.missing_newline = msg.last() != Some(&b'\n');
        match self.graph.as_mut() {
            Some(g) => g.show_commit_msg(&msg, out),
            None => out.extend_from_slice(&msg),
        }
        if self.spec.terminator && !self.spec.is_empty() {
            if !self.missing_newline {
                self.graph_padding(out);
            }
            out.push(self.entry_end);
        }
        Ok(())
    }

    /// `-z`: separates (or, for `tformat:` and `oneline`, ends) entries with NUL
    /// instead of a newline, as git's log does.
    pub fn set_nul_terminated(&mut self, nul: bool) {
        self.entry_end = if nul { 0 } else { b'\n' };
    }

    /// `%(describe[:<options>])` (`rest` follows `(describe`): what `git describe` with
    /// the options (`tags[=<bool>]`, `abbrev=<n>`, `match=<glob>`, `exclude=<glob>`)
    /// prints for `commit`, or nothing where it fails. Returns the bytes used (0: not
    /// this placeholder, left literal as git does).
    fn describe(
        &mut self,
        rest: &[u8],
        commit: ObjectId,
        sb: &mut Vec<u8>,
    ) -> Result<usize, PrettyError> {
        use crate::revision::describe::{describe, DescribeOptions, Names};
        let mut opts = DescribeOptions::default();
        let mut abbrev: Option<i64> = None;
        let mut i = 0;
        if rest.first() == Some(&b':') {
            i = 1;
            loop {
                let arg = &rest[i..];
                let end = arg
                    .iter()
                    .position(|&b| b == b',' || b == b')')
                    .unwrap_or(arg.len());
                let item = std::str::from_utf8(&arg[..end]).unwrap_or("");
                let (key, value) = match item.split_once('=') {
                    Some((k, v)) => (k, Some(v)),
                    None => (item, None),
                };
                match (key, value) {
                    ("tags", None) => opts.tags = true,
                    ("tags", Some(v)) => match crate::config::parse_bool(v) {
                        Some(b) => opts.tags = b,
                        None => {
                            // git consumes a value that is not a boolean, ignores it and
                            // reads no further options.
                            i += end;
                            if rest.get(i) == Some(&b',') {
                                i += 1;
                            }
                            break;
                        }
                    },
                    ("abbrev", Some(v)) if !v.is_empty() => match v.parse::<i64>() {
                        Ok(n) => abbrev = Some(n),
                        Err(_) => return Ok(0),
                    },
                    ("match", Some(v)) if !v.is_empty() => opts.matches.push(v.to_string()),
                    ("exclude", Some(v)) if !v.is_empty() => opts.excludes.push(v.to_string()),
                    _ => break,
                }
                i += end;
                if rest.get(i) == Some(&b',') {
                    i += 1;
                }
                if rest.get(i) == Some(&b')') {
                    break;
                }
            }
        }
        if rest.get(i) != Some(&b')') {
            return Ok(0);
        }
        let key = (opts.tags, opts.matches.clone(), opts.excludes.clone());
        let at = match self.describe_names.iter().position(|(k, _)| *k == key) {
            Some(at) => at,
            None => {
                let names = Names::load(self.repo, &opts).ok();
                self.describe_names.push((key, names));
                self.describe_names.len() - 1
            }
        };
        let Some(names) = &self.describe_names[at].1 else {
            return Ok(9 + i + 1);
        };
        let hex_len = self.repo.hash_kind().hex_len() as i64;
        let abbrev = match abbrev {
            None => crate::odb::default_abbrev_len(self.repo.odb(), self.repo.config()),
            Some(0) => 0,
            Some(n) => n.clamp(crate::revision::MIN_ABBREV as i64, hex_len) as usize,
        };
        if let Ok(d) = describe(self.repo, names, commit, &opts) {
            let text = d.render(false, abbrev, &mut self.abbrev)?;
            sb.extend_from_slice(text.as_bytes());
        }
        Ok(9 + i + 1)
    }

    /// The default style of `%d`, `%D` and `%(decorate)`: full ref names when
    /// `--decorate=full` (or `log.decorate=full`) asked for them, as git loads the
    /// decorations once for both.
    fn placeholder_decoration(&self) -> DecorationStyle {
        DecorationStyle {
            full: self.opts.decorate.as_ref().is_some_and(|d| d.full),
            ..DecorationStyle::default()
        }
    }

    /// `--source`: built-in formats show [`CommitInfo::source`] after the id (a tab
    /// before it), as git's `show_decorations` does.
    pub fn set_show_source(&mut self, show: bool) {
        self.show_source = show;
    }

    /// Draws `--graph` before each line of this entry from now on.
    pub fn set_graph(&mut self, graph: graph::Graph<ObjectId>) {
        self.graph = Some(graph);
    }

    /// The `--graph` drawing, if any.
    pub fn graph_mut(&mut self) -> Option<&mut graph::Graph<ObjectId>> {
        self.graph.as_mut()
    }

    /// With `--graph`, a padding line of the drawing (what git puts before blank lines
    /// and diff output lines).
    pub fn graph_padding(&mut self, out: &mut Vec<u8>) {
        if let Some(g) = self.graph.as_mut() {
            g.show_padding(out);
        }
    }

    /// Counts an entry as shown (`git show` does for trees and tags), so the next
    /// commit is separated from it.
    pub fn mark_shown(&mut self) {
        self.shown_one = true;
    }

    /// The `Tagger:` lines of a tag in this format, as `git show` prints them (git's
    /// `pp_user_info` without the mailmap; nothing for `oneline`, no date for the
    /// formats that show none). `ident` is the `tagger` header's value.
    pub fn write_tagger(&mut self, ident: &[u8], out: &mut Vec<u8>) -> Result<(), PrettyError> {
        let fmt = match &self.spec.format {
            Format::Builtin(b) => *b,
            Format::User(_) => Builtin::Short,
        };
        let mailmap = std::mem::replace(&mut self.opts.use_mailmap, false);
        let r = self.user_info(fmt, "Tagger", ident, out);
        self.opts.use_mailmap = mailmap;
        r
    }

    /// The message of one commit alone, as git's `pretty_print_commit` gives it: no
    /// `commit <id>` line, separator, notes or terminator (what `rev-list --format`
    /// prints after its own header line).
    pub fn write_message(
        &mut self,
        c: &CommitInfo<'_>,
        out: &mut Vec<u8>,
    ) -> Result<(), PrettyError> {
        match self.spec.format.clone() {
            Format::User(f) => self.expand(&f, c, out),
            Format::Builtin(b) => self.pretty_print(b, c, out),
        }
    }

    /// git's `pretty_print_commit` for a built-in format (the message part).
    fn pretty_print(
        &mut self,
        fmt: Builtin,
        c: &CommitInfo<'_>,
        sb: &mut Vec<u8>,
    ) -> Result<(), PrettyError> {
        let data = reencode(&c.id, c.data, true)?;
        let data: &[u8] = &data;
        let indent = if fmt == Builtin::Oneline || fmt.is_mail() {
            0
        } else {
            4
        };
        let mut need_8bit = false;
        if fmt.is_mail() {
            if let Some(body) = memchr::memmem::find(data, b"\n\n") {
                need_8bit = data[body + 2..].iter().any(|&b| b >= 0x80 || b == 0x1b);
            }
        }
        // pp_header
        let mut pos = 0;
        let mut parents_shown = false;
        while pos < data.len() {
            let n = one_line(&data[pos..]);
            let line = &data[pos..pos + n];
            pos += n;
            if n == 1 {
                break;
            }
            if fmt == Builtin::Raw {
                sb.extend_from_slice(line);
                continue;
            }
            if line.starts_with(b"parent ") {
                continue;
            }
            if !parents_shown {
                if fmt != Builtin::Oneline && !fmt.is_mail() && c.parents.len() > 1 {
                    sb.extend_from_slice(b"Merge:");
                    for p in c.parents {
                        sb.push(b' ');
                        let h = self.abbrev_id(p, self.opts.abbrev)?;
                        sb.extend_from_slice(h.as_bytes());
                    }
                    sb.push(b'\n');
                }
                parents_shown = true;
            }
            if let Some(name) = line.strip_prefix(b"author ") {
                self.user_info(fmt, "Author", name, sb)?;
            }
            if let Some(name) = line.strip_prefix(b"committer ") {
                if matches!(fmt, Builtin::Full | Builtin::Fuller) {
                    self.user_info(fmt, "Commit", name, sb)?;
                }
            }
        }
        if fmt != Builtin::Oneline && !fmt.is_mail() {
            sb.push(b'\n');
        }
        let mut msg = &data[pos.min(data.len())..];
        msg = &msg[skip_blank_lines(msg)..];
        if fmt == Builtin::Oneline {
            let n = format_subject(Some(sb), msg, b" ");
            msg = &msg[n..];
            sb.push(b'\n');
        } else if fmt.is_mail() {
            let mut title = Vec::new();
            let n = format_subject(Some(&mut title), msg, b" ");
            msg = &msg[n..];
            sb.extend_from_slice(b"Subject: ");
            if let Some(p) = self
                .opts
                .subject_prefix
                .as_deref()
                .filter(|p| !p.is_empty())
            {
                sb.extend_from_slice(format!("[{p}] ").as_bytes());
            }
            if needs_rfc2047(&title) {
                add_rfc2047(sb, &title, b"UTF-8", false);
            } else {
                let used = last_line_len(sb) as i64;
                add_wrapped(sb, &title, -used, 1, 78);
            }
            sb.push(b'\n');
            if need_8bit {
                sb.extend_from_slice(
                    b"MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n",
                );
            }
            sb.push(b'\n');
        }
        let beginning_of_body = sb.len();
        if fmt != Builtin::Oneline {
            // pp_remainder
            let mut first = true;
            let mut p = 0;
            while p < msg.len() {
                let n = one_line(&msg[p..]);
                let line = &msg[p..p + n];
                p += n;
                let len = trimmed_len(line);
                if len == 0 {
                    if first {
                        continue;
                    }
                    if fmt == Builtin::Short {
                        break;
                    }
                }
                first = false;
                let line = &line[..len];
                if indent > 0 {
                    sb.extend(std::iter::repeat_n(b' ', indent));
                }
                if self.expand_tabs > 0 {
                    add_tabexpand(sb, self.expand_tabs, line);
                } else {
                    if fmt == Builtin::Mboxrd {
                        let gts = line.iter().take_while(|&&b| b == b'>').count();
                        if len > 4 && line[gts..].starts_with(b"From ") {
                            sb.push(b'>');
                        }
                    }
                    sb.extend_from_slice(line);
                }
                sb.push(b'\n');
            }
        }
        let t = sb.iter().rposition(|&b| !is_space(b)).map_or(0, |i| i + 1);
        sb.truncate(t);
        if fmt != Builtin::Oneline {
            sb.push(b'\n');
        }
        if fmt.is_mail() && sb.len() <= beginning_of_body {
            sb.push(b'\n');
        }
        Ok(())
    }

    /// git's `pp_user_info`.
    fn user_info(
        &mut self,
        fmt: Builtin,
        what: &str,
        line: &[u8],
        sb: &mut Vec<u8>,
    ) -> Result<(), PrettyError> {
        if fmt == Builtin::Oneline {
            return Ok(());
        }
        let line = &line[..one_line(line)];
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        let Some(ident) = split_ident(line) else {
            return Ok(());
        };
        let (mut name, mut mail) = (ident.name.to_vec(), ident.mail.to_vec());
        if self.opts.use_mailmap {
            let m = self.mailmap()?;
            if !m.is_empty() {
                let (n, e) = m.map(ident.name, ident.mail);
                (name, mail) = (n.to_vec(), e.to_vec());
            }
        }
        if fmt.is_mail() {
            sb.extend_from_slice(b"From: ");
            let mut max = 78;
            if needs_rfc2047(&name) {
                add_rfc2047(sb, &name, b"UTF-8", true);
                max = 76;
            } else if name.iter().any(|b| b"()<>[]:;@,.\"\\".contains(b)) {
                let mut q = vec![b'"'];
                for &b in &name {
                    if b == b'"' || b == b'\\' {
                        q.push(b'\\');
                    }
                    q.push(b);
                }
                q.push(b'"');
                add_wrapped(sb, &q, -6, 1, max);
            } else {
                add_wrapped(sb, &name, -6, 1, max);
            }
            if (max as usize) < last_line_len(sb) + 2 + mail.len() + 1 {
                sb.push(b'\n');
            }
            sb.extend_from_slice(b" <");
            sb.extend_from_slice(&mail);
            sb.extend_from_slice(b">\n");
        } else {
            sb.extend_from_slice(what.as_bytes());
            sb.extend_from_slice(b": ");
            if fmt == Builtin::Fuller {
                sb.extend_from_slice(b"    ");
            }
            sb.extend_from_slice(&name);
            sb.extend_from_slice(b" <");
            sb.extend_from_slice(&mail);
            sb.extend_from_slice(b">\n");
        }
        let clock = self.opts.clock.clone();
        match fmt {
            Builtin::Medium => {
                let d = ident.show_date(&self.date, &clock);
                sb.extend_from_slice(&crate::bytestr::decode(&format!("Date:   {d}\n")));
            }
            Builtin::Email | Builtin::Mboxrd => {
                let d = ident.show_date(&DateMode::new(DateStyle::Rfc2822), &clock);
                sb.extend_from_slice(format!("Date: {d}\n").as_bytes());
            }
            Builtin::Fuller => {
                let d = ident.show_date(&self.date, &clock);
                sb.extend_from_slice(&crate::bytestr::decode(&format!("{what}Date: {d}\n")));
            }
            _ => {}
        }
        Ok(())
    }

    /// Expands a user format for one commit (git's `repo_format_commit_message`).
    pub fn expand(
        &mut self,
        format: &str,
        c: &CommitInfo<'_>,
        sb: &mut Vec<u8>,
    ) -> Result<(), PrettyError> {
        let needs_text =
            self.spec.needs_commit_text() || !matches!(self.spec.format, Format::User(_));
        let message = if needs_text || !c.data.is_empty() {
            reencode(&c.id, c.data, false)?
        } else {
            std::borrow::Cow::Borrowed(&[][..])
        };
        let mut x = Expansion {
            commit: c,
            encoding: encoding_header(c.data).map(<[u8]>::to_vec),
            message,
            author: None,
            committer: None,
            message_off: 0,
            subject_off: 0,
            body_off: 0,
            flush: Flush::None,
            trunc: Trunc::None,
            padding: 0,
            auto_color: false,
            width: 0,
            indent1: 0,
            indent2: 0,
            wrap_start: sb.len(),
        };
        x.parse_header();
        // The format's literal text is bytes (an argument or config value may hold any).
        let f = &*crate::bytestr::decode(format);
        let mut pos = 0;
        while let Some(p) = memchr::memchr(b'%', &f[pos..]) {
            sb.extend_from_slice(&f[pos..pos + p]);
            pos += p + 1;
            if f.get(pos) == Some(&b'%') {
                sb.push(b'%');
                pos += 1;
                continue;
            }
            let n = self.item(sb, &f[pos..], &mut x)?;
            if n > 0 {
                pos += n;
            } else {
                sb.push(b'%');
            }
        }
        sb.extend_from_slice(&f[pos..]);
        rewrap_tail(sb, &mut x, 0, 0, 0);
        Ok(())
    }

    /// git's `format_commit_item`: the `%+`, `%-`, `% ` magic around one placeholder.
    fn item(
        &mut self,
        sb: &mut Vec<u8>,
        ph: &[u8],
        x: &mut Expansion<'_>,
    ) -> Result<usize, PrettyError> {
        #[derive(PartialEq)]
        enum Magic {
            None,
            AddLf,
            DelLf,
            AddSp,
        }
        let magic = match ph.first() {
            Some(b'-') => Magic::DelLf,
            Some(b'+') => Magic::AddLf,
            Some(b' ') => Magic::AddSp,
            _ => Magic::None,
        };
        let ph = if magic == Magic::None { ph } else { &ph[1..] };
        if magic != Magic::None && ph.first() == Some(&b'w') {
            return Ok(0);
        }
        let orig = sb.len();
        let consumed = if x.flush == Flush::None {
            self.one(sb, ph, x)?
        } else {
            self.pad(sb, ph, x)?
        };
        if magic == Magic::None {
            return Ok(consumed);
        }
        if orig == sb.len() && magic == Magic::DelLf {
            while sb.last() == Some(&b'\n') {
                sb.pop();
            }
        } else if orig != sb.len() {
            match magic {
                Magic::AddLf => sb.insert(orig, b'\n'),
                Magic::AddSp => sb.insert(orig, b' '),
                _ => {}
            }
        }
        Ok(consumed + 1)
    }

    /// git's `format_and_pad_commit`.
    fn pad(
        &mut self,
        sb: &mut Vec<u8>,
        ph: &[u8],
        x: &mut Expansion<'_>,
    ) -> Result<usize, PrettyError> {
        let mut local = Vec::new();
        let mut total = 0usize;
        let mut padding = x.padding;
        if padding < 0 {
            let start = memchr::memrchr(b'\n', sb).map_or(0, |i| i);
            // The graph left of the line counts as occupied (git's graph_width).
            let graph = self.graph.as_ref().map_or(0, |g| g.width());
            let occupied = (display_width(&sb[start..]) + graph) as i64;
            padding = -padding - occupied;
        }
        let mut ph = ph;
        loop {
            let modifier = ph.first() == Some(&b'C');
            let consumed = self.one(&mut local, ph, x)?;
            total += consumed;
            if !modifier {
                break;
            }
            ph = &ph[consumed..];
            if ph.first() != Some(&b'%') {
                break;
            }
            ph = &ph[1..];
            total += 1;
        }
        let len = display_width(&local) as i64;
        if x.flush == Flush::LeftAndSteal {
            let mut ch = sb.len() as i64 - 1;
            while len > padding && ch > 0 {
                let c = sb[ch as usize];
                if c == b' ' {
                    ch -= 1;
                    padding += 1;
                    continue;
                }
                if c != b'm' {
                    break;
                }
                let mut p = ch - 1;
                while p > 0 && ch - p < 10 && sb[p as usize] != 0x1b {
                    p -= 1;
                }
                if sb[p as usize] != 0x1b
                    || ch + 1 - p != text::esc_sequence_len(&sb[p as usize..]) as i64
                {
                    break;
                }
                let seq = sb[p as usize..=ch as usize].to_vec();
                local.splice(0..0, seq);
                ch = p - 1;
            }
            sb.truncate((ch + 1).max(0) as usize);
            x.flush = Flush::Left;
        }
        if len > padding {
            match x.trunc {
                Trunc::Left => utf8_replace(&mut local, 0, len - (padding - 2), b".."),
                Trunc::Middle => {
                    utf8_replace(&mut local, padding / 2 - 1, len - (padding - 2), b"..")
                }
                Trunc::Right => utf8_replace(&mut local, padding - 2, len - (padding - 2), b".."),
                Trunc::None => {}
            }
            sb.extend_from_slice(&local);
        } else {
            let offset = match x.flush {
                Flush::Left => padding - len,
                Flush::Both => (padding - len) / 2,
                _ => 0,
            };
            let fill = padding - len + local.len() as i64;
            let base = sb.len();
            sb.extend(std::iter::repeat_n(b' ', fill.max(0) as usize));
            let at = base + offset.max(0) as usize;
            let end = (at + local.len()).min(sb.len());
            sb[at..end].copy_from_slice(&local[..end - at]);
        }
        x.flush = Flush::None;
        Ok(total)
    }

    /// git's `format_commit_one`: one placeholder; returns how many bytes it used (0:
    /// not a placeholder, the `%` is then literal).
    fn one(
        &mut self,
        sb: &mut Vec<u8>,
        ph: &[u8],
        x: &mut Expansion<'_>,
    ) -> Result<usize, PrettyError> {
        let c = x.commit;
        let color = self.opts.color;
        let Some(&first) = ph.first() else {
            return Ok(0);
        };
        match first {
            b'n' => {
                sb.push(b'\n');
                return Ok(1);
            }
            b'x' => {
                let hex = |b: Option<&u8>| b.and_then(|&b| char::from(b).to_digit(16));
                return Ok(match (hex(ph.get(1)), hex(ph.get(2))) {
                    (Some(h), Some(l)) => {
                        sb.push((h * 16 + l) as u8);
                        3
                    }
                    _ => 0,
                });
            }
            b'C' => {
                if ph[1..].starts_with(b"(auto)") {
                    x.auto_color = color;
                    if x.auto_color && !sb.is_empty() {
                        sb.extend_from_slice(color::RESET.as_bytes());
                    }
                    return Ok(7);
                }
                let n = parse_color(sb, ph, color)?;
                if n > 0 {
                    x.auto_color = false;
                }
                return Ok(n);
            }
            b'w' => {
                if ph.get(1) != Some(&b'(') {
                    return Ok(0);
                }
                let Some(end) = memchr::memchr(b')', &ph[2..]).map(|i| i + 2) else {
                    return Ok(0);
                };
                let args = &ph[2..end];
                let (mut w, mut i1, mut i2) = (0i64, 0i64, 0i64);
                if !args.is_empty() {
                    let mut parts = args.split(|&b| b == b',');
                    let num = |p: Option<&[u8]>| -> Option<i64> {
                        let p = p?;
                        let s = std::str::from_utf8(p).ok()?;
                        let s = s.trim_start();
                        if s.is_empty() {
                            return Some(0);
                        }
                        s.parse::<u64>().ok().map(|v| v.min(i64::MAX as u64) as i64)
                    };
                    let Some(a) = num(parts.next()) else {
                        return Ok(0);
                    };
                    w = a;
                    if let Some(p) = parts.next() {
                        let Some(b) = num(Some(p)) else { return Ok(0) };
                        i1 = b;
                        if let Some(p) = parts.next() {
                            let Some(c3) = num(Some(p)) else { return Ok(0) };
                            i2 = c3;
                        }
                    }
                    if parts.next().is_some() {
                        return Ok(0);
                    }
                }
                if w > FORMATTING_LIMIT || i1 > FORMATTING_LIMIT || i2 > FORMATTING_LIMIT {
                    return Ok(0);
                }
                rewrap_tail(sb, x, w, i1, i2);
                return Ok(end + 1);
            }
            b'<' | b'>' => return Ok(parse_padding(ph, x)),
            _ => {}
        }
        if let Some(rest) = ph.strip_prefix(b"(describe") {
            return self.describe(rest, c.id, sb);
        }
        let auto = |s: &'static str| if x.auto_color { s } else { "" };
        match first {
            b'H' => {
                sb.extend_from_slice(auto(color::COMMIT).as_bytes());
                sb.extend_from_slice(c.id.to_hex().as_bytes());
                sb.extend_from_slice(auto(color::RESET).as_bytes());
                return Ok(1);
            }
            b'h' => {
                sb.extend_from_slice(auto(color::COMMIT).as_bytes());
                let h = self.abbrev_id(&c.id, self.opts.abbrev)?;
                sb.extend_from_slice(h.as_bytes());
                sb.extend_from_slice(auto(color::RESET).as_bytes());
                return Ok(1);
            }
            b'T' => {
                sb.extend_from_slice(c.tree.to_hex().as_bytes());
                return Ok(1);
            }
            b't' => {
                let h = self.abbrev_id(&c.tree, self.opts.abbrev)?;
                sb.extend_from_slice(h.as_bytes());
                return Ok(1);
            }
            b'P' | b'p' => {
                for (i, p) in c.parents.iter().enumerate() {
                    if i > 0 {
                        sb.push(b' ');
                    }
                    let h = if first == b'P' {
                        p.to_hex()
                    } else {
                        self.abbrev_id(p, self.opts.abbrev)?
                    };
                    sb.extend_from_slice(h.as_bytes());
                }
                return Ok(1);
            }
            b'm' => {
                sb.extend_from_slice(c.mark.as_bytes());
                return Ok(1);
            }
            b'd' | b'D' => {
                let style = if first == b'd' {
                    self.placeholder_decoration()
                } else {
                    DecorationStyle {
                        prefix: String::new(),
                        suffix: String::new(),
                        ..self.placeholder_decoration()
                    }
                };
                if let Some(d) = &self.decorations {
                    d.write(&c.id, &style, x.auto_color, sb);
                }
                return Ok(1);
            }
            b'S' => {
                return Ok(match c.source {
                    Some(s) => {
                        sb.extend_from_slice(s.as_bytes());
                        1
                    }
                    None => 0,
                });
            }
            b'g' => {
                // Reflog placeholders show nothing unless reflogs are walked (`-g`),
                // which oxgit does not do.
                return Ok(match ph.get(1) {
                    Some(b'd' | b'D' | b's' | b'n' | b'N' | b'e' | b'E') => 2,
                    _ => 0,
                });
            }
            b'N' => {
                let mut nb = Vec::new();
                if let Some(n) = &self.notes {
                    n.format(self.repo, &c.id, true, &mut nb)?;
                }
                sb.extend_from_slice(&nb);
                return Ok(1);
            }
            b'G' => {
                let Some(&k) = ph.get(1) else { return Ok(0) };
                if !b"G?SKFPT".contains(&k) {
                    return Ok(0);
                }
                if has_signature(&x.message) {
                    return Err(PrettyError::Unsupported(format!(
                        "%G{} on signed commit {}: oxgit does not verify signatures",
                        char::from(k),
                        c.id
                    )));
                }
                match k {
                    b'?' => sb.push(b'N'),
                    b'T' => sb.extend_from_slice(b"undefined"),
                    _ => {}
                }
                return Ok(2);
            }
            _ => {}
        }
        if let Some(rest) = ph.strip_prefix(b"(decorate") {
            let mut style = self.placeholder_decoration();
            let mut arg = rest;
            if arg.first() == Some(&b':') {
                arg = &arg[1..];
                loop {
                    let mut matched = false;
                    for (key, slot) in [
                        ("prefix", &mut style.prefix),
                        ("suffix", &mut style.suffix),
                        ("separator", &mut style.separator),
                        ("pointer", &mut style.pointer),
                        ("tag", &mut style.tag),
                    ] {
                        if let Some((v, next)) = placeholder_arg(arg, key.as_bytes()) {
                            if let Some(v) = v {
                                *slot = String::from_utf8_lossy(&expand_literals(v)).into_owned();
                            }
                            arg = next;
                            matched = true;
                            break;
                        }
                    }
                    if !matched {
                        break;
                    }
                }
            }
            if arg.first() == Some(&b')') {
                if let Some(d) = &self.decorations {
                    d.write(&c.id, &style, x.auto_color, sb);
                }
                return Ok(ph.len() - arg.len() + 1);
            }
            return Ok(0);
        }
        let msg: &[u8] = &x.message;
        match first {
            b'a' | b'c' => {
                let range = if first == b'a' { x.author } else { x.committer };
                let text = range.map_or(&b""[..], |(s, e)| &msg[s..e]);
                let part = ph.get(1).copied().unwrap_or(0);
                return self.person(sb, part, text);
            }
            b'e' => {
                if let Some(e) = &x.encoding {
                    sb.extend_from_slice(e);
                }
                return Ok(1);
            }
            b'B' => {
                if x.message_off < msg.len() {
                    sb.extend_from_slice(&msg[x.message_off + 1..]);
                }
                return Ok(1);
            }
            b's' => {
                format_subject(Some(sb), &msg[x.subject_off..], b" ");
                return Ok(1);
            }
            b'f' => {
                let s = &msg[x.subject_off..];
                let eol = memchr::memchr(b'\n', s).unwrap_or(s.len());
                sanitized_subject(sb, &s[..eol]);
                return Ok(1);
            }
            b'b' => {
                sb.extend_from_slice(&msg[x.body_off..]);
                return Ok(1);
            }
            _ => {}
        }
        if let Some(rest) = ph.strip_prefix(b"(trailers") {
            let mut opts = TrailerOptions::default();
            let mut arg = rest;
            if arg.first() == Some(&b':') {
                arg = &arg[1..];
                match parse_trailer_options(arg, &mut opts) {
                    Some(next) => arg = next,
                    None => return Ok(0),
                }
            }
            if arg.first() == Some(&b')') {
                if self
                    .repo
                    .config()
                    .section_entries("trailer")
                    .next()
                    .is_some()
                {
                    return Err(PrettyError::Unsupported(
                        "%(trailers) with trailer.* configuration is not supported by oxgit".into(),
                    ));
                }
                format_trailers(&msg[x.subject_off..], &opts, sb);
                return Ok(ph.len() - arg.len() + 1);
            }
            return Ok(0);
        }
        Ok(0)
    }

    /// git's `format_person_part`.
    fn person(&mut self, sb: &mut Vec<u8>, part: u8, text: &[u8]) -> Result<usize, PrettyError> {
        let empty_ok = matches!(part, b'n' | b'e' | b't' | b'd' | b'D' | b'r' | b'i');
        let Some(ident) = split_ident(text) else {
            return Ok(if empty_ok { 2 } else { 0 });
        };
        let (mut name, mut mail) = (ident.name, ident.mail);
        let mapped;
        if matches!(part, b'N' | b'E' | b'L') {
            let m = self.mailmap()?.clone();
            mapped = m.map(name, mail);
            let (n, e) = mapped;
            let (n, e) = (n.to_vec(), e.to_vec());
            return Ok(write_person_part(sb, part, &n, &e));
        }
        let _ = &mut name;
        let _ = &mut mail;
        match part {
            b'n' | b'e' | b'l' => return Ok(write_person_part(sb, part, name, mail)),
            _ => {}
        }
        let Some(date) = ident.date else {
            return Ok(if empty_ok { 2 } else { 0 });
        };
        let clock = self.opts.clock.clone();
        let mode = match part {
            b't' => {
                sb.extend_from_slice(date);
                return Ok(2);
            }
            b'd' => self.date.clone(),
            b'D' => DateMode::new(DateStyle::Rfc2822),
            b'r' => DateMode::new(DateStyle::Relative),
            b'i' => DateMode::new(DateStyle::Iso),
            b'I' => DateMode::new(DateStyle::IsoStrict),
            b'h' => DateMode::new(DateStyle::Human),
            b's' => DateMode::new(DateStyle::Short),
            _ => return Ok(if empty_ok { 2 } else { 0 }),
        };
        // A `--date=format:` holds bytes (see `crate::bytestr`).
        sb.extend_from_slice(&crate::bytestr::decode(&ident.show_date(&mode, &clock)));
        Ok(2)
    }
}

fn write_person_part(sb: &mut Vec<u8>, part: u8, name: &[u8], mail: &[u8]) -> usize {
    match part {
        b'n' | b'N' => sb.extend_from_slice(name),
        b'e' | b'E' => sb.extend_from_slice(mail),
        _ => {
            let at = memchr::memchr(b'@', mail).unwrap_or(mail.len());
            sb.extend_from_slice(&mail[..at]);
        }
    }
    2
}

/// Whether the commit object has a signature header.
fn has_signature(data: &[u8]) -> bool {
    let mut pos = 0;
    while pos < data.len() {
        let n = one_line(&data[pos..]);
        let line = &data[pos..pos + n];
        if line == b"\n" {
            return false;
        }
        if line.starts_with(b"gpgsig ") || line.starts_with(b"gpgsig-sha256 ") {
            return true;
        }
        pos += n;
    }
    false
}

/// Whether a user format uses placeholder `p` (after an optional magic prefix).
fn uses_placeholder(f: &str, p: u8) -> bool {
    let b = f.as_bytes();
    let mut i = 0;
    while let Some(at) = memchr::memchr(b'%', &b[i..]) {
        let mut j = i + at + 1;
        if b.get(j) == Some(&b'%') {
            i = j + 1;
            continue;
        }
        if matches!(b.get(j), Some(b'+' | b'-' | b' ')) {
            j += 1;
        }
        if b.get(j) == Some(&p) {
            return true;
        }
        i = j;
    }
    false
}

impl Expansion<'_> {
    /// git's `parse_commit_header` and `parse_commit_message`.
    fn parse_header(&mut self) {
        let msg: &[u8] = &self.message;
        let mut i = 0;
        while i < msg.len() {
            let eol = memchr::memchr(b'\n', &msg[i..]).map_or(msg.len(), |e| i + e);
            if i == eol {
                break;
            }
            let line = &msg[i..eol];
            if line.starts_with(b"author ") {
                self.author = Some((i + 7, eol));
            } else if line.starts_with(b"committer ") {
                self.committer = Some((i + 10, eol));
            }
            i = eol + 1;
        }
        let i = i.min(msg.len());
        self.message_off = i;
        let rest = &msg[i..];
        let s = i + skip_blank_lines(rest);
        self.subject_off = s;
        let after = s + format_subject(None, &msg[s..], b"");
        self.body_off = after + skip_blank_lines(&msg[after..]);
    }
}

/// git's `rewrap_message_tail`.
fn rewrap_tail(sb: &mut Vec<u8>, x: &mut Expansion<'_>, w: i64, i1: i64, i2: i64) {
    if x.width == w && x.indent1 == i1 && x.indent2 == i2 {
        return;
    }
    if x.wrap_start < sb.len() {
        let tail = sb.split_off(x.wrap_start);
        // git wraps the tail as a C string: nothing from a NUL (`%x00`) on survives.
        let end = memchr::memchr(0, &tail).unwrap_or(tail.len());
        add_wrapped(sb, &tail[..end], x.indent1, x.indent2, x.width);
    }
    x.wrap_start = sb.len();
    x.width = w;
    x.indent1 = i1;
    x.indent2 = i2;
}

/// git's `parse_padding_placeholder`.
fn parse_padding(ph: &[u8], x: &mut Expansion<'_>) -> usize {
    let mut i = 1;
    let flush = match ph[0] {
        b'<' => Flush::Right,
        _ => match ph.get(1) {
            Some(b'<') => {
                i = 2;
                Flush::Both
            }
            Some(b'>') => {
                i = 2;
                Flush::LeftAndSteal
            }
            _ => Flush::Left,
        },
    };
    let mut to_column = false;
    if ph.get(i) == Some(&b'|') {
        to_column = true;
        i += 1;
    }
    if ph.get(i) != Some(&b'(') {
        return 0;
    }
    let start = i + 1;
    let Some(end) = ph[start..]
        .iter()
        .position(|&b| b == b',' || b == b')')
        .map(|p| start + p)
    else {
        return 0;
    };
    if end == start {
        return 0;
    }
    // strtol: optional spaces and sign, digits.
    let s = &ph[start..end];
    let t = std::str::from_utf8(s).unwrap_or("");
    let t2 = t.trim_start();
    let (neg, digits) = match t2.as_bytes().first() {
        Some(b'-') => (true, &t2[1..]),
        Some(b'+') => (false, &t2[1..]),
        _ => (false, t2),
    };
    let nd = digits.bytes().take_while(u8::is_ascii_digit).count();
    if nd == 0 {
        return 0;
    }
    let mut width: i64 = digits[..nd].parse().unwrap_or(i64::MAX);
    if neg {
        width = -width;
    }
    if !(-FORMATTING_LIMIT..=FORMATTING_LIMIT).contains(&width) || width == 0 {
        return 0;
    }
    if width < 0 {
        // git adds the terminal's width for `%<|(-N)`; without a terminal that is 80.
        if to_column {
            width += 80;
        }
        if width < 0 {
            return 0;
        }
    }
    x.padding = if to_column { -width } else { width };
    x.flush = flush;
    if ph[end] == b',' {
        let s2 = end + 1;
        let Some(close) = memchr::memchr(b')', &ph[s2..]).map(|p| s2 + p) else {
            return 0;
        };
        if close == s2 {
            return 0;
        }
        let rest = &ph[s2..];
        x.trunc = if rest.starts_with(b"trunc)") {
            Trunc::Right
        } else if rest.starts_with(b"ltrunc)") {
            Trunc::Left
        } else if rest.starts_with(b"mtrunc)") {
            Trunc::Middle
        } else {
            return 0;
        };
        return close + 1;
    }
    x.trunc = Trunc::None;
    end + 1
}

/// git's `parse_color` for `%C...`.
fn parse_color(sb: &mut Vec<u8>, ph: &[u8], want: bool) -> Result<usize, PrettyError> {
    if ph.get(1) == Some(&b'(') {
        let Some(end) = memchr::memchr(b')', &ph[2..]).map(|i| i + 2) else {
            return Ok(0);
        };
        let mut spec = &ph[2..end];
        let always = if let Some(r) = spec.strip_prefix(b"auto,") {
            spec = r;
            false
        } else if let Some(r) = spec.strip_prefix(b"always,") {
            spec = r;
            true
        } else {
            false
        };
        if !always && !want {
            return Ok(end + 1);
        }
        let s = std::str::from_utf8(spec).map_err(|_| PrettyError::BadColor)?;
        let seq = color::parse(s).ok_or(PrettyError::BadColor)?;
        sb.extend_from_slice(seq.as_bytes());
        return Ok(end + 1);
    }
    for (name, seq) in [
        (&b"red"[..], color::RED),
        (b"green", color::GREEN),
        (b"blue", color::BLUE),
        (b"reset", color::RESET),
    ] {
        if ph[1..].starts_with(name) {
            if want {
                sb.extend_from_slice(seq.as_bytes());
            }
            return Ok(1 + name.len());
        }
    }
    Ok(0)
}

/// git's `match_placeholder_arg_value`: `key` or `key=value` followed by `,` or `)`.
/// Returns the value (if `=` was given) and the rest after a `,` (or at the `)`).
fn placeholder_arg<'a>(arg: &'a [u8], key: &[u8]) -> Option<(Option<&'a [u8]>, &'a [u8])> {
    let p = arg.strip_prefix(key)?;
    let (value, p) = if let Some(v) = p.strip_prefix(b"=") {
        let n = v
            .iter()
            .position(|&b| b == b',' || b == b')')
            .unwrap_or(v.len());
        (Some(&v[..n]), &v[n..])
    } else {
        if !matches!(p.first(), Some(b',' | b')')) {
            return None;
        }
        (None, p)
    };
    match p.first() {
        Some(b',') => Some((value, &p[1..])),
        Some(b')') => Some((value, p)),
        _ => None,
    }
}

/// `%n` and `%xNN` (and `%%`) in placeholder arguments (`expand_string_arg`).
fn expand_literals(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < v.len() {
        if v[i] != b'%' {
            out.push(v[i]);
            i += 1;
            continue;
        }
        let hex = |b: Option<&u8>| b.and_then(|&b| char::from(b).to_digit(16));
        match v.get(i + 1) {
            Some(b'%') => {
                out.push(b'%');
                i += 2;
            }
            Some(b'n') => {
                out.push(b'\n');
                i += 2;
            }
            Some(b'x') => match (hex(v.get(i + 2)), hex(v.get(i + 3))) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 4;
                }
                _ => {
                    out.push(b'%');
                    i += 1;
                }
            },
            _ => {
                out.push(b'%');
                i += 1;
            }
        }
    }
    out
}

/// git's `format_set_trailers_options`; the rest at the closing `)`, or `None` when an
/// option is not valid.
fn parse_trailer_options<'a>(mut arg: &'a [u8], opts: &mut TrailerOptions) -> Option<&'a [u8]> {
    loop {
        if arg.first() == Some(&b')') || arg.is_empty() {
            return Some(arg);
        }
        if let Some((v, next)) = placeholder_arg(arg, b"key") {
            let v = v?;
            let v = v.strip_suffix(b":").unwrap_or(v);
            opts.keys.push(v.to_vec());
            opts.only = true;
            arg = next;
            continue;
        }
        if let Some((v, next)) = placeholder_arg(arg, b"separator") {
            opts.separator = Some(expand_literals(v.unwrap_or(b"")));
            arg = next;
            continue;
        }
        if let Some((v, next)) = placeholder_arg(arg, b"key_value_separator") {
            opts.key_value_separator = Some(expand_literals(v.unwrap_or(b"")));
            arg = next;
            continue;
        }
        let mut matched = false;
        for key in [&b"only"[..], b"unfold", b"keyonly", b"valueonly"] {
            if let Some((v, next)) = placeholder_arg(arg, key) {
                let val = match v {
                    None => true,
                    Some(v) => crate::config::parse_bool(std::str::from_utf8(v).ok()?)?,
                };
                match key {
                    b"only" => opts.only = val,
                    b"unfold" => opts.unfold = val,
                    b"keyonly" => opts.key_only = val,
                    _ => opts.value_only = val,
                }
                arg = next;
                matched = true;
                break;
            }
        }
        if !matched {
            return None;
        }
    }
}

/// git's `format_sanitized_subject` (`%f`).
fn sanitized_subject(sb: &mut Vec<u8>, line: &[u8]) {
    let start = sb.len();
    let mut space = 2;
    let mut i = 0;
    while i < line.len() {
        let c = line[i];
        if c.is_ascii_alphanumeric() || c == b'.' || c == b'_' {
            if space == 1 {
                sb.push(b'-');
            }
            space = 0;
            sb.push(c);
            if c == b'.' {
                while line.get(i + 1) == Some(&b'.') {
                    i += 1;
                }
            }
        } else {
            space |= 1;
        }
        i += 1;
    }
    while sb.len() > start && matches!(sb.last(), Some(b'.' | b'-')) {
        sb.pop();
    }
}

fn last_line_len(sb: &[u8]) -> usize {
    sb.len() - memchr::memrchr(b'\n', sb).map_or(0, |i| i + 1)
}

/// git's `needs_rfc2047_encoding`.
fn needs_rfc2047(s: &[u8]) -> bool {
    s.iter().any(|&b| b >= 0x80 || b == 0x1b || b == b'\n') || s.windows(2).any(|w| w == b"=?")
}

/// git's `add_rfc2047` (UTF-8 characters are kept whole in each encoded word).
fn add_rfc2047(sb: &mut Vec<u8>, line: &[u8], encoding: &[u8], address: bool) {
    let max = 76;
    let mut line_len = last_line_len(sb);
    sb.extend_from_slice(b"=?");
    sb.extend_from_slice(encoding);
    sb.extend_from_slice(b"?q?");
    line_len += encoding.len() + 5;
    let mut i = 0;
    while i < line.len() {
        let ch = line[i];
        let chrlen = if ch < 0x80 {
            1
        } else {
            text::char_width(&line[i..]).map_or(1, |(_, n)| n)
        };
        let special = chrlen > 1 || {
            let c = ch;
            c >= 0x80
                || c == 0x1b
                || !(0x20..0x7f).contains(&c)
                || is_space(c)
                || c == b'='
                || c == b'?'
                || c == b'_'
                || (address && !(c.is_ascii_alphanumeric() || b"!*+-/".contains(&c)))
        };
        let enc_len = if special { 3 * chrlen } else { 1 };
        if line_len + enc_len + 2 > max {
            sb.extend_from_slice(b"?=\n =?");
            sb.extend_from_slice(encoding);
            sb.extend_from_slice(b"?q?");
            line_len = encoding.len() + 5 + 1;
        }
        for &b in &line[i..i + chrlen] {
            if special {
                sb.extend_from_slice(format!("={b:02X}").as_bytes());
            } else {
                sb.push(b);
            }
        }
        line_len += enc_len;
        i += chrlen;
    }
    sb.extend_from_slice(b"?=");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_and_idents() {
        let mut s = Vec::new();
        format_subject(Some(&mut s), b"one  \ntwo\n\nbody", b" ");
        assert_eq!(s, b"one two");
        let mut f = Vec::new();
        sanitized_subject(&mut f, b"Fix: the ...bug!! in x.c..");
        assert_eq!(f, b"Fix-the-.bug-in-x.c");
        let id = split_ident(b"A U Thor <a@x> 123 +0100").unwrap();
        assert_eq!(
            (id.name, id.mail, id.date, id.tz),
            (
                &b"A U Thor"[..],
                &b"a@x"[..],
                Some(&b"123"[..]),
                Some(&b"+0100"[..])
            )
        );
        assert!(split_ident(b"A U Thor <a@x>").unwrap().date.is_none());
    }

    #[test]
    fn parses_pretty_names() {
        let cfg = Config::parse(b"[pretty]\n\tmine = %h %s\n\tal = mine\n\tloop = loop\n").unwrap();
        assert_eq!(
            parse_pretty("med", &cfg).unwrap().format,
            Format::Builtin(Builtin::Medium)
        );
        assert_eq!(
            parse_pretty("mine", &cfg).unwrap().format,
            Format::User("%h %s".into())
        );
        assert_eq!(
            parse_pretty("al", &cfg).unwrap().format,
            Format::User("%h %s".into())
        );
        assert!(matches!(
            parse_pretty("loop", &cfg),
            Err(PrettyError::AliasLoop(_))
        ));
        assert!(matches!(
            parse_pretty("nope", &cfg),
            Err(PrettyError::InvalidFormat(_))
        ));
        assert!(parse_pretty("", &cfg).unwrap().is_empty());
    }
}
