//! Dates as git prints them from an identity's time and zone.

/// git's default date format in the given zone: `Tue Nov 14 22:13:20 2023 +0000`.
pub fn format_default(time: i64, tz: &[u8]) -> String {
    let tz_str = std::str::from_utf8(tz).unwrap_or("+0000");
    let tz_num: i64 = tz_str.parse().unwrap_or(0);
    let offset = (tz_num / 100) * 3600 + (tz_num % 100) * 60;
    let local = time.saturating_add(offset);
    let days = local.div_euclid(86_400);
    let secs = local.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{} {} {} {:02}:{:02}:{:02} {} {}{:04}",
        WEEKDAYS[days.rem_euclid(7) as usize],
        MONTHS[(m - 1) as usize],
        d,
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        y,
        if tz_num < 0 { '-' } else { '+' },
        tz_num.abs()
    )
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

/// `YYYY-MM-DD` of a Unix time (UTC), as git's short date format prints it.
pub fn short_date(time: i64) -> String {
    let (year, month, day) = civil_from_days(time.div_euclid(86_400));
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
