//! git's colour values (`%C(bold red)`, `color.*` config): `color_parse_mem`.

/// The reset sequence.
pub const RESET: &str = "\x1b[m";
/// `%Cred`.
pub const RED: &str = "\x1b[31m";
/// `%Cgreen`.
pub const GREEN: &str = "\x1b[32m";
/// `%Cblue`.
pub const BLUE: &str = "\x1b[34m";
/// The colour of commit ids (`color.diff.commit`'s default).
pub const COMMIT: &str = "\x1b[33m";

enum Color {
    Unspecified,
    Normal,
    Ansi(u32),
    C256(u32),
    Rgb(u8, u8, u8),
}

fn parse_one(word: &str) -> Option<Color> {
    const NAMES: [&str; 8] = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
    ];
    let lower = word.to_ascii_lowercase();
    if lower == "normal" {
        return Some(Color::Normal);
    }
    if lower == "default" {
        return Some(Color::Ansi(39));
    }
    if word.len() == 7 && word.starts_with('#') {
        let hex = |i: usize| u8::from_str_radix(&word[i..i + 2], 16).ok();
        if let (Some(r), Some(g), Some(b)) = (hex(1), hex(3), hex(5)) {
            return Some(Color::Rgb(r, g, b));
        }
    }
    let (bright, name) = match lower.strip_prefix("bright") {
        Some(rest) => (true, rest),
        None => (false, lower.as_str()),
    };
    if let Some(i) = NAMES.iter().position(|n| *n == name) {
        return Some(Color::Ansi(i as u32 + if bright { 90 } else { 30 }));
    }
    let v: i64 = word.parse().ok()?;
    match v {
        -1 => Some(Color::Normal),
        0..=7 => Some(Color::Ansi(v as u32 + 30)),
        8..=15 => Some(Color::Ansi(v as u32 - 8 + 90)),
        16..=255 => Some(Color::C256(v as u32)),
        _ => None,
    }
}

fn parse_attr(word: &str) -> Option<u32> {
    const ATTRS: [(&str, u32, u32); 7] = [
        ("bold", 1, 22),
        ("dim", 2, 22),
        ("italic", 3, 23),
        ("ul", 4, 24),
        ("blink", 5, 25),
        ("reverse", 7, 27),
        ("strike", 9, 29),
    ];
    let (neg, w) = match word.strip_prefix("no") {
        Some(r) => (true, r.strip_prefix('-').unwrap_or(r)),
        None => (false, word),
    };
    ATTRS
        .iter()
        .find(|(n, _, _)| *n == w)
        .map(|(_, v, n)| if neg { *n } else { *v })
}

/// Parses a colour value into its escape sequence (empty for an empty value); `None` when
/// git would say "invalid color value".
pub fn parse(value: &str) -> Option<String> {
    let mut fg = Color::Unspecified;
    let mut bg = Color::Unspecified;
    let mut reset = false;
    let mut attrs: u64 = 0;
    for word in value
        .split([' ', '\t', '\n', '\r'])
        .filter(|w| !w.is_empty())
    {
        if word.eq_ignore_ascii_case("reset") {
            reset = true;
            continue;
        }
        if let Some(c) = parse_one(word) {
            if matches!(fg, Color::Unspecified) {
                fg = c;
            } else if matches!(bg, Color::Unspecified) {
                bg = c;
            } else {
                return None;
            }
            continue;
        }
        attrs |= 1 << parse_attr(word)?;
    }
    if !reset && attrs == 0 && matches!(fg, Color::Unspecified) && matches!(bg, Color::Unspecified)
    {
        return Some(String::new());
    }
    let mut out = String::from("\x1b[");
    let mut sep = usize::from(reset);
    let push = |s: String, out: &mut String, sep: &mut usize| {
        if *sep > 0 {
            out.push(';');
        }
        *sep += 1;
        out.push_str(&s);
    };
    for i in 0..64 {
        if attrs & (1 << i) != 0 {
            push(i.to_string(), &mut out, &mut sep);
        }
    }
    for (c, background) in [(&fg, false), (&bg, true)] {
        let s = match c {
            Color::Unspecified => continue,
            Color::Normal => String::new(),
            Color::Ansi(v) => (v + if background { 10 } else { 0 }).to_string(),
            Color::C256(v) => format!("{};5;{v}", if background { 48 } else { 38 }),
            Color::Rgb(r, g, b) => format!("{};2;{r};{g};{b}", if background { 48 } else { 38 }),
        };
        push(s, &mut out, &mut sep);
    }
    out.push('m');
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_colors_like_git() {
        assert_eq!(super::parse("red").unwrap(), "\x1b[31m");
        assert_eq!(super::parse("bold red").unwrap(), "\x1b[1;31m");
        assert_eq!(super::parse("red blue").unwrap(), "\x1b[31;44m");
        assert_eq!(super::parse("reset").unwrap(), "\x1b[m");
        assert_eq!(super::parse("#ff0000 ul").unwrap(), "\x1b[4;38;2;255;0;0m");
        assert_eq!(super::parse("brightgreen nobold").unwrap(), "\x1b[22;92m");
        assert_eq!(super::parse("200").unwrap(), "\x1b[38;5;200m");
        assert!(super::parse("bogus").is_none());
        assert_eq!(super::parse("").unwrap(), "");
    }
}
