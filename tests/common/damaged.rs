//! A corpus of damaged and odd media files, written byte by byte (not by
//! dubstage's writer): every header field a reader trusts, set to zero, to
//! an absurd value, to a size past the file's end or to 0xFFFFFFFF, for
//! WAV (RIFF, RF64/ds64, extensible, bext, iXML), AIFF/AIFF-C (COMM, SSND)
//! and FLAC (STREAMINFO, metadata blocks, from tests/media/ref.flac).
//! Each file comes with what dubstage must make of it.

use std::path::{Path, PathBuf};

/// What reading a corpus file must give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Refused with an error naming the file and containing this text
    /// (the chunk and field).
    Refused(&'static str),
    /// Read as far as it goes, with a warning naming the file and
    /// containing this text.
    Warned(&'static str),
    /// Read without a word.
    Read,
}

pub struct Case {
    pub name: &'static str,
    pub bytes: Vec<u8>,
    pub expect: Expect,
}

/// 0.1 s of a 16-bit mono 1 kHz tone at 48 kHz.
fn tone16(frames: usize) -> Vec<u8> {
    (0..frames)
        .flat_map(|i| {
            let x = (i as f64 * 2.0 * std::f64::consts::PI * 1000.0 / 48_000.0).sin() * 8000.0;
            (x as i16).to_le_bytes()
        })
        .collect()
}

/// A RIFF chunk: id, the given size field, the body, a pad byte if odd.
pub fn chunk_sized(id: &[u8; 4], size: u32, body: &[u8]) -> Vec<u8> {
    let mut c = id.to_vec();
    c.extend_from_slice(&size.to_le_bytes());
    c.extend_from_slice(body);
    if body.len() % 2 == 1 {
        c.push(0);
    }
    c
}

pub fn chunk(id: &[u8; 4], body: &[u8]) -> Vec<u8> {
    chunk_sized(id, body.len() as u32, body)
}

/// A fmt chunk body of 16 bytes.
pub fn fmt_body(tag: u16, channels: u16, rate: u32, align: u16, bits: u16) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&tag.to_le_bytes());
    b.extend_from_slice(&channels.to_le_bytes());
    b.extend_from_slice(&rate.to_le_bytes());
    b.extend_from_slice(&rate.wrapping_mul(align as u32).to_le_bytes());
    b.extend_from_slice(&align.to_le_bytes());
    b.extend_from_slice(&bits.to_le_bytes());
    b
}

/// A WAVE_FORMAT_EXTENSIBLE fmt body (40 bytes).
fn ext_body(channels: u16, bits: u16, valid: u16, sub: u16, guid_ok: bool) -> Vec<u8> {
    let mut b = fmt_body(0xFFFE, channels, 48_000, channels * bits / 8, bits);
    b.extend_from_slice(&22u16.to_le_bytes());
    b.extend_from_slice(&valid.to_le_bytes());
    b.extend_from_slice(&4u32.to_le_bytes());
    b.extend_from_slice(&sub.to_le_bytes());
    let tail: [u8; 14] = if guid_ok {
        [
            0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71,
        ]
    } else {
        [0x11; 14]
    };
    b.extend_from_slice(&tail);
    b
}

/// A RIFF (or RF64) WAVE file of `chunks`.
pub fn riff(kind: &[u8; 4], chunks: &[Vec<u8>]) -> Vec<u8> {
    let body: Vec<u8> = chunks.concat();
    let mut f = kind.to_vec();
    let size = if kind == b"RIFF" {
        (body.len() + 4) as u32
    } else {
        u32::MAX
    };
    f.extend_from_slice(&size.to_le_bytes());
    f.extend_from_slice(b"WAVE");
    f.extend_from_slice(&body);
    f
}

/// A good 16-bit mono 48 kHz WAV with `fmt` for its fmt chunk body.
fn wav_with_fmt(fmt: Vec<u8>) -> Vec<u8> {
    riff(
        b"RIFF",
        &[chunk(b"fmt ", &fmt), chunk(b"data", &tone16(4800))],
    )
}

fn good_fmt() -> Vec<u8> {
    fmt_body(1, 1, 48_000, 2, 16)
}

fn bext(size: usize) -> Vec<u8> {
    let mut b = vec![b' '; size];
    if size >= 346 {
        b[338..346].copy_from_slice(&(3600u64 * 48_000).to_le_bytes());
    }
    b
}

fn ds64(data_size: u64, len: usize) -> Vec<u8> {
    let mut b = vec![0u8; len];
    if len >= 16 {
        b[8..16].copy_from_slice(&data_size.to_le_bytes());
    }
    chunk(b"ds64", &b)
}

/// An 80-bit extended float from its sign-and-exponent and mantissa.
fn extended(exp: u16, mantissa: u64) -> [u8; 10] {
    let mut e = [0u8; 10];
    e[..2].copy_from_slice(&exp.to_be_bytes());
    e[2..].copy_from_slice(&mantissa.to_be_bytes());
    e
}

const RATE_48K: [u8; 10] = [0x40, 0x0E, 0xBB, 0x80, 0, 0, 0, 0, 0, 0];

fn be_chunk_sized(id: &[u8; 4], size: u32, body: &[u8]) -> Vec<u8> {
    let mut c = id.to_vec();
    c.extend_from_slice(&size.to_be_bytes());
    c.extend_from_slice(body);
    if body.len() % 2 == 1 {
        c.push(0);
    }
    c
}

fn be_chunk(id: &[u8; 4], body: &[u8]) -> Vec<u8> {
    be_chunk_sized(id, body.len() as u32, body)
}

fn comm(
    channels: i16,
    frames: u32,
    bits: i16,
    rate: [u8; 10],
    compression: Option<&[u8; 4]>,
) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&channels.to_be_bytes());
    b.extend_from_slice(&frames.to_be_bytes());
    b.extend_from_slice(&bits.to_be_bytes());
    b.extend_from_slice(&rate);
    if let Some(c) = compression {
        b.extend_from_slice(c);
        b.extend_from_slice(&[0, 0]);
    }
    be_chunk(b"COMM", &b)
}

/// 16-bit big-endian mono tone, 4800 frames, in an SSND chunk body.
fn ssnd_body(offset: u32) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&offset.to_be_bytes());
    b.extend_from_slice(&0u32.to_be_bytes());
    for pair in tone16(4800).chunks(2) {
        b.extend_from_slice(&[pair[1], pair[0]]);
    }
    b
}

fn form(kind: &[u8; 4], chunks: &[Vec<u8>]) -> Vec<u8> {
    let body: Vec<u8> = chunks.concat();
    let mut f = b"FORM".to_vec();
    f.extend_from_slice(&((body.len() + 4) as u32).to_be_bytes());
    f.extend_from_slice(kind);
    f.extend_from_slice(&body);
    f
}

fn aiff(comm: Vec<u8>) -> Vec<u8> {
    form(b"AIFF", &[comm, be_chunk(b"SSND", &ssnd_body(0))])
}

/// tests/media/ref.flac with `edit` applied to its bytes.
fn flac(edit: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut b = std::fs::read(super::media_dir().join("ref.flac")).unwrap();
    edit(&mut b);
    b
}

/// STREAMINFO starts at byte 8 of a FLAC file; its rate, channels, bits
/// and total are the 8 bytes at 18.
fn streaminfo_packed(b: &mut [u8], f: impl FnOnce(u64) -> u64) {
    let packed = u64::from_be_bytes(b[18..26].try_into().unwrap());
    b[18..26].copy_from_slice(&f(packed).to_be_bytes());
}

pub fn corpus() -> Vec<Case> {
    use Expect::*;
    let audio = tone16(4800);
    let case = |name, bytes, expect| Case {
        name,
        bytes,
        expect,
    };
    let mut many_chunks: Vec<Vec<u8>> = vec![chunk(b"fmt ", &good_fmt())];
    many_chunks.extend((0..5000).map(|_| chunk(b"junk", &[])));
    many_chunks.push(chunk(b"data", &audio));
    vec![
        // The fmt chunk, field by field.
        case(
            "rate0.wav",
            wav_with_fmt(fmt_body(1, 1, 0, 2, 16)),
            Refused("fmt chunk: sample rate 0 Hz"),
        ),
        case(
            "rate_max.wav",
            wav_with_fmt(fmt_body(1, 1, u32::MAX, 2, 16)),
            Refused("fmt chunk: sample rate 4294967295 Hz"),
        ),
        case(
            "rate_low.wav",
            wav_with_fmt(fmt_body(1, 1, 1, 2, 16)),
            Refused("fmt chunk: sample rate 1 Hz"),
        ),
        case(
            "channels0.wav",
            wav_with_fmt(fmt_body(1, 0, 48_000, 2, 16)),
            Refused("fmt chunk: 0 channels"),
        ),
        case(
            "channels65535.wav",
            wav_with_fmt(fmt_body(1, 65535, 48_000, 65535, 8)),
            Refused("fmt chunk: 65535 channels"),
        ),
        case(
            "bits0.wav",
            wav_with_fmt(fmt_body(1, 1, 48_000, 2, 0)),
            Refused("fmt chunk: 0 bits per sample"),
        ),
        case(
            "bits7.wav",
            wav_with_fmt(fmt_body(1, 1, 48_000, 1, 7)),
            Refused("fmt chunk: 7 bits per sample"),
        ),
        case(
            "bits65535.wav",
            wav_with_fmt(fmt_body(1, 1, 48_000, 2, 65535)),
            Refused("fmt chunk: 65535 bits per sample"),
        ),
        case(
            "float16.wav",
            wav_with_fmt(fmt_body(3, 1, 48_000, 2, 16)),
            Refused("fmt chunk: 16 bits per sample for IEEE float"),
        ),
        case(
            "align0.wav",
            wav_with_fmt(fmt_body(1, 1, 48_000, 0, 16)),
            Refused("fmt chunk: block align 0"),
        ),
        case(
            "align3.wav",
            wav_with_fmt(fmt_body(1, 1, 48_000, 3, 16)),
            Refused("fmt chunk: block align 3 bytes"),
        ),
        case(
            "align_max.wav",
            wav_with_fmt(fmt_body(1, 1, 48_000, u16::MAX, 16)),
            Refused("fmt chunk: block align 65535 bytes"),
        ),
        case(
            "fmt_short.wav",
            wav_with_fmt(good_fmt()[..12].to_vec()),
            Refused("fmt chunk: 12 bytes, fewer than 16"),
        ),
        case(
            "fmt_past_end.wav",
            riff(
                b"RIFF",
                &[
                    chunk_sized(b"fmt ", 0xFFFF_FFF0, &good_fmt()),
                    chunk(b"data", &audio),
                ],
            ),
            Refused("fmt chunk: at byte 12: size 4294967280 runs past the end"),
        ),
        case(
            "tag_unknown.wav",
            wav_with_fmt(fmt_body(0x1234, 1, 48_000, 2, 16)),
            Refused("fmt chunk: format tag 0x1234"),
        ),
        case(
            "adpcm_bits.wav",
            wav_with_fmt({
                let mut f = fmt_body(2, 1, 48_000, 256, 16);
                f.extend_from_slice(&[0; 4]);
                f
            }),
            Refused("fmt chunk: 16 bits per sample for ADPCM"),
        ),
        case(
            "adpcm_align.wav",
            wav_with_fmt({
                let mut f = fmt_body(2, 2, 48_000, 10, 4);
                f.extend_from_slice(&[0; 4]);
                f
            }),
            Refused("fmt chunk: block align 10 bytes"),
        ),
        case(
            "ext_short.wav",
            wav_with_fmt({
                let mut f = fmt_body(0xFFFE, 1, 48_000, 2, 16);
                f.extend_from_slice(&[0, 0]);
                f
            }),
            Refused("fmt chunk: WAVE_FORMAT_EXTENSIBLE in 18 bytes"),
        ),
        case(
            "ext_valid_bits.wav",
            wav_with_fmt(ext_body(1, 16, 32, 1, true)),
            Refused("fmt chunk: 32 valid bits per sample in a 16-bit container"),
        ),
        case(
            "ext_container.wav",
            wav_with_fmt(ext_body(1, 12, 12, 1, true)),
            Refused("fmt chunk: 12 bits per sample for extensible PCM"),
        ),
        case(
            "ext_subformat.wav",
            wav_with_fmt(ext_body(1, 16, 16, 0x55, true)),
            Refused("fmt chunk: extensible sub-format 0x0055"),
        ),
        case(
            "ext_guid.wav",
            wav_with_fmt(ext_body(1, 16, 16, 1, false)),
            Refused("fmt chunk: an extensible sub-format that is not a standard one"),
        ),
        case(
            "ext_good.wav",
            wav_with_fmt(ext_body(1, 16, 16, 1, true)),
            Read,
        ),
        // Chunk order and sizes.
        case(
            "data_before_fmt.wav",
            riff(
                b"RIFF",
                &[chunk(b"data", &audio), chunk(b"fmt ", &good_fmt())],
            ),
            Refused("data chunk: at byte 12, before the fmt chunk"),
        ),
        case(
            "no_fmt.wav",
            riff(b"RIFF", &[chunk(b"LIST", b"INFO")]),
            Refused("WAVE: the file ends before a fmt chunk"),
        ),
        case(
            "no_data.wav",
            riff(b"RIFF", &[chunk(b"fmt ", &good_fmt())]),
            Refused("WAVE: the file ends before a data chunk"),
        ),
        case(
            "data_tiny.wav",
            riff(
                b"RIFF",
                &[chunk(b"fmt ", &good_fmt()), chunk(b"data", &[7])],
            ),
            Refused("data chunk: 1 bytes of audio, less than one 2-byte frame"),
        ),
        case(
            "data_ffffffff.wav",
            riff(
                b"RIFF",
                &[
                    chunk(b"fmt ", &good_fmt()),
                    chunk_sized(b"data", u32::MAX, &audio),
                ],
            ),
            Warned("data chunk: size 0xffffffff was never filled in"),
        ),
        case(
            "data_zero.wav",
            riff(
                b"RIFF",
                &[chunk(b"fmt ", &good_fmt()), chunk_sized(b"data", 0, &audio)],
            ),
            Warned("data chunk: size 0x0 was never filled in"),
        ),
        case(
            "data_past_end.wav",
            riff(
                b"RIFF",
                &[
                    chunk(b"fmt ", &good_fmt()),
                    chunk_sized(b"data", 96_000, &audio),
                ],
            ),
            Warned("cut short"),
        ),
        case(
            "riff_size_wrong.wav",
            {
                let mut f = wav_with_fmt(good_fmt());
                f[4..8].copy_from_slice(&4u32.to_le_bytes());
                f
            },
            Read,
        ),
        case(
            "list_past_end.wav",
            riff(
                b"RIFF",
                &[
                    chunk(b"fmt ", &good_fmt()),
                    chunk_sized(b"LIST", 0x7FFF_FFFF, b"INFO"),
                    chunk(b"data", &audio),
                ],
            ),
            Refused("LIST chunk: at byte 36: size 2147483647 runs past the end"),
        ),
        case(
            "many_chunks.wav",
            riff(b"RIFF", &many_chunks),
            Refused("WAVE: more than 4096 chunks"),
        ),
        case("empty.wav", Vec::new(), Refused("the file is empty")),
        case("riff_only.wav", b"RIFF".to_vec(), Refused("riff_only.wav")),
        // Broadcast WAV and iXML.
        case(
            "bext_short.wav",
            riff(
                b"RIFF",
                &[
                    chunk(b"bext", &bext(10)),
                    chunk(b"fmt ", &good_fmt()),
                    chunk(b"data", &audio),
                ],
            ),
            Warned("bext chunk: 10 bytes, fewer than 346"),
        ),
        case(
            "bext_past_end.wav",
            riff(
                b"RIFF",
                &[
                    chunk_sized(b"bext", u32::MAX, &bext(346)),
                    chunk(b"fmt ", &good_fmt()),
                    chunk(b"data", &audio),
                ],
            ),
            Refused("bext chunk: at byte 12: size 4294967295 runs past the end"),
        ),
        case(
            "bext_good.wav",
            riff(
                b"RIFF",
                &[
                    chunk(b"bext", &bext(602)),
                    chunk(b"fmt ", &good_fmt()),
                    chunk(b"data", &audio),
                ],
            ),
            Read,
        ),
        case(
            "ixml_past_end.wav",
            riff(
                b"RIFF",
                &[
                    chunk(b"fmt ", &good_fmt()),
                    chunk_sized(b"iXML", 0xFFFF_FF00, b"<BWFXML>"),
                    chunk(b"data", &audio),
                ],
            ),
            Refused("iXML chunk: at byte 36: size 4294967040 runs past the end"),
        ),
        case(
            "ixml_after_data_cut.wav",
            riff(
                b"RIFF",
                &[
                    chunk(b"fmt ", &good_fmt()),
                    chunk(b"data", &audio),
                    chunk_sized(b"iXML", 0xFFFF_FF00, b"<BWFXML><TAPE>"),
                ],
            ),
            Read,
        ),
        // RF64 and its ds64 chunk.
        case(
            "rf64_good.wav",
            riff(
                b"RF64",
                &[
                    ds64(audio.len() as u64, 28),
                    chunk(b"fmt ", &good_fmt()),
                    chunk_sized(b"data", u32::MAX, &audio),
                ],
            ),
            Read,
        ),
        case(
            "rf64_no_ds64.wav",
            riff(
                b"RF64",
                &[
                    chunk(b"fmt ", &good_fmt()),
                    chunk_sized(b"data", u32::MAX, &audio),
                ],
            ),
            Warned("data chunk: an RF64 size with no ds64 chunk"),
        ),
        case(
            "rf64_ds64_short.wav",
            riff(
                b"RF64",
                &[
                    ds64(0, 8),
                    chunk(b"fmt ", &good_fmt()),
                    chunk_sized(b"data", u32::MAX, &audio),
                ],
            ),
            Refused("ds64 chunk: 8 bytes, fewer than the 24"),
        ),
        case(
            "rf64_ds64_huge.wav",
            riff(
                b"RF64",
                &[
                    ds64(u64::MAX, 28),
                    chunk(b"fmt ", &good_fmt()),
                    chunk_sized(b"data", u32::MAX, &audio),
                ],
            ),
            Warned("cut short"),
        ),
        case(
            "rf64_ds64_past_end.wav",
            riff(
                b"RF64",
                &[
                    chunk_sized(b"ds64", 0xFFFF_0000, &[0; 28]),
                    chunk(b"fmt ", &good_fmt()),
                    chunk_sized(b"data", u32::MAX, &audio),
                ],
            ),
            Refused("ds64 chunk: at byte 12: size 4294901760 runs past the end"),
        ),
        // AIFF's COMM and SSND.
        case(
            "aiff_good.aiff",
            aiff(comm(1, 4800, 16, RATE_48K, None)),
            Read,
        ),
        case(
            "aiff_rate0.aiff",
            aiff(comm(1, 4800, 16, [0; 10], None)),
            Refused("COMM chunk: sample rate 0 Hz"),
        ),
        case(
            "aiff_rate_inf.aiff",
            aiff(comm(1, 4800, 16, extended(0x7FFF, 0), None)),
            Refused("COMM chunk: sample rate NaN Hz"),
        ),
        case(
            "aiff_rate_huge.aiff",
            aiff(comm(1, 4800, 16, extended(0x7FFE, u64::MAX), None)),
            Refused("COMM chunk: sample rate"),
        ),
        case(
            "aiff_rate_negative.aiff",
            aiff(comm(1, 4800, 16, extended(0xC00E, 0xBB80 << 48), None)),
            Refused("COMM chunk: sample rate -48000 Hz"),
        ),
        case(
            "aiff_channels0.aiff",
            aiff(comm(0, 4800, 16, RATE_48K, None)),
            Refused("COMM chunk: 0 channels"),
        ),
        case(
            "aiff_channels_negative.aiff",
            aiff(comm(-1, 4800, 16, RATE_48K, None)),
            Refused("COMM chunk: -1 channels"),
        ),
        case(
            "aiff_bits0.aiff",
            aiff(comm(1, 4800, 0, RATE_48K, None)),
            Refused("COMM chunk: 0 bits per sample"),
        ),
        case(
            "aiff_bits33.aiff",
            aiff(comm(1, 4800, 33, RATE_48K, None)),
            Refused("COMM chunk: 33 bits per sample"),
        ),
        case(
            "aiff_comm_short.aiff",
            form(
                b"AIFF",
                &[
                    be_chunk(b"COMM", &[0, 1, 0, 0]),
                    be_chunk(b"SSND", &ssnd_body(0)),
                ],
            ),
            Refused("COMM chunk: 4 bytes, fewer than 18"),
        ),
        case(
            "aiff_comm_past_end.aiff",
            form(b"AIFF", &[be_chunk_sized(b"COMM", u32::MAX, &[0; 18])]),
            Refused("COMM chunk: size 4294967295 runs past the end"),
        ),
        case(
            "aiff_no_comm.aiff",
            form(b"AIFF", &[be_chunk(b"SSND", &ssnd_body(0))]),
            Refused("FORM: no COMM chunk"),
        ),
        case(
            "aiff_no_ssnd.aiff",
            form(b"AIFF", &[comm(1, 4800, 16, RATE_48K, None)]),
            Refused("FORM: no SSND chunk"),
        ),
        case(
            "aiff_ssnd_offset.aiff",
            form(
                b"AIFF",
                &[
                    comm(1, 4800, 16, RATE_48K, None),
                    be_chunk(b"SSND", &ssnd_body(0x7FFF_FFFF)),
                ],
            ),
            Refused("SSND chunk: offset 2147483647 points past"),
        ),
        case(
            "aiff_frames_promised.aiff",
            aiff(comm(1, 0xFFFF_FFFF, 16, RATE_48K, None)),
            Warned("COMM chunk: 4294967295 frames promised, 4800 present"),
        ),
        case(
            "aifc_compression.aifc",
            form(
                b"AIFC",
                &[
                    comm(1, 4800, 16, RATE_48K, Some(b"ima4")),
                    be_chunk(b"SSND", &ssnd_body(0)),
                ],
            ),
            Refused("COMM chunk: compression \"ima4\""),
        ),
        case(
            "aifc_name_255.aifc",
            form(
                b"AIFC",
                &[
                    {
                        let mut c = comm(1, 4800, 16, RATE_48K, Some(b"NONE"));
                        // The name's length byte, then 255 bytes of name.
                        let at = c.len() - 2;
                        c.truncate(at);
                        c.push(255);
                        c.extend_from_slice(&[b'x'; 255]);
                        let size = (c.len() - 8) as u32;
                        c[4..8].copy_from_slice(&size.to_be_bytes());
                        c
                    },
                    be_chunk(b"SSND", &ssnd_body(0)),
                ],
            ),
            Refused("COMM chunk: a compression name of 255 bytes"),
        ),
        case(
            "aifc_good.aifc",
            form(
                b"AIFC",
                &[
                    comm(1, 4800, 16, RATE_48K, Some(b"NONE")),
                    be_chunk(b"SSND", &ssnd_body(0)),
                ],
            ),
            Read,
        ),
        // FLAC's STREAMINFO and metadata blocks.
        case(
            "flac_rate0.flac",
            flac(|b| streaminfo_packed(b, |p| p & !(0xFFFFF << 44))),
            Refused("STREAMINFO: sample rate 0 Hz"),
        ),
        case(
            "flac_rate_max.flac",
            flac(|b| streaminfo_packed(b, |p| p | (0xFFFFF << 44))),
            Refused("STREAMINFO: sample rate 1048575 Hz"),
        ),
        case(
            "flac_bits.flac",
            flac(|b| streaminfo_packed(b, |p| p & !(0x1F << 36))),
            Refused("STREAMINFO: 1 bits per sample"),
        ),
        case(
            "flac_block0.flac",
            flac(|b| b[8..12].fill(0)),
            Refused("STREAMINFO: block sizes 0 to 0 samples"),
        ),
        case(
            "flac_block_order.flac",
            flac(|b| {
                b[8..10].copy_from_slice(&4096u16.to_be_bytes());
                b[10..12].copy_from_slice(&16u16.to_be_bytes());
            }),
            Refused("STREAMINFO: block sizes 4096 to 16 samples"),
        ),
        case(
            "flac_not_streaminfo.flac",
            flac(|b| b[4] = (b[4] & 0x80) | 4),
            Refused("STREAMINFO: the first metadata block is type 4"),
        ),
        case(
            "flac_block_past_end.flac",
            flac(|b| {
                let size = b.len() as u32 * 2;
                b[5..8].copy_from_slice(&size.to_be_bytes()[1..]);
            }),
            Refused("FLAC metadata: block 0 (type 0) at byte 4: size"),
        ),
        case(
            "flac_no_frames.flac",
            flac(|b| {
                b[4] |= 0x80;
                b.truncate(42);
            }),
            Refused("FLAC metadata: no audio frames"),
        ),
        case(
            "flac_comment_length.flac",
            flac(|b| {
                let at = b.windows(5).position(|w| w == b"Comme").unwrap() - 4;
                b[at..at + 4].copy_from_slice(&0x7FFF_FFFFu32.to_le_bytes());
            }),
            Refused("VORBIS_COMMENT: block 2: comment length 2147483647"),
        ),
        case(
            "flac_total_zero.flac",
            flac(|b| streaminfo_packed(b, |p| p & !0xF_FFFF_FFFF)),
            Read,
        ),
        case(
            "flac_cut.flac",
            flac(|b| {
                let n = b.len() / 2;
                b.truncate(n);
            }),
            Warned("the file is cut short"),
        ),
    ]
}

/// Write the corpus into `dir`; each file's path and what it must give.
pub fn write_corpus(dir: &Path) -> Vec<(PathBuf, Expect)> {
    corpus()
        .into_iter()
        .map(|c| {
            let path = dir.join(c.name);
            std::fs::write(&path, &c.bytes).unwrap();
            (path, c.expect)
        })
        .collect()
}
