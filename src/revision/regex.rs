//! A small POSIX extended regular expression matcher for commit message searches
//! (`:/<text>`, `<rev>^{/<text>}`), matching bytes like glibc's `regexec` in the C locale
//! without `REG_NEWLINE`: `.` matches any byte, `^` and `$` only at the ends of the text.
//!
//! Supported: literals, `.`, bracket expressions (ranges, negation, `[:class:]`), `^`, `$`,
//! groups, alternation, `* + ? {m} {m,} {m,n} {,n}`, and GNU's `\w \W \s \S \< \> \b \B`.
//! Back-references are refused. Matching runs a Pike VM: time linear in the text for a
//! given pattern, no backtracking blow-ups.

/// Why a pattern cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternError {
    /// Not a valid POSIX extended regular expression (git treats the revision as unknown).
    Invalid,
    /// Valid, but uses a feature this matcher does not implement.
    Unsupported,
}

/// The most instructions a compiled pattern may have.
const MAX_PROGRAM: usize = 20_000;
/// The most repetition operators applied to one item.
const MAX_STACKED: usize = 16;
/// The deepest nesting of groups accepted.
const MAX_DEPTH: usize = 200;
/// glibc's `RE_DUP_MAX`.
const MAX_REPEAT: u32 = 0x7fff;

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

#[derive(Clone, Debug)]
enum Inst {
    Byte(u8),
    Any,
    Class(Box<[bool; 256]>),
    Assert(Assertion),
    Split(usize, usize),
    Jmp(usize),
    Match,
}

/// A compiled pattern.
#[derive(Clone, Debug)]
pub struct Regex {
    program: Vec<Inst>,
}

struct Parser<'a> {
    p: &'a [u8],
    pos: usize,
    depth: usize,
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.p.get(self.pos).copied()
    }

    fn alternation(&mut self) -> Result<Node, PatternError> {
        let mut branches = vec![self.concat()?];
        while self.peek() == Some(b'|') {
            self.pos += 1;
            branches.push(self.concat()?);
        }
        Ok(if branches.len() == 1 {
            branches.pop().expect("one branch")
        } else {
            Node::Alt(branches)
        })
    }

    fn concat(&mut self) -> Result<Node, PatternError> {
        let mut items: Vec<Node> = Vec::new();
        // Whether a repetition operator here would have nothing to repeat.
        let mut nothing_before = true;
        // How many operators apply to the last item (`a***`), bounded to keep the
        // compiled program and its recursion shallow.
        let mut stacked = 0usize;
        while let Some(c) = self.peek() {
            match c {
                b'|' => break,
                b')' if self.depth > 0 => break,
                b'*' | b'+' | b'?' | b'{' => {
                    if nothing_before {
                        return Err(PatternError::Invalid);
                    }
                    let (min, max) = self.repetition()?;
                    stacked += 1;
                    if stacked > MAX_STACKED {
                        return Err(PatternError::Unsupported);
                    }
                    let last = items.pop().expect("an item precedes");
                    items.push(Node::Repeat(Box::new(last), min, max));
                }
                _ => {
                    let atom = self.atom()?;
                    stacked = 0;
                    nothing_before = matches!(atom, Node::Assert(Assertion::Start));
                    items.push(atom);
                }
            }
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

    fn repetition(&mut self) -> Result<(u32, Option<u32>), PatternError> {
        let c = self.peek().expect("operator");
        self.pos += 1;
        Ok(match c {
            b'*' => (0, None),
            b'+' => (1, None),
            b'?' => (0, Some(1)),
            _ => {
                let min = self.number();
                let max = if self.peek() == Some(b',') {
                    self.pos += 1;
                    self.number()
                } else {
                    Some(min.ok_or(PatternError::Invalid)?)
                };
                if self.peek() != Some(b'}') {
                    return Err(PatternError::Invalid);
                }
                self.pos += 1;
                let min = min.unwrap_or(0);
                if min > MAX_REPEAT || max.is_some_and(|m| m > MAX_REPEAT || m < min) {
                    return Err(PatternError::Invalid);
                }
                (min, max)
            }
        })
    }

    fn atom(&mut self) -> Result<Node, PatternError> {
        let c = self.peek().expect("atom");
        self.pos += 1;
        Ok(match c {
            b'.' => Node::Any,
            b'^' => Node::Assert(Assertion::Start),
            b'$' => Node::Assert(Assertion::End),
            b'(' => {
                if self.depth >= MAX_DEPTH {
                    return Err(PatternError::Unsupported);
                }
                self.depth += 1;
                let inner = self.alternation()?;
                self.depth -= 1;
                if self.peek() != Some(b')') {
                    return Err(PatternError::Invalid);
                }
                self.pos += 1;
                inner
            }
            b'[' => self.bracket()?,
            b'\\' => {
                let Some(e) = self.peek() else {
                    return Err(PatternError::Invalid);
                };
                self.pos += 1;
                match e {
                    b'1'..=b'9' => return Err(PatternError::Unsupported),
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
                    b'`' | b'\'' => return Err(PatternError::Unsupported),
                    other => Node::Byte(other),
                }
            }
            other => Node::Byte(other),
        })
    }

    fn bracket(&mut self) -> Result<Node, PatternError> {
        let mut set = [false; 256];
        let negate = self.peek() == Some(b'^');
        if negate {
            self.pos += 1;
        }
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                return Err(PatternError::Invalid);
            };
            if c == b']' && !first {
                self.pos += 1;
                break;
            }
            first = false;
            if c == b'[' && matches!(self.p.get(self.pos + 1), Some(b':' | b'.' | b'=')) {
                let kind = self.p[self.pos + 1];
                let start = self.pos + 2;
                let end = self.p[start..]
                    .windows(2)
                    .position(|w| w[0] == kind && w[1] == b']')
                    .ok_or(PatternError::Invalid)?
                    + start;
                if kind != b':' {
                    return Err(PatternError::Unsupported);
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
                    _ => return Err(PatternError::Invalid),
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
            let is_range =
                self.peek() == Some(b'-') && self.p.get(self.pos + 1).is_some_and(|&n| n != b']');
            if is_range {
                let hi = self.p[self.pos + 1];
                self.pos += 2;
                if hi < c {
                    return Err(PatternError::Invalid);
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
        }
        Ok(Node::Class(Box::new(set)))
    }
}

struct Compiler {
    program: Vec<Inst>,
}

impl Compiler {
    fn emit(&mut self, inst: Inst) -> Result<usize, PatternError> {
        if self.program.len() >= MAX_PROGRAM {
            return Err(PatternError::Unsupported);
        }
        self.program.push(inst);
        Ok(self.program.len() - 1)
    }

    fn node(&mut self, node: &Node) -> Result<(), PatternError> {
        match node {
            Node::Empty => {}
            Node::Byte(b) => {
                self.emit(Inst::Byte(*b))?;
            }
            Node::Any => {
                self.emit(Inst::Any)?;
            }
            Node::Class(set) => {
                self.emit(Inst::Class(set.clone()))?;
            }
            Node::Assert(a) => {
                self.emit(Inst::Assert(*a))?;
            }
            Node::Concat(items) => {
                for item in items {
                    self.node(item)?;
                }
            }
            Node::Alt(branches) => {
                let mut jumps = Vec::new();
                for (i, branch) in branches.iter().enumerate() {
                    if i + 1 < branches.len() {
                        let split = self.emit(Inst::Split(0, 0))?;
                        self.node(branch)?;
                        jumps.push(self.emit(Inst::Jmp(0))?);
                        let next = self.program.len();
                        self.program[split] = Inst::Split(split + 1, next);
                    } else {
                        self.node(branch)?;
                    }
                }
                let end = self.program.len();
                for j in jumps {
                    self.program[j] = Inst::Jmp(end);
                }
            }
            Node::Repeat(inner, min, max) => {
                for _ in 0..*min {
                    self.node(inner)?;
                }
                match max {
                    None => {
                        let split = self.emit(Inst::Split(0, 0))?;
                        self.node(inner)?;
                        self.emit(Inst::Jmp(split))?;
                        let end = self.program.len();
                        self.program[split] = Inst::Split(split + 1, end);
                    }
                    Some(max) => {
                        let mut splits = Vec::new();
                        for _ in *min..*max {
                            splits.push(self.emit(Inst::Split(0, 0))?);
                            self.node(inner)?;
                        }
                        let end = self.program.len();
                        for s in splits {
                            self.program[s] = Inst::Split(s + 1, end);
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

impl Regex {
    /// Compiles a POSIX extended regular expression.
    pub fn new(pattern: &[u8]) -> Result<Regex, PatternError> {
        let mut parser = Parser {
            p: pattern,
            pos: 0,
            depth: 0,
        };
        let mut parts = vec![parser.alternation()?];
        // An unmatched `)` is an ordinary character in POSIX extended syntax (glibc's
        // RE_UNMATCHED_RIGHT_PAREN_ORD): continue with it as a literal.
        while parser.pos < pattern.len() {
            parser.pos += 1;
            parts.push(Node::Byte(b')'));
            parts.push(parser.alternation()?);
        }
        let node = if parts.len() == 1 {
            parts.pop().expect("one part")
        } else {
            Node::Concat(parts)
        };
        let mut compiler = Compiler {
            program: Vec::new(),
        };
        compiler.node(&node)?;
        compiler.emit(Inst::Match)?;
        Ok(Regex {
            program: compiler.program,
        })
    }

    /// Whether the pattern matches anywhere in `text`.
    pub fn is_match(&self, text: &[u8]) -> bool {
        let n = self.program.len();
        let mut current: Vec<usize> = Vec::with_capacity(n);
        let mut next: Vec<usize> = Vec::with_capacity(n);
        // The position each instruction was last added for, to add each thread once.
        let mut seen = vec![usize::MAX; n];
        let mut stack = Vec::new();
        for pos in 0..=text.len() {
            let prev = pos.checked_sub(1).map(|i| text[i]);
            let cur = text.get(pos).copied();
            // A new attempt starts at every position (unanchored search).
            if self.add(0, pos, prev, cur, &mut current, &mut seen, &mut stack) {
                return true;
            }
            let Some(c) = cur else { break };
            let after = text.get(pos + 1).copied();
            next.clear();
            for &pc in &current {
                let ok = match &self.program[pc] {
                    Inst::Byte(b) => *b == c,
                    Inst::Any => true,
                    Inst::Class(set) => set[c as usize],
                    _ => false,
                };
                if ok
                    && self.add(
                        pc + 1,
                        pos + 1,
                        Some(c),
                        after,
                        &mut next,
                        &mut seen,
                        &mut stack,
                    )
                {
                    return true;
                }
            }
            std::mem::swap(&mut current, &mut next);
        }
        false
    }

    /// Adds the thread at `pc` and everything reachable without consuming input at the
    /// position described by `prev`/`cur`. Returns true if a match state is reached.
    #[allow(clippy::too_many_arguments)]
    fn add(
        &self,
        pc: usize,
        stamp: usize,
        prev: Option<u8>,
        cur: Option<u8>,
        list: &mut Vec<usize>,
        seen: &mut [usize],
        stack: &mut Vec<usize>,
    ) -> bool {
        stack.clear();
        stack.push(pc);
        let word_before = prev.is_some_and(is_word);
        let word_after = cur.is_some_and(is_word);
        while let Some(pc) = stack.pop() {
            if seen[pc] == stamp {
                continue;
            }
            seen[pc] = stamp;
            match &self.program[pc] {
                Inst::Match => return true,
                Inst::Jmp(t) => stack.push(*t),
                Inst::Split(a, b) => {
                    stack.push(*b);
                    stack.push(*a);
                }
                Inst::Assert(a) => {
                    let holds = match a {
                        Assertion::Start => prev.is_none(),
                        Assertion::End => cur.is_none(),
                        Assertion::WordStart => !word_before && word_after,
                        Assertion::WordEnd => word_before && !word_after,
                        Assertion::WordBoundary => word_before != word_after,
                        Assertion::NotWordBoundary => word_before == word_after,
                    };
                    if holds {
                        stack.push(pc + 1);
                    }
                }
                _ => list.push(pc),
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, t: &str) -> bool {
        Regex::new(p.as_bytes()).unwrap().is_match(t.as_bytes())
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
        assert!(m("(a*)*b", &format!("{}b", "a".repeat(1000))));
        assert!(!m("(a*)*b", &"a".repeat(1000)));
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
            assert_eq!(
                Regex::new(p.as_bytes()).err(),
                Some(PatternError::Invalid),
                "{p}"
            );
        }
        let deep = format!("{}a{}", "(".repeat(1000), ")".repeat(1000));
        assert!(Regex::new(&[b')'; 5_000]).unwrap().is_match(&[b')'; 5_000]));
        assert_eq!(
            Regex::new(&[b')'; 100_000]).err(),
            Some(PatternError::Unsupported)
        );
        let stars = format!("a{}", "*".repeat(100_000));
        for p in [
            "(c)\\1",
            "[[.a.]]",
            "a{30000}{30000}",
            deep.as_str(),
            stars.as_str(),
        ] {
            assert_eq!(
                Regex::new(p.as_bytes()).err(),
                Some(PatternError::Unsupported),
                "{p}"
            );
        }
    }
}
