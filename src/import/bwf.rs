//! What a production recording says about itself: its length, rate and
//! channels, the Broadcast WAV `bext` time reference (samples since
//! midnight of its first sample, i.e. its start timecode) and, from the iXML
//! chunk, the tape (sound roll), scene and take and the timecode rate the
//! recorder ran at.

use std::fs::File;
use std::io::Read;
use std::os::unix::fs::FileExt;
use std::path::Path;

use super::time::Seconds;
use crate::media::guard::guarded;
use crate::media::MediaError;
use crate::media::{decode, header, wav};
use crate::model::timecode::FrameRate;

/// Largest iXML chunk read; real ones are a few kilobytes.
const MAX_IXML: u32 = 1 << 20;
/// Chunks looked at before giving up on a file that never ends.
const MAX_CHUNKS: usize = 4096;

/// A source file's format and production metadata.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SourceInfo {
    pub sample_rate: u32,
    pub channels: usize,
    /// Length in sample frames at `sample_rate`.
    pub frames: u64,
    /// BWF `bext` time reference: samples since midnight of the first sample.
    pub time_reference: Option<u64>,
    /// iXML metadata, where the file has it.
    pub ixml: Option<Ixml>,
}

impl SourceInfo {
    /// The time of day of the first sample, from the BWF time reference.
    pub fn start(&self) -> Option<Seconds> {
        self.time_reference
            .map(|t| Seconds::from_samples(t, self.sample_rate))
    }

    /// How long the file plays.
    pub fn duration(&self) -> Seconds {
        Seconds::from_samples(self.frames, self.sample_rate)
    }
}

/// The iXML fields a conform uses.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ixml {
    /// The sound roll (`TAPE`), which EDLs often carry as the reel.
    pub tape: Option<String>,
    pub scene: Option<String>,
    pub take: Option<String>,
    /// The timecode rate the recorder ran at (`SPEED/TIMECODE_RATE` and
    /// `TIMECODE_FLAG`), when it is one a session can use.
    pub rate: Option<FrameRate>,
}

/// Read the format and metadata of the media file at `path`.
/// The header is checked first ([`header::check`]), and a panic while
/// reading is an error for this file ([`guarded`]).
pub fn read(path: &Path) -> Result<SourceInfo, MediaError> {
    guarded(path, || {
        header::check(path)?;
        read_checked(path)
    })
}

fn read_checked(path: &Path) -> Result<SourceInfo, MediaError> {
    let mut info = match wav::probe(path)? {
        Ok(w) => SourceInfo {
            sample_rate: w.sample_rate,
            channels: w.channels,
            frames: w.frames,
            time_reference: w.time_reference,
            ixml: None,
        },
        Err(_) => probe_any(path)?,
    };
    let chunks = riff_chunks(path).unwrap_or_default();
    info.time_reference = info.time_reference.or(chunks.time_reference);
    info.ixml = chunks.ixml.as_deref().map(parse_ixml);
    Ok(info)
}

/// Format of a file that is not plain PCM WAV, from its container header.
fn probe_any(path: &Path) -> Result<SourceInfo, MediaError> {
    let info = decode::probe(path)?;
    Ok(SourceInfo {
        sample_rate: info.sample_rate,
        channels: info.channels,
        frames: info.frames.unwrap_or(0),
        time_reference: None,
        ixml: None,
    })
}

/// The metadata chunks of a RIFF/RF64 WAVE file.
#[derive(Debug, Default)]
struct Chunks {
    time_reference: Option<u64>,
    ixml: Option<String>,
}

/// Walk the chunks of a WAVE file (also past the audio data, where some
/// recorders put their iXML). Anything that is not WAVE gives nothing.
fn riff_chunks(path: &Path) -> std::io::Result<Chunks> {
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    let mut head = [0u8; 12];
    file.read_exact(&mut head)?;
    let mut found = Chunks::default();
    if !matches!(&head[0..4], b"RIFF" | b"RF64" | b"BW64") || &head[8..12] != b"WAVE" {
        return Ok(found);
    }
    let mut data_size64 = None;
    let mut at = 12u64;
    for _ in 0..MAX_CHUNKS {
        if at.saturating_add(8) > len {
            break;
        }
        let mut chunk = [0u8; 8];
        file.read_exact_at(&mut chunk, at)?;
        let size32 = u32::from_le_bytes([chunk[4], chunk[5], chunk[6], chunk[7]]);
        let body = at + 8;
        let mut size = u64::from(size32);
        match &chunk[0..4] {
            b"ds64" if size32 >= 16 => {
                let mut b = [0u8; 8];
                file.read_exact_at(&mut b, body + 8)?;
                data_size64 = Some(u64::from_le_bytes(b));
            }
            b"bext" if size32 >= 346 => {
                let mut b = [0u8; 8];
                file.read_exact_at(&mut b, body + 338)?;
                found.time_reference = Some(u64::from_le_bytes(b));
            }
            b"iXML" if size32 <= MAX_IXML && body + size <= len => {
                let mut b = vec![0u8; size32 as usize];
                file.read_exact_at(&mut b, body)?;
                found.ixml = Some(String::from_utf8_lossy(&b).into_owned());
            }
            b"data" if size32 == u32::MAX || size32 == 0 => {
                size = data_size64.unwrap_or(len.saturating_sub(body));
            }
            _ => {}
        }
        at = body.saturating_add(size).saturating_add(size & 1);
    }
    Ok(found)
}

/// The fields of an iXML document that a conform uses.
pub fn parse_ixml(xml: &str) -> Ixml {
    let rate = element(xml, "TIMECODE_RATE").and_then(|r| {
        let flag = element(xml, "TIMECODE_FLAG").unwrap_or_default();
        rate_of(&r, flag.eq_ignore_ascii_case("DF"))
    });
    Ixml {
        tape: element(xml, "TAPE"),
        scene: element(xml, "SCENE"),
        take: element(xml, "TAKE"),
        rate,
    }
}

/// The text of the first `<NAME>...</NAME>` element, trimmed and unescaped;
/// `None` when it is missing or empty.
fn element(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&close)?;
    let text = xml[start..end]
        .trim()
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    (!text.is_empty()).then_some(text)
}

/// `24000/1001` (or `25/1`, `25`) with the drop-frame flag as a frame rate.
fn rate_of(text: &str, drop_frame: bool) -> Option<FrameRate> {
    let (num, den) = match text.split_once('/') {
        Some((n, d)) => (n.trim().parse::<u64>().ok()?, d.trim().parse::<u64>().ok()?),
        None => (text.trim().parse::<u64>().ok()?, 1),
    };
    FrameRate::ALL.into_iter().find(|r| {
        let (rn, rd) = r.rate();
        num.checked_mul(rd) == rn.checked_mul(den) && r.is_drop_frame() == drop_frame
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ixml_gives_tape_take_and_rate() {
        let xml = "<?xml version=\"1.0\"?><BWFXML><PROJECT>Film</PROJECT><SCENE>12A</SCENE>\
                   <TAKE>3</TAKE><TAPE>Day 04</TAPE><SPEED><TIMECODE_RATE>30000/1001</TIMECODE_RATE>\
                   <TIMECODE_FLAG>DF</TIMECODE_FLAG></SPEED></BWFXML>";
        let ixml = parse_ixml(xml);
        assert_eq!(ixml.tape.as_deref(), Some("Day 04"));
        assert_eq!(ixml.scene.as_deref(), Some("12A"));
        assert_eq!(ixml.take.as_deref(), Some("3"));
        assert_eq!(ixml.rate, Some(FrameRate::Fps29_97Df));
        assert_eq!(rate_of("24000/1001", false), Some(FrameRate::Fps23_976));
        assert_eq!(rate_of("25", false), Some(FrameRate::Fps25));
        assert_eq!(rate_of("48/1", false), None);
        assert_eq!(
            parse_ixml("<BWFXML><TAPE></TAPE></BWFXML>"),
            Ixml::default()
        );
    }
}
