//! The demo media's cue sheet: the files and their lengths, and where the
//! phrases, the shouted word, the ADR line and the door slam lie in them.
//! The session file and the tests place their clips and checks by these.

/// Every file written by [`write_demo_media`](super::media::write_demo_media): `(file name, channels, frames at 48 kHz)`.
pub const DEMO_FILES: &[(&str, u16, u64)] = &[
    ("anna.wav", 1, 20 * 48_000),
    ("ben.wav", 1, 20 * 48_000),
    ("roomtone.wav", 1, 8 * 48_000),
    ("adr_ben.wav", 1, 4 * 48_000),
    ("footsteps.wav", 1, 6 * 48_000),
    ("door.wav", 1, 3 * 48_000),
    ("music_cue.wav", 2, 30 * 48_000),
];

/// Anna's phrases in `anna.wav` as `(start, end)` seconds; only room tone lies
/// outside them. Her 2nd phrase is a question (pitch rises at the end).
pub const ANNA_PHRASES: &[(f64, f64)] = &[(1.0, 3.8), (5.1, 7.0), (8.4, 12.3), (13.9, 16.8)];

/// Ben's phrases in `ben.wav` as `(start, end)` seconds; only room tone lies
/// outside them. The 2nd phrase contains the shouted word [`BEN_SHOUT`].
pub const BEN_PHRASES: &[(f64, f64)] = &[(0.6, 2.4), (3.8, 7.4), (9.2, 11.7), (13.5, 17.2)];

/// The shouted word in Ben's 2nd phrase, `(start, end)` seconds in `ben.wav`:
/// ~8 dB louder than his other words (peaks near -2 dBFS), the target for a dip.
pub const BEN_SHOUT: (f64, f64) = (5.3, 5.75);

/// The line in `adr_ben.wav`, `(start, end)` seconds: a studio re-record of
/// Ben's 3rd phrase (`BEN_PHRASES[2]`) — same words and timing, another take.
pub const ADR_PHRASE: (f64, f64) = (0.3, 2.8);

/// Time of the slam in `door.wav` in seconds (the creak runs 0.2–1.4 s).
pub const DOOR_SLAM_AT: f64 = 1.6;
