//! Writing Broadcast WAV files: 24-bit integer or 32-bit float, with a `bext`
//! time reference, becoming RF64 by itself when the audio outgrows 4 GiB (a
//! two-hour 5.1 stem at 24 bits is 6 GiB). A JUNK chunk reserves room for the
//! ds64 chunk up front, as the EBU RF64 specification describes.

use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

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

const RIFF_LIMIT: u64 = u32::MAX as u64 - 1024;
const BEXT_SIZE: usize = 602;

/// A WAV file being written; `finish` completes its header.
pub struct WavWriter {
    out: BufWriter<File>,
    format: OutputFormat,
    channels: usize,
    frames: u64,
    junk_at: u64,
    fact_at: Option<u64>,
    data_size_at: u64,
    data_at: u64,
    interleaved: Vec<u8>,
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
        let file = File::create(path)?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        let mut at = 0u64;
        let mut put = |out: &mut BufWriter<File>, bytes: &[u8]| -> io::Result<u64> {
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
            interleaved: Vec::new(),
        })
    }

    /// Append `frames` frames from one slice per channel.
    pub fn write_planar(&mut self, channels: &[&[f32]], frames: usize) -> io::Result<()> {
        debug_assert_eq!(channels.len(), self.channels);
        let width = self.format.bytes();
        let block = width * self.channels;
        self.interleaved.resize(frames * block, 0);
        for (c, samples) in channels.iter().enumerate() {
            let out = self.interleaved[c * width..].chunks_mut(block);
            match self.format {
                OutputFormat::Float32 => {
                    for (o, s) in out.zip(&samples[..frames]) {
                        o[..4].copy_from_slice(&s.to_le_bytes());
                    }
                }
                OutputFormat::Int24 => match block {
                    3 => put_i24::<3>(&mut self.interleaved[c * width..], &samples[..frames]),
                    6 => put_i24::<6>(&mut self.interleaved[c * width..], &samples[..frames]),
                    _ => {
                        for (o, s) in out.zip(&samples[..frames]) {
                            o[..3].copy_from_slice(&to_i24(*s).to_le_bytes()[..3]);
                        }
                    }
                },
            }
        }
        self.out.write_all(&self.interleaved)?;
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
        let mut file = self.out.into_inner().map_err(|e| e.into_error())?;
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
    use super::to_i24;

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
