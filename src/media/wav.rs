//! Broadcast WAV files read directly: the fast, exactly seekable path for
//! uncompressed audio, used for media at the session rate and for the decode
//! cache. Reads RIFF, RF64 and BW64 with PCM (8, 16, 24, 32-bit), IEEE float
//! (32, 64-bit) or WAVE_FORMAT_EXTENSIBLE carrying either, and the `bext`
//! chunk's time reference. Any other encoding goes through the decoder.

use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use super::header::MAX_CHANNELS;
use super::MediaError;

/// Chunks looked at before the audio data.
const MAX_CHUNKS: usize = 4096;

/// How samples are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleFormat {
    /// Unsigned 8-bit.
    U8,
    I16,
    I24,
    I32,
    F32,
    F64,
}

impl SampleFormat {
    pub fn bytes(self) -> usize {
        match self {
            SampleFormat::U8 => 1,
            SampleFormat::I16 => 2,
            SampleFormat::I24 => 3,
            SampleFormat::I32 | SampleFormat::F32 => 4,
            SampleFormat::F64 => 8,
        }
    }
}

/// What the header of a WAV file says, checked against the file's size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WavInfo {
    pub format: SampleFormat,
    pub channels: usize,
    pub sample_rate: u32,
    /// Byte offset of the first sample.
    pub data_offset: u64,
    /// Frames actually present in the file.
    pub frames: u64,
    /// Frames the header promised, when more than are present (a truncated file).
    pub declared_frames: Option<u64>,
    /// The `bext` time reference: samples since midnight of the first sample.
    pub time_reference: Option<u64>,
}

const WAVE_FORMAT_PCM: u16 = 1;
const WAVE_FORMAT_IEEE_FLOAT: u16 = 3;
const WAVE_FORMAT_EXTENSIBLE: u16 = 0xFFFE;

/// Why a file is not one this reader takes; the decoder may still read it.
#[derive(Debug)]
pub enum NotDirect {
    /// Not a RIFF/RF64 WAVE file at all.
    NotWav,
    /// A WAV file in an encoding this reader does not take (ADPCM, A-law...).
    Encoding(String),
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u32_at(b, at) as u64 | (u32_at(b, at + 4) as u64) << 32
}

/// Read the header of the WAV file at `path`.
///
/// `Ok(Err(NotDirect))` means the file is fine to try with the decoder.
pub fn probe(path: &Path) -> Result<Result<WavInfo, NotDirect>, MediaError> {
    let io_err = |source: io::Error| MediaError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io_err)?;
    let file_len = file.metadata().map_err(io_err)?.len();
    let mut head = [0u8; 12];
    if file.read_exact(&mut head).is_err() {
        return Ok(Err(NotDirect::NotWav));
    }
    let rf64 = match &head[0..4] {
        b"RIFF" => false,
        b"RF64" | b"BW64" => true,
        _ => return Ok(Err(NotDirect::NotWav)),
    };
    if &head[8..12] != b"WAVE" {
        return Ok(Err(NotDirect::NotWav));
    }
    let damaged = |why: String| MediaError::Damaged {
        path: path.to_path_buf(),
        why,
    };

    let mut at: u64 = 12;
    let mut ds64_data_size: Option<u64> = None;
    let mut fmt: Option<(SampleFormat, usize, u32, usize)> = None;
    let mut time_reference = None;
    for _ in 0..MAX_CHUNKS {
        let mut chunk = [0u8; 8];
        if at.saturating_add(8) > file_len {
            return Err(damaged("the file ends before its audio data begins".into()));
        }
        file.read_exact_at(&mut chunk, at).map_err(io_err)?;
        let id = [chunk[0], chunk[1], chunk[2], chunk[3]];
        let size32 = u32_at(&chunk, 4);
        let body = at + 8;
        match &id {
            b"ds64" if size32 >= 24 && body + 24 <= file_len => {
                let mut b = [0u8; 24];
                file.read_exact_at(&mut b, body).map_err(io_err)?;
                ds64_data_size = Some(u64_at(&b, 8));
            }
            b"fmt " if fmt.is_none() => {
                if size32 < 16 {
                    return Err(damaged(format!(
                        "the fmt chunk is {size32} bytes, fewer than 16"
                    )));
                }
                let mut b = vec![0u8; size32.min(64) as usize];
                if body + b.len() as u64 > file_len {
                    return Err(damaged("the file ends inside the fmt chunk".into()));
                }
                file.read_exact_at(&mut b, body).map_err(io_err)?;
                fmt = Some(match parse_fmt(&b) {
                    Ok(f) => f,
                    Err(e) => return Ok(Err(e)),
                });
            }
            b"bext" if size32 >= 346 && body + 346 <= file_len => {
                let mut b = [0u8; 8];
                file.read_exact_at(&mut b, body + 338).map_err(io_err)?;
                time_reference = Some(u64_at(&b, 0));
            }
            b"data" => {
                let Some((format, channels, sample_rate, block_align)) = fmt else {
                    return Err(damaged("the audio data comes before the fmt chunk".into()));
                };
                let declared = if rf64 && size32 == u32::MAX && ds64_data_size.is_some() {
                    ds64_data_size.unwrap_or_default()
                } else if size32 == 0 || size32 == u32::MAX {
                    // Written by a recorder that never went back to fill in the size.
                    file_len - body
                } else {
                    size32 as u64
                };
                let present = declared.min(file_len.saturating_sub(body));
                let frames = present / block_align as u64;
                let declared_frames = declared / block_align as u64;
                return Ok(Ok(WavInfo {
                    format,
                    channels,
                    sample_rate,
                    data_offset: body,
                    frames,
                    declared_frames: (declared_frames > frames).then_some(declared_frames),
                    time_reference,
                }));
            }
            _ => {}
        }
        let size = size32 as u64;
        at = body + size + (size & 1);
    }
    Err(damaged(format!(
        "more than {MAX_CHUNKS} chunks before the audio data"
    )))
}

/// The sample format, channels, rate and block size of a fmt chunk.
fn parse_fmt(b: &[u8]) -> Result<(SampleFormat, usize, u32, usize), NotDirect> {
    let mut tag = u16_at(b, 0);
    let channels = u16_at(b, 2) as usize;
    let sample_rate = u32_at(b, 4);
    let block_align = u16_at(b, 12) as usize;
    let bits = u16_at(b, 14);
    if tag == WAVE_FORMAT_EXTENSIBLE {
        if b.len() < 26 {
            return Err(NotDirect::Encoding(
                "a short WAVE_FORMAT_EXTENSIBLE header".into(),
            ));
        }
        // The sub-format GUID starts with the plain format tag.
        tag = u16_at(b, 24);
    }
    let format = match (tag, bits) {
        (WAVE_FORMAT_PCM, 8) => SampleFormat::U8,
        (WAVE_FORMAT_PCM, 16) => SampleFormat::I16,
        (WAVE_FORMAT_PCM, 24) => SampleFormat::I24,
        (WAVE_FORMAT_PCM, 32) => SampleFormat::I32,
        (WAVE_FORMAT_IEEE_FLOAT, 32) => SampleFormat::F32,
        (WAVE_FORMAT_IEEE_FLOAT, 64) => SampleFormat::F64,
        _ => {
            return Err(NotDirect::Encoding(format!(
                "format tag {tag:#06x} with {bits} bits"
            )))
        }
    };
    if channels == 0
        || channels > MAX_CHANNELS
        || sample_rate == 0
        || block_align != channels * format.bytes()
    {
        return Err(NotDirect::Encoding(format!(
            "{channels} channels at {sample_rate} Hz in blocks of {block_align} bytes"
        )));
    }
    Ok((format, channels, sample_rate, block_align))
}

/// Reads frames of a WAV file at any position into per-channel buffers.
/// Owns its byte buffer; reading allocates nothing once it has grown.
///
/// A read that carries on where the last one ended (a bounce, the butler
/// streaming a clip) takes [`READ_AHEAD`] bytes from the file at once and
/// serves the next reads from them: one system call for several blocks
/// instead of one each (a bounce of 32 tracks made over 100,000 of them in
/// 12 KiB reads). A read elsewhere takes only what it asks for.
pub struct WavReader {
    file: File,
    path: PathBuf,
    info: WavInfo,
    /// Bytes of the file from `window_at`, `window_len` of them valid
    /// (the rest is room for a frame's padding).
    window: Vec<u8>,
    window_at: u64,
    window_len: usize,
    /// Where the last read ended, in the file.
    last_end: u64,
}

/// Bytes read at once when reading on: enough for five 4096-frame blocks
/// of a mono 24-bit track, and small enough that each of many tracks'
/// windows is still in the CPU's cache when it is converted (with 512 KiB
/// a 32-track bounce took more CPU time than with none; 48 to 64 KiB took
/// 6% less, with the kernel's share down by a quarter).
pub const READ_AHEAD: usize = 64 << 10;

impl WavReader {
    pub fn open(path: &Path, info: WavInfo) -> Result<WavReader, MediaError> {
        let file = File::open(path).map_err(|source| MediaError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(WavReader {
            file,
            path: path.to_path_buf(),
            info,
            window: Vec::new(),
            window_at: 0,
            window_len: 0,
            last_end: u64::MAX,
        })
    }

    pub fn info(&self) -> &WavInfo {
        &self.info
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Fill `out[c][..len]` with channel `channels[c]` from frame `start` on.
    /// Frames past the end of the file are silence.
    pub fn read(
        &mut self,
        start: u64,
        len: usize,
        channels: &[usize],
        out: &mut [&mut [f32]],
    ) -> io::Result<()> {
        let available = self.info.frames.saturating_sub(start).min(len as u64) as usize;
        for o in out.iter_mut() {
            o[available..len].fill(0.0);
        }
        if available == 0 {
            return Ok(());
        }
        let width = self.info.format.bytes();
        let block = width * self.info.channels;
        let need = available * block;
        let offset = self.info.data_offset + start * block as u64;
        let from = self.bytes_at(offset, need, block)?;
        for (o, &channel) in out.iter_mut().zip(channels) {
            let at = from + channel.min(self.info.channels - 1) * width;
            convert(
                self.info.format,
                &self.window[at..at + need],
                block,
                &mut o[..available],
            );
        }
        Ok(())
    }

    /// Make `need` bytes from `offset` be in the window, and say where.
    fn bytes_at(&mut self, offset: u64, need: usize, block: usize) -> io::Result<usize> {
        let sequential = offset == self.last_end;
        self.last_end = offset + need as u64;
        if offset >= self.window_at
            && offset + need as u64 <= self.window_at + self.window_len as u64
        {
            return Ok((offset - self.window_at) as usize);
        }
        let data_end = self.info.data_offset + self.info.frames * block as u64;
        let size = if sequential {
            (need.max(READ_AHEAD) as u64).min(data_end.saturating_sub(offset)) as usize
        } else {
            need
        }
        .max(need);
        // One block of padding lets every channel be cut into whole frames.
        if self.window.len() < size + block {
            self.window.resize(size + block, 0);
        }
        self.window_at = offset;
        self.window_len = 0;
        let mut got = 0;
        while got < size {
            match self
                .file
                .read_at(&mut self.window[got..size], offset + got as u64)
            {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if got < need {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the file ends before its audio does",
            ));
        }
        self.window_len = got;
        Ok(0)
    }
}

/// The 24-bit sample at the start of `b` as f32.
#[inline]
fn i24_at(b: &[u8]) -> f32 {
    let v = i32::from_le_bytes([0, b[0], b[1], b[2]]) >> 8;
    v as f32 * (1.0 / 8_388_608.0)
}

fn convert_i24<const STRIDE: usize>(bytes: &[u8], out: &mut [f32]) {
    for (o, b) in out.iter_mut().zip(bytes.chunks_exact(STRIDE)) {
        *o = i24_at(b);
    }
}

/// Packed mono 24-bit samples to f32: eight at a time where the CPU has
/// AVX2, the same values as [`i24_at`] (the conversion of a 24-bit integer
/// and the scaling by a power of two are exact).
fn convert_i24_packed(bytes: &[u8], out: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2.
        let done = unsafe { packed_avx2(bytes, out) };
        convert_i24::<3>(&bytes[done * 3..], &mut out[done..]);
        return;
    }
    convert_i24::<3>(bytes, out);
}

/// Convert whole groups of eight packed 24-bit samples while 32 bytes can
/// be loaded; the number of samples done.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn packed_avx2(bytes: &[u8], out: &mut [f32]) -> usize {
    use std::arch::x86_64::*;
    // Each 128-bit half takes 12 bytes (four samples) into the top three
    // bytes of four 32-bit lanes (-1: a zero byte); an arithmetic shift
    // right by 8 then extends the sign.
    let spread = _mm256_setr_epi8(
        -1, 0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, //
        -1, 0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11,
    );
    let scale = _mm256_set1_ps(1.0 / 8_388_608.0);
    let groups = (bytes.len().saturating_sub(8) / 24).min(out.len() / 8);
    for g in 0..groups {
        let at = bytes.as_ptr().add(g * 24);
        let low = _mm_loadu_si128(at as *const __m128i);
        let high = _mm_loadu_si128(at.add(12) as *const __m128i);
        let both = _mm256_inserti128_si256::<1>(_mm256_castsi128_si256(low), high);
        let ints = _mm256_srai_epi32::<8>(_mm256_shuffle_epi8(both, spread));
        let samples = _mm256_mul_ps(_mm256_cvtepi32_ps(ints), scale);
        _mm256_storeu_ps(out.as_mut_ptr().add(g * 8), samples);
    }
    groups * 8
}

/// Convert the first sample of each `stride`-byte frame of `bytes` to f32,
/// one per output slot.
fn convert(format: SampleFormat, bytes: &[u8], stride: usize, out: &mut [f32]) {
    let frames = bytes.chunks_exact(stride);
    match format {
        SampleFormat::U8 => {
            for (o, b) in out.iter_mut().zip(frames) {
                *o = (b[0] as f32 - 128.0) * (1.0 / 128.0);
            }
        }
        SampleFormat::I16 => {
            for (o, b) in out.iter_mut().zip(frames) {
                *o = i16::from_le_bytes([b[0], b[1]]) as f32 * (1.0 / 32768.0);
            }
        }
        // The commonest layouts with their stride known to the compiler.
        SampleFormat::I24 => match stride {
            3 => convert_i24_packed(bytes, out),
            6 => convert_i24::<6>(bytes, out),
            _ => {
                for (o, b) in out.iter_mut().zip(frames) {
                    *o = i24_at(b);
                }
            }
        },
        SampleFormat::I32 => {
            for (o, b) in out.iter_mut().zip(frames) {
                *o = (i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64 * (1.0 / 2_147_483_648.0))
                    as f32;
            }
        }
        SampleFormat::F32 => {
            for (o, b) in out.iter_mut().zip(frames) {
                *o = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            }
        }
        SampleFormat::F64 => {
            for (o, b) in out.iter_mut().zip(frames) {
                *o = f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]) as f32;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_24_bit_conversion_matches_the_sample_by_sample_one() {
        // Every byte pattern in the top byte, mixed low bytes, odd lengths.
        let bytes: Vec<u8> = (0..3 * 1000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        for len in [0, 1, 7, 8, 9, 10, 11, 17, 100, 1000] {
            let mut fast = vec![f32::NAN; len];
            let mut plain = vec![f32::NAN; len];
            convert_i24_packed(&bytes[..len * 3], &mut fast);
            convert_i24::<3>(&bytes[..len * 3], &mut plain);
            assert_eq!(
                fast.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                plain.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                "{len} samples"
            );
        }
        let extremes = [0xFF, 0xFF, 0x7F, 0x00, 0x00, 0x80, 0x01, 0x00, 0x00];
        let mut out = [0f32; 3];
        convert_i24_packed(&extremes, &mut out);
        assert_eq!(out, [8_388_607.0 / 8_388_608.0, -1.0, 1.0 / 8_388_608.0]);
    }

    /// Reads in order (served from the read-ahead), jumps, overlaps and
    /// reads past the end give what one read of the whole file gives; a
    /// file cut short after it was opened is an error, not a panic.
    #[test]
    fn reading_on_and_jumping_give_the_files_samples() {
        use crate::media::writer::{OutputFormat, WavWriter};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.wav");
        let frames = 100_000;
        let left: Vec<f32> = (0..frames)
            .map(|i| ((i * 37) % 1000) as f32 / 1000.0 - 0.5)
            .collect();
        let right: Vec<f32> = left.iter().map(|x| -x * 0.5).collect();
        let mut w = WavWriter::create(&path, 2, 48_000, OutputFormat::Int24, None).unwrap();
        w.write_planar(&[&left, &right], frames).unwrap();
        w.finish().unwrap();
        let info = probe(&path).unwrap().unwrap();
        let whole = {
            let mut r = WavReader::open(&path, info.clone()).unwrap();
            let (mut a, mut b) = (vec![0.0; frames], vec![0.0; frames]);
            r.read(0, frames, &[0, 1], &mut [&mut a, &mut b]).unwrap();
            (a, b)
        };
        let mut r = WavReader::open(&path, info.clone()).unwrap();
        let check = |r: &mut WavReader, start: usize, len: usize| {
            let (mut a, mut b) = (vec![9.0; len], vec![9.0; len]);
            r.read(start as u64, len, &[1, 0], &mut [&mut a, &mut b])
                .unwrap();
            for k in 0..len {
                let (x, y) = match whole.0.get(start + k) {
                    Some(&l) => (whole.1[start + k], l),
                    None => (0.0, 0.0),
                };
                assert_eq!(
                    (a[k], b[k]),
                    (x, y),
                    "frame {} of a read at {start}",
                    start + k
                );
            }
        };
        let mut at = 0;
        for len in [1, 4096, 333, 4096, 20_000, 7, 4096]
            .iter()
            .cycle()
            .take(40)
        {
            check(&mut r, at, *len);
            at += len;
            if at > frames + 5000 {
                break;
            }
        }
        for (start, len) in [
            (50_000, 100),
            (49_990, 4096),
            (10, 10),
            (99_990, 4096),
            (0, 3),
        ] {
            check(&mut r, start, len);
        }

        let mut r = WavReader::open(&path, info).unwrap();
        check(&mut r, 0, 100);
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(1000)
            .unwrap();
        let (mut a, mut b) = (vec![0.0; 4096], vec![0.0; 4096]);
        let e = r
            .read(60_000, 4096, &[0, 1], &mut [&mut a, &mut b])
            .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
    }
}
