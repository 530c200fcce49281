//! Dates as git prints and parses them: every `--date` mode of `show_date` (`relative`,
//! `local`, `iso`, `iso-strict`, `rfc`, `short`, `raw`, `human`, `unix`, `default`,
//! `format:<strftime>`, each with the `-local` suffix), and git's date parsing for
//! `--since`/`--until` (`parse_date_basic` and `approxidate`: `2 weeks ago`, `yesterday`,
//! `noon`, ISO 8601, RFC 2822, `@<unix>`...).
//!
//! Times are seconds since the epoch; zones are git's "decimal" offsets (`-0130` is the
//! integer `-130`). "Now" and the local zone come from a [`Clock`], so callers (and tests)
//! fix them: [`Clock::from_env`] honours `GIT_TEST_DATE_NOW` as git does.
//!
//! ```
//! use oxgit::object::date::{show_date, Clock, DateMode};
//!
//! let clock = Clock::fixed(1_700_000_000);
//! let mode = DateMode::parse("iso-strict").unwrap();
//! assert_eq!(show_date(1_600_000_000, 200, &mode, &clock), "2020-09-13T14:26:40+02:00");
//! let relative = DateMode::parse("relative").unwrap();
//! assert_eq!(show_date(1_699_990_000, 0, &relative, &clock), "3 hours ago");
//! ```

use std::fmt::Write as _;

/// git's default date format in the given zone: `Tue Nov 14 22:13:20 2023 +0000`.
pub fn format_default(time: i64, tz: &[u8]) -> String {
    show_date(time, parse_tz(tz), &DateMode::default(), &Clock::fixed(0))
}

/// `YYYY-MM-DD` of a Unix time (UTC), as git's short date format prints it.
pub fn short_date(time: i64) -> String {
    let (year, month, day) = civil_from_days(time.div_euclid(86_400));
    format!("{year:04}-{month:02}-{day:02}")
}

/// A zone as written in an identity (`+0200`), as git's `strtol` reads it: the integer
/// `200`. Anything unparsable is 0.
pub fn parse_tz(tz: &[u8]) -> i32 {
    let (neg, digits) = match tz.first() {
        Some(b'-') => (true, &tz[1..]),
        Some(b'+') => (false, &tz[1..]),
        _ => (false, tz),
    };
    let mut v: i64 = 0;
    for &b in digits.iter().take_while(|b| b.is_ascii_digit()) {
        v = (v * 10 + i64::from(b - b'0')).min(i64::from(i32::MAX));
    }
    let v = if neg { -v } else { v };
    if v >= i64::from(i32::MAX) || v <= i64::from(i32::MIN) {
        0
    } else {
        v as i32
    }
}

/// Why a `--date` value or a date string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not one of git's date formats (git's message).
    #[error("unknown date format {0}")]
    UnknownFormat(String),
    /// `format` without the `:` (git's message).
    #[error("date format missing colon separator: {0}")]
    MissingColon(String),
    /// A strftime conversion oxgit does not implement.
    #[error("oxgit does not support the strftime conversion '{0}' in --date=format:")]
    UnsupportedStrftime(String),
}

/// A `--date` style.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum DateStyle {
    /// `default`: `Tue Nov 14 22:13:20 2023 +0000`.
    #[default]
    Default,
    /// `relative`: `2 hours ago`.
    Relative,
    /// `iso` / `iso8601`: `2023-11-14 22:13:20 +0000`.
    Iso,
    /// `iso-strict` / `iso8601-strict`: `2023-11-14T22:13:20Z`.
    IsoStrict,
    /// `rfc` / `rfc2822`: `Tue, 14 Nov 2023 22:13:20 +0000`.
    Rfc2822,
    /// `short`: `2023-11-14`.
    Short,
    /// `raw`: `1700000000 +0000`.
    Raw,
    /// `human`: relative for today, fewer fields for recent dates.
    Human,
    /// `unix`: `1700000000`.
    Unix,
    /// `format:<strftime>`.
    Strftime(String),
}

/// A `--date` mode: a style and whether to show it in the local zone (`-local`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct DateMode {
    /// The style.
    pub style: DateStyle,
    /// Show the time in the local zone instead of the identity's own zone.
    pub local: bool,
}

impl DateMode {
    /// A mode of the given style in the identity's zone.
    pub fn new(style: DateStyle) -> DateMode {
        DateMode {
            style,
            local: false,
        }
    }

    /// Parses a `--date=` / `log.date` value as git's `parse_date_format` does
    /// (`auto:<mode>` means `<mode>` on a terminal: `on_terminal` says whether it is).
    pub fn parse_with_terminal(value: &str, on_terminal: bool) -> Result<DateMode, DateError> {
        let mut format = value;
        if let Some(rest) = value.strip_prefix("auto:") {
            format = if on_terminal { rest } else { "default" };
        }
        if format == "local" {
            format = "default-local";
        }
        let table: &[(&str, DateStyle)] = &[
            ("relative", DateStyle::Relative),
            ("iso8601-strict", DateStyle::IsoStrict),
            ("iso-strict", DateStyle::IsoStrict),
            ("iso8601", DateStyle::Iso),
            ("iso", DateStyle::Iso),
            ("rfc2822", DateStyle::Rfc2822),
            ("rfc", DateStyle::Rfc2822),
            ("short", DateStyle::Short),
            ("default", DateStyle::Default),
            ("human", DateStyle::Human),
            ("raw", DateStyle::Raw),
            ("unix", DateStyle::Unix),
        ];
        let (style, mut rest) = match table.iter().find(|(n, _)| format.starts_with(n)) {
            Some((n, s)) => (s.clone(), &format[n.len()..]),
            None => match format.strip_prefix("format") {
                Some(rest) => (DateStyle::Strftime(String::new()), rest),
                None => return Err(DateError::UnknownFormat(format.to_string())),
            },
        };
        let mut local = false;
        if let Some(r) = rest.strip_prefix("-local") {
            local = true;
            rest = r;
        }
        let style = match style {
            DateStyle::Strftime(_) => {
                let Some(f) = rest.strip_prefix(':') else {
                    return Err(DateError::MissingColon(format.to_string()));
                };
                check_strftime(f)?;
                DateStyle::Strftime(f.to_string())
            }
            s if rest.is_empty() => s,
            _ => return Err(DateError::UnknownFormat(format.to_string())),
        };
        Ok(DateMode { style, local })
    }

    /// [`DateMode::parse_with_terminal`] for output that is not a terminal.
    pub fn parse(value: &str) -> Result<DateMode, DateError> {
        DateMode::parse_with_terminal(value, false)
    }
}

/// The local time zone, for `-local` modes, `human` dates and date parsing. The system's
/// zone is looked up on first use: finding it can mean reading the whole zone database
/// (30% of a `rev-list --count` that needs no date).
#[derive(Clone, Debug)]
pub struct LocalZone(std::sync::OnceLock<jiff::tz::TimeZone>);

impl LocalZone {
    /// UTC.
    pub fn utc() -> LocalZone {
        LocalZone(std::sync::OnceLock::from(jiff::tz::TimeZone::UTC))
    }

    /// The system's zone: `TZ` if set, else `/etc/localtime` (UTC if neither is usable),
    /// as the C library's `localtime` finds it.
    pub fn system() -> LocalZone {
        LocalZone(std::sync::OnceLock::new())
    }

    fn zone(&self) -> &jiff::tz::TimeZone {
        self.0
            .get_or_init(|| jiff::tz::TimeZone::try_system().unwrap_or(jiff::tz::TimeZone::UTC))
    }

    /// The zone's offset from UTC at `time`, in seconds, and its abbreviation.
    fn offset_at(&self, time: i64) -> (i64, String) {
        match jiff::Timestamp::from_second(time) {
            Ok(ts) => {
                let info = self.zone().to_offset_info(ts);
                (
                    i64::from(info.offset().seconds()),
                    info.abbreviation().to_string(),
                )
            }
            Err(_) => (0, "UTC".to_string()),
        }
    }

    /// The broken-down local time of `time` (`localtime_r`).
    fn localtime(&self, time: i64) -> Tm {
        let (off, _) = self.offset_at(time);
        Tm::from_local_seconds(time + off)
    }

    /// The Unix time of a local broken-down time, normalizing out-of-range fields
    /// (`mktime`).
    fn mktime(&self, tm: &Tm) -> i64 {
        let local = tm.to_local_seconds();
        let (off0, _) = self.offset_at(local);
        let guess = local - off0;
        let (off1, _) = self.offset_at(guess);
        if off1 == off0 {
            guess
        } else {
            local - off1
        }
    }
}

/// "Now" and the local zone, as the date code needs them.
#[derive(Clone, Debug)]
pub struct Clock {
    /// The current time (seconds since the epoch).
    pub now: i64,
    /// The local zone.
    pub zone: LocalZone,
}

impl Clock {
    /// A clock stopped at `now`, in UTC.
    pub fn fixed(now: i64) -> Clock {
        Clock {
            now,
            zone: LocalZone::utc(),
        }
    }

    /// The real clock: now is `GIT_TEST_DATE_NOW` if set (as git reads it, with `atoi`),
    /// else the system time; the zone is the system's.
    pub fn from_env() -> Clock {
        let now = match std::env::var("GIT_TEST_DATE_NOW") {
            Ok(v) => i64::from(atoi(&v)),
            Err(_) => system_now(),
        };
        Clock {
            now,
            zone: LocalZone::system(),
        }
    }
}

/// The system time in seconds.
fn system_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// C's `atoi`: optional spaces and sign, then digits; 0 when there are none.
fn atoi(s: &str) -> i32 {
    let s = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (neg, d) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut v: i64 = 0;
    for b in d.bytes().take_while(u8::is_ascii_digit) {
        v = (v * 10 + i64::from(b - b'0')).min(1 << 40);
    }
    let v = if neg { -v } else { v };
    v as i32
}

/// A broken-down time (`struct tm`): full year, month 0–11, day of month, hour, minute,
/// second, weekday (0 = Sunday) and day of year (0-based). Fields may hold -1 while a
/// parser has not filled them in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Tm {
    /// Years since 1900, as in C.
    year: i64,
    mon: i64,
    mday: i64,
    hour: i64,
    min: i64,
    sec: i64,
    wday: i64,
    yday: i64,
}

impl Tm {
    /// The broken-down form of "local seconds" (a Unix time already shifted by the
    /// zone offset), as `gmtime_r` gives it.
    fn from_local_seconds(t: i64) -> Tm {
        let days = t.div_euclid(86_400);
        let secs = t.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        Tm {
            year: y - 1900,
            mon: m - 1,
            mday: d,
            hour: secs / 3600,
            min: secs / 60 % 60,
            sec: secs % 60,
            wday: (days + 4).rem_euclid(7),
            yday: days - days_from_civil(y, 1, 1),
        }
    }

    /// The inverse of [`Tm::from_local_seconds`], normalizing out-of-range fields.
    fn to_local_seconds(self) -> i64 {
        let mon = self.mon.rem_euclid(12);
        let year = self.year + 1900 + self.mon.div_euclid(12);
        let days = days_from_civil(year, mon + 1, 1) + self.mday - 1;
        days * 86_400 + self.hour * 3600 + self.min * 60 + self.sec
    }
}

/// Converts days since 1970-01-01 to a (year, month, day) civil date.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Days since 1970-01-01 of a civil date (month 1–12).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = [
    "Sundays",
    "Mondays",
    "Tuesdays",
    "Wednesdays",
    "Thursdays",
    "Fridays",
    "Saturdays",
];

/// The offset in seconds of a decimal zone (`-130` is minus 90 minutes).
fn tz_seconds(tz: i32) -> i64 {
    let m = i64::from(tz).abs();
    let minutes = (m / 100) * 60 + m % 100;
    if tz < 0 {
        -minutes * 60
    } else {
        minutes * 60
    }
}

/// A decimal zone of an offset in seconds (git's `local_time_tzoffset` rounding).
fn tz_decimal(offset_seconds: i64) -> i32 {
    let sign = if offset_seconds < 0 { -1 } else { 1 };
    let minutes = offset_seconds.abs() / 60;
    (sign * ((minutes % 60) + (minutes / 60) * 100)) as i32
}

/// `%+05d` of a decimal zone.
fn fmt_tz(tz: i32) -> String {
    format!(
        "{}{:04}",
        if tz < 0 { '-' } else { '+' },
        i64::from(tz).abs()
    )
}

/// The largest time git's date code accepts before treating it as 0 (`date_overflows`
/// with a 64-bit `time_t` never triggers; gmtime fails past year 2^31).
const MAX_TIME: i64 = 67_767_976_233_316_604;

/// The message git's `show_date` dies with for `time` (unsigned, as git keeps it) in
/// zone `tz` and `mode`, or `None` when git formats it: a time that the zone moves
/// before the epoch or past what `time_t` holds (git's `gm_time_t`), or a `-local` mode
/// on a time `time_t` cannot hold (`local_tzoffset`). [`show_date`] itself never fails
/// (it is given times that callers such as `log` have already made safe); callers that
/// hand git's raw timestamps to `show_date`, such as `for-each-ref`, check first.
pub fn show_date_fails(time: u64, tz: i32, mode: &DateMode) -> Option<String> {
    let overflows = |t: u64| t > i64::MAX as u64;
    if mode.style == DateStyle::Unix {
        return None;
    }
    if mode.local {
        return overflows(time).then(|| format!("Timestamp too large for this system: {time}"));
    }
    if matches!(mode.style, DateStyle::Raw | DateStyle::Relative) {
        return None;
    }
    // gm_time_t, in C's int arithmetic (which wraps on the damaged zones that overflow).
    let abs = if tz < 0 { tz.wrapping_neg() } else { tz };
    let minutes = (abs / 100).wrapping_mul(60).wrapping_add(abs % 100);
    let minutes = if tz < 0 {
        minutes.wrapping_neg()
    } else {
        minutes
    };
    let shift = i64::from(minutes.wrapping_mul(60)) as u64;
    if minutes > 0 {
        if shift > u64::MAX - time {
            return Some(format!("Timestamp+tz too large: {time} +{tz:04}"));
        }
    } else if time < i64::from(minutes.wrapping_neg().wrapping_mul(60)) as u64 {
        return Some(format!("Timestamp before Unix epoch: {time} {tz:04}"));
    }
    let shifted = time.wrapping_add(shift);
    overflows(shifted).then(|| format!("Timestamp too large for this system: {shifted}"))
}

/// [`show_date`] for a timestamp as git keeps it (unsigned, straight from an object):
/// git's message in `Err` where it dies ([`show_date_fails`]); past `i64` only the modes
/// without a calendar are left (`unix` and `raw` print it, `relative` is in the future).
pub fn show_date_unsigned(
    time: u64,
    tz: i32,
    mode: &DateMode,
    clock: &Clock,
) -> Result<String, String> {
    if let Some(message) = show_date_fails(time, tz, mode) {
        return Err(message);
    }
    Ok(match i64::try_from(time) {
        Ok(t) => show_date(t, tz, mode, clock),
        Err(_) => match mode.style {
            DateStyle::Unix => time.to_string(),
            DateStyle::Raw => format!("{time} {}", fmt_tz(tz)),
            _ => "in the future".to_string(),
        },
    })
}

/// Formats `time` in zone `tz` (decimal, as in identities) in `mode`, as git's
/// `show_date` does.
pub fn show_date(time: i64, tz: i32, mode: &DateMode, clock: &Clock) -> String {
    let mut tz = tz;
    if mode.style == DateStyle::Unix {
        return time.to_string();
    }
    let mut human: Option<(Tm, i32)> = None;
    if mode.style == DateStyle::Human {
        let (off, _) = clock.zone.offset_at(clock.now);
        human = Some((clock.zone.localtime(clock.now), tz_decimal(off)));
    }
    if mode.local {
        tz = tz_decimal(clock.zone.offset_at(time).0);
    }
    if mode.style == DateStyle::Raw {
        return format!("{time} {}", fmt_tz(tz));
    }
    if mode.style == DateStyle::Relative {
        return relative(time, clock.now);
    }
    let mut zone_name = String::new();
    let mut local_time = if mode.local {
        let (off, name) = clock.zone.offset_at(time);
        zone_name = name;
        time.checked_add(off)
    } else {
        time.checked_add(tz_seconds(tz))
    };
    if local_time.is_none_or(|t| t.abs() > MAX_TIME) {
        // git falls back to gmtime(0), whose zone name is glibc's "GMT".
        local_time = Some(0);
        tz = 0;
        zone_name = "GMT".to_string();
    }
    let tm = Tm::from_local_seconds(local_time.unwrap_or(0));
    let wday = &WEEKDAYS[tm.wday as usize][..3];
    let month = &MONTHS[tm.mon as usize][..3];
    match &mode.style {
        DateStyle::Short => format!("{:04}-{:02}-{:02}", tm.year + 1900, tm.mon + 1, tm.mday),
        DateStyle::Iso => format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02} {}",
            tm.year + 1900,
            tm.mon + 1,
            tm.mday,
            tm.hour,
            tm.min,
            tm.sec,
            fmt_tz(tz)
        ),
        DateStyle::IsoStrict => {
            let mut s = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                tm.year + 1900,
                tm.mon + 1,
                tm.mday,
                tm.hour,
                tm.min,
                tm.sec
            );
            if tz == 0 {
                s.push('Z');
            } else {
                let a = i64::from(tz).abs();
                let _ = write!(
                    s,
                    "{}{:02}:{:02}",
                    if tz >= 0 { '+' } else { '-' },
                    a / 100,
                    a % 100
                );
            }
            s
        }
        DateStyle::Rfc2822 => format!(
            "{wday}, {} {month} {} {:02}:{:02}:{:02} {}",
            tm.mday,
            tm.year + 1900,
            tm.hour,
            tm.min,
            tm.sec,
            fmt_tz(tz)
        ),
        DateStyle::Strftime(f) => strftime(f, &tm, tz, !mode.local, &zone_name),
        _ => normal(time, &tm, tz, human, mode.local, clock.now),
    }
}

/// git's `show_date_relative`.
fn relative(time: i64, now: i64) -> String {
    if now < time {
        return "in the future".to_string();
    }
    let plural = |n: i64, one: &str, many: &str| {
        if n == 1 {
            format!("{n} {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let mut diff = now - time;
    if diff < 90 {
        return plural(diff, "second ago", "seconds ago");
    }
    diff = (diff + 30) / 60;
    if diff < 90 {
        return plural(diff, "minute ago", "minutes ago");
    }
    diff = (diff + 30) / 60;
    if diff < 36 {
        return plural(diff, "hour ago", "hours ago");
    }
    diff = (diff + 12) / 24;
    if diff < 14 {
        return plural(diff, "day ago", "days ago");
    }
    if diff < 70 {
        return plural((diff + 3) / 7, "week ago", "weeks ago");
    }
    if diff < 365 {
        return plural((diff + 15) / 30, "month ago", "months ago");
    }
    if diff < 1825 {
        let total_months = (diff * 12 * 2 + 365) / (365 * 2);
        let years = total_months / 12;
        let months = total_months % 12;
        if months != 0 {
            let y = plural(years, "year", "years");
            return format!("{y}, {}", plural(months, "month ago", "months ago"));
        }
        return plural(years, "year ago", "years ago");
    }
    plural((diff + 183) / 365, "year ago", "years ago")
}

/// git's `show_date_normal` (the default and `human` styles).
fn normal(time: i64, tm: &Tm, tz: i32, human: Option<(Tm, i32)>, local: bool, now: i64) -> String {
    let (human_tm, human_tz) = human.unwrap_or((
        Tm {
            year: 0,
            ..Tm::default()
        },
        -1,
    ));
    let mut hide_tz = local || tz == human_tz;
    let hide_year = tm.year == human_tm.year;
    let mut hide_date = false;
    let mut hide_wday = false;
    let mut hide_time = false;
    let mut hide_seconds = false;
    if hide_year && tm.mon == human_tm.mon {
        if tm.mday > human_tm.mday {
            // A future date: think time zones.
        } else if tm.mday == human_tm.mday {
            hide_date = true;
            hide_wday = true;
        } else if tm.mday + 5 > human_tm.mday {
            hide_date = true;
        }
    }
    if hide_wday {
        return relative(time, now);
    }
    if human_tm.year != 0 {
        hide_seconds = true;
        hide_tz |= !hide_date;
        hide_wday = !hide_year;
        hide_time = !hide_year;
    }
    let mut s = String::new();
    if !hide_wday {
        let _ = write!(s, "{} ", &WEEKDAYS[tm.wday as usize][..3]);
    }
    if !hide_date {
        let _ = write!(s, "{} {} ", &MONTHS[tm.mon as usize][..3], tm.mday);
    }
    if !hide_time {
        let _ = write!(s, "{:02}:{:02}", tm.hour, tm.min);
        if !hide_seconds {
            let _ = write!(s, ":{:02}", tm.sec);
        }
    } else {
        s.truncate(s.trim_end().len());
    }
    if !hide_year {
        let _ = write!(s, " {}", tm.year + 1900);
    }
    if !hide_tz {
        let _ = write!(s, " {}", fmt_tz(tz));
    }
    s
}

/// Checks that every conversion of a `format:` string is one [`strftime`] implements.
fn check_strftime(f: &str) -> Result<(), DateError> {
    let b = f.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'%' {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < b.len() && b"_-0^#".contains(&b[i]) {
            i += 1;
        }
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        while i < b.len() && (b[i] == b'E' || b[i] == b'O') {
            i += 1;
        }
        let Some(&c) = b.get(i) else {
            // A lone `%` at the end: glibc prints it as is.
            return Ok(());
        };
        let plain = i == start + 1;
        let known = b"aAbBcCdDeFgGhHIjklmMnpPrRsStTuUVwWxXyYzZ%+".contains(&c);
        // git itself rewrites %z, %Z and %s before strftime sees them: with flags,
        // glibc would read fields oxgit does not keep.
        if !known || (!plain && b"zZs%".contains(&c)) {
            let end = (i + 1).min(b.len());
            return Err(DateError::UnsupportedStrftime(
                String::from_utf8_lossy(&b[start..end]).into_owned(),
            ));
        }
        i += 1;
    }
    Ok(())
}

/// git's `strbuf_addftime` over glibc's `strftime` in the C locale.
fn strftime(fmt: &str, tm: &Tm, tz: i32, suppress_tz_name: bool, zone_name: &str) -> String {
    let b = fmt.as_bytes();
    let mut out: Vec<u8> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'%' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let mut flag = 0u8;
        while i < b.len() && b"_-0^#".contains(&b[i]) {
            if !matches!(b[i], b'^' | b'#') {
                flag = b[i];
            }
            i += 1;
        }
        let upcase = b[start + 1..i].contains(&b'^');
        let swapcase = b[start + 1..i].contains(&b'#');
        let mut width: Option<usize> = None;
        let wstart = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i > wstart {
            width = fmt[wstart..i].parse().ok();
        }
        while i < b.len() && (b[i] == b'E' || b[i] == b'O') {
            i += 1;
        }
        let Some(&c) = b.get(i) else {
            out.extend_from_slice(&b[start..]);
            break;
        };
        i += 1;
        let plain = i == start + 2;
        let num = |v: i64, digits: usize, pad: u8| -> Vec<u8> {
            let pad = match flag {
                b'-' => 0,
                b'_' => b' ',
                b'0' => b'0',
                _ => pad,
            };
            let s = v.abs().to_string();
            let w = width.unwrap_or(digits);
            let mut r = Vec::new();
            if v < 0 {
                r.push(b'-');
            }
            if pad != 0 && s.len() + r.len() < w {
                let fill = w - s.len() - r.len();
                if pad == b'0' {
                    r.extend(std::iter::repeat_n(b'0', fill));
                } else {
                    let mut sp: Vec<u8> = std::iter::repeat_n(b' ', fill).collect();
                    sp.extend_from_slice(&r);
                    r = sp;
                }
            }
            r.extend_from_slice(s.as_bytes());
            r
        };
        let text = |s: &str, swap_to_upper: bool| -> Vec<u8> {
            let mut v: Vec<u8> = if upcase || (swapcase && swap_to_upper) {
                s.to_ascii_uppercase().into_bytes()
            } else if swapcase {
                s.to_ascii_lowercase().into_bytes()
            } else {
                s.as_bytes().to_vec()
            };
            if let Some(w) = width {
                if v.len() < w {
                    let fill = if flag == b'0' { b'0' } else { b' ' };
                    let mut p: Vec<u8> = std::iter::repeat_n(fill, w - v.len()).collect();
                    p.append(&mut v);
                    v = p;
                }
            }
            v
        };
        let hour12 = if tm.hour % 12 == 0 { 12 } else { tm.hour % 12 };
        let (iso_year, iso_week) = iso_week(tm);
        let piece: Vec<u8> = match c {
            b'%' if plain => b"%".to_vec(),
            b'z' if plain => fmt_tz(tz).into_bytes(),
            b'Z' if plain => {
                if suppress_tz_name {
                    Vec::new()
                } else {
                    zone_name.as_bytes().to_vec()
                }
            }
            // git computes `%s` back from the broken-down time, in unsigned arithmetic
            // (so dates past 2099, where `tm_to_time_t` gives -1, wrap).
            b's' if plain => {
                let shift = 3600 * i64::from(tz / 100) + 60 * i64::from(tz % 100);
                (tm_to_time_t(tm) as u64)
                    .wrapping_sub(shift as u64)
                    .to_string()
                    .into_bytes()
            }
            b'a' => text(&WEEKDAYS[tm.wday as usize][..3], true),
            b'A' => text(WEEKDAYS[tm.wday as usize].trim_end_matches('s'), true),
            b'b' | b'h' => text(&MONTHS[tm.mon as usize][..3], true),
            b'B' => text(MONTHS[tm.mon as usize], true),
            b'c' => text(&strftime("%a %b %e %H:%M:%S %Y", tm, tz, true, ""), true),
            b'C' => num((tm.year + 1900).div_euclid(100), 2, b'0'),
            b'd' => num(tm.mday, 2, b'0'),
            b'D' => text(&strftime("%m/%d/%y", tm, tz, true, ""), false),
            b'e' => num(tm.mday, 2, b' '),
            b'F' => {
                let y = num(tm.year + 1900, 4, b'0');
                let mut v = y;
                v.extend_from_slice(strftime("-%m-%d", tm, tz, true, "").as_bytes());
                v
            }
            b'g' => num(iso_year.rem_euclid(100), 2, b'0'),
            b'G' => num(iso_year, 1, b'0'),
            b'H' => num(tm.hour, 2, b'0'),
            b'I' => num(hour12, 2, b'0'),
            b'j' => num(tm.yday + 1, 3, b'0'),
            b'k' => num(tm.hour, 2, b' '),
            b'l' => num(hour12, 2, b' '),
            b'm' => num(tm.mon + 1, 2, b'0'),
            b'M' => num(tm.min, 2, b'0'),
            b'n' => b"\n".to_vec(),
            b'p' => text(if tm.hour >= 12 { "PM" } else { "AM" }, false),
            b'P' => text(if tm.hour >= 12 { "pm" } else { "am" }, false),
            b'r' => text(&strftime("%I:%M:%S %p", tm, tz, true, ""), false),
            b'R' => text(&strftime("%H:%M", tm, tz, true, ""), false),
            b'S' => num(tm.sec, 2, b'0'),
            b't' => b"\t".to_vec(),
            b'T' => text(&strftime("%H:%M:%S", tm, tz, true, ""), false),
            b'u' => num(if tm.wday == 0 { 7 } else { tm.wday }, 1, b'0'),
            b'U' => num((tm.yday + 7 - tm.wday) / 7, 2, b'0'),
            b'V' => num(iso_week, 2, b'0'),
            b'w' => num(tm.wday, 1, b'0'),
            b'W' => num((tm.yday + 7 - (tm.wday + 6) % 7) / 7, 2, b'0'),
            b'x' => text(&strftime("%m/%d/%y", tm, tz, true, ""), false),
            b'X' => text(&strftime("%H:%M:%S", tm, tz, true, ""), false),
            b'y' => num((tm.year + 1900).rem_euclid(100), 2, b'0'),
            b'Y' => num(tm.year + 1900, 1, b'0'),
            // Unknown conversions are copied as written, as glibc does.
            _ => b[start..i].to_vec(),
        };
        out.extend_from_slice(&piece);
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The ISO 8601 week-based year and week number of a date.
fn iso_week(tm: &Tm) -> (i64, i64) {
    let year = tm.year + 1900;
    let wday = (tm.wday + 6) % 7; // Monday = 0
    let week = (tm.yday - wday + 10) / 7;
    let year_len = |y: i64| {
        if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
            366
        } else {
            365
        }
    };
    let weeks_in = |y: i64| {
        // A year has 53 weeks if Jan 1 is a Thursday, or a Wednesday in a leap year.
        let jan1 = (days_from_civil(y, 1, 1) + 3).rem_euclid(7); // Monday = 0
        if jan1 == 3 || (jan1 == 2 && year_len(y) == 366) {
            53
        } else {
            52
        }
    };
    if week < 1 {
        (year - 1, weeks_in(year - 1))
    } else if week > weeks_in(year) {
        (year + 1, 1)
    } else {
        (year, week)
    }
}

// ---------------------------------------------------------------------------------------
// Parsing: git's parse_date_basic and approxidate.
// ---------------------------------------------------------------------------------------

/// `match_string`: how many leading bytes of `date` match `s` case-insensitively, up to
/// the first non-alphanumeric byte of `date`; 0 on an alphanumeric mismatch.
fn match_string(date: &[u8], s: &str) -> usize {
    let s = s.as_bytes();
    let mut i = 0;
    while i < date.len() {
        let c = date[i];
        let want = s.get(i).copied().unwrap_or(0);
        if c.eq_ignore_ascii_case(&want) {
            i += 1;
            continue;
        }
        if !c.is_ascii_alphanumeric() {
            break;
        }
        return 0;
    }
    i
}

fn skip_alpha(date: &[u8]) -> usize {
    let mut i = 1;
    while date.get(i).is_some_and(u8::is_ascii_alphabetic) {
        i += 1;
    }
    i
}

const TIMEZONES: &[(&str, i64, i64)] = &[
    ("IDLW", -12, 0),
    ("NT", -11, 0),
    ("CAT", -10, 0),
    ("HST", -10, 0),
    ("HDT", -10, 1),
    ("YST", -9, 0),
    ("YDT", -9, 1),
    ("PST", -8, 0),
    ("PDT", -8, 1),
    ("MST", -7, 0),
    ("MDT", -7, 1),
    ("CST", -6, 0),
    ("CDT", -6, 1),
    ("EST", -5, 0),
    ("EDT", -5, 1),
    ("AST", -3, 0),
    ("ADT", -3, 1),
    ("WAT", -1, 0),
    ("GMT", 0, 0),
    ("UTC", 0, 0),
    ("Z", 0, 0),
    ("WET", 0, 0),
    ("BST", 0, 1),
    ("CET", 1, 0),
    ("MET", 1, 0),
    ("MEWT", 1, 0),
    ("MEST", 1, 1),
    ("CEST", 1, 1),
    ("MESZ", 1, 1),
    ("FWT", 1, 0),
    ("FST", 1, 1),
    ("EET", 2, 0),
    ("EEST", 2, 1),
    ("WAST", 7, 0),
    ("WADT", 7, 1),
    ("CCT", 8, 0),
    ("JST", 9, 0),
    ("EAST", 10, 0),
    ("EADT", 10, 1),
    ("GST", 10, 0),
    ("NZT", 12, 0),
    ("NZST", 12, 0),
    ("NZDT", 12, 1),
    ("IDLE", 12, 0),
];

/// A parser's broken-down time: -1 marks fields not seen yet.
fn unset_tm() -> Tm {
    Tm {
        year: -1,
        mon: -1,
        mday: -1,
        hour: -1,
        min: -1,
        sec: -1,
        wday: 0,
        yday: 0,
    }
}

/// `match_alpha`: a month, weekday or zone name, AM/PM, or an ISO `T`.
fn match_alpha(date: &[u8], tm: &mut Tm, offset: &mut i64) -> usize {
    for (i, m) in MONTHS.iter().enumerate() {
        let n = match_string(date, m);
        if n >= 3 {
            tm.mon = i as i64;
            return n;
        }
    }
    for (i, d) in WEEKDAYS.iter().enumerate() {
        let n = match_string(date, d);
        if n >= 3 {
            tm.wday = i as i64;
            return n;
        }
    }
    for (name, off, dst) in TIMEZONES {
        let n = match_string(date, name);
        if n >= 3 || n == name.len() {
            if *offset == -1 {
                *offset = 60 * (off + dst);
            }
            return n;
        }
    }
    if match_string(date, "PM") == 2 {
        tm.hour = (tm.hour % 12) + 12;
        return 2;
    }
    if match_string(date, "AM") == 2 {
        tm.hour %= 12;
        return 2;
    }
    if date[0] == b'T' && date.get(1).is_some_and(u8::is_ascii_digit) && tm.hour == -1 {
        tm.min = 0;
        tm.sec = 0;
        return 1;
    }
    skip_alpha(date)
}

/// git's `tm_to_time_t`: no normalization, only 1970–2099; -1 on failure.
fn tm_to_time_t(tm: &Tm) -> i64 {
    const MDAYS: [i64; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    let year = tm.year - 70;
    let month = tm.mon;
    let mut day = tm.mday;
    if !(0..=129).contains(&year) || !(0..=11).contains(&month) {
        return -1;
    }
    if month < 2 || (year + 2) % 4 != 0 {
        day -= 1;
    }
    if tm.hour < 0 || tm.min < 0 || tm.sec < 0 {
        return -1;
    }
    (year * 365 + (year + 1) / 4 + MDAYS[month as usize] + day) * 86_400
        + tm.hour * 3600
        + tm.min * 60
        + tm.sec
}

/// `set_date`: fills in a date if it is plausible (and, with `now_tm`, not more than ten
/// days in the future). 0 on success, -1 when refused, 1 when only the year is missing.
fn set_date(year: i64, month: i64, day: i64, now_tm: Option<&Tm>, now: i64, tm: &mut Tm) -> i32 {
    if !(month > 0 && month < 13 && day > 0 && day < 32) {
        return -1;
    }
    let mut check = *tm;
    {
        let r = if now_tm.is_some() {
            &mut check
        } else {
            &mut *tm
        };
        r.mon = month - 1;
        r.mday = day;
        if year == -1 {
            match now_tm {
                None => return 1,
                Some(n) => r.year = n.year,
            }
        } else if (1970..2100).contains(&year) {
            r.year = year - 1900;
        } else if year > 70 && year < 100 {
            r.year = year;
        } else if year < 38 {
            r.year = year + 100;
        } else {
            return -1;
        }
    }
    if now_tm.is_none() {
        return 0;
    }
    let specified = tm_to_time_t(&check);
    if specified != -1 && now + 10 * 24 * 3600 < specified {
        return -1;
    }
    tm.mon = check.mon;
    tm.mday = check.mday;
    if year != -1 {
        tm.year = check.year;
    }
    0
}

fn set_time(hour: i64, minute: i64, second: i64, tm: &mut Tm) -> i32 {
    if (0..=24).contains(&hour) && (0..60).contains(&minute) && (0..=60).contains(&second) {
        tm.hour = hour;
        tm.min = minute;
        tm.sec = second;
        0
    } else {
        -1
    }
}

fn is_date_known(tm: &Tm) -> bool {
    tm.year != -1 && tm.mon != -1 && tm.mday != -1
}

/// C's `strtol`/`strtoul` over ASCII digits (no sign): the value (saturating) and the
/// number of bytes read.
fn strtol(s: &[u8]) -> (i64, usize) {
    let mut v: i64 = 0;
    let mut n = 0;
    while n < s.len() && s[n].is_ascii_digit() {
        v = v.saturating_mul(10).saturating_add(i64::from(s[n] - b'0'));
        n += 1;
    }
    (v, n)
}

/// `match_multi_number`: `num[-./:]num[same]num` as a time or a date. Returns how many
/// bytes of `date` were used (0: not such a form). `end` is where the first number ended.
fn match_multi_number(num: i64, c: u8, date: &[u8], end: usize, tm: &mut Tm, now: i64) -> usize {
    let (num2, n2) = strtol(&date[end + 1..]);
    let mut end = end + 1 + n2;
    let mut num3 = -1;
    if date.get(end) == Some(&c) && date.get(end + 1).is_some_and(u8::is_ascii_digit) {
        let (v, n3) = strtol(&date[end + 1..]);
        num3 = v;
        end += 1 + n3;
    }
    match c {
        b':' => {
            if num3 < 0 {
                num3 = 0;
            }
            if set_time(num, num2, num3, tm) == 0 {
                if date.get(end) == Some(&b'.')
                    && date.get(end + 1).is_some_and(u8::is_ascii_digit)
                    && is_date_known(tm)
                {
                    end += 1 + strtol(&date[end + 1..]).1;
                }
            } else {
                return 0;
            }
        }
        _ => {
            let now = if now == 0 { system_now() } else { now };
            let now_tm = Tm::from_local_seconds(now);
            let refuse = Some(&now_tm);
            let ok = (num > 70
                && (set_date(num, num2, num3, None, now, tm) == 0
                    || set_date(num, num3, num2, None, now, tm) == 0))
                || (c != b'.' && set_date(num3, num, num2, refuse, now, tm) == 0)
                || set_date(num3, num2, num, refuse, now, tm) == 0
                || (c == b'.' && set_date(num3, num, num2, refuse, now, tm) == 0);
            if !ok {
                return 0;
            }
        }
    }
    end
}

fn nodate(tm: &Tm) -> bool {
    tm.year < 0 && tm.mon < 0 && tm.mday < 0 && tm.hour < 0 && tm.min < 0 && tm.sec < 0
}

fn maybe_iso8601(tm: &Tm) -> bool {
    tm.hour == -1 && tm.min == 0 && tm.sec == 0
}

/// `match_digit`: a number in a date string.
fn match_digit(date: &[u8], tm: &mut Tm, offset: &mut i64, tm_gmt: &mut bool) -> usize {
    let (num, end) = strtol(date);
    if num >= 100_000_000 && nodate(tm) {
        *tm = Tm::from_local_seconds(num);
        *tm_gmt = true;
        return end;
    }
    if let Some(&c) = date.get(end) {
        if matches!(c, b':' | b'.' | b'/' | b'-')
            && date.get(end + 1).is_some_and(u8::is_ascii_digit)
        {
            let m = match_multi_number(num, c, date, end, tm, 0);
            if m != 0 {
                return m;
            }
        }
    }
    let n = end.max(1);
    let mut end = end;
    if n == 8 || n == 6 {
        let (n1, n2, n3) = (num / 10_000, (num % 10_000) / 100, num % 100);
        if n == 8 {
            set_date(n1, n2, n3, None, 0, tm);
        } else if set_time(n1, n2, n3, tm) == 0
            && date.get(end) == Some(&b'.')
            && date.get(end + 1).is_some_and(u8::is_ascii_digit)
        {
            end += 1 + strtol(&date[end + 1..]).1;
        }
        return end;
    }
    if maybe_iso8601(tm) {
        let (mut n1, mut n2) = (num, 0);
        if n == 4 {
            n1 = num / 100;
            n2 = num % 100;
        }
        if (n == 4 || n == 2) && !nodate(tm) && set_time(n1, n2, 0, tm) == 0 {
            return n;
        }
        tm.min = -1;
        tm.sec = -1;
    }
    if n == 4 {
        if num <= 1400 && *offset == -1 {
            *offset = (num / 100) * 60 + num % 100;
        } else if num > 1900 && num < 2100 {
            tm.year = num - 1900;
        }
        return n;
    }
    if n > 2 {
        return n;
    }
    if num > 0 && num < 32 && tm.mday < 0 {
        tm.mday = num;
        return n;
    }
    if n == 2 && tm.year < 0 {
        if num < 10 && tm.mday >= 0 {
            tm.year = num + 100;
            return n;
        }
        if num >= 70 {
            tm.year = num;
            return n;
        }
    }
    if num > 0 && num < 13 && tm.mon < 0 {
        tm.mon = num - 1;
    }
    n
}

/// `match_tz`: `+hhmm`, `-hh`, `+hh:mm`.
fn match_tz(date: &[u8], offset: &mut i64) -> usize {
    let (mut hour, n) = strtol(&date[1..]);
    let mut end = 1 + n;
    let mut min = 0;
    if n == 4 {
        min = hour % 100;
        hour /= 100;
    } else if n != 2 {
        min = 99;
    } else if date.get(end) == Some(&b':') {
        let (m, mn) = strtol(&date[end + 1..]);
        min = m;
        end += 1 + mn;
        if end - 1 != 5 {
            min = 99;
        }
    }
    if min < 60 && hour < 24 {
        let mut off = hour * 60 + min;
        if date[0] == b'-' {
            off = -off;
        }
        *offset = off;
    }
    end
}

/// `match_object_header_date`: `@<seconds> <+-hhmm>` exactly.
fn match_object_header_date(date: &[u8]) -> Option<(i64, i64)> {
    if !date.first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let (stamp, n) = strtol(date);
    if date.get(n) != Some(&b' ')
        || stamp == i64::MAX
        || !matches!(date.get(n + 1), Some(b'+' | b'-'))
    {
        return None;
    }
    let rest = &date[n + 2..];
    let (ofs, m) = strtol(rest);
    if m != 4 || !(rest.len() == 4 || rest[4] == b'\n') {
        return None;
    }
    let mut ofs = (ofs / 100) * 60 + ofs % 100;
    if date[n + 1] == b'-' {
        ofs = -ofs;
    }
    Some((stamp, ofs))
}

/// 2099-12-31T23:59:59Z.
const TIMESTAMP_MAX: i64 = ((2100 - 1970) * 365 + 32) * 24 * 60 * 60 - 1;

/// git's `parse_date_basic`: a strict date (RFC 2822, ISO 8601, `@<unix> <tz>`...). The
/// time and the zone offset in minutes, or `None`.
pub fn parse_date_basic(date: &str, zone: &LocalZone) -> Option<(i64, i64)> {
    let date = date.as_bytes();
    let mut tm = unset_tm();
    let mut offset: i64 = -1;
    let mut tm_gmt = false;
    if date.first() == Some(&b'@') {
        if let Some(r) = match_object_header_date(&date[1..]) {
            return Some(r);
        }
    }
    let mut i = 0;
    while i < date.len() {
        let c = date[i];
        if c == b'\n' || c == 0 {
            break;
        }
        let rest = &date[i..];
        let mut m = 0;
        if c.is_ascii_alphabetic() {
            m = match_alpha(rest, &mut tm, &mut offset);
        } else if c.is_ascii_digit() {
            m = match_digit(rest, &mut tm, &mut offset, &mut tm_gmt);
        } else if (c == b'-' || c == b'+') && rest.get(1).is_some_and(u8::is_ascii_digit) {
            m = match_tz(rest, &mut offset);
        }
        i += m.max(1);
    }
    let mut timestamp = tm_to_time_t(&tm);
    if timestamp == -1 {
        return None;
    }
    if offset == -1 {
        let temp = zone.mktime(&tm);
        offset = (timestamp - temp) / 60;
    }
    if !tm_gmt {
        if offset > 0 && offset * 60 > timestamp {
            return None;
        }
        if offset < 0 && -offset * 60 > TIMESTAMP_MAX - timestamp {
            return None;
        }
        timestamp -= offset * 60;
    }
    Some((timestamp, offset))
}

/// The state of an `approxidate` parse.
struct Approx<'c> {
    tm: Tm,
    now: Tm,
    num: i64,
    touched: bool,
    clock: &'c Clock,
}

impl Approx<'_> {
    /// `update_tm`: fills unset date fields from now, then moves `sec` seconds back.
    fn update_tm(&mut self, sec: i64) -> i64 {
        if self.tm.mday < 0 {
            self.tm.mday = self.now.mday;
        }
        if self.tm.mon < 0 {
            self.tm.mon = self.now.mon;
        }
        if self.tm.year < 0 {
            self.tm.year = self.now.year;
            if self.tm.mon > self.now.mon {
                self.tm.year -= 1;
            }
        }
        let n = self.clock.zone.mktime(&self.tm) - sec;
        self.tm = self.clock.zone.localtime(n);
        n
    }

    fn pending_number(&mut self) {
        let number = self.num;
        if number == 0 {
            return;
        }
        self.num = 0;
        let tm = &mut self.tm;
        if tm.mday < 0 && number < 32 {
            tm.mday = number;
        } else if tm.mon < 0 && number < 13 {
            tm.mon = number - 1;
        } else if tm.year < 0 {
            if number > 1969 && number < 2100 {
                tm.year = number - 1900;
            } else if number > 69 && number < 100 {
                tm.year = number;
            } else if number < 38 {
                tm.year = 100 + number;
            }
        }
    }

    fn date_time(&mut self, hour: i64) {
        if self.tm.hour < hour {
            self.update_tm(24 * 60 * 60);
        }
        self.tm.hour = hour;
        self.tm.min = 0;
        self.tm.sec = 0;
    }

    /// The special words (`yesterday`, `noon`, ...): whether `word` named one.
    fn special(&mut self, date: &[u8]) -> bool {
        const NAMES: [&str; 8] = [
            "yesterday",
            "noon",
            "midnight",
            "tea",
            "PM",
            "AM",
            "never",
            "now",
        ];
        let Some(which) = NAMES.iter().position(|n| match_string(date, n) == n.len()) else {
            return false;
        };
        match which {
            0 => {
                self.num = 0;
                self.update_tm(24 * 60 * 60);
            }
            1 => {
                self.pending_number();
                self.date_time(12);
            }
            2 => {
                self.pending_number();
                self.date_time(0);
            }
            3 => {
                self.pending_number();
                self.date_time(17);
            }
            4 | 5 => {
                let n = self.num;
                self.num = 0;
                let mut hour = self.tm.hour;
                if n != 0 {
                    hour = n;
                    self.tm.min = 0;
                    self.tm.sec = 0;
                }
                self.tm.hour = if which == 4 {
                    hour % 12 + 12
                } else {
                    hour % 12
                };
            }
            6 => {
                self.tm = self.clock.zone.localtime(0);
                self.num = 0;
            }
            _ => {
                self.num = 0;
                self.update_tm(0);
            }
        }
        true
    }

    /// `approxidate_alpha`: returns the index just past the word.
    fn alpha(&mut self, date: &[u8]) -> usize {
        let mut end = 1;
        while date.get(end).is_some_and(u8::is_ascii_alphabetic) {
            end += 1;
        }
        for (i, m) in MONTHS.iter().enumerate() {
            if match_string(date, m) >= 3 {
                self.tm.mon = i as i64;
                self.touched = true;
                return end;
            }
        }
        if self.special(date) {
            self.touched = true;
            return end;
        }
        if self.num == 0 {
            const NUMBERS: [&str; 11] = [
                "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                "ten",
            ];
            for (i, name) in NUMBERS.iter().enumerate().skip(1) {
                if match_string(date, name) == name.len() {
                    self.num = i as i64;
                    self.touched = true;
                    return end;
                }
            }
            if match_string(date, "last") == 4 {
                self.num = 1;
                self.touched = true;
            }
            return end;
        }
        const TYPES: [(&str, i64); 5] = [
            ("seconds", 1),
            ("minutes", 60),
            ("hours", 3600),
            ("days", 86_400),
            ("weeks", 7 * 86_400),
        ];
        for (t, len) in TYPES {
            if match_string(date, t) >= t.len() - 1 {
                self.update_tm(len.saturating_mul(self.num));
                self.num = 0;
                self.touched = true;
                return end;
            }
        }
        for (i, d) in WEEKDAYS.iter().enumerate() {
            if match_string(date, d) >= 3 {
                let mut n = self.num - 1;
                self.num = 0;
                let mut diff = self.tm.wday - i as i64;
                if diff <= 0 {
                    n += 1;
                }
                diff += 7 * n;
                self.update_tm(diff * 24 * 60 * 60);
                self.touched = true;
                return end;
            }
        }
        if match_string(date, "months") >= 5 {
            self.update_tm(0);
            let mut n = self.tm.mon - self.num;
            self.num = 0;
            while n < 0 {
                n += 12;
                self.tm.year -= 1;
            }
            self.tm.mon = n;
            self.touched = true;
            return end;
        }
        if match_string(date, "years") >= 4 {
            self.update_tm(0);
            self.tm.year -= self.num;
            self.num = 0;
            self.touched = true;
            return end;
        }
        end
    }

    /// `approxidate_digit`: returns how many bytes were used.
    fn digit(&mut self, date: &[u8]) -> usize {
        let (number, end) = strtol(date);
        if let Some(&c) = date.get(end) {
            if matches!(c, b':' | b'.' | b'/' | b'-')
                && date.get(end + 1).is_some_and(u8::is_ascii_digit)
            {
                let m = match_multi_number(number, c, date, end, &mut self.tm, self.clock.now);
                if m != 0 {
                    return m;
                }
            }
        }
        if date[0] != b'0' || end <= 2 {
            self.num = number;
        }
        end
    }
}

/// git's `approxidate_careful`: a strict date if [`parse_date_basic`] reads one, else the
/// approximate reading (`2.weeks.ago`, `yesterday noon`, `last friday`, `march 3`...).
/// The second value is git's error flag: nothing in the text looked like a date (git's
/// `--since` ignores it and uses the result, which is then "now").
pub fn approxidate(date: &str, clock: &Clock) -> (i64, bool) {
    if let Some((t, _)) = parse_date_basic(date, &clock.zone) {
        return (t, false);
    }
    let now_tm = clock.zone.localtime(clock.now);
    let mut st = Approx {
        tm: Tm {
            year: -1,
            mon: -1,
            mday: -1,
            ..now_tm
        },
        now: now_tm,
        num: 0,
        touched: false,
        clock,
    };
    let d = date.as_bytes();
    let mut i = 0;
    while i < d.len() {
        let c = d[i];
        if c == 0 {
            break;
        }
        if c.is_ascii_digit() {
            st.pending_number();
            i += st.digit(&d[i..]);
            st.touched = true;
            continue;
        }
        if c.is_ascii_alphabetic() {
            i += st.alpha(&d[i..]);
            continue;
        }
        i += 1;
    }
    st.pending_number();
    let error = !st.touched;
    (st.update_tm(0), error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(t: i64, tz: i32, mode: &str) -> String {
        show_date(
            t,
            tz,
            &DateMode::parse(mode).unwrap(),
            &Clock::fixed(1_700_000_000),
        )
    }

    #[test]
    fn default_and_short_dates() {
        assert_eq!(
            format_default(1_700_000_000, b"+0000"),
            "Tue Nov 14 22:13:20 2023 +0000"
        );
        assert_eq!(
            format_default(1_700_000_000, b"+0130"),
            "Tue Nov 14 23:43:20 2023 +0130"
        );
        assert_eq!(
            format_default(0, b"-0700"),
            "Wed Dec 31 17:00:00 1969 -0700"
        );
        assert_eq!(short_date(0), "1970-01-01");
        assert_eq!(short_date(951_782_400), "2000-02-29");
    }

    #[test]
    fn every_style() {
        assert_eq!(
            show(1_600_000_000, -130, "iso"),
            "2020-09-13 10:56:40 -0130"
        );
        assert_eq!(show(1_600_000_000, 0, "iso-strict"), "2020-09-13T12:26:40Z");
        assert_eq!(
            show(1_600_000_000, 0, "rfc"),
            "Sun, 13 Sep 2020 12:26:40 +0000"
        );
        assert_eq!(show(1_600_000_000, 0, "raw"), "1600000000 +0000");
        assert_eq!(show(1_600_000_000, 0, "unix"), "1600000000");
        assert_eq!(show(1_699_999_000, 0, "relative"), "17 minutes ago");
        assert_eq!(show(1_700_000_100, 0, "relative"), "in the future");
        assert_eq!(show(1_600_000_000, 0, "relative"), "3 years, 2 months ago");
        assert_eq!(
            show(
                1_600_000_000,
                0,
                "format:%Y|%e|%j|%a %A|%-d|%_m|%%|%z|%Z|%s"
            ),
            "2020|13|257|Sun Sunday|13| 9|%|+0000||1600000000"
        );
        assert!(DateMode::parse("format").is_err());
        assert!(DateMode::parse("bogus").is_err());
        assert!(DateMode::parse("iso-localx").is_err());
        assert_eq!(
            DateMode::parse("local").unwrap(),
            DateMode {
                style: DateStyle::Default,
                local: true
            }
        );
    }

    #[test]
    fn parses_dates_like_git() {
        let clock = Clock::fixed(1_700_000_000);
        assert_eq!(approxidate("@1600000000 +0000", &clock).0, 1_600_000_000);
        assert_eq!(
            approxidate("2020-09-13 12:26:40 +0000", &clock).0,
            1_600_000_000
        );
        assert_eq!(approxidate("1 hour ago", &clock).0, 1_700_000_000 - 3600);
        assert_eq!(
            approxidate("2.weeks.ago", &clock).0,
            1_700_000_000 - 14 * 86_400
        );
        assert_eq!(approxidate("yesterday", &clock).0, 1_700_000_000 - 86_400);
        assert!(approxidate("garbage", &clock).1);
    }

    #[test]
    fn where_git_dies_formatting_a_date() {
        let mode = |m: &str| DateMode::parse(m).unwrap();
        assert_eq!(
            show_date_fails(0, -700, &mode("iso")).as_deref(),
            Some("Timestamp before Unix epoch: 0 -700")
        );
        assert_eq!(show_date_fails(25_200, -700, &mode("default")), None);
        for ok in ["raw", "unix", "relative", "local", "format-local:%s"] {
            assert_eq!(show_date_fails(0, -700, &mode(ok)), None, "{ok}");
        }
        assert_eq!(
            show_date_fails(u64::MAX - 5, 100, &mode("short")).as_deref(),
            Some("Timestamp+tz too large: 18446744073709551610 +0100")
        );
        assert_eq!(
            show_date_fails(1 << 63, 0, &mode("iso-local")).as_deref(),
            Some("Timestamp too large for this system: 9223372036854775808")
        );
        assert_eq!(show_date_fails(1 << 63, 0, &mode("unix")), None);
        assert_eq!(show_date_fails(i64::MAX as u64, 0, &mode("human")), None);
    }

    #[test]
    fn strftime_seconds_come_back_from_the_broken_down_time() {
        // git's `%s` is `tm_to_time_t` minus the zone, unsigned: past 2099 it wraps.
        assert_eq!(show(1_700_000_000, 530, "format:%s"), "1700000000");
        assert_eq!(show(4_102_444_800, 0, "format:%s"), "18446744073709551615");
        assert_eq!(
            show(4_102_444_800, 100, "format:%s"),
            "18446744073709548015"
        );
        // Where gmtime fails the epoch is shown, in "GMT".
        assert_eq!(show(i64::MAX, 0, "format:%s %Z"), "0 ");
        assert_eq!(show(i64::MAX, 0, "format-local:%s %Z"), "0 GMT");
    }
}
