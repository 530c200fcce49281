//! git's `shortlog`: commits grouped by an identity (or any formatted string), each
//! group with its subjects or only its count, as `git shortlog` prints them.
//!
//! ```
//! use oxgit::pretty::shortlog::{Shortlog, ShortlogOptions};
//! let mut log = Shortlog::new(ShortlogOptions::default());
//! log.insert(b"Ann", b"[PATCH] fix the parser");
//! log.insert(b"Bob", b"add a test");
//! log.insert(b"Ann", b"second");
//! let mut out = Vec::new();
//! log.write(&mut out);
//! assert_eq!(
//!     String::from_utf8(out).unwrap(),
//!     "Ann (2):\n      second\n      fix the parser\n\nBob (1):\n      add a test\n\n"
//! );
//! ```

use super::mailmap::Mailmap;
use super::{format_subject, is_space, split_ident, text::add_wrapped};
use std::collections::BTreeMap;

/// How the groups are printed.
#[derive(Clone, Copy, Debug, Default)]
pub struct ShortlogOptions {
    /// `-s`: counts only.
    pub summary: bool,
    /// `-n`: the largest groups first (else by name).
    pub numbered: bool,
    /// `-w`: wrap subjects to (width, first indent, next indent); `None`: six spaces.
    pub wrap: Option<(i64, i64, i64)>,
}

/// git's `-w` with no value: width 76, indents 6 and 9.
pub const DEFAULT_WRAP: (i64, i64, i64) = (76, 6, 9);

/// The groups collected so far, by name in byte order (git's sorted `string_list`).
#[derive(Debug)]
pub struct Shortlog {
    options: ShortlogOptions,
    groups: BTreeMap<Vec<u8>, Group>,
}

#[derive(Debug, Default)]
struct Group {
    count: usize,
    /// The subjects in the order inserted (printed last first, as git does).
    subjects: Vec<Vec<u8>>,
}

impl Shortlog {
    /// An empty shortlog.
    pub fn new(options: ShortlogOptions) -> Shortlog {
        Shortlog {
            options,
            groups: BTreeMap::new(),
        }
    }

    /// Whether only counts are kept (`-s`).
    pub fn summary(&self) -> bool {
        self.options.summary
    }

    /// Whether nothing was inserted.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Adds one commit to `group` with `oneline` (its subject or formatted line), as git's
    /// `insert_one_record`: leading blank space and a `[PATCH...]` prefix are dropped,
    /// and the first paragraph is joined into one line.
    pub fn insert(&mut self, group: &[u8], oneline: &[u8]) {
        let g = self.groups.entry(group.to_vec()).or_default();
        g.count += 1;
        if self.options.summary {
            return;
        }
        let mut s = oneline;
        while s.first().is_some_and(|&b| is_space(b)) {
            s = &s[1..];
        }
        let eol = memchr::memchr(b'\n', s).unwrap_or(s.len());
        if s.starts_with(b"[PATCH") {
            if let Some(eob) = memchr::memchr(b']', s).filter(|&i| i < eol) {
                s = &s[eob + 1..];
            }
        }
        while s.first().is_some_and(|&b| is_space(b) && b != b'\n') {
            s = &s[1..];
        }
        let mut subject = Vec::new();
        format_subject(Some(&mut subject), s, b" ");
        g.subjects.push(subject);
    }

    /// Reads `git log` (or `git log --pretty=raw`) output as git's `shortlog` does from
    /// its standard input: each `Author: ` / `author ` line (with `committer`, `Commit: `
    /// / `committer `), mapped through `mailmap`, with the first line after the headers
    /// and blank lines as its subject.
    pub fn read_log_text(&mut self, text: &[u8], committer: bool, email: bool, mailmap: &Mailmap) {
        let prefixes: [&[u8]; 2] = if committer {
            [b"Commit: ", b"committer "]
        } else {
            [b"Author: ", b"author "]
        };
        let mut lines = text
            .split_inclusive(|&b| b == b'\n')
            .map(|l| l.strip_suffix(b"\n").unwrap_or(l));
        // git reads the last line even without its newline, and none after the end.
        while let Some(line) = lines.next() {
            let Some(v) = prefixes.iter().find_map(|p| line.strip_prefix(*p)) else {
                continue;
            };
            for l in lines.by_ref() {
                if l.is_empty() {
                    break;
                }
            }
            let mut oneline: &[u8] = b"";
            for l in lines.by_ref() {
                if !l.is_empty() {
                    oneline = l;
                    break;
                }
            }
            let Some(id) = split_ident(v) else { continue };
            let (name, mail) = mailmap.map(id.name, id.mail);
            let mut group = name.to_vec();
            if email {
                group.extend_from_slice(b" <");
                group.extend_from_slice(mail);
                group.push(b'>');
            }
            self.insert(&group, oneline);
        }
    }

    /// Prints the groups as git's `shortlog_output` does.
    pub fn write(&self, out: &mut Vec<u8>) {
        let mut groups: Vec<(&Vec<u8>, &Group)> = self.groups.iter().collect();
        if self.options.numbered {
            // A stable sort: equal counts stay in name order.
            groups.sort_by_key(|g| std::cmp::Reverse(g.1.count));
        }
        for (name, g) in groups {
            if self.options.summary {
                out.extend_from_slice(format!("{:6}\t", g.count).as_bytes());
                out.extend_from_slice(name);
                out.push(b'\n');
                continue;
            }
            out.extend_from_slice(name);
            out.extend_from_slice(format!(" ({}):\n", g.subjects.len()).as_bytes());
            for s in g.subjects.iter().rev() {
                match self.options.wrap {
                    Some((width, in1, in2)) => {
                        add_wrapped(out, s, in1, in2, width);
                        out.push(b'\n');
                    }
                    None => {
                        out.extend_from_slice(b"      ");
                        out.extend_from_slice(s);
                        out.push(b'\n');
                    }
                }
            }
            out.push(b'\n');
        }
    }
}
