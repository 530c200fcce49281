//! Which walked commits are shown: git's `get_commit_action` and `commit_match` for
//! `--author`, `--committer`, `--grep` (with `-i`, `-E`, `-F`, `--all-match`,
//! `--invert-grep`), `--since`/`--until`, `--merges`/`--no-merges` and
//! `--min-parents`/`--max-parents`.
//!
//! Patterns are matched line by line as git's grep does: `--grep` against the message,
//! `--author`/`--committer` against the `Name <email>` of the identity headers (through
//! the mailmap when one is given, as `git log` does with `log.mailmap`).
//!
//! ```
//! use oxgit::revision::filter::{CommitFilter, FilterOptions};
//!
//! let f = CommitFilter::new(FilterOptions {
//!     greps: vec!["fix".into()],
//!     authors: vec!["^Jane".into()],
//!     ..Default::default()
//! })
//! .unwrap();
//! let commit = b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\
//!     author Jane <j@x> 1700000000 +0000\ncommitter Jane <j@x> 1700000000 +0000\n\nfix it\n";
//! assert!(f.matches(commit, 0, 1_700_000_000));
//! ```

use super::regex::{Matcher, PatternError, Syntax};
use crate::pretty::Mailmap;

/// What to filter on, as given on the command line. Patterns are bytes as in git: one
/// that is not UTF-8 is a [`crate::bytestr`] string.
#[derive(Clone, Debug, Default)]
pub struct FilterOptions {
    /// `--author=<pattern>` (any may match).
    pub authors: Vec<String>,
    /// `--committer=<pattern>` (any may match).
    pub committers: Vec<String>,
    /// `--grep=<pattern>`.
    pub greps: Vec<String>,
    /// The pattern syntax (`-E`, `-F`, `-P`, `grep.patternType`).
    pub syntax: Syntax,
    /// `-i` / `--regexp-ignore-case`.
    pub ignore_case: bool,
    /// `--all-match`: every `--grep` must match.
    pub all_match: bool,
    /// `--invert-grep`: show commits whose message matches no `--grep`.
    pub invert_grep: bool,
    /// `--since`/`--after`: commits older than this are not shown and their parents are
    /// not walked (git's `max_age`; applied by the walk).
    pub max_age: Option<i64>,
    /// `--until`/`--before`: commits newer than this are not shown.
    pub min_age: Option<i64>,
    /// `--min-parents` (`--merges` is 2).
    pub min_parents: usize,
    /// `--max-parents` (`--no-merges` is 1).
    pub max_parents: Option<usize>,
    /// The mailmap to apply to identity headers before matching `--author`/`--committer`.
    pub mailmap: Option<Mailmap>,
}

/// A compiled filter.
#[derive(Clone, Debug)]
pub struct CommitFilter {
    authors: Vec<Matcher>,
    committers: Vec<Matcher>,
    greps: Vec<Matcher>,
    all_match: bool,
    invert_grep: bool,
    /// `--until`: commits newer than this are not shown.
    pub min_age: Option<i64>,
    /// `--since`, for callers that walk without the walk's pruning.
    pub max_age: Option<i64>,
    min_parents: usize,
    max_parents: Option<usize>,
    mailmap: Option<Mailmap>,
}

/// Why a filter could not be built.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FilterError {
    /// A pattern is not valid (git's `fatal: command line, '<pattern>': <reason>`).
    #[error("command line, '{pattern}': {source}")]
    Pattern {
        /// The pattern as given.
        pattern: String,
        /// Why.
        source: PatternError,
    },
}

fn compile(patterns: &[String], o: &FilterOptions) -> Result<Vec<Matcher>, FilterError> {
    patterns
        .iter()
        .map(|p| {
            Matcher::new(&crate::bytestr::decode(p), o.syntax, o.ignore_case, true).map_err(
                |source| FilterError::Pattern {
                    pattern: p.clone(),
                    source,
                },
            )
        })
        .collect()
}

/// The `Name <email>` part of an identity header value (git's `strip_timestamp`).
fn strip_timestamp(v: &[u8]) -> &[u8] {
    match memchr::memrchr(b'>', v) {
        Some(i) if i > 0 => &v[..=i],
        _ => v,
    }
}

impl CommitFilter {
    /// Compiles the patterns of `o`.
    pub fn new(o: FilterOptions) -> Result<CommitFilter, FilterError> {
        Ok(CommitFilter {
            authors: compile(&o.authors, &o)?,
            committers: compile(&o.committers, &o)?,
            greps: compile(&o.greps, &o)?,
            all_match: o.all_match,
            invert_grep: o.invert_grep,
            min_age: o.min_age,
            max_age: o.max_age,
            min_parents: o.min_parents,
            max_parents: o.max_parents,
            mailmap: o.mailmap,
        })
    }

    /// Whether the filter needs the commit object's text (not just parents and date).
    pub fn needs_text(&self) -> bool {
        !(self.authors.is_empty() && self.committers.is_empty() && self.greps.is_empty())
    }

    /// Whether a commit with `parent_count` parents, committer time `commit_time` and
    /// object bytes `data` is shown (git's `get_commit_action`, less `--since`, which the
    /// walk applies).
    pub fn matches(&self, data: &[u8], parent_count: usize, commit_time: i64) -> bool {
        if self.min_age.is_some_and(|t| commit_time > t) {
            return false;
        }
        if parent_count < self.min_parents || self.max_parents.is_some_and(|m| parent_count > m) {
            return false;
        }
        if !self.needs_text() {
            return true;
        }
        self.grep(data)
    }

    /// git's `commit_match`: the header and message patterns against the commit object.
    fn grep(&self, data: &[u8]) -> bool {
        // git greps the message in the log output encoding (UTF-8); commits in encodings
        // oxgit cannot convert are searched as stored.
        let zero = crate::oid::ObjectId::Sha1([0; 20]);
        let converted = crate::pretty::reencode(&zero, data, true);
        let data: &[u8] = match &converted {
            Ok(c) => c,
            Err(_) => &data[..memchr::memchr(0, data).unwrap_or(data.len())],
        };
        let mut author_hit = self.authors.is_empty();
        let mut committer_hit = self.committers.is_empty();
        let mut grep_hits = vec![false; self.greps.len()];
        let mut in_body = false;
        let mut pos = 0;
        while pos < data.len() {
            let eol = memchr::memchr(b'\n', &data[pos..]).map_or(data.len(), |i| pos + i);
            let line = &data[pos..eol];
            if !in_body && line.is_empty() {
                in_body = true;
            }
            if in_body {
                for (m, hit) in self.greps.iter().zip(grep_hits.iter_mut()) {
                    if !*hit && m.is_match(line) {
                        *hit = true;
                    }
                }
            } else {
                for (field, matchers, hit) in [
                    (&b"author "[..], &self.authors, &mut author_hit),
                    (b"committer ", &self.committers, &mut committer_hit),
                ] {
                    let Some(value) = line.strip_prefix(field) else {
                        continue;
                    };
                    if *hit {
                        continue;
                    }
                    let ident = self.mapped_ident(value);
                    if matchers.iter().any(|m| m.is_match(&ident)) {
                        *hit = true;
                    }
                }
            }
            if eol == data.len() {
                break;
            }
            pos = eol + 1;
        }
        if !author_hit || !committer_hit {
            return false;
        }
        if self.greps.is_empty() {
            return true;
        }
        let any = grep_hits.iter().any(|&h| h);
        if self.invert_grep {
            !any
        } else if self.all_match {
            grep_hits.iter().all(|&h| h)
        } else {
            any
        }
    }

    /// `Name <email>` of an identity header value, through the mailmap.
    fn mapped_ident(&self, value: &[u8]) -> Vec<u8> {
        let ident = strip_timestamp(value);
        let Some(map) = self.mailmap.as_ref().filter(|m| !m.is_empty()) else {
            return ident.to_vec();
        };
        let (Some(lt), Some(gt)) = (memchr::memchr(b'<', ident), memchr::memrchr(b'>', ident))
        else {
            return ident.to_vec();
        };
        if gt < lt {
            return ident.to_vec();
        }
        let name = ident[..lt].trim_ascii_end();
        let email = &ident[lt + 1..gt];
        let (n, e) = map.map(name, email);
        let mut v = n.to_vec();
        v.extend_from_slice(b" <");
        v.extend_from_slice(e);
        v.push(b'>');
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: &[u8] = b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\
author A U Thor <author@example.com> 1700000000 +0000\n\
committer C O Mitter <c@example.com> 1700000000 +0000\n\
\n\
Fix the frobnicator\n\nIt was broken.\n";

    fn f(o: FilterOptions) -> CommitFilter {
        CommitFilter::new(o).unwrap()
    }

    #[test]
    fn grep_semantics() {
        let g = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(f(FilterOptions {
            greps: g(&["frob"]),
            ..Default::default()
        })
        .matches(C, 1, 0));
        assert!(!f(FilterOptions {
            greps: g(&["Thor"]),
            ..Default::default()
        })
        .matches(C, 1, 0));
        assert!(f(FilterOptions {
            greps: g(&["FIX"]),
            ignore_case: true,
            ..Default::default()
        })
        .matches(C, 1, 0));
        assert!(f(FilterOptions {
            greps: g(&["nope", "broken"]),
            ..Default::default()
        })
        .matches(C, 1, 0));
        assert!(!f(FilterOptions {
            greps: g(&["nope", "broken"]),
            all_match: true,
            ..Default::default()
        })
        .matches(C, 1, 0));
        assert!(!f(FilterOptions {
            greps: g(&["broken"]),
            invert_grep: true,
            ..Default::default()
        })
        .matches(C, 1, 0));
        assert!(f(FilterOptions {
            authors: g(&["Thor <author"]),
            ..Default::default()
        })
        .matches(C, 1, 0));
        assert!(!f(FilterOptions {
            authors: g(&["1700000000"]),
            ..Default::default()
        })
        .matches(C, 1, 0));
        assert!(!f(FilterOptions {
            authors: g(&["Thor"]),
            committers: g(&["Thor"]),
            ..Default::default()
        })
        .matches(C, 1, 0));
        assert!(!f(FilterOptions {
            max_parents: Some(1),
            ..Default::default()
        })
        .matches(C, 2, 0));
        assert!(!f(FilterOptions {
            min_age: Some(10),
            ..Default::default()
        })
        .matches(C, 1, 11));
        let mapped = f(FilterOptions {
            authors: g(&["Real Name"]),
            mailmap: Some(Mailmap::parse(b"Real Name <author@example.com>\n")),
            ..Default::default()
        });
        assert!(mapped.matches(C, 1, 0));
    }
}
