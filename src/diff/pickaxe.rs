//! git's diffcore-pickaxe: the filter that keeps the file pairs of a diff which change
//! the number of occurrences of a string (`-S`), have an added or removed line matching
//! a regular expression (`-G`), or have a given object on either side
//! (`--find-object`); with `--pickaxe-all`, every pair of a diff that has one such pair.
//!
//! It runs after rename detection and before `--diff-filter`, as in git. Patterns are
//! compiled on first use (git compiles them when the first diff is filtered, so a bad
//! pattern is only an error once a diff is).
//!
//! ```
//! use oxgit::diff::pickaxe::{Pickaxe, PickaxeKind};
//!
//! let s = Pickaxe::new(PickaxeKind::Count(b"foo".to_vec()));
//! let (o, mut state) = (Default::default(), oxgit::diff::line::State::new());
//! assert!(s.contents_match(b"foo\n", b"foo\nfoo\n", &o, &mut state).unwrap());
//! assert!(!s.contents_match(b"foo\nbar\n", b"bar\nfoo\n", &o, &mut state).unwrap());
//!
//! let g = Pickaxe::new(PickaxeKind::Grep(b"^ba".to_vec()));
//! assert!(g.contents_match(b"foo\n", b"foo\nbar\n", &o, &mut state).unwrap());
//! assert!(!g.contents_match(b"bar\n", b"bar\nfoo\n", &o, &mut state).unwrap());
//! ```

use super::line;
use super::Change;
use crate::oid::ObjectId;
use crate::revision::regex::{Matcher, PatternError, Syntax};
use std::sync::{Arc, OnceLock};

/// What the pickaxe looks for.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PickaxeKind {
    /// `-S<string>`: pairs whose two sides have a different number of (non-overlapping)
    /// occurrences of the string (a POSIX extended regex with [`Pickaxe::regex`]).
    Count(Vec<u8>),
    /// `-G<regex>`: pairs with an added or removed line that matches the POSIX extended
    /// regex (binary pairs are skipped).
    Grep(Vec<u8>),
    /// `--find-object=<id>`: pairs with one of these objects on either side.
    Objects(Vec<ObjectId>),
}

/// Why a pickaxe cannot run.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PickaxeError {
    /// Options that do not go together (git's message).
    #[error("{0}")]
    Conflict(&'static str),
    /// The pattern does not compile (glibc's message).
    #[error("invalid regex: {0}")]
    Invalid(&'static str),
    /// Something oxgit does not do (an empty pattern, on which git aborts; a regex
    /// feature the matcher lacks): the whole message.
    #[error("{0}")]
    Unsupported(String),
}

/// Reads a change's two sides into two buffers (empty for a missing side) and says
/// whether the pair is binary (the `diff` attribute, else git's detection).
pub type Load<'a, E> = dyn FnMut(&Change, &mut Vec<u8>, &mut Vec<u8>) -> Result<bool, E> + 'a;

/// A pickaxe: what to look for and how.
#[derive(Clone, Debug)]
pub struct Pickaxe {
    /// What is looked for.
    pub kind: PickaxeKind,
    /// `--pickaxe-regex`: the `-S` string is a POSIX extended regex.
    pub regex: bool,
    /// `--pickaxe-all`: keep every pair of a diff in which one pair is interesting.
    pub all: bool,
    /// `-i` / `--regexp-ignore-case` (ASCII letters, as in the C locale).
    pub ignore_case: bool,
    /// The compiled pattern, shared by clones.
    compiled: Arc<OnceLock<Result<Compiled, PickaxeError>>>,
}

#[derive(Debug)]
enum Compiled {
    /// A fixed string, matched exactly.
    Literal(Box<memchr::memmem::Finder<'static>>),
    /// A regex (also a fixed string ignoring case).
    Regex(Box<Matcher>),
    /// Nothing to match (`--find-object`).
    Objects,
}

impl Pickaxe {
    /// A pickaxe for `kind`, case-sensitive, `-S` taking a fixed string, keeping only
    /// the interesting pairs.
    pub fn new(kind: PickaxeKind) -> Pickaxe {
        Pickaxe {
            kind,
            regex: false,
            all: false,
            ignore_case: false,
            compiled: Arc::default(),
        }
    }

    /// Checks the combination of options as git does before any diff: `-G` with
    /// `--pickaxe-regex`, `--find-object` with `--pickaxe-all`, and empty patterns
    /// (which git does not check, and aborts on).
    pub fn check(&self) -> Result<(), PickaxeError> {
        match &self.kind {
            PickaxeKind::Grep(_) if self.regex => Err(PickaxeError::Conflict(
                "options '-G' and '--pickaxe-regex' cannot be used together, use '--pickaxe-regex' with '-S'",
            )),
            PickaxeKind::Objects(_) if self.all => Err(PickaxeError::Conflict(
                "options '--pickaxe-all' and '--find-object' cannot be used together, use '--pickaxe-all' with '-G' and '-S'",
            )),
            PickaxeKind::Count(p) | PickaxeKind::Grep(p) if p.is_empty() => Err(
                PickaxeError::Unsupported(
                    "an empty -S or -G pattern is not supported by oxgit".to_string(),
                ),
            ),
            _ => Ok(()),
        }
    }

    fn compiled(&self) -> Result<&Compiled, PickaxeError> {
        self.compiled
            .get_or_init(|| self.compile())
            .as_ref()
            .map_err(Clone::clone)
    }

    fn compile(&self) -> Result<Compiled, PickaxeError> {
        self.check()?;
        // Counts take POSIX's longest match at each place; `-G` only asks whether a line
        // matches.
        let longest = matches!(self.kind, PickaxeKind::Count(_));
        let regex = |p: &[u8], syntax| {
            Matcher::new(p, syntax, self.ignore_case, true)
                .and_then(|m| if longest { m.posix_longest() } else { Ok(m) })
                .map(|m| Compiled::Regex(Box::new(m)))
                .map_err(|e| match e {
                    PatternError::Invalid(m) => PickaxeError::Invalid(m),
                    e @ PatternError::Unsupported(_) => PickaxeError::Unsupported(e.to_string()),
                })
        };
        match &self.kind {
            PickaxeKind::Grep(p) => regex(p, Syntax::Extended),
            PickaxeKind::Count(p) if self.regex => regex(p, Syntax::Extended),
            PickaxeKind::Count(p) if self.ignore_case => regex(p, Syntax::Fixed),
            PickaxeKind::Count(p) => Ok(Compiled::Literal(Box::new(
                memchr::memmem::Finder::new(p).into_owned(),
            ))),
            PickaxeKind::Objects(_) => Ok(Compiled::Objects),
        }
    }

    /// Whether the pickaxe needs the pairs' contents (not for `--find-object`).
    pub fn needs_contents(&self) -> bool {
        !matches!(self.kind, PickaxeKind::Objects(_))
    }

    /// Whether `change` is interesting without reading it: for `--find-object`, whether
    /// a present side is one of the objects; for `-S`/`-G`, `None` unless the pair is
    /// unmodified (same id on both sides: never interesting).
    pub fn by_ids(&self, c: &Change) -> Option<bool> {
        match &self.kind {
            PickaxeKind::Objects(ids) => Some(
                (c.old_mode != 0 && ids.contains(&c.old_id))
                    || (c.new_mode != 0 && ids.contains(&c.new_id)),
            ),
            _ if c.old_mode != 0 && c.new_mode != 0 && c.old_id == c.new_id => {
                (!c.old_id.is_null()).then_some(false)
            }
            _ => None,
        }
    }

    /// Whether a pair with contents `old` and `new` (empty for a missing side) is
    /// interesting to `-S` or `-G` (`-G` skips binary pairs). `-G` diffs the lines
    /// with the context length of `options` (git uses nothing else of them); `state` is
    /// reused for that diff.
    pub fn contents_match(
        &self,
        old: &[u8],
        new: &[u8],
        options: &line::Options,
        state: &mut line::State,
    ) -> Result<bool, PickaxeError> {
        let binary = super::binary::is_binary_pair(old, new);
        self.pair_matches(old, new, binary, options, state)
    }

    /// [`Pickaxe::contents_match`] for a pair whose binariness is known.
    fn pair_matches(
        &self,
        old: &[u8],
        new: &[u8],
        binary: bool,
        options: &line::Options,
        state: &mut line::State,
    ) -> Result<bool, PickaxeError> {
        let compiled = self.compiled()?;
        Ok(match (&self.kind, compiled) {
            (PickaxeKind::Grep(_), Compiled::Regex(m)) => {
                if binary {
                    return Ok(false);
                }
                grep_hit(m, old, new, options, state)
            }
            (_, Compiled::Literal(f)) => {
                let a = count_literal(f, old, 0);
                a != count_literal(f, new, a + 1)
            }
            (_, Compiled::Regex(m)) => {
                let a = m.count(old, 0);
                a != m.count(new, a + 1)
            }
            _ => false,
        })
    }

    /// Filters a diff queue (after rename detection): the interesting pairs, or with
    /// `--pickaxe-all` the whole queue if any pair is interesting and nothing otherwise.
    /// `load` reads a change's two sides into the buffers (empty for a missing side);
    /// `options` are the request's line options (see [`Pickaxe::contents_match`]). The
    /// pattern is compiled (and its error reported) even for an empty queue.
    pub fn filter<E: From<PickaxeError>>(
        &self,
        changes: Vec<Change>,
        options: &line::Options,
        load: &mut Load<'_, E>,
    ) -> Result<Vec<Change>, E> {
        self.compiled()?;
        let mut state = line::State::new();
        let (mut old, mut new) = (Vec::new(), Vec::new());
        let mut interesting = |c: &Change| -> Result<bool, E> {
            if let Some(known) = self.by_ids(c) {
                return Ok(known);
            }
            let binary = load(c, &mut old, &mut new)?;
            Ok(self.pair_matches(&old, &new, binary, options, &mut state)?)
        };
        if self.all {
            for c in &changes {
                if interesting(c)? {
                    return Ok(changes);
                }
            }
            return Ok(Vec::new());
        }
        let mut kept = Vec::with_capacity(changes.len());
        for c in changes {
            if interesting(&c)? {
                kept.push(c);
            }
        }
        Ok(kept)
    }
}

/// Non-overlapping occurrences of a fixed string, stopping at `limit` (0: no limit).
fn count_literal(f: &memchr::memmem::Finder<'_>, mut text: &[u8], limit: usize) -> usize {
    let mut n = 0;
    let len = f.needle().len().max(1);
    while let Some(at) = f.find(text) {
        n += 1;
        if n == limit {
            break;
        }
        text = &text[at + len..];
    }
    n
}

/// `-G`: whether an added or removed line of the diff matches. git diffs with xdiff's
/// defaults here (Myers, no whitespace options, no indent heuristic), whatever the
/// command line says, keeping only the context length (`-U0` trims a common tail).
fn grep_hit(
    m: &Matcher,
    old: &[u8],
    new: &[u8],
    options: &line::Options,
    state: &mut line::State,
) -> bool {
    let plain = line::Options {
        context: options.context,
        inter_hunk_context: options.inter_hunk_context,
        indent_heuristic: false,
        ..line::Options::default()
    };
    let Ok(d) = state.diff(old, new, &plain) else {
        return false;
    };
    // xdiff ends an unterminated last line with a newline before the "\ No newline"
    // line, so the pattern sees one there too.
    let hit = |line: &[u8]| {
        if line.ends_with(b"\n") {
            m.is_match(line)
        } else {
            let mut l = line.to_vec();
            l.push(b'\n');
            m.is_match(&l)
        }
    };
    d.changes().iter().any(|ch| {
        (ch.old_start..ch.old_start + ch.old_len).any(|i| hit(d.old_line(i as usize)))
            || (ch.new_start..ch.new_start + ch.new_len).any(|i| hit(d.new_line(i as usize)))
    })
}
