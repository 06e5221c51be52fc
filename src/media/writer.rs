//! Writing Broadcast WAV files: 24-bit integer or 32-bit float, with a `bext`
//! time reference, becoming RF64 by itself when the audio outgrows 4 GiB (a
//! two-hour 5.1 stem at 24 bits is 6 GiB). A JUNK chunk reserves room for the
//! ds64 chunk up front, as the EBU RF64 specification describes.

use std::io::{self, Seek, SeekFrom, Write};
use std::path::Path;

use super::sink::{Sink, CAPACITY};

/// The sample formats a bounce writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// 24-bit integer PCM, rounded (no dither).
    Int24,
    /// 32-bit IEEE float: every sample exactly as mixed.
    Float32,
}

impl OutputFormat {
    fn bytes(self) -> usize {
        match self {
            OutputFormat::Int24 => 3,
            OutputFormat::Float32 => 4,
        }
    }
}

/// A sample as 24-bit integer: rounded to nearest (halves away from zero),
/// clipped to the 24-bit range. Truncating after adding a signed half is
/// what `round` does, without a library call on baseline x86-64.
/// Clipped first, as a float, so that nothing branches.
#[inline]
fn to_i24(s: f32) -> i32 {
    let v = (s * 8_388_608.0).clamp(-8_388_608.0, 8_388_607.0);
    (v + 0.5f32.copysign(v)) as i32 // NaN becomes 0
}

/// Write `samples` as 24-bit into the first three bytes of each
/// `BLOCK`-byte frame of `out` (the commonest layouts, with the stride
/// known to the compiler).
fn put_i24<const BLOCK: usize>(out: &mut [u8], samples: &[f32]) {
    for (o, s) in out.chunks_mut(BLOCK).zip(samples) {
        o[..3].copy_from_slice(&to_i24(*s).to_le_bytes()[..3]);
    }
}

/// Write two channels as interleaved 24-bit frames into `out` (six bytes
/// a frame), eight frames at a time where the CPU has AVX2: the same bytes
/// as [`to_i24`] sample by sample.
fn put_i24_stereo(out: &mut [u8], left: &[f32], right: &[f32]) {
    let mut done = 0;
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2.
        done = unsafe { stereo_avx2(out, left, right) };
    }
    for ((o, l), r) in out[done * 6..]
        .chunks_exact_mut(6)
        .zip(&left[done..])
        .zip(&right[done..])
    {
        o[..3].copy_from_slice(&to_i24(*l).to_le_bytes()[..3]);
        o[3..].copy_from_slice(&to_i24(*r).to_le_bytes()[..3]);
    }
}

/// [`to_i24`] on eight samples: the same operations (multiply, NaN to
/// zero, clip, add a signed half, truncate).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn to_i24_x8(s: std::arch::x86_64::__m256) -> std::arch::x86_64::__m256i {
    use std::arch::x86_64::*;
    let v = _mm256_mul_ps(s, _mm256_set1_ps(8_388_608.0));
    let v = _mm256_and_ps(v, _mm256_cmp_ps::<_CMP_ORD_Q>(v, v));
    let v = _mm256_max_ps(
        _mm256_min_ps(v, _mm256_set1_ps(8_388_607.0)),
        _mm256_set1_ps(-8_388_608.0),
    );
    let half = _mm256_or_ps(_mm256_and_ps(v, _mm256_set1_ps(-0.0)), _mm256_set1_ps(0.5));
    _mm256_cvttps_epi32(_mm256_add_ps(v, half))
}

/// Whole groups of eight frames while a 16-byte store stays inside `out`;
/// the number of frames done.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn stereo_avx2(out: &mut [u8], left: &[f32], right: &[f32]) -> usize {
    use std::arch::x86_64::*;
    // The low three bytes of each 32-bit lane, twelve bytes per half.
    let pack = _mm256_setr_epi8(
        0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1, //
        0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1,
    );
    let frames = left.len().min(right.len()).min(out.len() / 6);
    let groups = (out.len().saturating_sub(4) / 48).min(frames / 8);
    for g in 0..groups {
        let l = to_i24_x8(_mm256_loadu_ps(left.as_ptr().add(g * 8)));
        let r = to_i24_x8(_mm256_loadu_ps(right.as_ptr().add(g * 8)));
        // Frames 0 1 | 4 5 and 2 3 | 6 7, left and right in turn.
        let a = _mm256_shuffle_epi8(_mm256_unpacklo_epi32(l, r), pack);
        let b = _mm256_shuffle_epi8(_mm256_unpackhi_epi32(l, r), pack);
        let at = out.as_mut_ptr().add(g * 48);
        // In order, each store's four spare bytes overwritten by the next.
        _mm_storeu_si128(at as *mut __m128i, _mm256_castsi256_si128(a));
        _mm_storeu_si128(at.add(12) as *mut __m128i, _mm256_castsi256_si128(b));
        _mm_storeu_si128(at.add(24) as *mut __m128i, _mm256_extracti128_si256::<1>(a));
        _mm_storeu_si128(at.add(36) as *mut __m128i, _mm256_extracti128_si256::<1>(b));
    }
    groups * 8
}

const RIFF_LIMIT: u64 = u32::MAX as u64 - 1024;
const BEXT_SIZE: usize = 602;

/// A WAV file being written; `finish` completes its header.
pub struct WavWriter {
    out: Sink,
    format: OutputFormat,
    channels: usize,
    frames: u64,
    junk_at: u64,
    fact_at: Option<u64>,
    data_size_at: u64,
    data_at: u64,
}

impl WavWriter {
    /// Create `path` for `channels` channels at `sample_rate`, stamped with
    /// `time_reference` (samples since midnight) when given.
    pub fn create(
        path: &Path,
        channels: usize,
        sample_rate: u32,
        format: OutputFormat,
        time_reference: Option<u64>,
    ) -> io::Result<WavWriter> {
        let mut out = Sink::create(path)?;
        let mut at = 0u64;
        let mut put = |out: &mut Sink, bytes: &[u8]| -> io::Result<u64> {
            let here = at;
            out.write_all(bytes)?;
            at += bytes.len() as u64;
            Ok(here)
        };
        put(&mut out, b"RIFF\0\0\0\0WAVE")?;
        // Room for a ds64 chunk (28 bytes of body) should the file pass 4 GiB.
        let junk_at = put(&mut out, b"JUNK")?;
        put(&mut out, &28u32.to_le_bytes())?;
        put(&mut out, &[0u8; 28])?;

        let width = format.bytes();
        let (tag, extensible) = match format {
            OutputFormat::Int24 => (1u16, channels > 2),
            OutputFormat::Float32 => (3u16, channels > 2),
        };
        let mut fmt = Vec::with_capacity(40);
        fmt.extend_from_slice(&(if extensible { 0xFFFEu16 } else { tag }).to_le_bytes());
        fmt.extend_from_slice(&(channels as u16).to_le_bytes());
        fmt.extend_from_slice(&sample_rate.to_le_bytes());
        fmt.extend_from_slice(&(sample_rate * (channels * width) as u32).to_le_bytes());
        fmt.extend_from_slice(&((channels * width) as u16).to_le_bytes());
        fmt.extend_from_slice(&((width * 8) as u16).to_le_bytes());
        if extensible {
            fmt.extend_from_slice(&22u16.to_le_bytes());
            fmt.extend_from_slice(&((width * 8) as u16).to_le_bytes());
            let mask: u32 = if channels == 6 { 0x3F } else { 0 };
            fmt.extend_from_slice(&mask.to_le_bytes());
            fmt.extend_from_slice(&tag.to_le_bytes());
            fmt.extend_from_slice(&[
                0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71,
            ]);
        }
        put(&mut out, b"fmt ")?;
        put(&mut out, &(fmt.len() as u32).to_le_bytes())?;
        put(&mut out, &fmt)?;

        let fact_at = if format == OutputFormat::Float32 {
            let here = put(&mut out, b"fact")?;
            put(&mut out, &4u32.to_le_bytes())?;
            put(&mut out, &[0u8; 4])?;
            Some(here)
        } else {
            None
        };

        if let Some(reference) = time_reference {
            let mut bext = vec![0u8; BEXT_SIZE];
            let text = b"dubstage";
            bext[256..256 + text.len()].copy_from_slice(text); // Originator
            bext[338..346].copy_from_slice(&reference.to_le_bytes());
            bext[346..348].copy_from_slice(&1u16.to_le_bytes()); // Version
            put(&mut out, b"bext")?;
            put(&mut out, &(BEXT_SIZE as u32).to_le_bytes())?;
            put(&mut out, &bext)?;
        }

        put(&mut out, b"data")?;
        let data_size_at = put(&mut out, &[0u8; 4])?;
        Ok(WavWriter {
            out,
            format,
            channels,
            frames: 0,
            junk_at,
            fact_at,
            data_size_at,
            data_at: at,
        })
    }

    /// Append `frames` frames from one slice per channel, encoded straight
    /// into the file's buffer.
    pub fn write_planar(&mut self, channels: &[&[f32]], frames: usize) -> io::Result<()> {
        debug_assert_eq!(channels.len(), self.channels);
        let width = self.format.bytes();
        let block = width * self.channels;
        let most = (CAPACITY / block.max(1)).max(1);
        let mut done = 0;
        while done < frames {
            let n = (frames - done).min(most);
            let out = self.out.next_bytes(n * block)?;
            let part = |c: usize| &channels[c][done..done + n];
            if self.format == OutputFormat::Int24 && self.channels == 2 {
                put_i24_stereo(out, part(0), part(1));
            } else {
                for c in 0..self.channels {
                    let samples = part(c);
                    match self.format {
                        OutputFormat::Float32 => {
                            for (o, s) in out[c * width..].chunks_mut(block).zip(samples) {
                                o[..4].copy_from_slice(&s.to_le_bytes());
                            }
                        }
                        OutputFormat::Int24 => match block {
                            3 => put_i24::<3>(&mut out[c * width..], samples),
                            6 => put_i24::<6>(&mut out[c * width..], samples),
                            _ => {
                                for (o, s) in out[c * width..].chunks_mut(block).zip(samples) {
                                    o[..3].copy_from_slice(&to_i24(*s).to_le_bytes()[..3]);
                                }
                            }
                        },
                    }
                }
            }
            done += n;
        }
        self.frames += frames as u64;
        Ok(())
    }

    /// Frames written so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Fill in the header's sizes and flush everything to disk.
    pub fn finish(mut self) -> io::Result<()> {
        let data_size = self.frames * (self.format.bytes() * self.channels) as u64;
        if data_size & 1 == 1 {
            self.out.write_all(&[0])?;
        }
        let riff_size = self.data_at - 8 + data_size + (data_size & 1);
        let mut file = self.out.into_file()?;
        let mut put = |at: u64, bytes: &[u8]| -> io::Result<()> {
            file.seek(SeekFrom::Start(at))?;
            file.write_all(bytes)
        };
        if riff_size <= RIFF_LIMIT {
            put(4, &(riff_size as u32).to_le_bytes())?;
            put(self.data_size_at, &(data_size as u32).to_le_bytes())?;
        } else {
            put(0, b"RF64")?;
            put(4, &u32::MAX.to_le_bytes())?;
            let mut ds64 = Vec::with_capacity(36);
            ds64.extend_from_slice(b"ds64");
            ds64.extend_from_slice(&28u32.to_le_bytes());
            ds64.extend_from_slice(&riff_size.to_le_bytes());
            ds64.extend_from_slice(&data_size.to_le_bytes());
            ds64.extend_from_slice(&self.frames.to_le_bytes());
            ds64.extend_from_slice(&0u32.to_le_bytes());
            put(self.junk_at, &ds64)?;
            put(self.data_size_at, &u32::MAX.to_le_bytes())?;
        }
        if let Some(fact_at) = self.fact_at {
            put(
                fact_at + 8,
                &(self.frames.min(u32::MAX as u64) as u32).to_le_bytes(),
            )?;
        }
        file.sync_all()
    }
}

#[cfg(test)]
mod tests {
    use super::{put_i24, put_i24_stereo, to_i24};

    #[test]
    fn stereo_frames_are_the_bytes_of_each_sample_rounded() {
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            1.5,
            -7.0,
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            0.5 / 8_388_608.0,
            -0.5 / 8_388_608.0,
            1.5 / 8_388_608.0,
        ];
        values.extend((0..1000).map(|i| ((i as f32) * 0.618_034).sin() * 1.01));
        for frames in [1, 7, 8, 9, 16, 17, 500, 506] {
            let left = &values[..frames];
            let right = &values[values.len() - frames..];
            let mut fast = vec![0xAAu8; frames * 6];
            put_i24_stereo(&mut fast, left, right);
            let mut plain = vec![0x55u8; frames * 6];
            put_i24::<6>(&mut plain, left);
            put_i24::<6>(&mut plain[3..], right);
            assert_eq!(fast, plain, "{frames} frames");
        }
    }

    #[test]
    fn rounding_to_24_bits_matches_round_and_clips() {
        for i in -100_000..100_000 {
            let s = i as f32 * 0.000_013_7;
            let want = (s * 8_388_608.0).round().clamp(-8_388_608.0, 8_388_607.0) as i32;
            assert_eq!(to_i24(s), want, "{s}");
        }
        assert_eq!(to_i24(1.5), 8_388_607);
        assert_eq!(to_i24(-1.0), -8_388_608);
        assert_eq!(to_i24(f32::NAN), 0);
        assert_eq!(to_i24(0.5 / 8_388_608.0), 1);
        assert_eq!(to_i24(-0.5 / 8_388_608.0), -1);
    }
}
