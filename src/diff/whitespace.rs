//! Whitespace errors as `git diff --check` reports them: the `core.whitespace` rules,
//! the check of one added line, and the `file:line: <errors>.` report of a file pair.

use std::io::Write;

/// A set of `core.whitespace` rules (and, as a result, of the errors found), with the
/// tab width in the low bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WsRule(u32);

const TAB_WIDTH_MASK: u32 = 0x3f;
const BLANK_AT_EOL: u32 = 1 << 6;
const SPACE_BEFORE_TAB: u32 = 1 << 7;
const INDENT_WITH_NON_TAB: u32 = 1 << 8;
const CR_AT_EOL: u32 = 1 << 9;
const BLANK_AT_EOF: u32 = 1 << 10;
const TAB_IN_INDENT: u32 = 1 << 11;

impl Default for WsRule {
    /// git's default: blank-at-eol, space-before-tab, blank-at-eof, tab width 8.
    fn default() -> WsRule {
        WsRule(BLANK_AT_EOL | SPACE_BEFORE_TAB | BLANK_AT_EOF | 8)
    }
}

impl WsRule {
    /// Parses a `core.whitespace` value over the defaults: comma-separated rule names,
    /// `-name` to turn one off, `tabwidth=<n>` (1..=63); unknown names are ignored, as
    /// git ignores them. Asking for both `indent-with-non-tab` and `tab-in-indent` is
    /// an error, as in git.
    pub fn parse(value: &str) -> Result<WsRule, String> {
        let mut bits = WsRule::default().0;
        for token in value
            .split([',', ' ', '\t', '\n'])
            .filter(|t| !t.is_empty())
        {
            let (off, name) = match token.strip_prefix('-') {
                Some(n) => (true, n),
                None => (false, token),
            };
            if let Some(n) = name.strip_prefix("tabwidth=") {
                match n.parse::<u32>() {
                    Ok(w) if (1..=TAB_WIDTH_MASK).contains(&w) => {
                        bits = (bits & !TAB_WIDTH_MASK) | w;
                    }
                    _ => return Err(format!("tabwidth {n} out of range")),
                }
                continue;
            }
            let rule = match name {
                "trailing-space" => BLANK_AT_EOL | BLANK_AT_EOF,
                "space-before-tab" => SPACE_BEFORE_TAB,
                "indent-with-non-tab" => INDENT_WITH_NON_TAB,
                "cr-at-eol" => CR_AT_EOL,
                "blank-at-eol" => BLANK_AT_EOL,
                "blank-at-eof" => BLANK_AT_EOF,
                "tab-in-indent" => TAB_IN_INDENT,
                _ => continue,
            };
            if off {
                bits &= !rule;
            } else {
                bits |= rule;
            }
        }
        if bits & INDENT_WITH_NON_TAB != 0 && bits & TAB_IN_INDENT != 0 {
            return Err("cannot enforce both tab-in-indent and indent-with-non-tab".to_string());
        }
        Ok(WsRule(bits))
    }

    fn tab_width(self) -> usize {
        (self.0 & TAB_WIDTH_MASK) as usize
    }

    fn has(self, bit: u32) -> bool {
        self.0 & bit != 0
    }

    /// The errors of one added line (its bytes, with or without the final `\n`);
    /// `None` when it has none.
    pub fn check_line(self, line: &[u8]) -> Option<WsRule> {
        let mut len = line.len();
        if line.last() == Some(&b'\n') {
            len -= 1;
        }
        if self.has(CR_AT_EOL) && len > 0 && line[len - 1] == b'\r' {
            len -= 1;
        }
        let mut found = 0;
        if self.has(BLANK_AT_EOL) {
            let body = line[..len]
                .iter()
                .rposition(|c| !c.is_ascii_whitespace())
                .map_or(0, |i| i + 1);
            if body < len {
                found |= BLANK_AT_EOL;
                len = body;
            }
        }
        // The indent: spaces and tabs before the first other byte.
        let mut written = 0;
        let mut i = 0;
        while i < len {
            match line[i] {
                b' ' => {}
                b'\t' => {
                    if self.has(SPACE_BEFORE_TAB) && written < i {
                        found |= SPACE_BEFORE_TAB;
                    } else if self.has(TAB_IN_INDENT) {
                        found |= TAB_IN_INDENT;
                    }
                    written = i + 1;
                }
                _ => break,
            }
            i += 1;
        }
        if self.has(INDENT_WITH_NON_TAB) && i - written >= self.tab_width() {
            found |= INDENT_WITH_NON_TAB;
        }
        (found != 0).then_some(WsRule(found))
    }

    /// git's wording of a set of errors, joined with `, `.
    pub fn describe(self) -> String {
        let mut parts = Vec::new();
        if self.has(BLANK_AT_EOL) {
            parts.push("trailing whitespace");
        } else if self.has(BLANK_AT_EOF) {
            parts.push("new blank line at EOF");
        }
        if self.has(SPACE_BEFORE_TAB) {
            parts.push("space before tab in indent");
        }
        if self.has(INDENT_WITH_NON_TAB) {
            parts.push("indent with spaces");
        }
        if self.has(TAB_IN_INDENT) {
            parts.push("tab in indent");
        }
        parts.join(", ")
    }

    /// Whether a line counts as blank for blank-at-eof (whitespace only).
    fn is_blank(self, line: &[u8]) -> bool {
        let _ = self;
        line.iter().all(u8::is_ascii_whitespace)
    }

    /// How many lines at the end of `text` are blank.
    fn trailing_blank(self, text: &[u8]) -> usize {
        lines(text).rev().take_while(|l| self.is_blank(l)).count()
    }

    /// The 1-based line of `new` git reports as "new blank line at EOF": the first of
    /// its trailing blank lines, when it has more of them than `old`.
    pub fn blank_at_eof(self, old: &[u8], new: &[u8]) -> Option<usize> {
        if !self.has(BLANK_AT_EOF) {
            return None;
        }
        let (b1, b2) = (self.trailing_blank(old), self.trailing_blank(new));
        (b2 > b1).then(|| lines(new).count() - b2 + 1)
    }
}

/// The lines of `text`, each with its `\n` when it has one.
fn lines(text: &[u8]) -> impl DoubleEndedIterator<Item = &[u8]> {
    text.split_inclusive(|&c| c == b'\n')
}

/// Appends one error report: `<name>:<line>: <errors>.` and, for a line error, the
/// offending line with its `+`.
pub fn write_error(out: &mut Vec<u8>, name: &[u8], line_no: usize, errors: WsRule, line: &[u8]) {
    out.extend_from_slice(name);
    let _ = writeln!(out, ":{line_no}: {}.", errors.describe());
    if !line.is_empty() {
        out.push(b'+');
        out.extend_from_slice(line);
        if line.last() != Some(&b'\n') {
            out.push(b'\n');
        }
    }
}

/// The `blank-at-eof` error alone.
pub fn blank_at_eof_error() -> WsRule {
    WsRule(BLANK_AT_EOF)
}
