//! An EDL event's channel field: which audio tracks it puts its source on,
//! and whether it has picture. CMX3600 writes `V`, `A` (A1), `A2`, `AA` (A1
//! and A2), `B` (A1 and picture), `NONE`, each optionally with `/V`; Avid
//! adds `A3`, `A4`... and writes a group of channels of one event as its
//! track digits, `A12` (a stereo pair on A1 and A2), `A34`, `A1234`.
//!
//! The tracks of one event are the channels of one multichannel event:
//! the event's first track reads its source's first channel, the second the
//! second, and so on (a mono source feeds them all). A group is read from
//! consecutive ascending digits (`A12`, `A23`, `A1234`); other digits are a
//! track number (`A10`, `A13`, `A21`).

/// What a channel field asks for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Channels {
    /// Audio track numbers (A1 is 1), ascending.
    pub audio: Vec<u16>,
    /// Avid's pair notation (`A12`, `A34`): the two tracks are one stereo
    /// pair, played as a stereo track where the source is stereo.
    pub pair: bool,
    /// The event also has picture (`V`, `B`, `/V`).
    pub video: bool,
}

/// Read a channel field; `None` when it is not one.
pub fn parse(field: &str) -> Option<Channels> {
    let mut channels = Channels::default();
    for part in field.to_ascii_uppercase().split('/') {
        match part {
            "V" => channels.video = true,
            "NONE" => {}
            "A" => channels.audio.push(1),
            "B" => {
                channels.audio.push(1);
                channels.video = true;
            }
            "AA" => channels.audio.extend([1, 2]),
            p => {
                let digits = p.strip_prefix('A').filter(|d| {
                    !d.is_empty() && d.len() <= 5 && d.bytes().all(|b| b.is_ascii_digit())
                })?;
                match group(digits) {
                    Some(tracks) => {
                        channels.pair = tracks.len() == 2;
                        channels.audio.extend(tracks);
                    }
                    None => match digits.parse::<u16>() {
                        Ok(n) if n >= 1 => channels.audio.push(n),
                        _ => return None,
                    },
                }
            }
        }
    }
    channels.audio.sort_unstable();
    channels.audio.dedup();
    channels.pair &= channels.audio.len() == 2;
    Some(channels)
}

/// The source channel that `track` reads in an event on `tracks`: its place
/// among them, or for an event on one track, that track's number less one.
pub fn channel_of(tracks: &[u16], track: u16) -> u16 {
    match tracks {
        [_] => track.saturating_sub(1),
        _ => tracks
            .iter()
            .position(|&t| t == track)
            .and_then(|i| u16::try_from(i).ok())
            .unwrap_or(0),
    }
}

/// `12` as [1, 2], `1234` as [1, 2, 3, 4]: two or more consecutive
/// ascending digits from 1 to 9.
fn group(digits: &str) -> Option<Vec<u16>> {
    let tracks: Vec<u16> = digits.bytes().map(|b| u16::from(b - b'0')).collect();
    let consecutive =
        tracks.len() >= 2 && tracks[0] >= 1 && tracks.windows(2).all(|w| w[1] == w[0] + 1);
    consecutive.then_some(tracks)
}

/// How a report names an event's tracks: "A1", "A1-A4".
pub fn span(tracks: &[u16]) -> String {
    match tracks {
        [] => String::new(),
        [one] => format!("A{one}"),
        [first, .., last] => format!("A{first}-A{last}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn audio(field: &str) -> Vec<u16> {
        parse(field).unwrap().audio
    }

    #[test]
    fn every_designation_maps_to_tracks() {
        assert_eq!(audio("A"), [1]);
        assert_eq!(audio("A2"), [2]);
        assert_eq!(audio("AA"), [1, 2]);
        assert_eq!(audio("aa/v"), [1, 2]);
        assert_eq!(audio("A12"), [1, 2]);
        assert_eq!(audio("A34"), [3, 4]);
        assert_eq!(audio("A1234"), [1, 2, 3, 4]);
        assert_eq!(audio("A2/V"), [2]);
        assert_eq!(audio("A10"), [10]);
        assert_eq!(audio("A13"), [13]);
        assert_eq!(audio("A21"), [21]);
        assert!(audio("NONE").is_empty());
        assert!(audio("V").is_empty());
        let b = parse("B").unwrap();
        assert_eq!((b.audio, b.video, b.pair), (vec![1], true, false));
        assert!(parse("A12").unwrap().pair);
        assert!(parse("A34/V").unwrap().video);
        assert!(!parse("AA").unwrap().pair, "AA is two mono channels");
        assert!(!parse("A1234").unwrap().pair);
        for bad in ["Q", "A0", "A00", "AX", "A123456", "A99999", ""] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        assert_eq!(span(&[1, 2, 3, 4]), "A1-A4");
        assert_eq!(span(&[3]), "A3");
    }
}
