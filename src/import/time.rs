//! Exact time for the cut: seconds as a fraction, so that 29.97 fps frames,
//! OTIO rational times and sample counts convert into each other without
//! drift. A cut an hour long at 30000/1001 fps lands on the same samples
//! whether it is read from an EDL or from OTIO.

use std::cmp::Ordering;
use std::fmt;
use std::ops::{Add, Neg, Sub};

use crate::model::timecode::{FrameRate, Timecode};

/// Largest magnitude accepted for a time or a rate read from a file; keeps
/// every product of the arithmetic below far inside an `i128`.
const LIMIT: f64 = 1e12;
/// Denominator used when a floating-point time is not a short binary fraction.
const FINE: i128 = 1 << 20;

/// A span or point of time in seconds, as an exact fraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Seconds {
    num: i128,
    /// Always positive; the fraction is always in lowest terms.
    den: i128,
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Seconds {
    pub const ZERO: Seconds = Seconds { num: 0, den: 1 };

    /// `num / den` seconds; a zero denominator reads as zero.
    pub fn new(num: i128, den: i128) -> Seconds {
        if den == 0 {
            return Seconds::ZERO;
        }
        let g = gcd(num, den).max(1);
        let (num, den) = (num / g, den / g);
        if den < 0 {
            Seconds {
                num: num.saturating_neg(),
                den: den.saturating_neg(),
            }
        } else {
            Seconds { num, den }
        }
    }

    /// The nearest fraction with a denominator of 2^20, for results too
    /// fine to keep exactly (never met with real cuts, but never a panic).
    fn approximate(x: f64) -> Seconds {
        if x.is_finite() {
            Seconds::new((x * FINE as f64).round() as i128, FINE)
        } else {
            Seconds::ZERO
        }
    }

    /// Whole seconds.
    pub fn from_secs(secs: i64) -> Seconds {
        Seconds::new(i128::from(secs), 1)
    }

    /// The start of frame `frames` counted from 00:00:00:00 at `rate`
    /// (the real frame rate: 29.97 fps frames last 1001/30000 s).
    pub fn from_frames(frames: i64, rate: FrameRate) -> Seconds {
        let (num, den) = rate.rate();
        Seconds::new(i128::from(frames) * i128::from(den), i128::from(num))
    }

    /// The time of a timecode label at `rate`, from midnight.
    pub fn from_timecode(tc: &Timecode, rate: FrameRate) -> Seconds {
        Seconds::from_frames(
            i64::try_from(tc.to_frame_count(rate)).unwrap_or(i64::MAX),
            rate,
        )
    }

    /// `samples` at `sample_rate`.
    pub fn from_samples(samples: u64, sample_rate: u32) -> Seconds {
        Seconds::new(i128::from(samples), i128::from(sample_rate.max(1)))
    }

    /// An OTIO rational time: `value` frames at `rate` frames per second,
    /// both floating point in the file. Integral values and the usual rates
    /// (whole numbers and the NTSC rates n x 1000/1001, also when written
    /// rounded, as 23.976 or 29.97) are taken exactly. `None` when either is
    /// not a finite number of sensible size or the rate is not positive.
    pub fn from_rational_time(value: f64, rate: f64) -> Option<Seconds> {
        let value = exact_fraction(value)?;
        let rate = snap_rate(rate)?;
        Some(Seconds::new(
            value.num * rate.den,
            value.den.checked_mul(rate.num)?,
        ))
    }

    /// Rounded to the nearest sample at `sample_rate` (halves up), as the
    /// session's own timecode conversions round.
    pub fn to_samples(self, sample_rate: u32) -> i128 {
        let exact = self
            .num
            .checked_mul(2 * i128::from(sample_rate))
            .and_then(|n| n.checked_add(self.den))
            .and_then(|n| n.checked_div_euclid(2 * self.den));
        exact.unwrap_or_else(|| (self.as_f64() * f64::from(sample_rate) + 0.5).floor() as i128)
    }

    /// The frame at `rate` that contains this time (rounding down).
    pub fn to_frames(self, rate: FrameRate) -> i128 {
        let (num, den) = rate.rate();
        let exact = self
            .num
            .checked_mul(i128::from(num))
            .zip(self.den.checked_mul(i128::from(den)))
            .and_then(|(n, d)| n.checked_div_euclid(d));
        exact.unwrap_or_else(|| (self.as_f64() * num as f64 / den as f64).floor() as i128)
    }

    /// Whether this time is exactly on a frame boundary at `rate`.
    pub fn is_on_frame(self, rate: FrameRate) -> bool {
        Seconds::from_frames(
            i64::try_from(self.to_frames(rate)).unwrap_or(i64::MAX),
            rate,
        ) == self
    }

    /// The timecode label of the frame containing this time (a time of day;
    /// wraps after 24 hours, and times before midnight read as 00:00:00:00).
    pub fn timecode(self, rate: FrameRate) -> Timecode {
        let frames = u64::try_from(self.to_frames(rate).max(0)).unwrap_or(u64::MAX);
        Timecode::from_frame_count(frames, rate)
    }

    pub fn is_negative(self) -> bool {
        self.num < 0
    }

    pub fn is_zero(self) -> bool {
        self.num == 0
    }

    pub fn max(self, other: Seconds) -> Seconds {
        if other > self {
            other
        } else {
            self
        }
    }

    pub fn min(self, other: Seconds) -> Seconds {
        if other < self {
            other
        } else {
            self
        }
    }

    /// Approximate value, for messages.
    pub fn as_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }
}

impl Add for Seconds {
    type Output = Seconds;
    fn add(self, other: Seconds) -> Seconds {
        let g = gcd(self.den, other.den).max(1);
        let exact = (|| {
            let den = (self.den / g).checked_mul(other.den)?;
            let a = self.num.checked_mul(other.den / g)?;
            let b = other.num.checked_mul(self.den / g)?;
            Some(Seconds::new(a.checked_add(b)?, den))
        })();
        exact.unwrap_or_else(|| Seconds::approximate(self.as_f64() + other.as_f64()))
    }
}

impl Sub for Seconds {
    type Output = Seconds;
    fn sub(self, other: Seconds) -> Seconds {
        self + -other
    }
}

impl Neg for Seconds {
    type Output = Seconds;
    fn neg(self) -> Seconds {
        Seconds {
            num: self.num.saturating_neg(),
            den: self.den,
        }
    }
}

impl PartialOrd for Seconds {
    fn partial_cmp(&self, other: &Seconds) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Seconds {
    fn cmp(&self, other: &Seconds) -> Ordering {
        match (
            self.num.checked_mul(other.den),
            other.num.checked_mul(self.den),
        ) {
            (Some(a), Some(b)) => a.cmp(&b),
            _ => self.as_f64().total_cmp(&other.as_f64()),
        }
    }
}

/// Durations for people: "2 min 5 s", "12.5 s", "3 h 2 min".
impl fmt::Display for Seconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.as_f64().abs();
        let sign = if self.is_negative() { "-" } else { "" };
        if total < 60.0 {
            let text = format!("{total:.3}");
            let text = text.trim_end_matches('0').trim_end_matches('.');
            return write!(f, "{sign}{text} s");
        }
        let secs = total.round() as u64;
        let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
        match (h, m, s) {
            (0, m, 0) => write!(f, "{sign}{m} min"),
            (0, m, s) => write!(f, "{sign}{m} min {s} s"),
            (h, 0, _) => write!(f, "{sign}{h} h"),
            (h, m, _) => write!(f, "{sign}{h} h {m} min"),
        }
    }
}

/// A float from a file as an exact fraction: integers and short binary
/// fractions exactly, anything finer to the nearest 1/2^20.
fn exact_fraction(x: f64) -> Option<Seconds> {
    if !x.is_finite() || x.abs() > LIMIT {
        return None;
    }
    if x.fract() == 0.0 {
        return Some(Seconds::new(x as i128, 1));
    }
    let mut den: i128 = 1;
    let mut scaled = x;
    while scaled.fract() != 0.0 && den < FINE {
        scaled *= 2.0;
        den *= 2;
    }
    Some(Seconds::new(scaled.round() as i128, den))
}

/// A frame or sample rate from a file as an exact fraction, recognising the
/// NTSC rates written as floats (23.976023976023978, 29.97, 59.94...).
fn snap_rate(rate: f64) -> Option<Seconds> {
    if !rate.is_finite() || rate <= 0.0 || rate > LIMIT {
        return None;
    }
    let whole = rate.round();
    if (rate - whole).abs() < 1e-6 {
        return Some(Seconds::new(whole as i128, 1));
    }
    let ntsc = (rate * 1.001).round();
    if ntsc >= 1.0 && (ntsc % 1.0 == 0.0) && (rate - ntsc / 1.001).abs() < 0.005 {
        return Some(Seconds::new(ntsc as i128 * 1000, 1001));
    }
    exact_fraction(rate).filter(|r| r.num > 0)
}

/// The session frame rate whose real rate is `rate` frames per second, if any
/// (29.97 maps to non-drop: OTIO does not say which labels an NTSC rate uses).
pub fn frame_rate_of(rate: f64) -> Option<FrameRate> {
    let exact = snap_rate(rate)?;
    [
        FrameRate::Fps23_976,
        FrameRate::Fps24,
        FrameRate::Fps25,
        FrameRate::Fps29_97,
        FrameRate::Fps30,
    ]
    .into_iter()
    .find(|r| {
        let (num, den) = r.rate();
        exact == Seconds::new(i128::from(num), i128::from(den))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ntsc_frames_convert_exactly_to_samples() {
        // 29.97 fps: frame 1 starts at 1601.6 samples, rounded to 1602.
        let one = Seconds::from_frames(1, FrameRate::Fps29_97);
        assert_eq!(one.to_samples(48_000), 1602);
        let hour = Seconds::from_frames(107_892, FrameRate::Fps29_97Df);
        assert_eq!(hour.to_samples(48_000), 172_799_827);
    }

    #[test]
    fn otio_rates_written_as_floats_are_recognised() {
        let a = Seconds::from_rational_time(24.0, 23.976023976023978).unwrap();
        assert_eq!(a, Seconds::new(1001, 1000));
        let b = Seconds::from_rational_time(30.0, 29.97).unwrap();
        assert_eq!(b, Seconds::new(1001, 1000));
        let c = Seconds::from_rational_time(48_000.5, 48_000.0).unwrap();
        assert_eq!(c, Seconds::new(96_001, 96_000));
        assert_eq!(frame_rate_of(23.976), Some(FrameRate::Fps23_976));
        assert_eq!(frame_rate_of(48_000.0), None);
        assert!(Seconds::from_rational_time(f64::NAN, 24.0).is_none());
        assert!(Seconds::from_rational_time(1.0, 0.0).is_none());
        assert!(Seconds::from_rational_time(1e300, 24.0).is_none());
    }

    #[test]
    fn absurd_times_never_overflow() {
        let a = Seconds::from_rational_time(999_999_999_999.5, 999_999_999_999.3).unwrap();
        let b = Seconds::from_rational_time(999_999_999_998.5, 999_999_999_997.1).unwrap();
        let sum = (a + b) + (a - b) + Seconds::from_frames(1, FrameRate::Fps29_97);
        // Too fine to keep exactly: the result is approximated, not a panic.
        let frame = (sum - a - a).as_f64();
        assert!((frame - 1001.0 / 30_000.0).abs() < 1e-4, "{frame}");
        assert_eq!(sum.to_samples(384_000), sum.to_samples(384_000));
        let _ = sum.to_frames(FrameRate::Fps23_976);
        let _ = sum.timecode(FrameRate::Fps29_97Df);
    }

    #[test]
    fn durations_read_like_a_person_says_them() {
        assert_eq!(Seconds::from_secs(120).to_string(), "2 min");
        assert_eq!(Seconds::new(25, 2).to_string(), "12.5 s");
        assert_eq!(Seconds::from_secs(3725).to_string(), "1 h 2 min");
        assert_eq!(Seconds::new(-1, 4).to_string(), "-0.25 s");
    }

    #[test]
    fn samples_round_halves_up_and_negative_times_floor() {
        assert_eq!(Seconds::new(1, 96_000).to_samples(48_000), 1);
        assert_eq!(Seconds::new(-1, 96_000).to_samples(48_000), 0);
        assert_eq!(Seconds::new(-3, 96_000).to_samples(48_000), -1);
    }
}
