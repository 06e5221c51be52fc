//! Positions and ranges typed by a person: timecodes, sample counts, and
//! times in seconds or milliseconds from the session start.

use super::clock::TimecodeClock;
use super::error::TimecodeError;
use super::label::Timecode;

/// Parses a point in time typed by a person into a sample position from the
/// session start.
///
/// Accepted forms (surrounding whitespace and letter case are ignored):
///
/// * a timecode, `01:00:10:00` (also `01:00:10;00` at 29.97df, or
///   `01:00:10.00`), see [`Timecode::parse`]; it must not be before the
///   session's start timecode;
/// * a sample count, `48000` or `48000smp`;
/// * seconds from the session start, `10s` or `1.5s`, rounded to the nearest
///   sample;
/// * milliseconds from the session start, `250ms` or `0.5ms`, rounded to the
///   nearest sample.
///
/// A bare decimal such as `1.5` is rejected, as are negative values.
pub fn parse_position(text: &str, clock: &TimecodeClock) -> Result<u64, TimecodeError> {
    let trimmed = text.trim();
    if trimmed.contains([':', ';']) {
        let timecode = Timecode::parse(trimmed, clock.rate)?;
        return clock.position_of(&timecode);
    }
    let lower = trimmed.to_ascii_lowercase();
    let result = if let Some(number) = lower.strip_suffix("smp") {
        parse_samples(number.trim_end())
    } else if let Some(number) = lower.strip_suffix("ms") {
        decimal_to_samples(number.trim_end(), 1000, clock.sample_rate)
    } else if let Some(number) = lower.strip_suffix('s') {
        decimal_to_samples(number.trim_end(), 1, clock.sample_rate)
    } else {
        parse_samples(&lower)
    };
    result.map_err(|problem| match problem {
        NumberProblem::Malformed => TimecodeError::BadPosition {
            text: trimmed.to_owned(),
        },
        NumberProblem::TooLarge => TimecodeError::PositionTooLarge {
            text: trimmed.to_owned(),
        },
    })
}

/// Parses a span of time, `START..END`, into `(start, end)` sample positions;
/// `END` is exclusive.
///
/// `START` and `END` take any form accepted by [`parse_position`] and may be
/// mixed, e.g. `01:00:10:00..01:00:20:00`, `10s..20s` or
/// `480000..01:00:20:00`. `END` must come after `START`.
pub fn parse_range(text: &str, clock: &TimecodeClock) -> Result<(u64, u64), TimecodeError> {
    let trimmed = text.trim();
    let bad_range = || TimecodeError::BadRange {
        text: trimmed.to_owned(),
    };
    let (start_text, end_text) = trimmed.split_once("..").ok_or_else(bad_range)?;
    if start_text.trim().is_empty() || end_text.trim().is_empty() {
        return Err(bad_range());
    }
    let start = parse_position(start_text, clock)?;
    let end = parse_position(end_text, clock)?;
    if end <= start {
        return Err(TimecodeError::EmptyRange {
            text: trimmed.to_owned(),
        });
    }
    Ok((start, end))
}

/// Why a number in a position did not parse.
enum NumberProblem {
    Malformed,
    TooLarge,
}

/// Parses a non-negative integer sample count.
fn parse_samples(text: &str) -> Result<u64, NumberProblem> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NumberProblem::Malformed);
    }
    text.parse().map_err(|_| NumberProblem::TooLarge)
}

/// Converts `text / divisor` seconds, where `text` is a non-negative decimal
/// (`1`, `1.5`, `.5`), to samples, rounding halves up.
fn decimal_to_samples(text: &str, divisor: u128, sample_rate: u32) -> Result<u64, NumberProblem> {
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) if !fraction.is_empty() => (whole, fraction),
        Some(_) => return Err(NumberProblem::Malformed),
        None => (text, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty())
        || !all_digits(whole)
        || !all_digits(fraction)
        || fraction.len() > 18
    {
        return Err(NumberProblem::Malformed);
    }
    let mut value: u128 = 0;
    for digit in whole.bytes().chain(fraction.bytes()) {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u128::from(digit - b'0')))
            .ok_or(NumberProblem::TooLarge)?;
    }
    // Exact value is `value / 10^fraction.len()` units of 1/divisor seconds.
    let scale = (0..fraction.len()).fold(divisor, |s, _| s * 10);
    let doubled = value
        .checked_mul(u128::from(sample_rate))
        .and_then(|v| v.checked_mul(2))
        .and_then(|v| v.checked_add(scale))
        .ok_or(NumberProblem::TooLarge)?;
    u64::try_from(doubled / (2 * scale)).map_err(|_| NumberProblem::TooLarge)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::timecode::rate::FrameRate;

    const DF: FrameRate = FrameRate::Fps29_97Df;

    #[test]
    fn positions_in_every_form() {
        let clock = TimecodeClock::film(FrameRate::Fps24, 48_000);
        let cases = [
            ("01:00:10:00", 480_000),
            ("01:00:10.00", 480_000),
            ("01:00:00:00", 0),
            ("48000", 48_000),
            ("48000smp", 48_000),
            ("48000 SMP", 48_000),
            ("0", 0),
            ("10s", 480_000),
            ("1.5s", 72_000),
            (".5s", 24_000),
            ("250ms", 12_000),
            ("0.5ms", 24),
            ("0.00001s", 0),
            ("0.00002s", 1),
            (" 2 s ", 96_000),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_position(text, &clock), Ok(expected), "{text}");
        }
        let df_clock = TimecodeClock::film(DF, 48_000);
        assert_eq!(parse_position("01:00:00;01", &df_clock), Ok(1602));
        assert_eq!(parse_position("01:00:00:02", &df_clock), Ok(3203));
        assert!(matches!(
            parse_position("01:00:00;00", &clock),
            Err(TimecodeError::DropFrameNotation { .. })
        ));

        for bad in [
            "",
            "abc",
            "1.5",
            "1.5smp",
            "-5s",
            "s",
            "ms",
            ".s",
            "5.s",
            "1e3",
            "10 frames",
            "+5",
        ] {
            assert_eq!(
                parse_position(bad, &clock),
                Err(TimecodeError::BadPosition {
                    text: bad.trim().to_owned()
                }),
                "{bad}"
            );
        }
        assert!(matches!(
            parse_position("00:59:00:00", &clock),
            Err(TimecodeError::BeforeStart { .. })
        ));
        assert!(matches!(
            parse_position("01:00:00:24", &clock),
            Err(TimecodeError::FieldOutOfRange { .. })
        ));
        for huge in [
            "18446744073709551616",
            "999999999999999999999999s",
            "400000000000000000s",
        ] {
            assert_eq!(
                parse_position(huge, &clock),
                Err(TimecodeError::PositionTooLarge {
                    text: huge.to_owned()
                }),
                "{huge}"
            );
        }
        assert_eq!(parse_position("18446744073709551615", &clock), Ok(u64::MAX));
    }

    #[test]
    fn ranges() {
        let clock = TimecodeClock::film(FrameRate::Fps24, 48_000);
        assert_eq!(
            parse_range("01:00:00:00..01:00:01:00", &clock),
            Ok((0, 48_000))
        );
        assert_eq!(parse_range("10s..20s", &clock), Ok((480_000, 960_000)));
        assert_eq!(parse_range("1.5s..2s", &clock), Ok((72_000, 96_000)));
        assert_eq!(
            parse_range(" 480000 .. 01:00:20:00 ", &clock),
            Ok((480_000, 960_000))
        );
        for empty in ["10s..5s", "10s..10s", "01:00:01:00..48000"] {
            assert_eq!(
                parse_range(empty, &clock),
                Err(TimecodeError::EmptyRange {
                    text: empty.to_owned()
                })
            );
        }
        for bad in ["10s", "..5s", "5s..", "", "5s.5s"] {
            assert_eq!(
                parse_range(bad, &clock),
                Err(TimecodeError::BadRange {
                    text: bad.to_owned()
                }),
                "{bad}"
            );
        }
        assert_eq!(
            parse_range("10s..abc", &clock),
            Err(TimecodeError::BadPosition {
                text: "abc".to_owned()
            })
        );
        assert!(parse_range("10s..5s", &clock)
            .map_err(|e| e.to_string())
            .is_err_and(|m| m.contains("\"10s..5s\"") && m.contains("END after START")));
    }
}
