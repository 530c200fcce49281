//! Coloured patches as git prints them with `--color`: the `color.diff.<slot>` palette,
//! and `+`/`-`/context lines with whitespace errors (`core.whitespace`) highlighted on
//! added lines (git's default `diff.wsErrorHighlight=new`).

use crate::config::Config;

/// The reset sequence git ends every coloured run with.
pub const RESET: &str = "\x1b[m";

/// The colours of a coloured diff (`color.diff.<slot>`), as escape sequences.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffPalette {
    /// `diff --git`, mode, index, `---`/`+++` lines (`color.diff.meta`).
    pub meta: String,
    /// `@@ ... @@` (`color.diff.frag`).
    pub frag: String,
    /// The function name after `@@` (`color.diff.func`).
    pub func: String,
    /// Context lines (`color.diff.context`, also `plain`).
    pub context: String,
    /// Deleted lines (`color.diff.old`).
    pub old: String,
    /// Added lines (`color.diff.new`).
    pub new: String,
    /// `commit <id>` headers (`color.diff.commit`).
    pub commit: String,
    /// Whitespace errors (`color.diff.whitespace`).
    pub whitespace: String,
    /// The whitespace errors highlighted on added lines (`None`: no highlighting).
    pub ws_rule: Option<WsRule>,
}

/// The whitespace errors of `core.whitespace` that oxgit highlights.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WsRule {
    /// `blank-at-eol` (part of `trailing-space`).
    pub blank_at_eol: bool,
    /// `space-before-tab`.
    pub space_before_tab: bool,
    /// `blank-at-eof` (part of `trailing-space`).
    pub blank_at_eof: bool,
    /// `cr-at-eol`: a CR before the newline is not an error.
    pub cr_at_eol: bool,
}

impl Default for WsRule {
    fn default() -> WsRule {
        WsRule {
            blank_at_eol: true,
            space_before_tab: true,
            blank_at_eof: true,
            cr_at_eol: false,
        }
    }
}

impl WsRule {
    /// Parses `core.whitespace` over git's default rule; `Err` names a rule oxgit does
    /// not highlight (`indent-with-non-tab`, `tab-in-indent`).
    pub fn parse(value: &str) -> Result<WsRule, String> {
        let mut r = WsRule::default();
        for word in value
            .split([',', ' ', '\t', '\n'])
            .filter(|w| !w.is_empty())
        {
            let (on, name) = match word.strip_prefix('-') {
                Some(n) => (false, n),
                None => (true, word),
            };
            match name {
                "trailing-space" => {
                    r.blank_at_eol = on;
                    r.blank_at_eof = on;
                }
                "blank-at-eol" => r.blank_at_eol = on,
                "blank-at-eof" => r.blank_at_eof = on,
                "space-before-tab" => r.space_before_tab = on,
                "cr-at-eol" => r.cr_at_eol = on,
                "indent-with-non-tab" | "tab-in-indent" if on => return Err(name.to_string()),
                _ => {}
            }
        }
        Ok(r)
    }
}

/// A config problem of the palette: the key and its message.
#[derive(Debug)]
pub enum PaletteError {
    /// `color.diff.<slot>` is not a colour (key, value).
    InvalidColor(String, String),
    /// A whitespace rule or highlight mode oxgit does not implement.
    Unsupported(String),
}

impl DiffPalette {
    /// git's default colours and whitespace rule.
    pub fn git_default() -> DiffPalette {
        DiffPalette {
            meta: "\x1b[1m".into(),
            frag: "\x1b[36m".into(),
            func: String::new(),
            context: String::new(),
            old: "\x1b[31m".into(),
            new: "\x1b[32m".into(),
            commit: "\x1b[33m".into(),
            whitespace: "\x1b[41m".into(),
            ws_rule: Some(WsRule::default()),
        }
    }

    /// The palette of `config`: `color.diff.<slot>` over the defaults, `core.whitespace`,
    /// `diff.wsErrorHighlight`.
    pub fn from_config(config: &Config) -> Result<DiffPalette, PaletteError> {
        let mut p = DiffPalette::git_default();
        for (rest, value) in config.section_entries("color") {
            let Some(slot) = rest.strip_prefix("diff.") else {
                continue;
            };
            let target = match slot {
                "context" | "plain" => &mut p.context,
                "meta" => &mut p.meta,
                "frag" => &mut p.frag,
                "func" => &mut p.func,
                "old" => &mut p.old,
                "new" => &mut p.new,
                "commit" => &mut p.commit,
                "whitespace" => &mut p.whitespace,
                _ => continue,
            };
            let v = value.unwrap_or("");
            *target = crate::pretty::color::parse(v).ok_or_else(|| {
                PaletteError::InvalidColor(format!("color.diff.{slot}"), v.into())
            })?;
        }
        if let Some(v) = config.get("core.whitespace") {
            p.ws_rule = Some(WsRule::parse(v).map_err(|r| {
                PaletteError::Unsupported(format!("core.whitespace={r} in colour"))
            })?);
        }
        if let Some(v) = config.get("diff.wsErrorHighlight") {
            match v.to_ascii_lowercase().as_str() {
                "new" | "default" => {}
                "none" => p.ws_rule = None,
                _ => {
                    return Err(PaletteError::Unsupported(format!(
                        "diff.wsErrorHighlight={v}"
                    )))
                }
            }
        }
        Ok(p)
    }

    /// Appends `text` (lines, each ending with `\n`) with every line in the meta colour;
    /// the tab git puts after a `---`/`+++` name with a space comes after the reset.
    pub fn write_meta(&self, out: &mut Vec<u8>, text: &[u8]) {
        for line in text.split_inclusive(|&c| c == b'\n') {
            let body = line.strip_suffix(b"\n").unwrap_or(line);
            match body.strip_suffix(b"\t") {
                Some(name) => {
                    emit(out, &self.meta, None, name);
                    out.push(b'\t');
                }
                None => emit(out, &self.meta, None, body),
            }
            if line.ends_with(b"\n") {
                out.push(b'\n');
            }
        }
    }

    /// Appends a plain hunk header line (`@@ -a,b +c,d @@ func\n`) coloured as git does:
    /// the ranges in `frag`, the spaces in `context`, the function name in `func`.
    pub fn write_hunk_header(&self, out: &mut Vec<u8>, header: &[u8]) {
        let body = header.strip_suffix(b"\n").unwrap_or(header);
        let end = body
            .windows(2)
            .skip(2)
            .position(|w| w == b"@@")
            .map_or(body.len(), |p| p + 4);
        let (ranges, rest) = body.split_at(end);
        out.extend_from_slice(self.frag.as_bytes());
        out.extend_from_slice(ranges);
        out.extend_from_slice(RESET.as_bytes());
        if !rest.is_empty() {
            let spaces = rest.iter().take_while(|&&c| c == b' ').count();
            out.extend_from_slice(self.context.as_bytes());
            out.extend_from_slice(&rest[..spaces]);
            out.extend_from_slice(RESET.as_bytes());
            out.extend_from_slice(self.func.as_bytes());
            out.extend_from_slice(&rest[spaces..]);
            out.extend_from_slice(RESET.as_bytes());
        }
        out.push(b'\n');
    }

    /// Appends one patch line coloured: its mark (`' '`, `'-'`, `'+'`), the line, and
    /// `\ No newline at end of file` after a line without one. `at_eof_blank`: an added
    /// blank line inside the blank lines added at the end of the file (git highlights it
    /// whole as a `blank-at-eof` error).
    pub fn write_line(
        &self,
        out: &mut Vec<u8>,
        mark: u8,
        line: &[u8],
        suppress_blank_empty: bool,
        at_eof_blank: bool,
    ) {
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        match (mark, self.ws_rule) {
            (b' ', _) if suppress_blank_empty && body.is_empty() => {}
            (b' ', _) => emit(out, &self.context, Some(b' '), body),
            (b'-', _) => emit(out, &self.old, Some(b'-'), body),
            (_, None) => emit(out, &self.new, Some(mark), body),
            (_, Some(rule)) if at_eof_blank && rule.blank_at_eof => {
                emit(out, &self.whitespace, Some(mark), body)
            }
            (_, Some(rule)) => {
                emit(out, &self.new, Some(mark), b"");
                self.write_ws_checked(out, body, rule);
            }
        }
        out.push(b'\n');
        if !line.ends_with(b"\n") {
            emit(
                out,
                &self.context,
                Some(b'\\'),
                b" No newline at end of file",
            );
            out.push(b'\n');
        }
    }

    /// git's highlighting of whitespace errors in an added line's text (no newline).
    fn write_ws_checked(&self, out: &mut Vec<u8>, line: &[u8], rule: WsRule) {
        let (line, cr) = match line.strip_suffix(b"\r") {
            Some(l) if rule.cr_at_eol => (l, true),
            _ => (line, false),
        };
        let is_space = |c: &u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r');
        let trailing = if rule.blank_at_eol {
            line.len() - line.iter().rev().take_while(|c| is_space(c)).count()
        } else {
            line.len()
        };
        let colored = |out: &mut Vec<u8>, color: &str, bytes: &[u8]| {
            out.extend_from_slice(color.as_bytes());
            out.extend_from_slice(bytes);
            out.extend_from_slice(RESET.as_bytes());
        };
        // The indentation: tabs are written plain, spaces before a tab are an error.
        let mut written = 0;
        for (i, &c) in line[..trailing].iter().enumerate() {
            match c {
                b' ' => continue,
                b'\t' => {}
                _ => break,
            }
            if rule.space_before_tab && written < i {
                colored(out, &self.whitespace, &line[written..i]);
                out.push(b'\t');
            } else {
                out.extend_from_slice(&line[written..=i]);
            }
            written = i + 1;
        }
        if trailing > written {
            colored(out, &self.new, &line[written..trailing]);
        }
        if trailing < line.len() {
            colored(out, &self.whitespace, &line[trailing..]);
        }
        if cr {
            out.push(b'\r');
        }
    }
}

/// git's emission of one line without its newline: the colour, the mark, the text, a
/// reset (before a trailing CR), the CR. Nothing but the CR for an empty unmarked line.
fn emit(out: &mut Vec<u8>, color: &str, mark: Option<u8>, text: &[u8]) {
    let (text, cr) = match text.strip_suffix(b"\r") {
        Some(t) => (t, true),
        None => (text, false),
    };
    if mark.is_some() || !text.is_empty() {
        out.extend_from_slice(color.as_bytes());
        out.extend(mark);
        out.extend_from_slice(text);
        out.extend_from_slice(RESET.as_bytes());
    }
    if cr {
        out.push(b'\r');
    }
}

/// Number of blank lines (whitespace only) at the end of `content`, counted as git's
/// `count_trailing_blank` does: it stops at a line whose last byte (or, for an empty
/// line, the newline before it) is the first byte of the file.
fn trailing_blank_lines(content: &[u8]) -> usize {
    let body = content.strip_suffix(b"\n").unwrap_or(content);
    let mut n = 0;
    let mut end = body.len();
    loop {
        let start = body[..end]
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |p| p + 1);
        let line = &body[start..end];
        let last = if line.is_empty() {
            start as isize - 1
        } else {
            end as isize - 1
        };
        if last <= 0 || !is_blank_line(line) {
            return n;
        }
        n += 1;
        if start == 0 {
            return n;
        }
        end = start - 1;
    }
}

/// The first (1-based) new line number of the blank lines a change adds at the end of a
/// file (git's `blank_at_eof_in_postimage`), if it adds any.
pub fn blank_at_eof_start(old: &[u8], new: &[u8]) -> Option<u32> {
    let (l1, l2) = (trailing_blank_lines(old), trailing_blank_lines(new));
    if l2 <= l1 {
        return None;
    }
    let lines = new.split_inclusive(|&c| c == b'\n').count();
    u32::try_from(lines - l2 + 1).ok()
}

/// Whether a line is whitespace only (git's `ws_blank_line`).
pub fn is_blank_line(line: &[u8]) -> bool {
    line.iter()
        .all(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_trailing_blank_lines_as_git() {
        assert_eq!(trailing_blank_lines(b"a\n\n\n"), 2);
        assert_eq!(trailing_blank_lines(b"\n\n"), 0);
        assert_eq!(trailing_blank_lines(b" \n\n"), 1);
        assert_eq!(trailing_blank_lines(b"  \n"), 1);
        assert_eq!(trailing_blank_lines(b" \n"), 0);
        assert_eq!(trailing_blank_lines(b""), 0);
    }

    #[test]
    fn highlights_whitespace_errors() {
        let p = DiffPalette::git_default();
        let mut out = Vec::new();
        p.write_line(&mut out, b'+', b" \tx  \n", false, false);
        assert_eq!(
            out,
            b"\x1b[32m+\x1b[m\x1b[41m \x1b[m\t\x1b[32mx\x1b[m\x1b[41m  \x1b[m\n"
        );
    }
}
