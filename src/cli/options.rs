//! git's `parse-options` conventions for the commands that use them (`ls-tree`,
//! `for-each-ref`, `show-ref`, `blame`): bundled short flags (`-rt`), values attached or
//! separate (`-L1,2`, `-L 1,2`, `--format=x`, `--format x`), optional values only with
//! `=`, `--no-<name>`, unique prefixes of long names, `--` and `--end-of-options`, and
//! options mixed with other arguments.

use std::io::Write;

/// Whether an option takes a value.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Takes {
    /// A flag.
    Nothing,
    /// A value, attached or as the next argument.
    Value,
    /// An optional value, only attached (`--abbrev=7`, `-s7`).
    Optional,
}

/// One option a command accepts.
#[derive(Clone, Copy)]
pub(super) struct Spec {
    /// The one-letter form, if any.
    pub short: Option<char>,
    /// The long name (without `--`), or "" if none.
    pub long: &'static str,
    /// What it takes.
    pub takes: Takes,
    /// Whether `--no-<long>` is accepted.
    pub negatable: bool,
}

/// A flag with a long and maybe a short name.
pub(super) const fn flag(short: Option<char>, long: &'static str) -> Spec {
    Spec {
        short,
        long,
        takes: Takes::Nothing,
        negatable: true,
    }
}

/// An option taking a value.
pub(super) const fn value(short: Option<char>, long: &'static str) -> Spec {
    Spec {
        short,
        long,
        takes: Takes::Value,
        negatable: true,
    }
}

/// A long-only option that `--no-` does not negate (git's `PARSE_OPT_NONEG`, command modes).
pub(super) const fn fixed(spec: Spec) -> Spec {
    Spec {
        negatable: false,
        ..spec
    }
}

/// An option with an optional attached value.
pub(super) const fn optional(short: Option<char>, long: &'static str) -> Spec {
    Spec {
        short,
        long,
        takes: Takes::Optional,
        negatable: true,
    }
}

/// One parsed argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Parsed {
    /// An option: its name (the long name, or the letter if it has none), its value, whether
    /// it was negated, and how the user spelled it (`-l`, `--long`) for messages.
    Opt {
        name: &'static str,
        value: Option<String>,
        negated: bool,
        spelled: String,
    },
    /// Anything else (after `--`, everything).
    Arg(String),
    /// The `--` separator itself (arguments after it follow as `Arg`).
    DashDash,
}

impl Parsed {
    /// The option's name, value and negation; other arguments are pushed to `args` (and
    /// `--` is dropped), giving `None`.
    pub(super) fn opt_or_arg(
        self,
        args: &mut Vec<String>,
    ) -> Option<(&'static str, Option<String>, bool)> {
        match self {
            Parsed::Opt {
                name,
                value,
                negated,
                ..
            } => Some((name, value, negated)),
            Parsed::Arg(a) => {
                args.push(a);
                None
            }
            Parsed::DashDash => None,
        }
    }
}

/// Where git prints the usage text after an option error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum UsageTo {
    /// Nowhere (bad values).
    Nowhere,
    /// Standard error (unknown options).
    Stderr,
    /// Standard output (ambiguous abbreviations).
    Stdout,
}

/// A usage error: the `error:` line git prints (exit status 129), and where git prints
/// the usage text after it.
pub(super) struct UsageError(pub String, pub UsageTo);

impl UsageError {
    /// An error git reports without the usage text.
    fn bare(message: String) -> UsageError {
        UsageError(message, UsageTo::Nowhere)
    }

    /// Prints the error (and the usage text `usage` where git would); returns 129.
    pub(super) fn report(&self, usage: &str, out: &mut dyn Write) -> i32 {
        match self.1 {
            UsageTo::Nowhere => usage_error(&self.0, ""),
            UsageTo::Stderr => usage_error(&self.0, usage),
            UsageTo::Stdout => {
                usage_error(&self.0, "");
                let _ = out.write_all(usage.as_bytes());
                129
            }
        }
    }
}

/// Prints `error: <message>` and the usage text to standard error; returns git's 129.
pub(super) fn usage_error(message: &str, usage: &str) -> i32 {
    if !message.is_empty() {
        eprintln!("error: {message}");
    }
    eprint!("{usage}");
    129
}

/// The name an option is reported by.
fn name_of(spec: &Spec) -> &'static str {
    if spec.long.is_empty() {
        // A short-only option: its letter (the specs' letters are ASCII).
        const LETTERS: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        let c = spec.short.unwrap_or('?');
        match LETTERS.find(c) {
            Some(i) => &LETTERS[i..i + 1],
            None => "?",
        }
    } else {
        spec.long
    }
}

/// Parses `args` against `specs` the way git's `parse_options` does. With
/// `stop_at_non_option`, everything from the first non-option on is taken as arguments.
pub(super) fn parse(
    args: &[String],
    specs: &[Spec],
    stop_at_non_option: bool,
) -> Result<Vec<Parsed>, UsageError> {
    if args.len() == 1 && args[0] == "-h" {
        // git's help request: the usage text on standard output.
        return Err(UsageError(String::new(), UsageTo::Stdout));
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            out.push(Parsed::DashDash);
            out.extend(args[i..].iter().cloned().map(Parsed::Arg));
            break;
        }
        if a == "--end-of-options" {
            out.extend(args[i..].iter().cloned().map(Parsed::Arg));
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (name, attached) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let (spec, negated) = find_long(specs, name)?;
            let value = match spec.takes {
                Takes::Nothing => {
                    if attached.is_some() {
                        return Err(UsageError::bare(format!(
                            "option `{}' takes no value",
                            if negated {
                                format!("no-{}", spec.long)
                            } else {
                                spec.long.to_string()
                            }
                        )));
                    }
                    None
                }
                _ if negated => {
                    if attached.is_some() {
                        return Err(UsageError::bare(format!(
                            "option `no-{}' takes no value",
                            spec.long
                        )));
                    }
                    None
                }
                Takes::Optional => attached,
                Takes::Value => match attached {
                    Some(v) => Some(v),
                    None => match args.get(i) {
                        Some(v) => {
                            i += 1;
                            Some(v.clone())
                        }
                        None => {
                            return Err(UsageError::bare(format!(
                                "option `{}' requires a value",
                                spec.long
                            )))
                        }
                    },
                },
            };
            out.push(Parsed::Opt {
                name: name_of(&spec),
                value,
                negated,
                spelled: format!(
                    "--{}",
                    if negated {
                        format!("no-{}", spec.long)
                    } else {
                        spec.long.to_string()
                    }
                ),
            });
            continue;
        }
        if a.len() > 1 && a.starts_with('-') {
            let letters: Vec<char> = a[1..].chars().collect();
            let mut k = 0;
            while k < letters.len() {
                let c = letters[k];
                k += 1;
                let Some(spec) = specs.iter().find(|s| s.short == Some(c)) else {
                    return Err(UsageError(format!("unknown switch `{c}'"), UsageTo::Stderr));
                };
                let rest: String = letters[k..].iter().collect();
                let value = match spec.takes {
                    Takes::Nothing => None,
                    Takes::Optional => {
                        k = letters.len();
                        (!rest.is_empty()).then_some(rest)
                    }
                    Takes::Value => {
                        k = letters.len();
                        if !rest.is_empty() {
                            Some(rest)
                        } else if let Some(v) = args.get(i) {
                            i += 1;
                            Some(v.clone())
                        } else {
                            return Err(UsageError::bare(format!("switch `{c}' requires a value")));
                        }
                    }
                };
                out.push(Parsed::Opt {
                    name: name_of(spec),
                    value,
                    negated: false,
                    spelled: format!("-{c}"),
                });
            }
            continue;
        }
        if stop_at_non_option {
            out.extend(args[i - 1..].iter().cloned().map(Parsed::Arg));
            break;
        }
        out.push(Parsed::Arg(a.clone()));
    }
    Ok(out)
}

/// Finds the long option `name` (maybe `no-<name>`, maybe a unique prefix).
fn find_long(specs: &[Spec], name: &str) -> Result<(Spec, bool), UsageError> {
    let longs = || specs.iter().filter(|s| !s.long.is_empty());
    if let Some(s) = longs().find(|s| s.long == name) {
        return Ok((*s, false));
    }
    if let Some(rest) = name.strip_prefix("no-") {
        if let Some(s) = longs().find(|s| s.long == rest && s.negatable) {
            return Ok((*s, true));
        }
    }
    // Unique prefixes, of the plain and of the negated names.
    let mut hits: Vec<(Spec, bool)> = longs()
        .filter(|s| !name.is_empty() && s.long.starts_with(name))
        .map(|s| (*s, false))
        .collect();
    if let Some(rest) = name.strip_prefix("no-") {
        hits.extend(
            longs()
                .filter(|s| s.negatable && !rest.is_empty() && s.long.starts_with(rest))
                .map(|s| (*s, true)),
        );
    }
    match hits.len() {
        1 => Ok(hits[0]),
        0 => Err(UsageError(
            format!("unknown option `{name}'"),
            UsageTo::Stderr,
        )),
        _ => {
            let show = |(s, neg): &(Spec, bool)| {
                if *neg {
                    format!("--no-{}", s.long)
                } else {
                    format!("--{}", s.long)
                }
            };
            Err(UsageError(
                format!(
                    "ambiguous option: {name} (could be {} or {})",
                    show(&hits[0]),
                    show(&hits[1])
                ),
                UsageTo::Stdout,
            ))
        }
    }
}

/// git's `OPT__ABBREV` value: `None` for the default length, `Some(0)` for full ids, else
/// the length clamped to `4..=hex_len`.
pub(super) fn abbrev_value(
    value: Option<&str>,
    negated: bool,
    hex_len: usize,
    option: &str,
) -> Result<Option<usize>, UsageError> {
    if negated {
        return Ok(Some(0));
    }
    let Some(v) = value else {
        return Ok(None);
    };
    let n: i64 = parse_c_long(v)
        .ok_or_else(|| UsageError::bare(format!("option `{option}' expects a numerical value")))?;
    Ok(Some(if n <= 0 {
        0
    } else if (n as u64) < crate::revision::MIN_ABBREV as u64 {
        crate::revision::MIN_ABBREV
    } else {
        (n as u64).min(hex_len as u64) as usize
    }))
}

/// `strtol` of a whole string in base 10 (git rejects trailing garbage and empty values).
pub(super) fn parse_c_long(v: &str) -> Option<i64> {
    let t = v.trim_start();
    if t.is_empty() {
        return None;
    }
    let (neg, digits) = match t.as_bytes()[0] {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut n: i64 = 0;
    for b in digits.bytes() {
        n = n.saturating_mul(10).saturating_add(i64::from(b - b'0'));
    }
    Some(if neg { -n } else { n })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[Spec] = &[
        flag(Some('r'), ""),
        flag(Some('t'), ""),
        flag(Some('l'), "long"),
        value(None, "format"),
        optional(None, "abbrev"),
        flag(None, "name-only"),
        flag(None, "name-status"),
    ];

    fn p(args: &[&str]) -> Result<Vec<Parsed>, String> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        parse(&args, SPECS, false).map_err(|e| e.0)
    }

    #[test]
    fn bundles_prefixes_and_values() {
        let got = p(&[
            "-rt",
            "HEAD",
            "--form",
            "%(path)",
            "--abbrev=5",
            "--no-abbrev",
        ])
        .unwrap();
        assert_eq!(got.len(), 6);
        assert!(matches!(&got[2], Parsed::Arg(a) if a == "HEAD"));
        assert!(
            matches!(&got[3], Parsed::Opt { name: "format", value: Some(v), .. } if v == "%(path)")
        );
        assert!(matches!(
            &got[5],
            Parsed::Opt {
                name: "abbrev",
                negated: true,
                ..
            }
        ));
        assert_eq!(
            p(&["--name"]).unwrap_err(),
            "ambiguous option: name (could be --name-only or --name-status)"
        );
        assert_eq!(p(&["-x"]).unwrap_err(), "unknown switch `x'");
        assert_eq!(
            p(&["--format"]).unwrap_err(),
            "option `format' requires a value"
        );
        assert_eq!(
            p(&["--long=1"]).unwrap_err(),
            "option `long' takes no value"
        );
        assert!(matches!(&p(&["--", "-r"]).unwrap()[1], Parsed::Arg(a) if a == "-r"));
    }

    #[test]
    fn abbrev_values() {
        assert_eq!(
            abbrev_value(Some("2"), false, 40, "abbrev").ok(),
            Some(Some(4))
        );
        assert_eq!(
            abbrev_value(Some("99"), false, 40, "abbrev").ok(),
            Some(Some(40))
        );
        assert_eq!(abbrev_value(None, false, 40, "abbrev").ok(), Some(None));
        assert_eq!(abbrev_value(None, true, 40, "abbrev").ok(), Some(Some(0)));
        assert!(abbrev_value(Some("x"), false, 40, "abbrev").is_err());
        assert!(abbrev_value(Some(""), false, 40, "abbrev").is_err());
    }
}
