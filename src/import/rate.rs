//! The timecode rate of an EDL. CMX3600 says the rate only when it is
//! drop-frame (`FCM: DROP FRAME`), so a non-drop EDL's rate is given with
//! `--rate` or inferred here: its frame fields rule out the rates whose
//! seconds have fewer frames (a frame 24 rules out 23.976 and 24 fps), and
//! the iXML timecode rate of the media it uses picks among the rest. The
//! lowest rate consistent with every timecode and with the media is taken,
//! and the report says so; when that still leaves two rates with the same
//! frame labels (23.976 and 24, or 29.97 and 30) the import is refused with
//! the candidates. A given `--rate` that the frame fields contradict is
//! refused with the rates the cut is consistent with.

use std::path::{Path, PathBuf};

use super::cut::Cut;
use super::find::MediaIndex;
use super::ImportError;
use crate::model::timecode::FrameRate;

/// The non-drop rates an EDL can be read at, slowest first.
const NON_DROP: [FrameRate; 5] = [
    FrameRate::Fps23_976,
    FrameRate::Fps24,
    FrameRate::Fps25,
    FrameRate::Fps29_97,
    FrameRate::Fps30,
];

/// Whether the EDL declares drop-frame (`FCM: DROP FRAME`) or writes
/// drop-frame labels (a `;` before the frames).
pub fn says_drop_frame(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim().to_ascii_uppercase();
        let event = l.bytes().next().is_some_and(|b| b.is_ascii_digit());
        (l.starts_with("FCM:") && !l.contains("NON")) || (event && l.contains(';'))
    })
}

/// The highest frame field among an EDL's event timecodes, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameFields {
    /// The highest frame number met.
    pub max: u32,
    /// The line it is on (from 1).
    pub line: usize,
    /// Which field ("record in"...) and its text.
    pub field: &'static str,
    pub text: String,
}

/// The highest frame field of the event lines of `text` (`None` when it has
/// no event with four timecodes).
pub fn frame_fields(text: &str) -> Option<FrameFields> {
    const FIELDS: [&str; 4] = ["source in", "source out", "record in", "record out"];
    let mut best: Option<FrameFields> = None;
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if !line.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
            continue;
        }
        let tokens: Vec<&str> = line.split_whitespace().collect();
        if !(8..=9).contains(&tokens.len()) {
            continue;
        }
        for (field, tc) in FIELDS.iter().zip(&tokens[tokens.len() - 4..]) {
            let Some(frames) = tc
                .rsplit([':', ';', '.'])
                .next()
                .filter(|f| f.len() <= 3 && tc.len() > f.len())
                .and_then(|f| f.parse::<u32>().ok())
            else {
                continue;
            };
            if best.as_ref().is_none_or(|b| frames > b.max) {
                best = Some(FrameFields {
                    max: frames,
                    line: index + 1,
                    field,
                    text: tc.to_string(),
                });
            }
        }
    }
    best
}

/// The non-drop rates whose seconds have a frame `max`, slowest first.
pub fn consistent(max: u32) -> Vec<FrameRate> {
    NON_DROP
        .into_iter()
        .filter(|r| r.nominal_fps() > max)
        .collect()
}

/// "23.976 or 24 fps", "25, 29.97 or 30 fps".
fn rates_text(rates: &[FrameRate]) -> String {
    let names: Vec<&str> = rates.iter().map(|r| r.as_str()).collect();
    match names.split_last() {
        None => "no rate".into(),
        Some((last, [])) => format!("{last} fps"),
        Some((last, rest)) => format!("{} or {last} fps", rest.join(", ")),
    }
}

/// Refuse a `--rate` that a frame field of the EDL contradicts, at the line
/// of its highest frame, naming the rates the cut is consistent with.
pub fn check(path: &Path, given: FrameRate, fields: &FrameFields) -> Result<(), ImportError> {
    if fields.max < given.nominal_fps() {
        return Ok(());
    }
    let fits = consistent(fields.max);
    let advice = if fits.is_empty() {
        format!(
            "no rate dubstage reads ({}) has it",
            rates_text(&FrameRate::ALL)
        )
    } else {
        format!(
            "the EDL's timecodes (frames up to {}) are consistent with {}",
            fields.max,
            rates_text(&fits)
        )
    };
    Err(ImportError::Edl {
        path: path.to_path_buf(),
        line: fields.line,
        message: format!(
            "{} \"{}\" has frame {}, which {} fps (--rate) does not have: {advice}",
            fields.field, fields.text, fields.max, given
        ),
    })
}

/// The timecode rates the media's iXML gives (drop-frame read as its
/// non-drop twin, since the EDL's labels are non-drop), each with a file
/// that says so.
pub type MediaRates = Vec<(FrameRate, String)>;

/// The rate to read a non-drop EDL at, and the sentence for the report.
pub fn infer(
    path: &Path,
    fields: &FrameFields,
    media: &MediaRates,
) -> Result<(FrameRate, String), ImportError> {
    let refuse = |message: String| ImportError::Cut {
        path: path.to_path_buf(),
        message,
    };
    let fits = consistent(fields.max);
    let Some(lowest) = fits.first() else {
        return Err(refuse(format!(
            "{} \"{}\" (line {}) has frame {}, which no rate dubstage reads ({}) has",
            fields.field,
            fields.text,
            fields.line,
            fields.max,
            rates_text(&FrameRate::ALL)
        )));
    };
    let frames = format!("frames up to {}", fields.max);
    // The slowest frame-label family that the media agree with, else the
    // slowest the timecodes allow.
    let agreeing: Vec<&(FrameRate, String)> =
        media.iter().filter(|(r, _)| fits.contains(r)).collect();
    if let Some(slowest) = agreeing.iter().map(|(r, _)| r.nominal_fps()).min() {
        let mut said: Vec<&(FrameRate, String)> = Vec::new();
        for media in agreeing {
            if media.0.nominal_fps() == slowest && !said.iter().any(|s| s.0 == media.0) {
                said.push(media);
            }
        }
        if let [(rate, file)] = said.as_slice() {
            return Ok((
                *rate,
                format!(
                    "the EDL gives no frame rate: read at {rate} fps, the iXML timecode rate of its media ({file}), \
                     which every timecode of the EDL allows ({frames})"
                ),
            ));
        }
        let which: Vec<String> = said
            .iter()
            .map(|(r, file)| format!("{r} fps ({file})"))
            .collect();
        return Err(refuse(format!(
            "the EDL gives no frame rate, and its media's iXML gives {}: give --rate",
            which.join(" and ")
        )));
    }
    let family: Vec<FrameRate> = fits
        .iter()
        .copied()
        .filter(|r| r.nominal_fps() == lowest.nominal_fps())
        .collect();
    match family.as_slice() {
        [rate] => Ok((
            *rate,
            format!(
                "the EDL gives no frame rate: read at {rate} fps, the lowest rate its timecodes allow ({frames})"
            ),
        )),
        _ => {
            let flags: Vec<String> = family.iter().map(|r| format!("--rate {r}")).collect();
            Err(refuse(format!(
                "the EDL gives no frame rate: its timecodes ({frames}) fit {} (or a faster rate), \
                 and no media's iXML says which: give {}",
                rates_text(&family),
                flags.join(" or ")
            )))
        }
    }
}

/// The iXML timecode rates of the media that the clips of `cut` find in
/// `folders` (an EDL read at a provisional rate: only which files it uses
/// matters here).
pub fn media_rates(
    cut: &Cut,
    folders: &[PathBuf],
    cut_dir: &Path,
) -> Result<MediaRates, ImportError> {
    let index = MediaIndex::new(folders)?;
    let mut rates: MediaRates = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    for clip in cut.tracks.iter().flat_map(|t| &t.clips) {
        let Some(found) = index.find(&clip.media, clip.source_in, cut_dir).found else {
            continue;
        };
        if seen.contains(&found) {
            continue;
        }
        let rate = index
            .info(&found)
            .ok()
            .and_then(|i| i.ixml)
            .and_then(|x| x.rate);
        if let Some(rate) = rate {
            let rate = if rate.is_drop_frame() {
                FrameRate::Fps29_97
            } else {
                rate
            };
            let name = found
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            rates.push((rate, name));
        }
        seen.push(found);
    }
    Ok(rates)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> FrameFields {
        frame_fields(text).unwrap()
    }

    #[test]
    fn the_highest_frame_field_is_found_with_its_line() {
        let text = "TITLE: x\n\
                    001  R1  A  C  01:00:00:00 01:00:01:12 01:00:00:00 01:00:01:12\n\
                    002  R1  A  D 030 01:00:00:00 01:00:01:00 01:00:01:12 01:00:02:24\n";
        let f = fields(text);
        assert_eq!((f.max, f.line, f.field), (24, 3, "record out"));
        assert_eq!(f.text, "01:00:02:24");
        assert_eq!(frame_fields("TITLE: x\nAUD 3 4\n"), None);
        assert_eq!(
            consistent(24),
            [FrameRate::Fps25, FrameRate::Fps29_97, FrameRate::Fps30]
        );
        assert!(consistent(30).is_empty());
    }

    #[test]
    fn a_given_rate_is_checked_and_the_lowest_consistent_rate_inferred() {
        let path = Path::new("cut.edl");
        let f = fields("001  R1  A  C  01:00:00:00 01:00:01:27 01:00:00:00 01:00:01:27\n");
        assert!(check(path, FrameRate::Fps30, &f).is_ok());
        let err = check(path, FrameRate::Fps24, &f).unwrap_err().to_string();
        assert_eq!(
            err,
            "cut.edl:1: source out \"01:00:01:27\" has frame 27, which 24 fps (--rate) does not have: \
             the EDL's timecodes (frames up to 27) are consistent with 29.97 or 30 fps"
        );
        // Frames up to 27: 29.97 or 30, and nothing to tell them apart.
        let err = infer(path, &f, &Vec::new()).unwrap_err().to_string();
        assert!(err.contains("fit 29.97 or 30 fps"), "{err}");
        assert!(err.ends_with("give --rate 29.97 or --rate 30"), "{err}");
        // The media say which.
        let media = vec![(FrameRate::Fps29_97, "boom.wav".to_string())];
        assert_eq!(infer(path, &f, &media).unwrap().0, FrameRate::Fps29_97);
        // Frames up to 24: only 25 has them at the slowest.
        let f25 = fields("001  R1  A  C  01:00:00:00 01:00:01:24 01:00:00:00 01:00:01:24\n");
        let (rate, note) = infer(path, &f25, &Vec::new()).unwrap();
        assert_eq!(rate, FrameRate::Fps25);
        assert!(note.contains("the lowest rate its timecodes allow (frames up to 24)"));
        // A media rate the timecodes contradict is no help; one they allow wins.
        let slow = vec![(FrameRate::Fps24, "a.wav".to_string())];
        assert_eq!(infer(path, &f25, &slow).unwrap().0, FrameRate::Fps25);
        let fast = vec![(FrameRate::Fps30, "b.wav".to_string())];
        let (rate, note) = infer(path, &f25, &fast).unwrap();
        assert_eq!(rate, FrameRate::Fps30);
        assert!(
            note.contains("iXML timecode rate of its media (b.wav)"),
            "{note}"
        );
        // Media that disagree among themselves are listed.
        let both = vec![
            (FrameRate::Fps23_976, "c.wav".to_string()),
            (FrameRate::Fps24, "d.wav".to_string()),
        ];
        let f23 = fields("001  R1  A  C  01:00:00:00 01:00:01:23 01:00:00:00 01:00:01:23\n");
        let err = infer(path, &f23, &both).unwrap_err().to_string();
        assert!(
            err.contains("23.976 fps (c.wav) and 24 fps (d.wav)"),
            "{err}"
        );
        let f47 = fields("001  R1  A  C  01:00:00:00 01:00:01:47 01:00:00:00 01:00:01:47\n");
        assert!(infer(path, &f47, &Vec::new()).is_err());
    }
}
