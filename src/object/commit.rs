//! Commit objects: `tree`, `parent`*, `author`, `committer`, optional extra headers, message.

use super::{Headers, ParseError};
use crate::oid::ObjectId;

/// A parsed commit, borrowing text from the object's bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commit<'a> {
    /// The root tree.
    pub tree: ObjectId,
    /// Parent commits, in order.
    pub parents: Vec<ObjectId>,
    /// The raw `author` header value (`Name <email> time tz`).
    pub author: &'a [u8],
    /// The raw `committer` header value.
    pub committer: &'a [u8],
    /// The `encoding` header, if any.
    pub encoding: Option<&'a [u8]>,
    /// The message: everything after the first blank line.
    pub message: &'a [u8],
}

impl<'a> Commit<'a> {
    /// Parses a commit's contents. Like git, only `tree` is strictly required; parents must
    /// follow it directly. Other headers (gpgsig, mergetag, unknown ones) are skipped.
    pub fn parse(data: &'a [u8]) -> Result<Commit<'a>, ParseError> {
        let mut headers = Headers::new(data);
        let (key, value) = headers.next().ok_or(ParseError::Commit("empty commit"))?;
        if key != b"tree" {
            return Err(ParseError::Commit("first header is not tree"));
        }
        let tree = ObjectId::from_hex(value).map_err(|_| ParseError::Commit("bad tree id"))?;
        let mut commit = Commit {
            tree,
            parents: Vec::new(),
            author: &[],
            committer: &[],
            encoding: None,
            message: &[],
        };
        let mut in_parents = true;
        let mut seen_author = false;
        let mut seen_committer = false;
        for (key, value) in headers.by_ref() {
            match key {
                b"parent" if in_parents => {
                    let id = ObjectId::from_hex(value)
                        .map_err(|_| ParseError::Commit("bad parent id"))?;
                    if id.kind() != tree.kind() {
                        return Err(ParseError::Commit("parent id has the wrong length"));
                    }
                    commit.parents.push(id);
                    continue;
                }
                b"author" if !seen_author => {
                    commit.author = value;
                    seen_author = true;
                }
                b"committer" if !seen_committer => {
                    commit.committer = value;
                    seen_committer = true;
                }
                b"encoding" if commit.encoding.is_none() => commit.encoding = Some(value),
                _ => {}
            }
            in_parents = false;
        }
        commit.message = &data[headers.body_start()..];
        Ok(commit)
    }

    /// The parsed author identity, if its header is well-formed.
    pub fn author_signature(&self) -> Option<Signature<'a>> {
        Signature::parse(self.author)
    }

    /// The parsed committer identity, if its header is well-formed.
    pub fn committer_signature(&self) -> Option<Signature<'a>> {
        Signature::parse(self.committer)
    }

    /// The subject as git's `%s` shows it: the first paragraph of the message with its
    /// line breaks joined by spaces.
    pub fn subject(&self) -> Vec<u8> {
        subject_of(self.message)
    }
}

/// git's `%s`: skips leading blank lines, then joins the lines of the first paragraph with
/// single spaces, trimming each line's trailing whitespace.
pub(crate) fn subject_of(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut started = false;
    for line in message.split(|&b| b == b'\n') {
        let trimmed_end = line.len()
            - line
                .iter()
                .rev()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
        let line = &line[..trimmed_end];
        if line.is_empty() {
            if started {
                break;
            }
            continue;
        }
        if started {
            out.push(b' ');
        }
        out.extend_from_slice(line);
        started = true;
    }
    out
}

/// An identity line: `Name <email> <seconds> <+hhmm>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signature<'a> {
    /// The name, before `<`, without trailing spaces.
    pub name: &'a [u8],
    /// The email, between `<` and `>`.
    pub email: &'a [u8],
    /// Seconds since the epoch (0 if missing or malformed, as git shows it).
    pub time: i64,
    /// The time zone as written, e.g. `+0200`.
    pub tz: &'a [u8],
}

impl<'a> Signature<'a> {
    /// Parses an identity the way git's `split_ident_line` does.
    pub fn parse(value: &'a [u8]) -> Option<Signature<'a>> {
        let lt = memchr::memchr(b'<', value)?;
        let gt = lt + memchr::memchr(b'>', &value[lt..])?;
        let mut name = &value[..lt];
        while let [rest @ .., b' '] = name {
            name = rest;
        }
        let email = &value[lt + 1..gt];
        let rest = &value[gt + 1..];
        let mut parts = rest.split(|&b| b == b' ').filter(|p| !p.is_empty());
        let time = parts
            .next()
            .and_then(|t| std::str::from_utf8(t).ok())
            .and_then(|t| t.parse::<i64>().ok())
            .unwrap_or(0);
        let tz = parts.next().unwrap_or(b"+0000");
        Some(Signature {
            name,
            email,
            time,
            tz,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMIT: &[u8] = b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\
parent ce013625030ba8dba906f756967f9e9ca394464a\n\
author A U Thor <a@example.com> 1112911993 -0700\n\
committer C O Mitter <c@example.com> 1112912053 +0200\n\
gpgsig -----BEGIN PGP SIGNATURE-----\n \n line\n -----END PGP SIGNATURE-----\n\
encoding ISO-8859-1\n\
\n\
Subject line\ncontinues\n\nBody\n";

    #[test]
    fn parses_commit_with_signature_and_encoding() {
        let c = Commit::parse(COMMIT).unwrap();
        assert_eq!(c.parents.len(), 1);
        assert_eq!(c.encoding, Some(&b"ISO-8859-1"[..]));
        assert_eq!(c.message, b"Subject line\ncontinues\n\nBody\n");
        assert_eq!(c.subject(), b"Subject line continues");
        let a = c.author_signature().unwrap();
        assert_eq!(a.name, b"A U Thor");
        assert_eq!(a.email, b"a@example.com");
        assert_eq!(a.time, 1112911993);
        assert_eq!(a.tz, b"-0700");
    }

    #[test]
    fn rejects_commit_without_tree() {
        assert!(Commit::parse(b"parent x\n\nmsg").is_err());
        assert!(Commit::parse(b"").is_err());
    }
}
