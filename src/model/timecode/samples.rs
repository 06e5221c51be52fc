//! Frames and samples: the exact mapping between frame counts and sample
//! positions, rounded to the nearest sample.

use super::rate::FrameRate;

/// Sample position at which frame `frames` starts, counting from a frame
/// boundary at sample 0: `frames * sample_rate * den / num` rounded to the
/// nearest sample, halves up.
///
/// At 23.976 fps and 48 kHz a frame is exactly 2002 samples; at 29.97 fps it
/// is 1601.6 samples, so frame boundaries fall on 0, 1602, 3203, 4805, 6406,
/// 8008, ... Saturates at `u64::MAX`.
pub fn frames_to_samples(frames: u64, rate: FrameRate, sample_rate: u32) -> u64 {
    let (num, den) = rate.rate();
    let exact = u128::from(frames) * u128::from(sample_rate) * u128::from(den);
    let rounded = (2 * exact + u128::from(num)) / (2 * u128::from(num));
    u64::try_from(rounded).unwrap_or(u64::MAX)
}

/// The frame containing sample `samples`: the last frame whose first sample,
/// as given by [`frames_to_samples`], is at or before it.
///
/// When a frame is a whole number of samples long this is
/// `floor(samples * num / (sample_rate * den))`. When it is not (29.97 fps,
/// or any 44.1 kHz session), it follows the same rounding as
/// [`frames_to_samples`], so `samples_to_frames(frames_to_samples(n)) == n`
/// always holds. A sample rate of 0 gives frame 0.
pub fn samples_to_frames(samples: u64, rate: FrameRate, sample_rate: u32) -> u64 {
    let (num, den) = rate.rate();
    // Largest n with n * sample_rate * den / num + 1/2 < samples + 1.
    let scaled = (2 * u128::from(samples) + 1) * u128::from(num);
    let frame_span = 2 * u128::from(sample_rate) * u128::from(den);
    match (scaled - 1).checked_div(frame_span) {
        Some(frames) => u64::try_from(frames).unwrap_or(u64::MAX),
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::timecode::label::tc;

    const DF: FrameRate = FrameRate::Fps29_97Df;

    #[test]
    fn film_at_ntsc_speed_is_2002_samples_a_frame() {
        let rate = FrameRate::Fps23_976;
        assert_eq!(frames_to_samples(1, rate, 48_000), 2002);
        let hour = tc("01:00:00:00", rate).to_frame_count(rate);
        assert_eq!(hour, 86_400);
        assert_eq!(frames_to_samples(hour, rate, 48_000), 172_972_800);
        assert_eq!(samples_to_frames(172_972_800, rate, 48_000), 86_400);
        assert_eq!(samples_to_frames(2001, rate, 48_000), 0);
        assert_eq!(samples_to_frames(2002, rate, 48_000), 1);
    }

    #[test]
    fn ntsc_video_frame_boundaries_round_to_nearest_sample() {
        for rate in [FrameRate::Fps29_97, DF] {
            let starts: Vec<u64> = (0..6).map(|n| frames_to_samples(n, rate, 48_000)).collect();
            assert_eq!(starts, [0, 1602, 3203, 4805, 6406, 8008]);
            assert_eq!(samples_to_frames(3202, rate, 48_000), 1);
            assert_eq!(samples_to_frames(3203, rate, 48_000), 2);
        }
        // 50 frames at 44.1 kHz is 73573.5 samples: halves round up.
        assert_eq!(frames_to_samples(50, FrameRate::Fps29_97, 44_100), 73_574);
        assert_eq!(frames_to_samples(1, FrameRate::Fps25, 48_000), 1920);
    }

    #[test]
    fn samples_to_frames_inverts_frames_to_samples() {
        for rate in FrameRate::ALL {
            for sample_rate in [44_100, 48_000, 96_000] {
                for n in (0..20_000).chain([1 << 40]) {
                    let first = frames_to_samples(n, rate, sample_rate);
                    let after = frames_to_samples(n + 1, rate, sample_rate);
                    assert_eq!(samples_to_frames(first, rate, sample_rate), n);
                    assert_eq!(samples_to_frames(after - 1, rate, sample_rate), n);
                }
            }
        }
    }
}
