//! git's regular expressions over bytes: POSIX basic (git's default for `--grep`),
//! POSIX extended (`-E`, and `:/<text>` / `<rev>^{/<text>}` searches) and fixed strings
//! (`-F`), matched like glibc's `regexec` in the C locale.
//!
//! A small front end parses git's syntax with glibc's rules (GNU extensions `\+ \? \|` in
//! basic syntax, `\w \W \s \S \< \> \b \B`, `[:class:]`, an unmatched `)` is literal in
//! extended syntax, `*` at the start of a basic expression is literal...) and translates
//! it for the `regex` crate, which matches in time linear in the text (no backtracking
//! blow-ups). Back-references, collating elements and Perl syntax (`-P`) are refused
//! with [`PatternError::Unsupported`].
//!
//! ```
//! use oxgit::revision::regex::{Matcher, Syntax};
//!
//! let bre = Matcher::new(b"fix\\(es\\)\\?:", Syntax::Basic, false, true).unwrap();
//! assert!(bre.is_match(b"fixes: the bug"));
//! let ere = Matcher::new(b"^(fix|add)", Syntax::Extended, true, true).unwrap();
//! assert!(ere.is_match(b"Add a test"));
//! ```

/// Why a pattern cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    /// Not a valid pattern (glibc's message; git treats a `:/` revision as unknown).
    #[error("{0}")]
    Invalid(&'static str),
    /// Valid, but uses a feature oxgit does not implement.
    #[error("{0} are not supported by oxgit")]
    Unsupported(&'static str),
}

/// The syntax of a pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Syntax {
    /// POSIX basic regular expressions (git's default, `-G`/`--basic-regexp`).
    #[default]
    Basic,
    /// POSIX extended regular expressions (`-E`/`--extended-regexp`).
    Extended,
    /// Fixed strings (`-F`/`--fixed-strings`).
    Fixed,
    /// Perl-compatible expressions (`-P`): refused.
    Perl,
}

/// The most repetition operators applied to one item.
const MAX_STACKED: usize = 16;
/// The deepest nesting of groups accepted.
const MAX_DEPTH: usize = 200;
/// glibc's `RE_DUP_MAX`.
const MAX_REPEAT: u32 = 0x7fff;
/// The largest compiled program accepted (bytes of the `regex` crate's NFA).
const SIZE_LIMIT: usize = 1 << 24;

#[derive(Clone, Debug)]
enum Node {
    Empty,
    Byte(u8),
    Any,
    Class(Box<[bool; 256]>),
    Assert(Assertion),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat(Box<Node>, u32, Option<u32>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Assertion {
    Start,
    End,
    WordStart,
    WordEnd,
    WordBoundary,
    NotWordBoundary,
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

struct Parser<'a> {
    p: &'a [u8],
    pos: usize,
    depth: usize,
    /// Basic syntax: `\( \) \{ \} \| \+ \?` are the operators.
    basic: bool,
    /// `REG_NEWLINE`: `.` and negated brackets do not match a newline.
    newline: bool,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.p.get(self.pos).copied()
    }

    fn peek2(&self) -> Option<u8> {
        self.p.get(self.pos + 1).copied()
    }

    /// Whether the input continues with the alternation operator.
    fn at_alt(&self) -> bool {
        if self.basic {
            self.peek() == Some(b'\\') && self.peek2() == Some(b'|')
        } else {
            self.peek() == Some(b'|')
        }
    }

    /// Whether the input continues with a group's closing parenthesis.
    fn at_close(&self) -> bool {
        if self.basic {
            self.peek() == Some(b'\\') && self.peek2() == Some(b')')
        } else {
            self.peek() == Some(b')')
        }
    }

    fn alternation(&mut self) -> Result<Node, PatternError> {
        let mut branches = vec![self.concat()?];
        while self.at_alt() {
            self.pos += if self.basic { 2 } else { 1 };
            branches.push(self.concat()?);
        }
        Ok(if branches.len() == 1 {
            branches.pop().expect("one branch")
        } else {
            Node::Alt(branches)
        })
    }

    /// The repetition operator at the input, if any: its length in bytes.
    fn at_repeat(&self) -> Option<usize> {
        match (self.peek()?, self.peek2()) {
            (b'*', _) => Some(1),
            (b'+' | b'?' | b'{', _) if !self.basic => Some(1),
            (b'\\', Some(b'+' | b'?' | b'{')) if self.basic => Some(2),
            _ => None,
        }
    }

    fn concat(&mut self) -> Result<Node, PatternError> {
        let mut items: Vec<Node> = Vec::new();
        // Whether a repetition operator here would have nothing to repeat.
        let mut nothing_before = true;
        let mut stacked = 0usize;
        loop {
            if self.peek().is_none() || self.at_alt() || (self.depth > 0 && self.at_close()) {
                break;
            }
            if let Some(len) = self.at_repeat() {
                if nothing_before {
                    // Basic syntax: a leading `*` is an ordinary character (glibc).
                    if self.basic && len == 1 {
                        self.pos += 1;
                        items.push(Node::Byte(b'*'));
                        nothing_before = false;
                        stacked = 0;
                        continue;
                    }
                    return Err(PatternError::Invalid(
                        "Invalid preceding regular expression",
                    ));
                }
                // Basic syntax: `*` or `\{` right after a repetition is an error
                // (glibc's RE_CONTEXT_INVALID_DUP); `\+` and `\?` stack.
                if self.basic && stacked > 0 && matches!(self.p[self.pos + len - 1], b'*' | b'{') {
                    return Err(PatternError::Invalid(
                        "Invalid preceding regular expression",
                    ));
                }
                let (min, max) = self.repetition(len)?;
                stacked += 1;
                if stacked > MAX_STACKED {
                    return Err(PatternError::Unsupported("deeply stacked repetitions"));
                }
                let last = items.pop().expect("an item precedes");
                items.push(Node::Repeat(Box::new(last), min, max));
                continue;
            }
            let at_start = items.is_empty();
            let atom = self.atom(at_start)?;
            stacked = 0;
            nothing_before = matches!(atom, Node::Assert(Assertion::Start));
            items.push(atom);
        }
        Ok(match items.len() {
            0 => Node::Empty,
            1 => items.pop().expect("one item"),
            _ => Node::Concat(items),
        })
    }

    fn number(&mut self) -> Option<u32> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        if start == self.pos {
            return None;
        }
        let digits = std::str::from_utf8(&self.p[start..self.pos]).ok()?;
        Some(digits.parse::<u32>().unwrap_or(u32::MAX))
    }

    fn repetition(&mut self, len: usize) -> Result<(u32, Option<u32>), PatternError> {
        let c = self.p[self.pos + len - 1];
        self.pos += len;
        Ok(match c {
            b'*' => (0, None),
            b'+' => (1, None),
            b'?' => (0, Some(1)),
            _ => {
                let bad = PatternError::Invalid("Invalid content of \\{\\}");
                let min = self.number();
                let max = if self.peek() == Some(b',') {
                    self.pos += 1;
                    self.number()
                } else {
                    Some(min.ok_or(bad.clone())?)
                };
                if self.basic {
                    if self.peek() != Some(b'\\') || self.peek2() != Some(b'}') {
                        return Err(PatternError::Invalid("Unmatched \\{"));
                    }
                    self.pos += 2;
                } else {
                    if self.peek() != Some(b'}') {
                        return Err(bad);
                    }
                    self.pos += 1;
                }
                let min = min.unwrap_or(0);
                if min > MAX_REPEAT || max.is_some_and(|m| m > MAX_REPEAT || m < min) {
                    return Err(bad);
                }
                (min, max)
            }
        })
    }

    fn group(&mut self) -> Result<Node, PatternError> {
        if self.depth >= MAX_DEPTH {
            return Err(PatternError::Unsupported("deeply nested groups"));
        }
        self.depth += 1;
        let inner = self.alternation()?;
        self.depth -= 1;
        if !self.at_close() {
            return Err(PatternError::Invalid("Unmatched ( or \\("));
        }
        self.pos += if self.basic { 2 } else { 1 };
        Ok(inner)
    }

    fn atom(&mut self, at_start: bool) -> Result<Node, PatternError> {
        let c = self.peek().expect("atom");
        self.pos += 1;
        Ok(match c {
            b'.' => {
                if self.newline {
                    let mut set = [true; 256];
                    set[usize::from(b'\n')] = false;
                    Node::Class(Box::new(set))
                } else {
                    Node::Any
                }
            }
            // In basic syntax `^` anchors only at the start of an expression (or group or
            // alternative) and `$` only at its end; elsewhere they are ordinary.
            b'^' if !self.basic || at_start => Node::Assert(Assertion::Start),
            b'$' if !self.basic || self.peek().is_none() || self.at_close() || self.at_alt() => {
                Node::Assert(Assertion::End)
            }
            b'(' if !self.basic => self.group()?,
            b'[' => self.bracket()?,
            b'\\' => {
                let Some(e) = self.peek() else {
                    return Err(PatternError::Invalid("Trailing backslash"));
                };
                self.pos += 1;
                match e {
                    b'(' if self.basic => self.group()?,
                    b')' if self.basic => {
                        return Err(PatternError::Invalid("Unmatched ) or \\)"));
                    }
                    b'{' if self.basic => {
                        return Err(PatternError::Invalid(
                            "Invalid preceding regular expression",
                        ))
                    }
                    b'1'..=b'9' => return Err(PatternError::Unsupported("back-references")),
                    b'w' | b'W' | b's' | b'S' => {
                        let mut set = [false; 256];
                        for (b, slot) in set.iter_mut().enumerate() {
                            let b = b as u8;
                            let hit = if e.eq_ignore_ascii_case(&b'w') {
                                is_word(b)
                            } else {
                                b.is_ascii_whitespace() || b == 0x0b
                            };
                            *slot = hit == e.is_ascii_lowercase();
                        }
                        Node::Class(Box::new(set))
                    }
                    b'<' => Node::Assert(Assertion::WordStart),
                    b'>' => Node::Assert(Assertion::WordEnd),
                    b'b' => Node::Assert(Assertion::WordBoundary),
                    b'B' => Node::Assert(Assertion::NotWordBoundary),
                    b'`' | b'\'' => {
                        return Err(PatternError::Unsupported("buffer anchors (\\` and \\')"))
                    }
                    other => Node::Byte(other),
                }
            }
            other => Node::Byte(other),
        })
    }

    fn bracket(&mut self) -> Result<Node, PatternError> {
        let unmatched = PatternError::Invalid("Unmatched [, [^, [:, [., or [=");
        let mut set = [false; 256];
        let negate = self.peek() == Some(b'^');
        if negate {
            self.pos += 1;
        }
        if self.peek().is_none() {
            // glibc: a bracket with nothing after `[` or `[^` is REG_BADPAT.
            return Err(PatternError::Invalid("Invalid regular expression"));
        }
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                return Err(unmatched);
            };
            if c == b']' && !first {
                self.pos += 1;
                break;
            }
            first = false;
            if c == b'[' && matches!(self.peek2(), Some(b':' | b'.' | b'=')) {
                let kind = self.p[self.pos + 1];
                let start = self.pos + 2;
                let end = self.p[start..]
                    .windows(2)
                    .position(|w| w[0] == kind && w[1] == b']')
                    .ok_or(unmatched.clone())?
                    + start;
                if kind != b':' {
                    return Err(PatternError::Unsupported(
                        "collating elements and equivalence classes",
                    ));
                }
                let name = &self.p[start..end];
                let test: fn(u8) -> bool = match name {
                    b"alpha" => |b| b.is_ascii_alphabetic(),
                    b"digit" => |b| b.is_ascii_digit(),
                    b"alnum" => |b| b.is_ascii_alphanumeric(),
                    b"upper" => |b| b.is_ascii_uppercase(),
                    b"lower" => |b| b.is_ascii_lowercase(),
                    b"space" => |b| b.is_ascii_whitespace() || b == 0x0b,
                    b"blank" => |b| b == b' ' || b == b'\t',
                    b"punct" => |b| b.is_ascii_punctuation(),
                    b"xdigit" => |b| b.is_ascii_hexdigit(),
                    b"print" => |b| (0x20..0x7f).contains(&b),
                    b"graph" => |b| b.is_ascii_graphic(),
                    b"cntrl" => |b| b.is_ascii_control(),
                    _ => return Err(PatternError::Invalid("Invalid character class name")),
                };
                for (b, slot) in set.iter_mut().enumerate() {
                    if test(b as u8) {
                        *slot = true;
                    }
                }
                self.pos = end + 2;
                continue;
            }
            self.pos += 1;
            let is_range = self.peek() == Some(b'-') && self.peek2().is_some_and(|n| n != b']');
            if is_range {
                let hi = self.p[self.pos + 1];
                self.pos += 2;
                if hi < c {
                    return Err(PatternError::Invalid("Invalid range end"));
                }
                for slot in &mut set[c as usize..=hi as usize] {
                    *slot = true;
                }
            } else {
                set[c as usize] = true;
            }
        }
        if negate {
            for slot in &mut set {
                *slot = !*slot;
            }
            if self.newline {
                set[usize::from(b'\n')] = false;
            }
        }
        Ok(Node::Class(Box::new(set)))
    }
}

impl Node {
    /// Calls `f` on this node and every node inside it.
    fn visit(&self, f: &mut dyn FnMut(&Node)) {
        f(self);
        match self {
            Node::Concat(items) | Node::Alt(items) => items.iter().for_each(|n| n.visit(f)),
            Node::Repeat(inner, ..) => inner.visit(f),
            _ => {}
        }
    }
}

/// Writes `node` in the `regex` crate's syntax (bytes, Unicode off).
fn emit(node: &Node, out: &mut String) {
    use std::fmt::Write as _;
    match node {
        Node::Empty => {}
        Node::Byte(b) => {
            if b.is_ascii_alphanumeric() {
                out.push(char::from(*b));
            } else {
                let _ = write!(out, "\\x{b:02X}");
            }
        }
        Node::Any => out.push_str("(?s:.)"),
        Node::Class(set) => {
            if set.iter().all(|&s| !s) {
                // Nothing matches: a class that is empty.
                out.push_str("[^\\x00-\\xFF]");
                return;
            }
            out.push('[');
            let mut b = 0usize;
            while b < 256 {
                if !set[b] {
                    b += 1;
                    continue;
                }
                let start = b;
                while b + 1 < 256 && set[b + 1] {
                    b += 1;
                }
                if start == b {
                    let _ = write!(out, "\\x{start:02X}");
                } else {
                    let _ = write!(out, "\\x{start:02X}-\\x{b:02X}");
                }
                b += 1;
            }
            out.push(']');
        }
        Node::Assert(a) => out.push_str(match a {
            Assertion::Start => "^",
            Assertion::End => "$",
            Assertion::WordStart => "\\b{start}",
            Assertion::WordEnd => "\\b{end}",
            Assertion::WordBoundary => "\\b",
            Assertion::NotWordBoundary => "\\B",
        }),
        Node::Concat(items) => {
            for item in items {
                if matches!(item, Node::Alt(_)) {
                    out.push_str("(?:");
                    emit(item, out);
                    out.push(')');
                } else {
                    emit(item, out);
                }
            }
        }
        Node::Alt(branches) => {
            out.push_str("(?:");
            for (i, b) in branches.iter().enumerate() {
                if i > 0 {
                    out.push('|');
                }
                emit(b, out);
            }
            out.push(')');
        }
        Node::Repeat(inner, min, max) => {
            out.push_str("(?:");
            emit(inner, out);
            out.push(')');
            match (min, max) {
                (0, None) => out.push('*'),
                (1, None) => out.push('+'),
                (m, None) => {
                    let _ = write!(out, "{{{m},}}");
                }
                (m, Some(n)) => {
                    let _ = write!(out, "{{{m},{n}}}");
                }
            }
        }
    }
}

/// A compiled pattern.
#[derive(Clone, Debug)]
pub struct Matcher {
    re: regex::bytes::Regex,
    /// The pattern has word assertions (`\<`, `\>`, `\b`, `\B`).
    word_assertions: bool,
    /// The pattern has `^`.
    line_start: bool,
    /// The translated pattern and its flags, to build the lazy DFA below.
    translated: String,
    ignore_case: bool,
    newline: bool,
    /// The pattern as a lazy DFA reporting every match from a start, the last being the
    /// longest (POSIX's leftmost-longest rule), for [`Matcher::longest_finder`] and
    /// [`Matcher::count`]; built on first use (`None`: it could not be built).
    longest: std::sync::OnceLock<Option<regex_automata::hybrid::dfa::DFA>>,
}

/// Finds matches as POSIX `regexec` reports them: the leftmost start, then the longest
/// match from there (the `regex` crate prefers the first alternative: `a|ab` matches
/// `a` in `ab`, POSIX `ab`). Holds the lazy DFA's cache: make one for many searches.
pub struct LongestFinder<'m> {
    matcher: &'m Matcher,
    /// A forward DFA reporting every match (its last one is the longest), when it
    /// could be built.
    dfa: Option<(
        &'m regex_automata::hybrid::dfa::DFA,
        regex_automata::hybrid::dfa::Cache,
    )>,
}

impl LongestFinder<'_> {
    /// The leftmost-longest match in `text`, as a byte range.
    pub fn find(&mut self, text: &[u8]) -> Option<std::ops::Range<usize>> {
        let m = self.matcher.re.find(text)?;
        Some(m.start()..self.longest_end(text, m.start(), m.end()))
    }

    /// The end of the longest match in `text` from `start`, where the `regex` crate's
    /// match ends at `end`.
    fn longest_end(&mut self, text: &[u8], start: usize, end: usize) -> usize {
        use regex_automata::{Anchored, Input};
        let Some((dfa, cache)) = &mut self.dfa else {
            return end;
        };
        let input = Input::new(text).range(start..).anchored(Anchored::Yes);
        match dfa.try_search_fwd(cache, &input) {
            Ok(Some(half)) => end.max(half.offset()),
            // The lazy DFA gave up: the first match stands.
            _ => end,
        }
    }
}

/// The matcher of `:/<text>` searches: POSIX extended syntax, case-sensitive, `^` and `$`
/// at the ends of the whole message (git's `regcomp(REG_EXTENDED)`).
pub type Regex = Matcher;

impl Matcher {
    /// Compiles `pattern` in `syntax`. `ignore_case` is `REG_ICASE` (ASCII only, as in the
    /// C locale); `newline` is `REG_NEWLINE` (`^`/`$` at line ends, `.` and `[^...]` not
    /// matching a newline), which git's `--grep` uses.
    pub fn new(
        pattern: &[u8],
        syntax: Syntax,
        ignore_case: bool,
        newline: bool,
    ) -> Result<Matcher, PatternError> {
        let mut word_assertions = false;
        let mut line_start = false;
        let translated = match syntax {
            Syntax::Perl => {
                return Err(PatternError::Unsupported(
                    "Perl-compatible regular expressions (-P)",
                ))
            }
            Syntax::Fixed => {
                let mut s = String::new();
                for &b in pattern {
                    emit(&Node::Byte(b), &mut s);
                }
                s
            }
            Syntax::Basic | Syntax::Extended => {
                let mut parser = Parser {
                    p: pattern,
                    pos: 0,
                    depth: 0,
                    basic: syntax == Syntax::Basic,
                    newline,
                };
                let mut parts = vec![parser.alternation()?];
                // An unmatched `)` is an ordinary character in POSIX extended syntax
                // (glibc's RE_UNMATCHED_RIGHT_PAREN_ORD): continue with it as a literal.
                while parser.pos < pattern.len() {
                    if parser.basic {
                        return Err(PatternError::Invalid("Unmatched ) or \\)"));
                    }
                    parser.pos += 1;
                    parts.push(Node::Byte(b')'));
                    parts.push(parser.alternation()?);
                }
                let node = if parts.len() == 1 {
                    parts.pop().expect("one part")
                } else {
                    Node::Concat(parts)
                };
                node.visit(&mut |n| match n {
                    Node::Assert(Assertion::Start) => line_start = true,
                    Node::Assert(Assertion::End) => {}
                    Node::Assert(_) => word_assertions = true,
                    _ => {}
                });
                let mut s = String::new();
                emit(&node, &mut s);
                s
            }
        };
        let re = regex::bytes::RegexBuilder::new(&translated)
            .unicode(false)
            .case_insensitive(ignore_case)
            .multi_line(newline)
            .size_limit(SIZE_LIMIT)
            .dfa_size_limit(SIZE_LIMIT)
            .nest_limit(MAX_DEPTH as u32 * 2 + 50)
            .build()
            .map_err(|_| PatternError::Unsupported("patterns this large"))?;
        Ok(Matcher {
            re,
            word_assertions,
            line_start,
            translated,
            ignore_case,
            newline,
            longest: std::sync::OnceLock::new(),
        })
    }

    /// A finder of POSIX leftmost-longest matches of this pattern (its automaton is
    /// built once per matcher, each finder has its own cache).
    pub fn longest_finder(&self) -> LongestFinder<'_> {
        let dfa = self.longest.get_or_init(|| self.build_longest()).as_ref();
        LongestFinder {
            matcher: self,
            dfa: dfa.map(|d| (d, d.create_cache())),
        }
    }

    /// Builds the automaton of [`Matcher::longest_finder`] now, failing if it cannot be
    /// (so that [`Matcher::count`] never falls back to the first alternative).
    pub fn posix_longest(self) -> Result<Matcher, PatternError> {
        match self.longest.get_or_init(|| self.build_longest()) {
            Some(_) => Ok(self),
            None => Err(PatternError::Unsupported("patterns this large")),
        }
    }

    fn build_longest(&self) -> Option<regex_automata::hybrid::dfa::DFA> {
        use regex_automata::hybrid::dfa::DFA;
        use regex_automata::{nfa::thompson, util::syntax, MatchKind};
        DFA::builder()
            .configure(DFA::config().match_kind(MatchKind::All))
            .syntax(
                syntax::Config::new()
                    .unicode(false)
                    .utf8(false)
                    .case_insensitive(self.ignore_case)
                    .multi_line(self.newline)
                    .nest_limit(MAX_DEPTH as u32 * 2 + 50),
            )
            .thompson(
                thompson::Config::new()
                    .utf8(false)
                    .nfa_size_limit(Some(SIZE_LIMIT)),
            )
            .build(&self.translated)
            .ok()
    }

    /// Whether the pattern matches anywhere in `text`.
    pub fn is_match(&self, text: &[u8]) -> bool {
        self.re.is_match(text)
    }

    /// The leftmost match in `text`, as a byte range.
    pub fn find(&self, text: &[u8]) -> Option<std::ops::Range<usize>> {
        self.re.find(text).map(|m| m.range())
    }

    /// How many times the pattern matches in `text` one after the other, as git's
    /// pickaxe counts (`-S<regex> --pickaxe-regex`), taking POSIX's longest match at each
    /// place: each search starts where the last match ended (one byte later after an empty match) with glibc's `REG_NOTBOL`, and
    /// the count stops at `limit` (0: no limit). An empty text has no match.
    ///
    /// Searches after the first see the text before them as glibc does not (`^` at the
    /// start of a later search, a word assertion against the byte before it): a pattern
    /// with `^` is searched in the whole text, one with only word assertions in the
    /// rest of it, which gives glibc's answer unless the previous match ended with a
    /// newline (for `^`) or both kinds of assertion meet at that point.
    pub fn count(&self, text: &[u8], limit: usize) -> usize {
        let mut finder = self.longest_finder();
        let mut count = 0;
        let mut at = 0;
        while at < text.len() {
            let (hay, base) = if at > 0 && self.word_assertions && !self.line_start {
                (&text[at..], at)
            } else {
                (text, 0)
            };
            let Some(m) = self.re.find_at(hay, at - base) else {
                break;
            };
            let end = finder.longest_end(hay, m.start(), m.end());
            let (start, end) = (base + m.start(), base + end);
            at = end;
            if at < text.len() && start == end {
                at += 1;
            }
            count += 1;
            if count == limit {
                break;
            }
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, t: &str) -> bool {
        Matcher::new(p.as_bytes(), Syntax::Extended, false, false)
            .unwrap()
            .is_match(t.as_bytes())
    }

    fn bre(p: &str, t: &str) -> bool {
        Matcher::new(p.as_bytes(), Syntax::Basic, false, true)
            .unwrap()
            .is_match(t.as_bytes())
    }

    fn ere_err(p: &str) -> Option<PatternError> {
        Matcher::new(p.as_bytes(), Syntax::Extended, false, false).err()
    }

    #[test]
    fn longest_matches_as_posix() {
        let m = |p: &str, t: &str| {
            let re = Matcher::new(p.as_bytes(), Syntax::Extended, false, true).unwrap();
            re.longest_finder().find(t.as_bytes())
        };
        assert_eq!(m("a|ab", "xabc"), Some(1..3));
        assert_eq!(m("[a-z]|[a-z]+", "  word "), Some(2..6));
        assert_eq!(m("(a|ab)*", "ababx"), Some(0..4));
        assert_eq!(m("x*", "ab"), Some(0..0));
        assert_eq!(m("^b|ab", "ab\nb"), Some(0..2));
        assert_eq!(m("q", "ab"), None);
    }

    #[test]
    fn matches_like_posix_ere() {
        assert!(m("c1", "c1\n"));
        assert!(m("^c", "c1\n"));
        assert!(!m("^1", "c1\n"));
        assert!(!m("c1$", "c1\n"));
        assert!(m("c1\n$", "c1\n"));
        assert!(m("o.*s", "octopus"));
        assert!(m("s[0-9]", "s3"));
        assert!(!m("s[^0-9]", "s3"));
        assert!(m("c(1|2)", "c2"));
        assert!(m("a|", "zzz"));
        assert!(m("x{0}", ""));
        assert!(m("c{1}", "c"));
        assert!(m("c{,2}d", "ccd"));
        assert!(!m("^c{2}$", "c"));
        assert!(m("^(ab)+$", "ababab"));
        assert!(!m("^(ab)+$", "ababa"));
        assert!(m("s\\>", "octopus\n"));
        assert!(!m("\\<topus", "octopus"));
        assert!(m("[[:digit:]]", "a1"));
        assert!(m("[]c]", "]"));
        assert!(m("a)", "a)"));
        assert!(m("\\.", "."));
        assert!(!m("\\.", "a"));
        assert!(m("a.b", "a\nb"));
        assert!(m("(a*)*b", &format!("{}b", "a".repeat(1000))));
        assert!(!m("(a*)*b", &"a".repeat(1000)));
    }

    #[test]
    fn matches_like_posix_bre() {
        assert!(bre("a+b", "a+b"));
        assert!(!bre("a+b", "aab"));
        assert!(bre("a\\+b", "aab"));
        assert!(bre("ab\\?c", "ac"));
        assert!(bre("\\(ab\\)*c", "ababc"));
        assert!(bre("a\\|z", "z"));
        assert!(bre("a|z", "a|z"));
        assert!(!bre("a|z", "z"));
        assert!(bre("*a", "*a"));
        assert!(bre("a^b", "a^b"));
        assert!(bre("a$b", "a$b"));
        assert!(bre("x\\{2\\}", "xx"));
        assert!(!bre("^x\\{2\\}$", "x"));
        assert!(bre("a{2}", "a{2}"));
        assert!(bre("(a)", "(a)"));
        assert!(bre("^two", "one\ntwo"));
        assert!(!bre("one.two", "one\ntwo"));
        assert!(!bre("one[^x]two", "one\ntwo"));
        let icase = Matcher::new(b"HELLO", Syntax::Basic, true, true).unwrap();
        assert!(icase.is_match(b"say hello"));
        let fixed = Matcher::new(b"a.*b(", Syntax::Fixed, false, true).unwrap();
        assert!(fixed.is_match(b"xa.*b(y"));
        assert!(!fixed.is_match(b"aXXb("));
    }

    #[test]
    fn counts_as_git_pickaxe() {
        let count = |p: &str, t: &str| {
            Matcher::new(p.as_bytes(), Syntax::Extended, false, true)
                .unwrap()
                .posix_longest()
                .unwrap()
                .count(t.as_bytes(), 0)
        };
        assert_eq!(count("a|aa", "aaa"), 2);
        assert_eq!(count("a|ab", "abab"), 2);
        assert_eq!(count("x*", "ab"), 2);
        assert_eq!(count("^", "a\nb\n"), 3);
        assert_eq!(count("^a", "aa\na"), 2);
        assert_eq!(count("\\<foo", "foofoo"), 2);
        assert_eq!(count("foo", ""), 0);
        assert_eq!(count("(ab|a)(bc|c)?", "abcabc"), 2);
        // Without `posix_longest` the automaton is built on first use: the same counts.
        let lazy = Matcher::new(b"a|aa", Syntax::Extended, false, true).unwrap();
        assert_eq!(lazy.count(b"aaa", 0), 2);
        assert_eq!(lazy.count(b"aaaa", 1), 1);
    }

    #[test]
    fn rejects_bad_patterns() {
        for p in [
            "(",
            "c{",
            "c{1",
            "c{2,1}",
            "*a",
            "^*",
            "[",
            "[[:foo:]]",
            "\\",
        ] {
            assert!(matches!(ere_err(p), Some(PatternError::Invalid(_))), "{p}");
        }
        for p in ["\\(", "a\\{1", "\\)"] {
            assert!(
                matches!(
                    Matcher::new(p.as_bytes(), Syntax::Basic, false, true).err(),
                    Some(PatternError::Invalid(_))
                ),
                "{p}"
            );
        }
        let deep = format!("{}a{}", "(".repeat(1000), ")".repeat(1000));
        assert!(Matcher::new(&[b')'; 5_000], Syntax::Extended, false, false)
            .unwrap()
            .is_match(&[b')'; 5_000]));
        let stars = format!("a{}", "*".repeat(100_000));
        for p in [
            "(c)\\1",
            "[[.a.]]",
            "a{30000}{30000}",
            deep.as_str(),
            stars.as_str(),
        ] {
            assert!(
                matches!(ere_err(p), Some(PatternError::Unsupported(_))),
                "{p}"
            );
        }
        assert!(matches!(
            Matcher::new(b"x", Syntax::Perl, false, false).err(),
            Some(PatternError::Unsupported(_))
        ));
    }

    #[test]
    fn glibc_messages_for_brackets_and_stacked_repetitions() {
        let bre = |p: &str| Matcher::new(p.as_bytes(), Syntax::Basic, false, true).err();
        let badpat = "Invalid regular expression";
        let ebrack = "Unmatched [, [^, [:, [., or [=";
        let badrpt = "Invalid preceding regular expression";
        for (p, msg) in [
            ("[", badpat),
            ("[^", badpat),
            ("[a", ebrack),
            ("[]", ebrack),
            ("a**", badrpt),
            ("a\\+*", badrpt),
            ("a*\\{2\\}", badrpt),
            ("a\\{2\\}*", badrpt),
        ] {
            assert_eq!(bre(p), Some(PatternError::Invalid(msg)), "{p}");
        }
        for p in ["a*\\+", "a\\?\\?", "\\(*a\\)", "^*"] {
            assert_eq!(bre(p), None, "{p}");
        }
        assert!(Matcher::new(b"a**", Syntax::Extended, false, false).is_ok());
    }
}
