//! git's ref-filter: the `--format` language of `git for-each-ref` (atoms such as
//! `%(refname:short)`, `%(objectname)`, `%(*subject)`, `%(upstream:track)`,
//! `%(if)…%(then)…%(else)…%(end)`, `%(align)`), the sort keys of `--sort` and the
//! filters (`--points-at`, `--merged`, `--contains`, patterns, `--exclude`).
//!
//! A [`RefFormat`] is parsed once; [`RefFormat::values`] computes the atoms of one ref
//! and [`RefFormat::render`] writes one output line from them. [`sort`] orders refs by
//! [`SortKey`]s. Atoms git has that need machinery oxgit does not have yet are refused
//! with [`FormatError::Unsupported`], never approximated.
//!
//! ```
//! # fn git(dir: &std::path::Path, args: &[&str]) {
//! #     let ok = std::process::Command::new("git").args(args).current_dir(dir)
//! #         .env("GIT_AUTHOR_NAME", "A").env("GIT_AUTHOR_EMAIL", "a@example.com")
//! #         .env("GIT_COMMITTER_NAME", "C").env("GIT_COMMITTER_EMAIL", "c@example.com")
//! #         .env("GIT_CONFIG_GLOBAL", "/dev/null").env("GIT_CONFIG_NOSYSTEM", "1")
//! #         .status().unwrap().success();
//! #     assert!(ok);
//! # }
//! # let tmp = std::env::temp_dir().join(format!("oxgit-doc-rf-{}", std::process::id()));
//! # let _ = std::fs::remove_dir_all(&tmp);
//! # std::fs::create_dir_all(&tmp).unwrap();
//! # git(&tmp, &["init", "-q", "-b", "main"]);
//! # std::fs::write(tmp.join("a"), "a\n").unwrap();
//! # git(&tmp, &["add", "."]);
//! # git(&tmp, &["commit", "-q", "-m", "first"]);
//! # git(&tmp, &["tag", "-a", "-m", "release", "v1"]);
//! use oxgit::refs::format::{Quote, RefFormat};
//! use oxgit::refs::Refs;
//! use oxgit::Repository;
//!
//! let repo = Repository::discover(&tmp)?;
//! let format = RefFormat::parse(&repo, "%(refname:short) %(objecttype) %(*subject)", Quote::None)?;
//! let mut lines = Vec::new();
//! let refs = Refs::new(&repo);
//! for r in refs.listed()? {
//!     let values = format.values(&repo, &refs, &r)?;
//!     let mut line = Vec::new();
//!     format.render(&values, &mut line)?;
//!     lines.push(String::from_utf8(line)?);
//! }
//! assert_eq!(lines, ["main commit ", "v1 tag first"]);
//! # std::fs::remove_dir_all(&tmp).unwrap();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use super::list::ListedRef;
use super::tracking;
use super::Refs;
use crate::object::date::{show_date_unsigned, Clock, DateError, DateMode};
use crate::object::{Commit, ObjectKind, Tag};
use crate::oid::ObjectId;
use crate::pretty::Mailmap;
use crate::repo::Repository;
use std::cmp::Ordering;
use std::sync::OnceLock;

/// Why a format, a sort key or a ref's values could not be made.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// `%(` without its `)`: git reports it as a usage error.
    #[error("malformed format string {0}")]
    Malformed(String),
    /// A bad atom, argument or nesting: git's message (it dies with it).
    #[error("{0}")]
    Bad(String),
    /// An atom or modifier git has and oxgit does not implement yet.
    #[error("{0} is not supported by oxgit yet")]
    Unsupported(String),
    /// An object could not be read.
    #[error(transparent)]
    Odb(#[from] crate::odb::OdbError),
    /// A ref could not be read.
    #[error(transparent)]
    Ref(#[from] super::RefError),
}

/// The longest chain of tags `*` atoms follow.
const MAX_PEEL: usize = 64;

/// How atom values are quoted (`--shell`, `--perl`, `--python`, `--tcl`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Quote {
    /// As they are.
    #[default]
    None,
    /// `'...'` for sh.
    Shell,
    /// `'...'` for Perl.
    Perl,
    /// `'...'` for Python.
    Python,
    /// `"..."` for Tcl.
    Tcl,
}

/// How values compare when sorting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cmp {
    Str,
    Number,
}

/// The `refname`-like options: `:short`, `:lstrip=n`, `:rstrip=n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NameOpt {
    Full,
    Short,
    Lstrip(i32),
    Rstrip(i32),
}

/// `objectname`-like options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OidOpt {
    Full,
    Short,
    Length(usize),
}

/// What part of an identity; `mailmap` maps the name and email through the mailmap.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Whole,
    Name {
        mailmap: bool,
    },
    Email {
        trim: bool,
        localpart: bool,
        mailmap: bool,
    },
    /// The date in a `--date` mode; git dies on a bad mode only when it formats a date.
    Date(Result<DateMode, DateError>),
}

/// What `%(upstream)`/`%(push)` show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Remote {
    Ref(NameOpt),
    Track { nobracket: bool },
    TrackShort,
    Name,
    MergeRef,
}

/// Which part of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Contents {
    Bare,
    Subject,
    Body,
    BodyOnly,
    Signature,
    Size,
    Lines(usize),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Position {
    Left,
    Middle,
    Right,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Condition {
    NonEmpty,
    Equals(Vec<u8>),
    NotEquals(Vec<u8>),
}

/// One parsed atom.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    Refname(NameOpt),
    ObjectType,
    ObjectSize { disk: bool },
    ObjectName(OidOpt),
    DeltaBase,
    Tree(OidOpt),
    Parent(OidOpt),
    NumParent,
    Object,
    Type,
    Tag,
    Person { who: &'static str, part: Part },
    Creator,
    CreatorDate(Result<DateMode, DateError>),
    Contents(Contents),
    Raw { size: bool },
    Upstream(Remote),
    Push(Remote),
    Symref(NameOpt),
    Flag,
    Head,
    Color,
    Align(Position, usize),
    End,
    If(Condition),
    Then,
    Else,
    AheadBehind(ObjectId),
    WorktreePath,
}

#[derive(Clone, Debug)]
struct Atom {
    /// The text between `%(` and `)`, `*` included.
    name: String,
    deref: bool,
    kind: Kind,
    cmp: Cmp,
}

/// One piece of a format.
#[derive(Clone, Debug)]
enum Piece {
    /// Literal text, `%%` and `%xx` already expanded.
    Literal(Vec<u8>),
    /// An atom (index into the atom table).
    Atom(usize),
}

/// A parsed `--format` and the atoms of the sort keys.
#[derive(Clone, Debug)]
pub struct RefFormat {
    pieces: Vec<Piece>,
    atoms: Vec<Atom>,
    quote: Quote,
    head: Option<String>,
    /// "Now" and the local zone, for `relative`, `human` and `-local` dates.
    clock: Clock,
    /// The mailmap, read when a `:mailmap` atom first needs it (as git does).
    mailmap: OnceLock<Mailmap>,
    /// The branch each worktree has checked out, with its path, read when a
    /// `%(worktreepath)` first needs it.
    worktrees: OnceLock<std::collections::HashMap<String, String>>,
}

/// The computed atoms of one ref: their text and, for numbers and dates, their value.
#[derive(Clone, Debug, Default)]
pub struct Values {
    /// The full ref name (the sort's final tie-break).
    pub refname: String,
    text: Vec<Vec<u8>>,
    number: Vec<u64>,
}

/// One `--sort` key.
#[derive(Clone, Copy, Debug)]
pub struct SortKey {
    atom: usize,
    reverse: bool,
    version: bool,
    ignore_case: bool,
}

impl RefFormat {
    /// Parses `format` for `repo` (where `%(HEAD)` and `%(ahead-behind:…)` look things up).
    pub fn parse(repo: &Repository, format: &str, quote: Quote) -> Result<RefFormat, FormatError> {
        let head = match Refs::new(repo).resolve_full("HEAD") {
            Ok(Some(r)) => Some(r.name),
            _ => None,
        };
        let resolve = |rev: &str| {
            crate::revision::resolve(repo, rev)
                .and_then(|id| crate::revision::peel(repo, id, ObjectKind::Commit))
                .ok()
        };
        RefFormat::parse_with(format, quote, head, &resolve)
    }

    /// [`RefFormat::parse`] with `HEAD`'s branch given and commits resolved by `resolve`.
    fn parse_with(
        format: &str,
        quote: Quote,
        head: Option<String>,
        resolve: &dyn Fn(&str) -> Option<ObjectId>,
    ) -> Result<RefFormat, FormatError> {
        let mut f = RefFormat {
            pieces: Vec::new(),
            atoms: Vec::new(),
            quote,
            head,
            clock: Clock::from_env(),
            mailmap: OnceLock::new(),
            worktrees: OnceLock::new(),
        };
        let bytes = format.as_bytes();
        let mut lit_start = 0;
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] != b'%' {
                i += 1;
                continue;
            }
            match bytes.get(i + 1) {
                Some(b'(') => {}
                Some(b'%') => {
                    i += 2;
                    continue;
                }
                _ => {
                    i += 1;
                    continue;
                }
            }
            let Some(close) = format[i..].find(')').map(|c| c + i) else {
                return Err(FormatError::Malformed(format[i..].to_string()));
            };
            if lit_start < i {
                f.pieces.push(Piece::Literal(expand_literal(
                    &crate::bytestr::decode_utf8(&bytes[lit_start..i]),
                )));
            }
            let at = f.atom(resolve, &format[i + 2..close])?;
            if f.atoms[at].name == "rest" {
                return Err(FormatError::Bad(
                    "this command reject atom %(rest)".to_string(),
                ));
            }
            if matches!(f.atoms[at].kind, Kind::Raw { size: false })
                && matches!(quote, Quote::Python | Quote::Shell | Quote::Tcl)
            {
                return Err(FormatError::Bad(format!(
                    "--format={} cannot be used with --python, --shell, --tcl",
                    f.atoms[at].name
                )));
            }
            f.pieces.push(Piece::Atom(at));
            i = close + 1;
            lit_start = i;
        }
        if lit_start < bytes.len() {
            f.pieces.push(Piece::Literal(expand_literal(
                &crate::bytestr::decode_utf8(&bytes[lit_start..]),
            )));
        }
        Ok(f)
    }

    /// Parses a `--sort` key (`[-][version:|v:]<atom>`); `ignore_case` is `--ignore-case`.
    pub fn sort_key(
        &mut self,
        repo: &Repository,
        key: &str,
        ignore_case: bool,
    ) -> Result<SortKey, FormatError> {
        let (reverse, key) = match key.strip_prefix('-') {
            Some(k) => (true, k),
            None => (false, key),
        };
        let (version, key) = match key
            .strip_prefix("version:")
            .or_else(|| key.strip_prefix("v:"))
        {
            Some(k) => (true, k),
            None => (false, key),
        };
        if version && repo.config().get("versionsort.suffix").is_some() {
            return Err(FormatError::Unsupported(
                "versionsort.suffix (version sorting with prerelease suffixes)".into(),
            ));
        }
        let resolve = |rev: &str| {
            crate::revision::resolve(repo, rev)
                .and_then(|id| crate::revision::peel(repo, id, ObjectKind::Commit))
                .ok()
        };
        let atom = self.atom(&resolve, key)?;
        Ok(SortKey {
            atom,
            reverse,
            version,
            ignore_case,
        })
    }

    /// git's `parse_ref_filter_atom`: the index of the atom `text` (between `%(` and `)`).
    fn atom(
        &mut self,
        resolve: &dyn Fn(&str) -> Option<ObjectId>,
        text: &str,
    ) -> Result<usize, FormatError> {
        let (deref, body) = match text.strip_prefix('*') {
            Some(b) => (true, b),
            None => (false, text),
        };
        if body.is_empty() {
            return Err(FormatError::Bad(format!("malformed field name: {text}")));
        }
        if let Some(i) = self.atoms.iter().position(|a| a.name == text) {
            return Ok(i);
        }
        let (name, arg) = match body.split_once(':') {
            Some((n, "")) => (n, None),
            Some((n, a)) => (n, Some(a)),
            None => (body, None),
        };
        let no_arg = |kind: Kind| match arg {
            Some(_) => Err(FormatError::Bad(format!(
                "%({name}) does not take arguments"
            ))),
            None => Ok(kind),
        };
        let bad_arg = |a: &str| FormatError::Bad(format!("unrecognized %({name}) argument: {a}"));
        let mut cmp = Cmp::Str;
        let kind = match name {
            "refname" => Kind::Refname(name_opt(name, arg)?),
            "objecttype" => no_arg(Kind::ObjectType)?,
            "objectsize" => {
                cmp = Cmp::Number;
                match arg {
                    None => Kind::ObjectSize { disk: false },
                    Some("disk") => Kind::ObjectSize { disk: true },
                    Some(a) => return Err(bad_arg(a)),
                }
            }
            "objectname" => Kind::ObjectName(oid_opt(text, name, arg)?),
            "deltabase" => no_arg(Kind::DeltaBase)?,
            "tree" => Kind::Tree(oid_opt(text, name, arg)?),
            "parent" => Kind::Parent(oid_opt(text, name, arg)?),
            "numparent" => {
                cmp = Cmp::Number;
                Kind::NumParent
            }
            "object" => Kind::Object,
            "type" => Kind::Type,
            "tag" => Kind::Tag,
            "author" | "committer" | "tagger" => Kind::Person {
                who: static_who(name),
                part: Part::Whole,
            },
            "authorname" | "committername" | "taggername" => {
                let mailmap = match arg {
                    None => false,
                    Some("mailmap") => true,
                    Some(a) => return Err(bad_arg(a)),
                };
                Kind::Person {
                    who: static_who(&name[..name.len() - 4]),
                    part: Part::Name { mailmap },
                }
            }
            "authoremail" | "committeremail" | "taggeremail" => {
                let (mut trim, mut localpart, mut mailmap) = (false, false, false);
                // git's `person_email_atom_parser`: options by prefix, then a comma or
                // the end; the error names the rest from where parsing stopped.
                if let Some(mut rest) = arg {
                    loop {
                        let (flag, after) = if let Some(r) = rest.strip_prefix("trim") {
                            (&mut trim, r)
                        } else if let Some(r) = rest.strip_prefix("localpart") {
                            (&mut localpart, r)
                        } else if let Some(r) = rest.strip_prefix("mailmap") {
                            (&mut mailmap, r)
                        } else {
                            return Err(bad_arg(rest));
                        };
                        *flag = true;
                        rest = after;
                        if rest.is_empty() {
                            break;
                        }
                        match rest.strip_prefix(',') {
                            Some(r) => rest = r,
                            None => return Err(bad_arg(rest)),
                        }
                    }
                }
                Kind::Person {
                    who: static_who(&name[..name.len() - 5]),
                    part: Part::Email {
                        trim,
                        localpart,
                        mailmap,
                    },
                }
            }
            "authordate" | "committerdate" | "taggerdate" | "creatordate" => {
                // git's `grab_date` reads the mode after the first `:` itself (so
                // `%(authordate:)` is an empty mode) and, given one, sorts by the text.
                let mode = match body.split_once(':') {
                    Some((_, m)) => DateMode::parse(m),
                    None => {
                        cmp = Cmp::Number;
                        Ok(DateMode::default())
                    }
                };
                if name == "creatordate" {
                    Kind::CreatorDate(mode)
                } else {
                    Kind::Person {
                        who: static_who(&name[..name.len() - 4]),
                        part: Part::Date(mode),
                    }
                }
            }
            "creator" => Kind::Creator,
            "subject" => match arg {
                None => Kind::Contents(Contents::Subject),
                Some("sanitize") => return Err(FormatError::Unsupported(format!("%({text})"))),
                Some(a) => return Err(bad_arg(a)),
            },
            "body" => no_arg(Kind::Contents(Contents::Body))?,
            "contents" => Kind::Contents(match arg {
                None => Contents::Bare,
                Some("body") => Contents::BodyOnly,
                Some("size") => {
                    cmp = Cmp::Number;
                    Contents::Size
                }
                Some("signature") => Contents::Signature,
                Some("subject") => Contents::Subject,
                Some(a) if a == "trailers" || a.starts_with("trailers:") => {
                    return Err(FormatError::Unsupported(format!("%({text})")))
                }
                Some(a) => match a.strip_prefix("lines=") {
                    Some(n) => Contents::Lines(n.parse::<u32>().map_err(|_| {
                        FormatError::Bad(format!("positive value expected contents:lines={n}"))
                    })? as usize),
                    None => return Err(bad_arg(a)),
                },
            }),
            "raw" => match arg {
                None => Kind::Raw { size: false },
                Some("size") => {
                    cmp = Cmp::Number;
                    Kind::Raw { size: true }
                }
                Some(a) => return Err(bad_arg(a)),
            },
            "upstream" | "push" => {
                let r = remote_opt(name, arg)?;
                if name == "push" && r == Remote::MergeRef {
                    return Err(FormatError::Unsupported(format!("%({text})")));
                }
                if name == "upstream" {
                    Kind::Upstream(r)
                } else {
                    Kind::Push(r)
                }
            }
            "symref" => Kind::Symref(name_opt(name, arg)?),
            "flag" => Kind::Flag,
            "HEAD" => no_arg(Kind::Head)?,
            "color" => {
                let Some(c) = arg else {
                    return Err(FormatError::Bad(
                        "expected format: %(color:<color>)".to_string(),
                    ));
                };
                if !valid_color(c) {
                    eprintln!("error: invalid color value: {c}");
                    return Err(FormatError::Bad(format!(
                        "unrecognized color: %(color:{c})"
                    )));
                }
                Kind::Color
            }
            "align" => align(arg)?,
            "end" => Kind::End,
            "if" => Kind::If(match arg {
                None => Condition::NonEmpty,
                Some(a) => {
                    if let Some(s) = a.strip_prefix("equals=") {
                        Condition::Equals(s.as_bytes().to_vec())
                    } else if let Some(s) = a.strip_prefix("notequals=") {
                        Condition::NotEquals(s.as_bytes().to_vec())
                    } else {
                        return Err(bad_arg(a));
                    }
                }
            }),
            "then" => Kind::Then,
            "else" => Kind::Else,
            "rest" => {
                if arg.is_some() {
                    return Err(FormatError::Bad("%(rest) does not take arguments".into()));
                }
                Kind::End
            }
            "ahead-behind" => {
                let Some(base) = arg else {
                    return Err(FormatError::Bad(
                        "expected format: %(ahead-behind:<committish>)".to_string(),
                    ));
                };
                let id = resolve(base)
                    .ok_or_else(|| FormatError::Bad(format!("failed to find '{base}'")))?;
                Kind::AheadBehind(id)
            }
            "worktreepath" => no_arg(Kind::WorktreePath)?,
            "describe" | "signature" | "trailers" => {
                return Err(FormatError::Unsupported(format!("%({text})")))
            }
            _ => return Err(FormatError::Bad(format!("unknown field name: {text}"))),
        };
        self.atoms.push(Atom {
            name: text.to_string(),
            deref,
            kind,
            cmp,
        });
        Ok(self.atoms.len() - 1)
    }

    /// Whether the format has `%(ahead-behind:…)` atoms (which need each ref's commit).
    pub fn counts_ahead_behind(&self) -> bool {
        self.atoms
            .iter()
            .any(|a| matches!(a.kind, Kind::AheadBehind(_)))
    }

    /// Whether some atom needs the ref's object (or, through `*`, the tagged one).
    fn needs_object(&self) -> bool {
        self.atoms.iter().any(|a| {
            a.deref
                || !matches!(
                    a.kind,
                    Kind::Refname(_)
                        | Kind::ObjectName(_)
                        | Kind::Upstream(_)
                        | Kind::Push(_)
                        | Kind::Symref(_)
                        | Kind::Flag
                        | Kind::Head
                        | Kind::Color
                        | Kind::Align(..)
                        | Kind::End
                        | Kind::If(_)
                        | Kind::Then
                        | Kind::Else
                        | Kind::AheadBehind(_)
                )
        })
    }

    /// The mailmap, read on first use (git's `read_mailmap` in `grab_person`).
    fn mailmap(&self, repo: &Repository) -> Result<&Mailmap, FormatError> {
        if let Some(m) = self.mailmap.get() {
            return Ok(m);
        }
        let loaded = Mailmap::load(repo).map_err(|e| FormatError::Bad(e.to_string()))?;
        Ok(self.mailmap.get_or_init(|| loaded))
    }

    /// The atoms of a detached `HEAD` listed among branches (git's
    /// `FILTER_REFS_DETACHED_HEAD` entry): `r` is `HEAD` itself, and its name atoms give
    /// `description` (`(HEAD detached at …)`) unstripped, as git's `get_refname` does.
    pub fn values_as_detached_head(
        &self,
        repo: &Repository,
        refs: &Refs,
        r: &ListedRef,
        description: &str,
    ) -> Result<Values, FormatError> {
        let mut v = self.values(repo, refs, r)?;
        for (i, atom) in self.atoms.iter().enumerate() {
            if matches!(atom.kind, Kind::Refname(_)) {
                v.text[i] = description.as_bytes().to_vec();
            }
        }
        Ok(v)
    }

    /// Computes every atom of `r` (git's `populate_value`); `refs` is `repo`'s ref store.
    pub fn values(
        &self,
        repo: &Repository,
        refs: &Refs,
        r: &ListedRef,
    ) -> Result<Values, FormatError> {
        let n = self.atoms.len();
        let mut v = Values {
            refname: r.name.clone(),
            text: vec![Vec::new(); n],
            number: vec![0; n],
        };
        let config = repo.config();
        let strict = config.get_bool("core.warnambiguousrefs").unwrap_or(true);
        for (i, atom) in self.atoms.iter().enumerate() {
            let refname_text = |opt: NameOpt, name: &str| -> Result<String, FormatError> {
                show_ref(refs, strict, opt, name)
            };
            let text: Option<String> = match &atom.kind {
                Kind::Refname(opt) => Some(refname_text(*opt, &r.name)?),
                Kind::Symref(opt) => Some(match &r.target {
                    Some(t) => refname_text(*opt, t)?,
                    None => String::new(),
                }),
                Kind::Upstream(opt) => {
                    let s = match r.name.strip_prefix("refs/heads/") {
                        Some(b) => match tracking::upstream(config, b) {
                            Some(up) => remote_details(repo, refs, *opt, b, &up, r, false)?,
                            None => String::new(),
                        },
                        None => String::new(),
                    };
                    v.text[i] = s.into_bytes();
                    continue;
                }
                Kind::Push(opt) => {
                    let s = match r.name.strip_prefix("refs/heads/") {
                        Some(b) if *opt == Remote::Name => {
                            let (remote, explicit) = tracking::pushremote_for_branch(config, b);
                            if explicit {
                                remote.to_string()
                            } else {
                                String::new()
                            }
                        }
                        Some(b) => match tracking::push_tracking(config, b) {
                            Some(p) => remote_details(repo, refs, *opt, b, &p, r, true)?,
                            None => String::new(),
                        },
                        None => String::new(),
                    };
                    v.text[i] = s.into_bytes();
                    continue;
                }
                Kind::Flag => {
                    let mut flags = Vec::new();
                    if r.target.is_some() {
                        flags.push("symref");
                    }
                    let end = r.target.as_deref().unwrap_or(&r.name);
                    if refs.is_packed_only(end)? {
                        flags.push("packed");
                    }
                    v.text[i] = flags.join(",").into_bytes();
                    continue;
                }
                Kind::WorktreePath => {
                    let heads = self.worktrees.get_or_init(|| worktree_heads(repo));
                    v.text[i] = heads.get(&r.name).cloned().unwrap_or_default().into_bytes();
                    continue;
                }
                Kind::Head => {
                    v.text[i] = if self.head.as_deref() == Some(&r.name) {
                        b"*".to_vec()
                    } else {
                        b" ".to_vec()
                    };
                    continue;
                }
                Kind::AheadBehind(base) => {
                    if let Ok(tip) = crate::revision::peel(repo, r.id, ObjectKind::Commit) {
                        let (a, b) = tracking::ahead_behind(repo.odb(), tip, *base)?;
                        v.text[i] = format!("{a} {b}").into_bytes();
                    }
                    continue;
                }
                Kind::ObjectName(opt) if !atom.deref => {
                    v.text[i] = oid_text(repo, &r.id, *opt)?.into_bytes();
                    continue;
                }
                _ => None,
            };
            if let Some(t) = text {
                v.text[i] = if atom.deref {
                    format!("{t}^{{}}").into_bytes()
                } else {
                    t.into_bytes()
                };
            }
        }
        if !self.needs_object() {
            return Ok(v);
        }
        let missing =
            |id: &ObjectId| FormatError::Bad(format!("missing object {id} for {}", r.name));
        let mut data = Vec::new();
        let kind = match repo.odb().read_into(&r.id, &mut data) {
            Ok(k) => k,
            Err(e) if e.is_missing() => return Err(missing(&r.id)),
            Err(e) => return Err(e.into()),
        };
        self.grab(repo, &mut v, false, &r.id, kind, &data)?;
        if kind == ObjectKind::Tag && self.atoms.iter().any(|a| a.deref) {
            // `*` atoms describe the object the tags finally lead to.
            let mut inner = data;
            let mut tagged = r.id;
            let mut kind = kind;
            for _ in 0..MAX_PEEL {
                if kind != ObjectKind::Tag {
                    break;
                }
                tagged = Tag::parse(&inner)
                    .map_err(|_| {
                        FormatError::Bad(format!(
                            "parse_object_buffer failed on {tagged} for {}",
                            r.name
                        ))
                    })?
                    .object;
                let mut next = Vec::new();
                kind = match repo.odb().read_into(&tagged, &mut next) {
                    Ok(k) => k,
                    Err(e) if e.is_missing() => return Err(missing(&tagged)),
                    Err(e) => return Err(e.into()),
                };
                inner = next;
            }
            self.grab(repo, &mut v, true, &tagged, kind, &inner)?;
        }
        Ok(v)
    }

    /// git's `grab_values` and `grab_common_values` for the object `id` of `kind`.
    fn grab(
        &self,
        repo: &Repository,
        v: &mut Values,
        deref: bool,
        id: &ObjectId,
        kind: ObjectKind,
        data: &[u8],
    ) -> Result<(), FormatError> {
        let commit = if kind == ObjectKind::Commit {
            Commit::parse(data).ok()
        } else {
            None
        };
        let tag = if kind == ObjectKind::Tag {
            Tag::parse(data).ok()
        } else {
            None
        };
        let message =
            (matches!(kind, ObjectKind::Commit | ObjectKind::Tag)).then(|| Message::of(data));
        for (i, atom) in self.atoms.iter().enumerate() {
            if atom.deref != deref {
                continue;
            }
            let mut number = None;
            let text: Vec<u8> = match &atom.kind {
                Kind::ObjectType => kind.name().as_bytes().to_vec(),
                Kind::ObjectSize { disk: false } => {
                    number = Some(data.len() as u64);
                    data.len().to_string().into_bytes()
                }
                Kind::ObjectSize { disk: true } => {
                    let s = repo.odb().storage_info(id)?.disk_size;
                    number = Some(s);
                    s.to_string().into_bytes()
                }
                Kind::DeltaBase => repo
                    .odb()
                    .storage_info(id)?
                    .delta_base
                    .unwrap_or_else(|| id.kind().null_id())
                    .to_hex()
                    .into_bytes(),
                Kind::ObjectName(opt) => oid_text(repo, id, *opt)?.into_bytes(),
                Kind::Tree(opt) => match &commit {
                    Some(c) => oid_text(repo, &c.tree, *opt)?.into_bytes(),
                    None => continue,
                },
                Kind::Parent(opt) => match &commit {
                    Some(c) => {
                        let mut s = Vec::new();
                        for (k, p) in c.parents.iter().enumerate() {
                            if k > 0 {
                                s.push(b' ');
                            }
                            s.extend_from_slice(oid_text(repo, p, *opt)?.as_bytes());
                        }
                        s
                    }
                    None => continue,
                },
                Kind::NumParent => match &commit {
                    Some(c) => {
                        number = Some(c.parents.len() as u64);
                        c.parents.len().to_string().into_bytes()
                    }
                    None => continue,
                },
                Kind::Tag => match &tag {
                    Some(t) => t.name.to_vec(),
                    None => continue,
                },
                Kind::Type => match &tag {
                    Some(t) => t.target_kind.name().as_bytes().to_vec(),
                    None => continue,
                },
                Kind::Object => match &tag {
                    Some(t) => t.object.to_hex().into_bytes(),
                    None => continue,
                },
                Kind::Person { who, part } => {
                    let applies = match kind {
                        ObjectKind::Tag => *who == "tagger",
                        ObjectKind::Commit => *who != "tagger",
                        _ => false,
                    };
                    if !applies {
                        continue;
                    }
                    let Some(line) = who_line(data, who) else {
                        continue;
                    };
                    let uses_mailmap = matches!(
                        part,
                        Part::Name { mailmap: true } | Part::Email { mailmap: true, .. }
                    );
                    let mailmap = if uses_mailmap {
                        Some(self.mailmap(repo)?)
                    } else {
                        None
                    };
                    person_part(line, part, mailmap, &self.clock, &mut number)?
                }
                Kind::Creator | Kind::CreatorDate(_) => {
                    let who = match kind {
                        ObjectKind::Tag => "tagger",
                        ObjectKind::Commit => "committer",
                        _ => continue,
                    };
                    let Some(line) = who_line(data, who) else {
                        continue;
                    };
                    match &atom.kind {
                        Kind::CreatorDate(mode) => person_part(
                            line,
                            &Part::Date(mode.clone()),
                            None,
                            &self.clock,
                            &mut number,
                        )?,
                        _ => line[..memchr::memchr(b'\n', line).unwrap_or(line.len())].to_vec(),
                    }
                }
                Kind::Raw { size } => {
                    if *size {
                        number = Some(data.len() as u64);
                        data.len().to_string().into_bytes()
                    } else {
                        data.to_vec()
                    }
                }
                Kind::Contents(c) => {
                    let Some(m) = &message else { continue };
                    m.part(*c, &mut number)
                }
                _ => continue,
            };
            v.text[i] = text;
            if let Some(n) = number {
                v.number[i] = n;
            }
        }
        Ok(())
    }

    /// Writes the formatted line of `values` to `out` (without the newline), git's
    /// `format_ref_array_item`.
    pub fn render(&self, values: &Values, out: &mut Vec<u8>) -> Result<(), FormatError> {
        struct Frame {
            output: Vec<u8>,
            end: End,
        }
        #[derive(Clone)]
        enum End {
            None,
            Align(Position, usize),
            If {
                cond: Condition,
                then_seen: bool,
                else_seen: bool,
                satisfied: bool,
            },
        }
        let mut stack = vec![Frame {
            output: Vec::new(),
            end: End::None,
        }];
        let quote = self.quote;
        for piece in &self.pieces {
            let at = match piece {
                Piece::Literal(l) => {
                    stack.last_mut().expect("frame").output.extend_from_slice(l);
                    continue;
                }
                Piece::Atom(at) => *at,
            };
            let atom = &self.atoms[at];
            match &atom.kind {
                Kind::Align(pos, width) => stack.push(Frame {
                    output: Vec::new(),
                    end: End::Align(*pos, *width),
                }),
                Kind::If(cond) => stack.push(Frame {
                    output: Vec::new(),
                    end: End::If {
                        cond: cond.clone(),
                        then_seen: false,
                        else_seen: false,
                        satisfied: false,
                    },
                }),
                Kind::Then => {
                    let cur = stack.last_mut().expect("frame");
                    let End::If {
                        cond,
                        then_seen,
                        else_seen,
                        satisfied,
                    } = &mut cur.end
                    else {
                        return Err(FormatError::Bad(
                            "format: %(then) atom used without a %(if) atom".into(),
                        ));
                    };
                    if *then_seen {
                        return Err(FormatError::Bad(
                            "format: %(then) atom used more than once".into(),
                        ));
                    }
                    if *else_seen {
                        return Err(FormatError::Bad(
                            "format: %(then) atom used after %(else)".into(),
                        ));
                    }
                    *then_seen = true;
                    *satisfied = match cond {
                        Condition::Equals(s) => *s == cur.output,
                        Condition::NotEquals(s) => *s != cur.output,
                        Condition::NonEmpty => cur
                            .output
                            .iter()
                            .any(|c| !c.is_ascii_whitespace() && *c != 0x0b),
                    };
                    cur.output.clear();
                }
                Kind::Else => {
                    let cur = stack.last_mut().expect("frame");
                    let End::If {
                        then_seen,
                        else_seen,
                        ..
                    } = &mut cur.end
                    else {
                        return Err(FormatError::Bad(
                            "format: %(else) atom used without a %(if) atom".into(),
                        ));
                    };
                    if !*then_seen {
                        return Err(FormatError::Bad(
                            "format: %(else) atom used without a %(then) atom".into(),
                        ));
                    }
                    if *else_seen {
                        return Err(FormatError::Bad(
                            "format: %(else) atom used more than once".into(),
                        ));
                    }
                    *else_seen = true;
                    let end = cur.end.clone();
                    stack.push(Frame {
                        output: Vec::new(),
                        end,
                    });
                }
                Kind::End => {
                    if stack.len() < 2 {
                        return Err(FormatError::Bad(
                            "format: %(end) atom used without corresponding atom".into(),
                        ));
                    }
                    let top = stack.pop().expect("frame");
                    let text = match top.end {
                        End::None => unreachable!("only the bottom frame has no end"),
                        End::Align(pos, width) => align_text(&top.output, pos, width),
                        End::If {
                            then_seen,
                            else_seen,
                            satisfied,
                            ..
                        } => {
                            if !then_seen {
                                return Err(FormatError::Bad(
                                    "format: %(if) atom used without a %(then) atom".into(),
                                ));
                            }
                            if else_seen {
                                // `top` is the %(else) branch; below it the %(then) one.
                                let then_frame = stack.pop().expect("then frame");
                                if satisfied {
                                    then_frame.output
                                } else {
                                    top.output
                                }
                            } else if satisfied {
                                top.output
                            } else {
                                Vec::new()
                            }
                        }
                    };
                    if stack.len() == 1 {
                        quote_into(&text, quote, &mut stack[0].output);
                    } else {
                        let below = stack.last_mut().expect("frame");
                        below.output.extend_from_slice(&text);
                    }
                }
                _ => {
                    let value = &values.text[at];
                    if stack.len() == 1 {
                        quote_into(value, quote, &mut stack[0].output);
                    } else {
                        stack
                            .last_mut()
                            .expect("frame")
                            .output
                            .extend_from_slice(value);
                    }
                }
            }
        }
        if stack.len() > 1 {
            return Err(FormatError::Bad("format: %(end) atom missing".into()));
        }
        out.extend_from_slice(&stack[0].output);
        Ok(())
    }
}

/// Sorts `items` (each with its computed [`Values`]) by `keys`, the first key deciding
/// first; refnames break ties (git's `compare_refs`).
pub fn sort<T>(items: &mut [(T, Values)], keys: &[SortKey], format: &RefFormat) {
    let icase = keys.first().is_some_and(|k| k.ignore_case);
    items.sort_by(|(_, a), (_, b)| {
        for k in keys {
            let cmp = compare(format, k, a, b);
            if cmp != Ordering::Equal {
                return if k.reverse { cmp.reverse() } else { cmp };
            }
        }
        if icase {
            cmp_icase(a.refname.as_bytes(), b.refname.as_bytes())
        } else {
            a.refname.as_bytes().cmp(b.refname.as_bytes())
        }
    });
}

fn compare(format: &RefFormat, k: &SortKey, a: &Values, b: &Values) -> Ordering {
    let (sa, sb) = (&a.text[k.atom], &b.text[k.atom]);
    if k.version {
        return versioncmp(sa, sb);
    }
    match format.atoms[k.atom].cmp {
        Cmp::Str if k.ignore_case => cmp_icase(sa, sb),
        Cmp::Str => sa.cmp(sb),
        Cmp::Number => a.number[k.atom].cmp(&b.number[k.atom]),
    }
}

fn cmp_icase(a: &[u8], b: &[u8]) -> Ordering {
    a.iter()
        .map(u8::to_ascii_lowercase)
        .cmp(b.iter().map(u8::to_ascii_lowercase))
}

/// git's `versioncmp` (glibc's `strverscmp`): digit runs compare as numbers, and runs
/// with leading zeros as fractions.
pub fn versioncmp(a: &[u8], b: &[u8]) -> Ordering {
    const S_N: usize = 0;
    const S_I: usize = 3;
    const S_F: usize = 6;
    const S_Z: usize = 9;
    const CMP: i8 = 2;
    const LEN: i8 = 3;
    const NEXT: [usize; 12] = [S_N, S_I, S_Z, S_N, S_I, S_I, S_N, S_F, S_F, S_N, S_F, S_Z];
    const RESULT: [i8; 36] = [
        CMP, CMP, CMP, CMP, LEN, CMP, CMP, CMP, CMP, // S_N
        CMP, -1, -1, 1, LEN, LEN, 1, LEN, LEN, // S_I
        CMP, CMP, CMP, CMP, CMP, CMP, CMP, CMP, CMP, // S_F
        CMP, 1, 1, -1, CMP, CMP, -1, CMP, CMP, // S_Z
    ];
    let at = |s: &[u8], i: usize| s.get(i).copied().unwrap_or(0);
    let class = |c: u8| usize::from(c == b'0') + usize::from(c.is_ascii_digit());
    let (mut i, mut j) = (0usize, 0usize);
    let mut c1 = at(a, i);
    let mut c2 = at(b, j);
    i += 1;
    j += 1;
    let mut state = S_N + class(c1);
    loop {
        let diff = i32::from(c1) - i32::from(c2);
        if diff != 0 {
            let r = RESULT[state * 3 + class(c2)];
            let ord = |d: i32| d.cmp(&0);
            return match r {
                CMP => ord(diff),
                LEN => {
                    loop {
                        let d1 = at(a, i).is_ascii_digit();
                        i += 1;
                        if !d1 {
                            break;
                        }
                        let d2 = at(b, j).is_ascii_digit();
                        j += 1;
                        if !d2 {
                            return Ordering::Greater;
                        }
                    }
                    if at(b, j).is_ascii_digit() {
                        Ordering::Less
                    } else {
                        ord(diff)
                    }
                }
                other => ord(i32::from(other)),
            };
        }
        if c1 == 0 {
            return Ordering::Equal;
        }
        state = NEXT[state];
        c1 = at(a, i);
        c2 = at(b, j);
        i += 1;
        j += 1;
        state += class(c1);
    }
}

/// The `%(refname)` forms: full, shortest unambiguous (strictly, as git does with
/// `core.warnAmbiguousRefs`), or with leading or trailing components stripped.
fn show_ref(refs: &Refs, strict: bool, opt: NameOpt, name: &str) -> Result<String, FormatError> {
    Ok(match opt {
        NameOpt::Full => name.to_string(),
        NameOpt::Short => crate::revision::shorten_ref(refs, name, strict)?,
        NameOpt::Lstrip(n) => lstrip(name, n),
        NameOpt::Rstrip(n) => rstrip(name, n),
    })
}

/// The number of components to strip for `n` (negative: keep `-n`).
fn strip_count(name: &str, n: i32) -> i64 {
    if n >= 0 {
        i64::from(n)
    } else {
        name.matches('/').count() as i64 + i64::from(n) + 1
    }
}

fn lstrip(name: &str, n: i32) -> String {
    let mut remaining = strip_count(name, n);
    let mut rest = name;
    while remaining > 0 {
        match rest.find('/') {
            Some(i) => {
                rest = &rest[i + 1..];
                remaining -= 1;
            }
            None => return String::new(),
        }
    }
    rest.to_string()
}

fn rstrip(name: &str, n: i32) -> String {
    let mut remaining = strip_count(name, n);
    let mut rest = name;
    while remaining > 0 {
        match rest.rfind('/') {
            Some(i) => rest = &rest[..i],
            None => return String::new(),
        }
        remaining -= 1;
    }
    rest.to_string()
}

fn name_opt(name: &str, arg: Option<&str>) -> Result<NameOpt, FormatError> {
    let Some(a) = arg else {
        return Ok(NameOpt::Full);
    };
    if a == "short" {
        return Ok(NameOpt::Short);
    }
    let int = |v: &str, which: &str| {
        v.parse::<i32>()
            .map_err(|_| FormatError::Bad(format!("Integer value expected refname:{which}={v}")))
    };
    if let Some(v) = a
        .strip_prefix("lstrip=")
        .or_else(|| a.strip_prefix("strip="))
    {
        return Ok(NameOpt::Lstrip(int(v, "lstrip")?));
    }
    if let Some(v) = a.strip_prefix("rstrip=") {
        return Ok(NameOpt::Rstrip(int(v, "rstrip")?));
    }
    Err(FormatError::Bad(format!(
        "unrecognized %({name}) argument: {a}"
    )))
}

fn oid_opt(text: &str, name: &str, arg: Option<&str>) -> Result<OidOpt, FormatError> {
    match arg {
        None => Ok(OidOpt::Full),
        Some("short") => Ok(OidOpt::Short),
        Some(a) => match a.strip_prefix("short=") {
            Some(n) => match n.parse::<u32>() {
                Ok(len) if len > 0 && n.bytes().all(|b| b.is_ascii_digit()) => Ok(OidOpt::Length(
                    (len as usize).max(crate::revision::MIN_ABBREV),
                )),
                _ => Err(FormatError::Bad(format!(
                    "positive value expected '{n}' in %({text})"
                ))),
            },
            None => Err(FormatError::Bad(format!(
                "unrecognized %({name}) argument: {a}"
            ))),
        },
    }
}

fn oid_text(repo: &Repository, id: &ObjectId, opt: OidOpt) -> Result<String, FormatError> {
    let len = match opt {
        OidOpt::Full => return Ok(id.to_hex()),
        OidOpt::Short => crate::revision::default_abbrev_len(repo),
        OidOpt::Length(n) => n,
    };
    crate::revision::abbreviate(repo, id, len).map_err(|e| FormatError::Bad(e.to_string()))
}

fn static_who(who: &str) -> &'static str {
    match who {
        "author" => "author",
        "committer" => "committer",
        _ => "tagger",
    }
}

fn remote_opt(name: &str, arg: Option<&str>) -> Result<Remote, FormatError> {
    let Some(a) = arg else {
        return Ok(Remote::Ref(NameOpt::Full));
    };
    let mut out = Remote::Ref(NameOpt::Full);
    let mut nobracket = false;
    for s in a.split(',') {
        match s {
            "track" => out = Remote::Track { nobracket: false },
            "trackshort" => out = Remote::TrackShort,
            "nobracket" => nobracket = true,
            "remotename" => out = Remote::Name,
            "remoteref" => out = Remote::MergeRef,
            _ => out = Remote::Ref(name_opt(name, Some(a))?),
        }
    }
    if let Remote::Track { .. } = out {
        out = Remote::Track { nobracket };
    }
    Ok(out)
}

/// git's `fill_remote_ref_details` for the branch `branch` (short name) whose upstream or
/// push destination is the ref `target`.
fn remote_details(
    repo: &Repository,
    refs: &Refs,
    opt: Remote,
    branch: &str,
    target: &str,
    r: &ListedRef,
    push: bool,
) -> Result<String, FormatError> {
    let config = repo.config();
    let counts = || -> Result<Option<(usize, usize)>, FormatError> {
        let Some(theirs) = refs.resolve(target).ok().flatten() else {
            return Ok(None);
        };
        Ok(Some(tracking::ahead_behind(repo.odb(), r.id, theirs)?))
    };
    Ok(match opt {
        Remote::Ref(n) => show_ref(
            refs,
            config.get_bool("core.warnambiguousrefs").unwrap_or(true),
            n,
            target,
        )?,
        Remote::Track { nobracket } => {
            let s = match counts()? {
                None => "gone".to_string(),
                Some((0, 0)) => String::new(),
                Some((0, b)) => format!("behind {b}"),
                Some((a, 0)) => format!("ahead {a}"),
                Some((a, b)) => format!("ahead {a}, behind {b}"),
            };
            if !nobracket && !s.is_empty() {
                format!("[{s}]")
            } else {
                s
            }
        }
        Remote::TrackShort => match counts()? {
            None => String::new(),
            Some((0, 0)) => "=".into(),
            Some((0, _)) => "<".into(),
            Some((_, 0)) => ">".into(),
            Some(_) => "<>".into(),
        },
        Remote::Name => {
            let (remote, explicit) = if push {
                tracking::pushremote_for_branch(config, branch)
            } else {
                tracking::remote_for_branch(config, branch)
            };
            if explicit {
                remote.to_string()
            } else {
                String::new()
            }
        }
        Remote::MergeRef => tracking::upstream_remote_ref(config, branch).unwrap_or_default(),
    })
}

/// git's `find_wholine`: the value of the `who` header line, within the headers, and
/// everything after it (git's date parsing reads on past the line's end).
fn who_line<'a>(data: &'a [u8], who: &str) -> Option<&'a [u8]> {
    let mut rest = data;
    loop {
        if rest.starts_with(who.as_bytes()) && rest.get(who.len()) == Some(&b' ') {
            return Some(&rest[who.len() + 1..]);
        }
        let nl = memchr::memchr(b'\n', rest)?;
        rest = &rest[nl + 1..];
        if rest.is_empty() || rest[0] == b'\n' {
            return None;
        }
    }
}

/// git's `split_ident_line` for what a mailmap needs: the name (trailing spaces
/// trimmed) and the email of `line`, and where the email's `>` is.
fn split_ident(line: &[u8]) -> Option<(&[u8], &[u8], usize)> {
    let lt = memchr::memchr(b'<', line)?;
    let gt = lt + 1 + memchr::memchr(b'>', &line[lt + 1..])?;
    let name_end = line[..lt]
        .iter()
        .rposition(|c| !c.is_ascii_whitespace() && *c != 0x0b)
        .map_or(0, |i| i + 1);
    Some((&line[..name_end], &line[lt + 1..gt], gt))
}

/// One part of the identity at the start of `tail` (`Name <email> time tz`, then the
/// rest of the object); `mailmap` is given for the `:mailmap` parts.
fn person_part(
    tail: &[u8],
    part: &Part,
    mailmap: Option<&Mailmap>,
    clock: &Clock,
    number: &mut Option<u64>,
) -> Result<Vec<u8>, FormatError> {
    let mut line = &tail[..memchr::memchr(b'\n', tail).unwrap_or(tail.len())];
    // git's `apply_mailmap_to_header`: a mapped identity is rewritten `Name <email>`.
    let mapped;
    if let Some((name, email, gt)) = mailmap.and_then(|_| split_ident(line)) {
        if let Some((n, e)) = mailmap.and_then(|m| m.lookup(name, email)) {
            let mut l = n.to_vec();
            l.extend_from_slice(b" <");
            l.extend_from_slice(e);
            l.push(b'>');
            l.extend_from_slice(&line[gt + 1..]);
            mapped = l;
            line = &mapped;
        }
    }
    Ok(match part {
        Part::Whole => line.to_vec(),
        Part::Name { .. } => match memchr::memmem::find(line, b" <") {
            Some(i) => line[..i].to_vec(),
            None => Vec::new(),
        },
        Part::Email {
            trim, localpart, ..
        } => {
            let (trim, localpart) = (*trim, *localpart);
            let Some(lt) = memchr::memchr(b'<', line) else {
                return Ok(Vec::new());
            };
            let start = if trim || localpart { lt + 1 } else { lt };
            let rest = &line[start..];
            let end = if localpart {
                memchr::memchr(b'@', rest).or_else(|| memchr::memchr(b'>', rest))
            } else if trim {
                memchr::memchr(b'>', rest)
            } else {
                memchr::memchr(b'>', rest).map(|i| i + 1)
            };
            match end {
                Some(e) => rest[..e].to_vec(),
                None => Vec::new(),
            }
        }
        Part::Date(mode) => {
            let mode = mode.as_ref().map_err(|e| match e {
                DateError::UnsupportedStrftime(_) => FormatError::Unsupported(e.to_string()),
                _ => FormatError::Bad(e.to_string()),
            })?;
            // git's `grab_date`: `strstr(buf, "> ")` (which reads past the line, up to a
            // NUL), `strtoumax` for the time, `strtol` for the zone.
            let text = &tail[..memchr::memchr(0, tail).unwrap_or(tail.len())];
            let Some(gt) = memchr::memmem::find(text, b"> ") else {
                *number = Some(0);
                return Ok(Vec::new());
            };
            let (time, zone) = strtoumax(&text[gt + 2..]);
            let Some(time) = time else {
                *number = Some(0);
                return Ok(Vec::new());
            };
            let Some(tz) = strtol(zone) else {
                *number = Some(0);
                return Ok(Vec::new());
            };
            *number = Some(time);
            // show_date takes an int.
            let text =
                show_date_unsigned(time, tz as i32, mode, clock).map_err(FormatError::Bad)?;
            // A `--date=format:` holds bytes (see `crate::bytestr`).
            crate::bytestr::decode(&text).into_owned()
        }
    })
}

/// Where the digits of a C number start (after `isspace` characters and a sign) and
/// whether the sign was `-`.
fn c_number_start(s: &[u8]) -> (usize, bool) {
    let i = s
        .iter()
        .take_while(|&&c| matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
        .count();
    match s.get(i) {
        Some(b'-') => (i + 1, true),
        Some(b'+') => (i + 1, false),
        _ => (i, false),
    }
}

/// C's `strtoumax(s, &end, 10)`: the value (`None` when it overflows, which git treats as
/// a bad date) and the text after the number (all of `s` when there is no number).
fn strtoumax(s: &[u8]) -> (Option<u64>, &[u8]) {
    let (i, neg) = c_number_start(s);
    let digits = s[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        return (Some(0), s);
    }
    let mut v: Option<u64> = Some(0);
    for &c in &s[i..i + digits] {
        v = v
            .and_then(|v| v.checked_mul(10))
            .and_then(|v| v.checked_add(u64::from(c - b'0')));
    }
    // A negative number is negated in unsigned arithmetic; overflow gives UINTMAX_MAX,
    // which git (its TIME_MAX) takes for a bad date, as it does a number that equals it.
    let v = v.map(|v| if neg { v.wrapping_neg() } else { v });
    let v = v.filter(|&v| v != u64::MAX);
    (v, &s[i + digits..])
}

/// C's `strtol(s, NULL, 10)`; `None` when it overflows (`ERANGE`).
fn strtol(s: &[u8]) -> Option<i64> {
    let (i, neg) = c_number_start(s);
    let mut v: i64 = 0;
    for &c in s[i..].iter().take_while(|c| c.is_ascii_digit()) {
        let d = i64::from(c - b'0');
        v = if neg {
            v.checked_mul(10)?.checked_sub(d)?
        } else {
            v.checked_mul(10)?.checked_add(d)?
        };
    }
    Some(v)
}

/// A commit or tag message split as git's `find_subpos` splits it.
struct Message<'a> {
    /// From the subject to the end.
    from_subject: &'a [u8],
    subject: &'a [u8],
    /// From the body to the end (signature included).
    body: &'a [u8],
    /// The body without the signature.
    body_only: &'a [u8],
    signature: &'a [u8],
}

/// The markers that start a signature in a message (git's `get_format_by_sig`).
const SIGNATURE_STARTS: [&[u8]; 4] = [
    b"-----BEGIN PGP SIGNATURE-----",
    b"-----BEGIN PGP MESSAGE-----",
    b"-----BEGIN SIGNED MESSAGE-----",
    b"-----BEGIN SSH SIGNATURE-----",
];

/// git's `parse_signed_buffer`: where the last line starting a signature begins (the end
/// if none).
fn signature_start(buf: &[u8]) -> usize {
    let mut at = buf.len();
    let mut pos = 0;
    while pos < buf.len() {
        if SIGNATURE_STARTS.iter().any(|m| buf[pos..].starts_with(m)) {
            at = pos;
        }
        pos = match memchr::memchr(b'\n', &buf[pos..]) {
            Some(i) => pos + i + 1,
            None => buf.len(),
        };
    }
    at
}

impl<'a> Message<'a> {
    fn of(data: &'a [u8]) -> Message<'a> {
        // Like git, everything after a NUL byte is out of sight.
        let data = &data[..memchr::memchr(0, data).unwrap_or(data.len())];
        let signature = &data[signature_start(data)..];
        let mut buf = data;
        while !buf.is_empty() && buf[0] != b'\n' {
            buf = match memchr::memchr(b'\n', buf) {
                Some(i) => &buf[i + 1..],
                None => &buf[buf.len()..],
            };
        }
        while buf.first() == Some(&b'\n') {
            buf = &buf[1..];
        }
        let sigstart = signature_start(buf);
        let para =
            memchr::memmem::find(buf, b"\n\n").or_else(|| memchr::memmem::find(buf, b"\r\n\r\n"));
        let eol = match para {
            Some(e) => e.min(sigstart),
            None => sigstart,
        };
        let mut sublen = eol;
        while sublen > 0 && matches!(buf[sublen - 1], b'\n' | b'\r') {
            sublen -= 1;
        }
        let mut body_at = eol;
        while body_at < buf.len() && matches!(buf[body_at], b'\n' | b'\r') {
            body_at += 1;
        }
        Message {
            from_subject: buf,
            subject: &buf[..sublen],
            body: &buf[body_at..],
            body_only: &buf[body_at..sigstart.max(body_at)],
            signature,
        }
    }

    fn part(&self, c: Contents, number: &mut Option<u64>) -> Vec<u8> {
        match c {
            Contents::Bare => self.from_subject.to_vec(),
            Contents::Subject => {
                let mut out = Vec::with_capacity(self.subject.len());
                let s = self.subject;
                for (i, &b) in s.iter().enumerate() {
                    if b == b'\r' && s.get(i + 1) == Some(&b'\n') {
                        continue;
                    }
                    out.push(if b == b'\n' { b' ' } else { b });
                }
                out
            }
            Contents::Body => self.body.to_vec(),
            Contents::BodyOnly => self.body_only.to_vec(),
            Contents::Signature => self.signature.to_vec(),
            Contents::Size => {
                *number = Some(self.from_subject.len() as u64);
                self.from_subject.len().to_string().into_bytes()
            }
            Contents::Lines(n) => {
                let end = self.from_subject.len() - self.body.len() + self.body_only.len();
                let text = &self.from_subject[..end];
                let mut out = Vec::new();
                let mut rest = text;
                for i in 0..n {
                    if rest.is_empty() {
                        break;
                    }
                    if i > 0 {
                        out.extend_from_slice(b"\n    ");
                    }
                    match memchr::memchr(b'\n', rest) {
                        Some(e) => {
                            out.extend_from_slice(&rest[..e]);
                            rest = &rest[e + 1..];
                        }
                        None => {
                            out.extend_from_slice(rest);
                            break;
                        }
                    }
                }
                out
            }
        }
    }
}

/// `%(align:…)`: a width and a position, in either order, with or without names.
fn align(arg: Option<&str>) -> Result<Kind, FormatError> {
    let Some(a) = arg else {
        return Err(FormatError::Bad(
            "expected format: %(align:<width>,<position>)".into(),
        ));
    };
    let position = |s: &str| match s {
        "left" => Some(Position::Left),
        "middle" => Some(Position::Middle),
        "right" => Some(Position::Right),
        _ => None,
    };
    let uint = |s: &str| {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let mut pos = Position::Left;
    let mut width = None;
    for s in a.split(',') {
        if let Some(p) = s.strip_prefix("position=") {
            pos = position(p)
                .ok_or_else(|| FormatError::Bad(format!("unrecognized position:{p}")))?;
        } else if let Some(w) = s.strip_prefix("width=") {
            width =
                Some(uint(w).ok_or_else(|| FormatError::Bad(format!("unrecognized width:{w}")))?);
        } else if let Some(w) = uint(s) {
            width = Some(w);
        } else if let Some(p) = position(s) {
            pos = p;
        } else {
            return Err(FormatError::Bad(format!(
                "unrecognized %(align) argument: {s}"
            )));
        }
    }
    match width {
        Some(w) if w != u32::MAX => Ok(Kind::Align(pos, w as usize)),
        _ => Err(FormatError::Bad(
            "positive width expected with the %(align) atom".into(),
        )),
    }
}

/// git's `strbuf_utf8_align` (display width counted in characters).
fn align_text(s: &[u8], pos: Position, width: usize) -> Vec<u8> {
    let shown = String::from_utf8_lossy(s).chars().count();
    if shown >= width {
        return s.to_vec();
    }
    let pad = width - shown;
    let (left, right) = match pos {
        Position::Left => (0, pad),
        Position::Right => (pad, 0),
        Position::Middle => (pad / 2, pad - pad / 2),
    };
    let mut out = vec![b' '; left];
    out.extend_from_slice(s);
    out.resize(out.len() + right, b' ');
    out
}

/// git's `append_literal`: `%%` is `%`, `%xx` a byte in hex, other `%` stay.
fn expand_literal(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%' {
            if s.get(i + 1) == Some(&b'%') {
                out.push(b'%');
                i += 2;
                continue;
            }
            let hex = |c: Option<&u8>| c.and_then(|c| (*c as char).to_digit(16));
            if let (Some(h), Some(l)) = (hex(s.get(i + 1)), hex(s.get(i + 2))) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(s[i]);
        i += 1;
    }
    out
}

/// Appends `s` quoted in `style` (git's `quote_formatting`).
fn quote_into(s: &[u8], style: Quote, out: &mut Vec<u8>) {
    // The C quoting functions stop at a NUL byte.
    fn cut(s: &[u8]) -> &[u8] {
        &s[..memchr::memchr(0, s).unwrap_or(s.len())]
    }
    match style {
        Quote::None => out.extend_from_slice(s),
        Quote::Shell => {
            out.push(b'\'');
            for &c in cut(s) {
                if c == b'\'' || c == b'!' {
                    out.extend_from_slice(b"'\\");
                    out.push(c);
                    out.push(b'\'');
                } else {
                    out.push(c);
                }
            }
            out.push(b'\'');
        }
        Quote::Perl => {
            out.push(b'\'');
            for &c in s {
                if c == b'\'' || c == b'\\' {
                    out.push(b'\\');
                }
                out.push(c);
            }
            out.push(b'\'');
        }
        Quote::Python => {
            out.push(b'\'');
            for &c in cut(s) {
                match c {
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\'' | b'\\' => out.extend_from_slice(&[b'\\', c]),
                    _ => out.push(c),
                }
            }
            out.push(b'\'');
        }
        Quote::Tcl => {
            out.push(b'"');
            for &c in cut(s) {
                match c {
                    b'[' | b']' | b'{' | b'}' | b'$' | b'\\' | b'"' => {
                        out.extend_from_slice(&[b'\\', c])
                    }
                    0x0c => out.extend_from_slice(b"\\f"),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\t' => out.extend_from_slice(b"\\t"),
                    0x0b => out.extend_from_slice(b"\\v"),
                    _ => out.push(c),
                }
            }
            out.push(b'"');
        }
    }
}

/// Whether git's `color_parse` accepts `value`: at most two colors (names, `bright`
/// names, 0-255, `#rgb`/`#rrggbb`) and attributes (optionally negated), or `reset`.
fn valid_color(value: &str) -> bool {
    const NAMES: [&str; 10] = [
        "normal", "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white", "default",
    ];
    const ATTRS: [&str; 7] = ["bold", "dim", "italic", "ul", "blink", "reverse", "strike"];
    let value = value.trim();
    if value.is_empty() || value == "reset" {
        return true;
    }
    let mut colors = 0;
    for word in value.split_ascii_whitespace() {
        let is_color = NAMES.contains(&word)
            || word
                .strip_prefix("bright")
                .is_some_and(|w| NAMES[1..9].contains(&w))
            || word.parse::<i32>().is_ok_and(|n| (-1..=255).contains(&n))
            || word.strip_prefix('#').is_some_and(|h| {
                (h.len() == 6 || h.len() == 3) && h.bytes().all(|b| b.is_ascii_hexdigit())
            });
        if is_color {
            colors += 1;
            if colors > 2 {
                return false;
            }
            continue;
        }
        let attr = word
            .strip_prefix("no-")
            .or_else(|| word.strip_prefix("no"))
            .unwrap_or(word);
        if !ATTRS.contains(&attr) && attr != "underline" {
            return false;
        }
    }
    true
}

/// git's worktree map for `%(worktreepath)`: the branch each worktree's `HEAD` names
/// (unborn ones too), with the worktree's path. The main worktree's path is the real
/// path of the common dir without `/.git`; a linked one's is its `gitdir` file's
/// contents without `/.git`.
fn worktree_heads(repo: &Repository) -> std::collections::HashMap<String, String> {
    let mut heads = std::collections::HashMap::new();
    let common = repo.common_dir();
    let head_of = |git_dir: &std::path::Path| {
        Refs::at(git_dir, common, repo.hash_kind())
            .read_symbolic("HEAD")
            .ok()
            .flatten()
    };
    if let Ok(real) = std::fs::canonicalize(common) {
        let path = crate::bytestr::from_os(real.into_os_string());
        let path = path.strip_suffix("/.git").unwrap_or(&path).to_string();
        if let Some(branch) = head_of(common) {
            heads.insert(branch, path);
        }
    }
    let mut linked: Vec<_> = std::fs::read_dir(common.join("worktrees"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    linked.sort();
    for dir in linked {
        let Ok(gitdir) = std::fs::read(dir.join("gitdir")) else {
            continue;
        };
        let gitdir = String::from_utf8_lossy(&gitdir);
        let gitdir = gitdir.trim_end();
        let path = gitdir.strip_suffix("/.git").unwrap_or(gitdir).to_string();
        if let Some(branch) = head_of(&dir) {
            heads.entry(branch).or_insert(path);
        }
    }
    heads
}

/// Fuzzing entry point (public as `oxgit::internals::fuzz_ref_format`, run by `fuzz/entries.rs`): the first line of `data` is a format
/// (parsed with every quoting style; revisions resolve to nothing), the rest a commit or
/// tag whose messages and identities are split as the atoms split them, then rendered.
/// Returns whether the format parsed and the object is a commit or a tag.
#[doc(hidden)]
pub fn fuzz_format(data: &[u8]) -> bool {
    let nl = memchr::memchr(b'\n', data).unwrap_or(data.len());
    let (format, object) = (&data[..nl], data.get(nl + 1..).unwrap_or(&[]));
    let format = String::from_utf8_lossy(format);
    let mut parsed = None;
    for quote in [
        Quote::None,
        Quote::Shell,
        Quote::Perl,
        Quote::Python,
        Quote::Tcl,
    ] {
        if let Ok(f) = RefFormat::parse_with(&format, quote, Some("refs/heads/x".into()), &|_| None)
        {
            parsed = Some(f);
        }
    }
    let is_object = Commit::parse(object).is_ok() || Tag::parse(object).is_ok();
    let message = Message::of(object);
    let mut texts = Vec::new();
    let mut number = None;
    for c in [
        Contents::Bare,
        Contents::Subject,
        Contents::Body,
        Contents::BodyOnly,
        Contents::Signature,
        Contents::Size,
        Contents::Lines(3),
    ] {
        texts.push(message.part(c, &mut number));
    }
    let clock = Clock::fixed(1_700_000_000);
    let mailmap = Mailmap::parse(object);
    let modes = [
        "default",
        "raw",
        "unix",
        "relative",
        "human",
        "iso-strict",
        "format:%c %z",
    ];
    for who in ["author", "committer", "tagger"] {
        if let Some(line) = who_line(object, who) {
            let mut parts = vec![
                Part::Whole,
                Part::Name { mailmap: true },
                Part::Email {
                    trim: true,
                    localpart: false,
                    mailmap: false,
                },
                Part::Email {
                    trim: false,
                    localpart: true,
                    mailmap: true,
                },
            ];
            parts.extend(modes.iter().map(|m| Part::Date(DateMode::parse(m))));
            for part in &parts {
                let mailmap =
                    matches!(part, Part::Name { .. } | Part::Email { .. }).then_some(&mailmap);
                if let Ok(t) = person_part(line, part, mailmap, &clock, &mut number) {
                    texts.push(t);
                }
            }
        }
    }
    let Some(f) = parsed else {
        return false;
    };
    let n = f.atoms.len();
    let values = Values {
        refname: "refs/heads/x".into(),
        text: (0..n)
            .map(|i| {
                texts
                    .get(i % texts.len().max(1))
                    .cloned()
                    .unwrap_or_default()
            })
            .collect(),
        number: vec![0; n],
    };
    let mut out = Vec::new();
    let rendered = f.render(&values, &mut out).is_ok();
    let _ = rendered;
    is_object
}

impl Refs {
    /// Whether `name` exists only as a `packed-refs` entry (git's `REF_ISPACKED`).
    pub fn is_packed_only(&self, name: &str) -> Result<bool, super::RefError> {
        if super::is_per_worktree(name) || !super::is_valid_refname(name, true) {
            return Ok(false);
        }
        if std::fs::symlink_metadata(self.loose_path(name)).is_ok_and(|m| !m.is_dir()) {
            return Ok(false);
        }
        Ok(self.packed()?.find(name).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_formats_and_objects_never_panic() {
        let pieces: [&[u8]; 24] = [
            b"%(",
            b")",
            b"%(if)",
            b"%(then)",
            b"%(else)",
            b"%(end)",
            b"%(align:3)",
            b"%(align:9,middle)",
            b"%(subject)",
            b"%(body)",
            b"%(contents:lines=2)",
            b"%(authordate)",
            b"%(taggeremail:trim)",
            b"%%",
            b"%4",
            b"%41",
            b"x",
            b"\n",
            b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n",
            b"author A <a> 99999999999999999999 +99999\n",
            b"\n\n",
            b"-----BEGIN PGP SIGNATURE-----\n",
            b"\r\n",
            b"tagger <> x\n",
        ];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..3000 {
            let mut input = Vec::new();
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            for k in 0..(x % 12) {
                input.extend_from_slice(pieces[((x >> (k * 5)) % 24) as usize]);
            }
            let _ = fuzz_format(&input);
        }
        assert!(fuzz_format(
            b"%(subject)|%(authordate)\ntree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a> 1 +0000\n\nsub\n"
        ));
    }

    #[test]
    fn version_order_like_git() {
        let mut v = vec![
            "v1.10", "v1.2", "v1.2.1", "v1.01", "v1.001", "v2", "v1.2-rc1", "v10",
        ];
        v.sort_by(|a, b| versioncmp(a.as_bytes(), b.as_bytes()));
        assert_eq!(
            v,
            ["v1.001", "v1.01", "v1.2", "v1.2-rc1", "v1.2.1", "v1.10", "v2", "v10"]
        );
    }

    #[test]
    fn strip_components() {
        assert_eq!(lstrip("refs/heads/a/b", 2), "a/b");
        assert_eq!(lstrip("refs/heads/a/b", -1), "b");
        assert_eq!(lstrip("refs/heads", 5), "");
        assert_eq!(rstrip("refs/heads/a/b", 1), "refs/heads/a");
        assert_eq!(rstrip("refs/heads/a/b", -1), "refs");
        assert_eq!(rstrip("refs", 3), "");
    }

    #[test]
    fn quoting_styles() {
        let q = |s: &str, style| {
            let mut out = Vec::new();
            quote_into(s.as_bytes(), style, &mut out);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(q("it's!", Quote::Shell), "'it'\\''s'\\!''");
        assert_eq!(q("a'b\\c", Quote::Perl), "'a\\'b\\\\c'");
        assert_eq!(q("a\nb'", Quote::Python), "'a\\nb\\''");
        assert_eq!(q("$x [y]\t\"", Quote::Tcl), "\"\\$x \\[y\\]\\t\\\"\"");
    }

    #[test]
    fn messages_split_like_git() {
        let m =
            Message::of(b"tree x\n\nsubject\nmore\n\nbody\n-----BEGIN PGP SIGNATURE-----\nsig\n");
        assert_eq!(m.subject, b"subject\nmore");
        assert_eq!(m.body_only, b"body\n");
        assert_eq!(m.signature, b"-----BEGIN PGP SIGNATURE-----\nsig\n");
        assert_eq!(m.body, b"body\n-----BEGIN PGP SIGNATURE-----\nsig\n");
    }
}
