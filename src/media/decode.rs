//! Decoding any supported media file through symphonia: WAV (every PCM and
//! float width, extensible, Broadcast WAV, ADPCM, A-law, mu-law), FLAC,
//! AIFF and AIFF-C, MP3 and Ogg Vorbis.
//!
//! PCM and float WAV files (also RF64) are read by our own reader
//! ([`super::wav`]) instead, as playback reads them.
//!
//! A damaged file is decoded as far as it goes: a bad packet is skipped and
//! counted, a cut-off file ends where the data ends, and either way the
//! caller gets a warning that names the file. A file that yields no audio at
//! all is refused with an error that names it. Decoding never loops forever:
//! it stops after a run of consecutive failures.

use std::fs::File;
use std::path::Path;

use symphonia::core::audio::{AudioBuffer, Signal};
use symphonia::core::codecs::{CodecParameters, Decoder, DecoderOptions, CODEC_TYPE_NULL};
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::{FormatOptions, FormatReader};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

use super::guard::guarded;
use super::wav::{self, WavInfo, WavReader};
use super::{header, MediaError};

/// Give up after this many failures in a row.
const MAX_CONSECUTIVE_ERRORS: usize = 64;

/// What a decode found.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub channels: usize,
    pub sample_rate: u32,
    /// Frames delivered to the sink.
    pub frames: u64,
    /// Problems met on the way, each naming the file.
    pub warnings: Vec<String>,
}

/// The format reader and decoder for one audio track of a file.
struct Stream {
    format: Box<dyn FormatReader>,
    decoder: Box<dyn Decoder>,
    track_id: u32,
    channels: usize,
    sample_rate: u32,
    /// Frames the header promises, where it says.
    promised: Option<u64>,
}

/// What a media file's header says, before decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MediaInfo {
    pub channels: usize,
    pub sample_rate: u32,
    /// Frames, when the container says (an MP3 without a header may not).
    pub frames: Option<u64>,
}

/// The format reader of `path`, its first audio track's id and parameters.
fn open_format(
    path: &Path,
    gapless: bool,
) -> Result<(Box<dyn FormatReader>, u32, CodecParameters), MediaError> {
    let file = File::open(path).map_err(|source| MediaError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let stream = MediaSourceStream::new(Box::new(file), Default::default());
    let mut hint = Hint::new();
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(ext);
    }
    let options = FormatOptions {
        enable_gapless: gapless,
        ..Default::default()
    };
    let unsupported = |why: String| MediaError::Unsupported {
        path: path.to_path_buf(),
        why,
    };
    let probed = symphonia::default::get_probe()
        .format(&hint, stream, &options, &MetadataOptions::default())
        .map_err(|e| unsupported(format!("not a media file dubstage can read ({e})")))?;
    let format = probed.format;
    let track = format
        .tracks()
        .iter()
        .find(|t| t.codec_params.codec != CODEC_TYPE_NULL && t.codec_params.sample_rate.is_some())
        .ok_or_else(|| unsupported("the file has no audio track".into()))?;
    let (id, params) = (track.id, track.codec_params.clone());
    Ok((format, id, params))
}

/// Read the header of the media file at `path`: channels, rate and length.
/// The header is checked first ([`header::check`]); a panic in the decoder
/// is an error for this file ([`guarded`]).
pub fn probe(path: &Path) -> Result<MediaInfo, MediaError> {
    guarded(path, || {
        header::check(path)?;
        probe_checked(path)
    })
}

fn probe_checked(path: &Path) -> Result<MediaInfo, MediaError> {
    let (_, _, params) = open_format(path, false)?;
    Ok(MediaInfo {
        channels: params.channels.map_or(1, |c| c.count()),
        sample_rate: params.sample_rate.unwrap_or(0),
        frames: params.n_frames,
    })
}

fn open(path: &Path) -> Result<Stream, MediaError> {
    let (format, track_id, params) = open_format(path, true)?;
    let decoder = symphonia::default::get_codecs()
        .make(&params, &DecoderOptions::default())
        .map_err(|e| MediaError::Unsupported {
            path: path.to_path_buf(),
            why: format!("its codec is not supported ({e})"),
        })?;
    let channels = params.channels.map(|c| c.count()).unwrap_or(0);
    Ok(Stream {
        track_id,
        format,
        decoder,
        channels,
        sample_rate: params.sample_rate.unwrap_or(0),
        promised: params.n_frames,
    })
}

/// Decode the file at `path`, handing each decoded packet to `sink` with the
/// file's sample rate and one slice per channel. The header is checked
/// first ([`header::check`]; its warnings lead the decode's), and a panic
/// in the decoder is an error for this file ([`guarded`]).
pub fn decode(
    path: &Path,
    sink: impl FnMut(u32, &[&[f32]]) -> std::io::Result<()>,
) -> Result<Decoded, MediaError> {
    guarded(path, || {
        let warnings = header::check(path)?;
        decode_checked(path, warnings, sink)
    })
}

fn decode_checked(
    path: &Path,
    mut warnings: Vec<String>,
    mut sink: impl FnMut(u32, &[&[f32]]) -> std::io::Result<()>,
) -> Result<Decoded, MediaError> {
    if let Ok(info) = wav::probe(path)? {
        return read_wav(path, info, warnings, sink);
    }
    let mut stream = open(path)?;
    let name = path.display().to_string();
    let from_header = warnings.len();
    let mut skipped = 0usize;
    let mut consecutive = 0usize;
    let mut frames = 0u64;
    let mut buffer: Option<AudioBuffer<f32>> = None;
    loop {
        let packet = match stream.format.next_packet() {
            Ok(packet) => packet,
            Err(SymphoniaError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                break
            }
            Err(SymphoniaError::ResetRequired) => {
                stream.decoder.reset();
                continue;
            }
            Err(e) => {
                warnings.push(format!(
                    "{name}: reading stopped after {frames} frames: {e}"
                ));
                break;
            }
        };
        if packet.track_id() != stream.track_id {
            continue;
        }
        match stream.decoder.decode(&packet) {
            Ok(decoded) => {
                consecutive = 0;
                let spec = *decoded.spec();
                if stream.channels == 0 {
                    stream.channels = spec.channels.count();
                }
                let needs_new = buffer
                    .as_ref()
                    .is_none_or(|b| b.capacity() < decoded.capacity() || b.spec() != &spec);
                if needs_new {
                    buffer = Some(AudioBuffer::new(decoded.capacity() as u64, spec));
                }
                let Some(buf) = buffer.as_mut() else { continue };
                decoded.convert(buf);
                if buf.frames() == 0 {
                    continue;
                }
                let planes: Vec<&[f32]> = (0..spec.channels.count()).map(|c| buf.chan(c)).collect();
                sink(stream.sample_rate, &planes).map_err(|source| MediaError::Io {
                    path: path.to_path_buf(),
                    source,
                })?;
                frames += buf.frames() as u64;
            }
            Err(SymphoniaError::DecodeError(why)) | Err(SymphoniaError::Unsupported(why)) => {
                skipped += 1;
                consecutive += 1;
                if consecutive >= MAX_CONSECUTIVE_ERRORS {
                    warnings.push(format!(
                        "{name}: gave up after {consecutive} damaged packets in a row ({why})"
                    ));
                    break;
                }
            }
            Err(SymphoniaError::IoError(e)) => {
                warnings.push(format!(
                    "{name}: the file ends inside a packet after {frames} frames ({e})"
                ));
                break;
            }
            Err(e) => {
                warnings.push(format!(
                    "{name}: decoding stopped after {frames} frames: {e}"
                ));
                break;
            }
        }
    }
    if skipped > 0 {
        warnings.insert(
            from_header,
            format!("{name}: skipped {skipped} damaged packet(s); those moments are missing"),
        );
    }
    // A file cut off between packets ends without an error; its header
    // still says how long it was (give or take two MP3 frames of a codec's padding).
    if let Some(promised) = stream.promised {
        if from_header == 0 && frames > 0 && frames + 2304 < promised {
            warnings.push(format!(
                "{name}: the file is cut short: {frames} of the {promised} frames its header promises were decoded"
            ));
        }
    }
    if frames == 0 {
        return Err(MediaError::Damaged {
            path: path.to_path_buf(),
            why: match warnings.last() {
                Some(w) => format!("no audio could be decoded ({w})"),
                None => "the file holds no audio".into(),
            },
        });
    }
    Ok(Decoded {
        channels: stream.channels,
        sample_rate: stream.sample_rate,
        frames,
        warnings,
    })
}

/// A PCM or float WAV (RIFF, RF64, BW64) through our own reader, the same
/// one playback uses, so that every entry point reads such a file alike.
fn read_wav(
    path: &Path,
    info: WavInfo,
    warnings: Vec<String>,
    mut sink: impl FnMut(u32, &[&[f32]]) -> std::io::Result<()>,
) -> Result<Decoded, MediaError> {
    const BLOCK: usize = 4096;
    let io_err = |source| MediaError::Io {
        path: path.to_path_buf(),
        source,
    };
    if info.frames == 0 {
        return Err(MediaError::Damaged {
            path: path.to_path_buf(),
            why: "the file holds no audio".into(),
        });
    }
    let (channels, sample_rate, frames) = (info.channels, info.sample_rate, info.frames);
    let mut reader = WavReader::open(path, info)?;
    let which: Vec<usize> = (0..channels).collect();
    let mut buffers = vec![vec![0.0f32; BLOCK]; channels];
    let mut at = 0u64;
    while at < frames {
        let n = (frames - at).min(BLOCK as u64) as usize;
        {
            let mut outs: Vec<&mut [f32]> = buffers.iter_mut().map(|b| &mut b[..]).collect();
            reader.read(at, n, &which, &mut outs).map_err(io_err)?;
        }
        let planes: Vec<&[f32]> = buffers.iter().map(|b| &b[..n]).collect();
        sink(sample_rate, &planes).map_err(io_err)?;
        at += n as u64;
    }
    Ok(Decoded {
        channels,
        sample_rate,
        frames,
        warnings,
    })
}

/// Decode the whole file into one vector per channel. For tests and small files.
pub fn decode_to_vec(path: &Path) -> Result<(Decoded, Vec<Vec<f32>>), MediaError> {
    let mut channels: Vec<Vec<f32>> = Vec::new();
    let decoded = decode(path, |_, planes| {
        if channels.len() < planes.len() {
            channels.resize(planes.len(), Vec::new());
        }
        for (out, plane) in channels.iter_mut().zip(planes) {
            out.extend_from_slice(plane);
        }
        Ok(())
    })?;
    Ok((decoded, channels))
}
