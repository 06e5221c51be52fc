//! The header check every media file passes before any reader sees it:
//! each field a decoder would trust (rates, channel counts, sample widths,
//! block sizes, chunk sizes) is read here with the file's real length at
//! hand, so that nothing downstream divides by zero, makes a time base of
//! 0 Hz, or sizes a buffer from a number the file made up.
//!
//! WAV (RIFF, RF64, BW64, extensible), AIFF and AIFF-C, and FLAC are
//! checked field by field; other formats (MP3, Ogg) are framed streams
//! that the decoder meets packet by packet, behind [`super::guard`].
//!
//! A field that makes the audio unreadable is an error naming the file,
//! the chunk and the field ("scene.wav: fmt chunk: sample rate 0 Hz").
//! A size that is only wrong about how much audio there is (0xFFFFFFFF,
//! zero, past the end of the file) is a warning: what is present is read,
//! as ffmpeg does.

use std::fs::File;
use std::io::Read;
use std::os::unix::fs::FileExt;
use std::path::Path;

use super::MediaError;

/// The most channels a file may have; more is a damaged header.
pub const MAX_CHANNELS: usize = 64;
/// The lowest and highest sample rates taken, in Hz.
pub const RATES: std::ops::RangeInclusive<u32> = 1_000..=768_000;
/// Chunks (or FLAC metadata blocks) looked at before the audio starts.
const MAX_CHUNKS: usize = 4096;

/// Check the header of the media file at `path`; the warnings name the file.
pub fn check(path: &Path) -> Result<Vec<String>, MediaError> {
    let io_err = |source: std::io::Error| MediaError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io_err)?;
    let len = file.metadata().map_err(io_err)?.len();
    let mut head = [0u8; 12];
    let n = read_up_to(&mut file, &mut head).map_err(io_err)?;
    let mut header = Header {
        file: &file,
        len,
        path,
        warnings: Vec::new(),
    };
    match (&head[..4.min(n)], n) {
        (b"RIFF" | b"RF64" | b"BW64", 12) if &head[8..12] == b"WAVE" => {
            header.wav(&head[..4] != b"RIFF")?
        }
        (b"FORM", 12) if matches!(&head[8..12], b"AIFF" | b"AIFC") => {
            header.aiff(&head[8..12] == b"AIFC")?
        }
        (b"fLaC", _) => header.flac()?,
        _ if n == 0 => {
            return Err(MediaError::Damaged {
                path: path.to_path_buf(),
                why: "the file is empty".into(),
            })
        }
        _ => {}
    }
    Ok(header.warnings)
}

fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

struct Header<'a> {
    file: &'a File,
    len: u64,
    path: &'a Path,
    warnings: Vec<String>,
}

impl Header<'_> {
    fn bad(&self, chunk: &str, why: String) -> MediaError {
        MediaError::Header {
            path: self.path.to_path_buf(),
            chunk: chunk.to_string(),
            why,
        }
    }

    fn warn(&mut self, chunk: &str, why: String) {
        self.warnings
            .push(format!("{}: {chunk}: {why}", self.path.display()));
    }

    /// `buf.len()` bytes at `at`, or an error naming `chunk` when the file
    /// ends first.
    fn read(&self, chunk: &str, at: u64, buf: &mut [u8]) -> Result<(), MediaError> {
        if at.saturating_add(buf.len() as u64) > self.len {
            return Err(self.bad(
                chunk,
                format!(
                    "the file ends at byte {} inside this chunk's {} header bytes",
                    self.len,
                    buf.len()
                ),
            ));
        }
        self.file
            .read_exact_at(buf, at)
            .map_err(|source| MediaError::Io {
                path: self.path.to_path_buf(),
                source,
            })
    }

    fn channels(&self, chunk: &str, channels: i64) -> Result<(), MediaError> {
        if channels < 1 || channels > MAX_CHANNELS as i64 {
            return Err(self.bad(
                chunk,
                format!("{channels} channels (1 to {MAX_CHANNELS} are possible)"),
            ));
        }
        Ok(())
    }

    fn rate(&self, chunk: &str, rate: f64) -> Result<(), MediaError> {
        if !rate.is_finite() || rate < *RATES.start() as f64 || rate > *RATES.end() as f64 {
            return Err(self.bad(
                chunk,
                format!(
                    "sample rate {rate} Hz ({} to {} Hz are possible)",
                    RATES.start(),
                    RATES.end()
                ),
            ));
        }
        Ok(())
    }

    fn wav(&mut self, rf64: bool) -> Result<(), MediaError> {
        let mut at = 12u64;
        let mut ds64: Option<u64> = None;
        // The fmt chunk's block size, once it is read.
        let mut fmt: Option<u16> = None;
        for _ in 0..MAX_CHUNKS {
            if at + 8 > self.len {
                let what = if fmt.is_none() {
                    "the file ends before a fmt chunk"
                } else {
                    "the file ends before a data chunk"
                };
                return Err(self.bad("WAVE", what.into()));
            }
            let mut chunk = [0u8; 8];
            self.read("WAVE", at, &mut chunk)?;
            let id = String::from_utf8_lossy(&chunk[..4]).into_owned();
            let size32 = le32(&chunk, 4);
            let body = at + 8;
            let room = self.len - body;
            let name = format!("{} chunk", id.trim_end());
            if &chunk[..4] == b"data" {
                let Some(block_align) = fmt else {
                    return Err(self.bad(
                        "data chunk",
                        format!("at byte {at}, before the fmt chunk that says how to read it"),
                    ));
                };
                let declared = match (rf64, size32, ds64) {
                    (true, u32::MAX, Some(size)) => Some(size),
                    (true, u32::MAX, None) => {
                        self.warn(
                            "data chunk",
                            "an RF64 size with no ds64 chunk to give it; reading to the end of the file".into(),
                        );
                        None
                    }
                    (_, 0 | u32::MAX, _) => {
                        self.warn(
                            "data chunk",
                            format!(
                                "size {size32:#x} was never filled in; reading the {room} bytes present"
                            ),
                        );
                        None
                    }
                    (_, size, _) => Some(u64::from(size)),
                };
                if let Some(size) = declared.filter(|&s| s > room) {
                    self.warn(
                        "data chunk",
                        format!("the file is cut short: size {size} runs past its end; reading the {room} bytes present"),
                    );
                }
                let present = declared.unwrap_or(room).min(room);
                if present < u64::from(block_align) {
                    return Err(self.bad(
                        "data chunk",
                        format!("{present} bytes of audio, less than one {block_align}-byte frame"),
                    ));
                }
                return Ok(());
            }
            let size = u64::from(size32);
            if size > room {
                return Err(self.bad(
                    &name,
                    format!(
                        "at byte {at}: size {size32} runs past the end of the file ({} bytes)",
                        self.len
                    ),
                ));
            }
            match &chunk[..4] {
                b"ds64" => {
                    if !rf64 {
                        self.warn("ds64 chunk", "in a plain RIFF file; ignored".into());
                    } else if size < 24 {
                        return Err(self.bad(
                            "ds64 chunk",
                            format!("{size} bytes, fewer than the 24 its sizes need"),
                        ));
                    } else {
                        let mut b = [0u8; 24];
                        self.read("ds64 chunk", body, &mut b)?;
                        ds64 = Some(le64(&b, 8));
                    }
                }
                b"fmt " if fmt.is_none() => fmt = Some(self.wav_fmt(body, size)?),
                b"fmt " => self.warn("fmt chunk", format!("a second one at byte {at}; ignored")),
                b"bext" if size < 346 => self.warn(
                    "bext chunk",
                    format!("{size} bytes, fewer than 346: its time reference is not read"),
                ),
                _ => {}
            }
            at = body + size + (size & 1);
        }
        Err(self.bad(
            "WAVE",
            format!("more than {MAX_CHUNKS} chunks before the audio data"),
        ))
    }

    /// The block size of the fmt chunk at `body`, every field checked.
    fn wav_fmt(&self, body: u64, size: u64) -> Result<u16, MediaError> {
        const C: &str = "fmt chunk";
        if size < 16 {
            return Err(self.bad(C, format!("{size} bytes, fewer than 16")));
        }
        let mut b = vec![0u8; size.min(40) as usize];
        self.read(C, body, &mut b)?;
        let tag = le16(&b, 0);
        let channels = le16(&b, 2);
        let rate = le32(&b, 4);
        let block_align = le16(&b, 12);
        let bits = le16(&b, 14);
        self.channels(C, i64::from(channels))?;
        self.rate(C, f64::from(rate))?;
        if block_align == 0 {
            return Err(self.bad(C, "block align 0 bytes".into()));
        }
        let ch = u32::from(channels);
        let whole = |bits: u16| u32::from(bits).div_ceil(8) * ch;
        let fixed = |widths: &[u16], what: &str| -> Result<(), MediaError> {
            if !widths.contains(&bits) {
                return Err(self.bad(
                    C,
                    format!("{bits} bits per sample for {what} (one of {widths:?} is needed)"),
                ));
            }
            if u32::from(block_align) != whole(bits) {
                return Err(self.bad(
                    C,
                    format!(
                        "block align {block_align} bytes, not the {} that {channels} channel(s) of {bits} bits take",
                        whole(bits)
                    ),
                ));
            }
            Ok(())
        };
        match tag {
            0x0001 => fixed(&[8, 16, 24, 32], "PCM")?,
            0x0003 => fixed(&[32, 64], "IEEE float")?,
            0x0006 | 0x0007 => fixed(&[8], "A-law or mu-law")?,
            0x0002 | 0x0011 => {
                if bits != 4 {
                    return Err(
                        self.bad(C, format!("{bits} bits per sample for ADPCM (4 is needed)"))
                    );
                }
                let header = if tag == 0x0002 { 7 } else { 4 } * ch;
                if u32::from(block_align) <= header {
                    return Err(self.bad(
                        C,
                        format!("block align {block_align} bytes, no room for audio after {header} bytes of ADPCM block header"),
                    ));
                }
                if size < 20 {
                    return Err(self.bad(C, format!("{size} bytes, too short for ADPCM")));
                }
            }
            0xFFFE => {
                if size < 40 || le16(&b, 16) < 22 {
                    return Err(self.bad(
                        C,
                        format!(
                            "WAVE_FORMAT_EXTENSIBLE in {size} bytes with {} extra, not 40 with 22",
                            if size >= 18 { le16(&b, 16) } else { 0 }
                        ),
                    ));
                }
                let valid = le16(&b, 18);
                let sub = le16(&b, 24);
                let tail = &b[26..40];
                const KSDATAFORMAT: [u8; 14] = [
                    0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B,
                    0x71,
                ];
                if tail != KSDATAFORMAT {
                    return Err(MediaError::Unsupported {
                        path: self.path.to_path_buf(),
                        why: "fmt chunk: an extensible sub-format that is not a standard one"
                            .into(),
                    });
                }
                match sub {
                    0x0001 => fixed(&[8, 16, 24, 32], "extensible PCM")?,
                    0x0003 => fixed(&[32, 64], "extensible IEEE float")?,
                    _ => {
                        return Err(MediaError::Unsupported {
                            path: self.path.to_path_buf(),
                            why: format!(
                            "fmt chunk: extensible sub-format {sub:#06x} is not one dubstage reads"
                        ),
                        })
                    }
                }
                if valid > bits {
                    return Err(self.bad(
                        C,
                        format!("{valid} valid bits per sample in a {bits}-bit container"),
                    ));
                }
            }
            _ => {
                return Err(MediaError::Unsupported {
                    path: self.path.to_path_buf(),
                    why: format!("fmt chunk: format tag {tag:#06x} is not one dubstage reads"),
                })
            }
        }
        Ok(block_align)
    }

    fn aiff(&mut self, aifc: bool) -> Result<(), MediaError> {
        let mut at = 12u64;
        let mut comm: Option<(u32, u64)> = None;
        let mut ssnd: Option<u64> = None;
        for _ in 0..MAX_CHUNKS {
            if at + 8 > self.len {
                break;
            }
            let mut chunk = [0u8; 8];
            self.read("FORM", at, &mut chunk)?;
            let id = String::from_utf8_lossy(&chunk[..4]).into_owned();
            let size = u64::from(be32(&chunk, 4));
            let body = at + 8;
            let room = self.len - body;
            match &chunk[..4] {
                b"COMM" => {
                    if size > room {
                        return Err(self.bad(
                            "COMM chunk",
                            format!(
                                "size {size} runs past the end of the file ({} bytes)",
                                self.len
                            ),
                        ));
                    }
                    comm = Some(self.aiff_comm(body, size, aifc)?);
                }
                b"SSND" => {
                    if size < 8 {
                        return Err(self.bad("SSND chunk", format!("{size} bytes, fewer than 8")));
                    }
                    let mut b = [0u8; 8];
                    self.read("SSND chunk", body, &mut b)?;
                    let offset = u64::from(be32(&b, 0));
                    let present = size.min(room);
                    if size > room {
                        self.warn(
                            "SSND chunk",
                            format!("size {size} runs past the end of the file; reading the {room} bytes present"),
                        );
                    }
                    if offset > present - 8 {
                        return Err(self.bad(
                            "SSND chunk",
                            format!("offset {offset} points past the chunk's {present} bytes"),
                        ));
                    }
                    ssnd = Some(present - 8 - offset);
                    if comm.is_some() {
                        break;
                    }
                    if size > room {
                        break;
                    }
                }
                _ if size > room => {
                    return Err(self.bad(
                        &format!("{} chunk", id.trim_end()),
                        format!(
                            "at byte {at}: size {size} runs past the end of the file ({} bytes)",
                            self.len
                        ),
                    ))
                }
                _ => {}
            }
            at = body + size + (size & 1);
        }
        let Some((frames, frame_bytes)) = comm else {
            return Err(self.bad(
                "FORM",
                "no COMM chunk: channels and rate are unknown".into(),
            ));
        };
        let Some(bytes) = ssnd else {
            return Err(self.bad("FORM", "no SSND chunk: the file holds no audio".into()));
        };
        if frame_bytes > 0 && bytes / frame_bytes < u64::from(frames) {
            self.warn(
                "COMM chunk",
                format!("{frames} frames promised, {} present", bytes / frame_bytes),
            );
        }
        Ok(())
    }

    /// The frames the COMM chunk promises and the bytes of one frame (0
    /// when compressed).
    fn aiff_comm(&self, body: u64, size: u64, aifc: bool) -> Result<(u32, u64), MediaError> {
        const C: &str = "COMM chunk";
        // AIFF-C adds the compression type and its name (a Pascal string).
        let need = if aifc { 23 } else { 18 };
        if size < need {
            return Err(self.bad(C, format!("{size} bytes, fewer than {need}")));
        }
        let mut b = [0u8; 23];
        self.read(C, body, &mut b[..need as usize])?;
        if aifc {
            let name = u64::from(b[22]);
            if name == 255 {
                // Decoders add the pad byte to the length in a byte.
                return Err(self.bad(
                    C,
                    "a compression name of 255 bytes, longer than dubstage reads".into(),
                ));
            }
            if 23 + name > size {
                return Err(self.bad(
                    C,
                    format!("the {name}-byte compression name runs past the chunk's {size} bytes"),
                ));
            }
        }
        let channels = i16::from_be_bytes([b[0], b[1]]);
        let frames = be32(&b, 2);
        let bits = i16::from_be_bytes([b[6], b[7]]);
        let mut ext = [0u8; 10];
        ext.copy_from_slice(&b[8..18]);
        self.channels(C, i64::from(channels))?;
        self.rate(C, extended(ext))?;
        let compression: [u8; 4] = if aifc {
            [b[18], b[19], b[20], b[21]]
        } else {
            *b"NONE"
        };
        let widths: &[i16] = match &compression {
            b"NONE" | b"none" => &[8, 16, 24, 32],
            b"sowt" | b"SOWT" | b"twos" | b"TWOS" => &[16],
            b"fl32" | b"FL32" => &[32],
            b"fl64" | b"FL64" => &[64],
            b"alaw" | b"ALAW" | b"ulaw" | b"ULAW" => return Ok((frames, 0)),
            other => {
                return Err(MediaError::Unsupported {
                    path: self.path.to_path_buf(),
                    why: format!(
                        "COMM chunk: compression {:?} is not one dubstage reads",
                        String::from_utf8_lossy(other)
                    ),
                })
            }
        };
        if !widths.contains(&bits) {
            return Err(self.bad(
                C,
                format!(
                    "{bits} bits per sample with compression {:?} (one of {widths:?} is needed)",
                    String::from_utf8_lossy(&compression)
                ),
            ));
        }
        Ok((frames, (bits as u64 / 8) * channels as u64))
    }

    fn flac(&mut self) -> Result<(), MediaError> {
        let mut at = 4u64;
        for i in 0..MAX_CHUNKS {
            let mut h = [0u8; 4];
            self.read("FLAC metadata", at, &mut h)?;
            let last = h[0] & 0x80 != 0;
            let kind = h[0] & 0x7F;
            let size = u64::from(u32::from_be_bytes([0, h[1], h[2], h[3]]));
            let body = at + 4;
            if size > self.len - body {
                return Err(self.bad(
                    "FLAC metadata",
                    format!(
                        "block {i} (type {kind}) at byte {at}: size {size} runs past the end of the file ({} bytes)",
                        self.len
                    ),
                ));
            }
            if i == 0 {
                if kind != 0 || size != 34 {
                    return Err(self.bad(
                        "STREAMINFO",
                        format!("the first metadata block is type {kind} of {size} bytes, not STREAMINFO (type 0, 34 bytes)"),
                    ));
                }
                self.streaminfo(body)?;
            } else if kind == 127 {
                return Err(self.bad(
                    "FLAC metadata",
                    format!("block {i} has the invalid type 127"),
                ));
            } else if kind == 4 || kind == 6 {
                // The lengths inside a comment or picture block are what a
                // reader sizes its buffers by: each must fit in the block.
                let mut b = vec![0u8; size as usize];
                self.read("FLAC metadata", body, &mut b)?;
                let (chunk, lengths) = if kind == 4 {
                    ("VORBIS_COMMENT", comment_lengths(&b))
                } else {
                    ("PICTURE", picture_lengths(&b))
                };
                if let Err(why) = lengths {
                    return Err(self.bad(chunk, format!("block {i}: {why}")));
                }
            }
            at = body + size;
            if last {
                if at >= self.len {
                    return Err(
                        self.bad("FLAC metadata", "no audio frames after the metadata".into())
                    );
                }
                return Ok(());
            }
        }
        Err(self.bad(
            "FLAC metadata",
            format!("more than {MAX_CHUNKS} metadata blocks"),
        ))
    }

    fn streaminfo(&self, body: u64) -> Result<(), MediaError> {
        const C: &str = "STREAMINFO";
        let mut b = [0u8; 34];
        self.read(C, body, &mut b)?;
        let min_block = u16::from_be_bytes([b[0], b[1]]);
        let max_block = u16::from_be_bytes([b[2], b[3]]);
        if min_block < 16 || max_block < min_block {
            return Err(self.bad(
                C,
                format!(
                    "block sizes {min_block} to {max_block} samples (16 or more, smallest first)"
                ),
            ));
        }
        // 20 bits of rate, 3 of channels - 1, 5 of bits - 1, 36 of frames.
        let packed = u64::from_be_bytes([b[10], b[11], b[12], b[13], b[14], b[15], b[16], b[17]]);
        let rate = (packed >> 44) as u32;
        let bits = ((packed >> 36) & 0x1F) as u32 + 1;
        self.rate(C, f64::from(rate))?;
        if bits < 4 {
            return Err(self.bad(C, format!("{bits} bits per sample (4 to 32 are possible)")));
        }
        Ok(())
    }
}

/// A length field at `at` of `b` (`little`-endian or big) that must leave
/// room for what it counts; the offset after what it counts.
fn length_at(b: &[u8], at: usize, little: bool, what: &str) -> Result<usize, String> {
    let Some(field) = b.get(at..at + 4) else {
        return Err(format!("the {what} length at byte {at} is cut off"));
    };
    let field = [field[0], field[1], field[2], field[3]];
    let n = if little {
        u32::from_le_bytes(field)
    } else {
        u32::from_be_bytes(field)
    } as usize;
    let end = at + 4;
    if n > b.len() - end {
        return Err(format!(
            "{what} length {n} at byte {at} runs past the block's {} bytes",
            b.len()
        ));
    }
    Ok(end + n)
}

/// A Vorbis comment block: vendor string, count, comments, each with a
/// little-endian length.
fn comment_lengths(b: &[u8]) -> Result<(), String> {
    let mut at = length_at(b, 0, true, "vendor string")?;
    let Some(count) = b.get(at..at + 4) else {
        return Err("the comment count is cut off".into());
    };
    let count = u32::from_le_bytes([count[0], count[1], count[2], count[3]]) as usize;
    at += 4;
    if count > (b.len() - at) / 4 {
        return Err(format!("{count} comments cannot fit in {} bytes", b.len()));
    }
    for _ in 0..count {
        at = length_at(b, at, true, "comment")?;
    }
    Ok(())
}

/// A FLAC picture block: type, MIME type, description, four numbers, data.
fn picture_lengths(b: &[u8]) -> Result<(), String> {
    let at = length_at(b, 4, false, "MIME type")?;
    let at = length_at(b, at, false, "description")?;
    length_at(b, at + 16, false, "picture data")?;
    Ok(())
}

/// An 80-bit IEEE 754 extended float (AIFF's sample rate) as f64.
fn extended(b: [u8; 10]) -> f64 {
    let negative = b[0] & 0x80 != 0;
    let exponent = i32::from(u16::from_be_bytes([b[0] & 0x7F, b[1]]));
    let mantissa = u64::from_be_bytes([b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9]]);
    if exponent == 0x7FFF {
        return f64::NAN;
    }
    let value = mantissa as f64 * 2f64.powi(exponent - 16383 - 63);
    if negative {
        -value
    } else {
        value
    }
}

fn le16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn le64(b: &[u8], at: usize) -> u64 {
    u64::from(le32(b, at)) | u64::from(le32(b, at + 4)) << 32
}

fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extended_floats() {
        // 48000 and 44100 as AIFF writes them.
        assert_eq!(
            extended([0x40, 0x0E, 0xBB, 0x80, 0, 0, 0, 0, 0, 0]),
            48_000.0
        );
        assert_eq!(
            extended([0x40, 0x0E, 0xAC, 0x44, 0, 0, 0, 0, 0, 0]),
            44_100.0
        );
        assert_eq!(extended([0; 10]), 0.0);
        assert!(extended([0x7F, 0xFF, 0xC0, 0, 0, 0, 0, 0, 0, 0]).is_nan());
    }
}
