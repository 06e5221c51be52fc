//! Learning the denoiser's noise profile from room tone: select a stretch
//! of the track's room tone in visual mode and press `N` (or
//! `:denoise-learn`). The track's audio there, as its clips play it
//! (clip gain and fades in), is what its denoiser sees, first in the strip;
//! the profile is saved in the track's strip and the denoiser switched on.

use super::desk::Desk;
use super::edit::track;
use super::spec::{desk, Args, CommandSpec, Kind};
use crate::dsp::denoise;
use crate::engine::plan::compile_playlist;
use crate::engine::playlist::TrackReader;

/// The longest stretch read: a minute is more room tone than a profile needs.
const MAX_SECONDS: u64 = 60;
/// Frames read at a time.
const BLOCK: usize = 8192;

pub(super) static COMMANDS: &[CommandSpec] = &[desk(
    "denoise-learn",
    &[],
    "",
    Kind::Edit,
    "Learn the selected track's noise profile from the room tone selected, and switch it on",
    learn,
)];

fn learn(d: &mut Desk, _: &Args) -> Result<(), String> {
    let (start, end) = d
        .selection
        .filter(|(a, b)| b > a)
        .ok_or("select some room tone first (v and a motion on the track)")?;
    let t = track(d)?;
    let rate = d.session.sample_rate;
    let end = end.min(start + MAX_SECONDS * rate as u64);
    let len = (end - start) as usize;
    // Only this track's clips: compiling the whole Plan would build every
    // strip and instantiate every plugin to read one track.
    let playlist = d
        .session
        .tracks
        .get(t)
        .map(|track| compile_playlist(track, &d.pool))
        .ok_or("the track has no playlist")?;
    let channels = playlist.channels.max(1);
    let mut reader = TrackReader::new(BLOCK);
    let mut block = vec![vec![0.0f32; BLOCK]; channels];
    let mut planes = vec![Vec::with_capacity(len); channels];
    let mut at = 0;
    while at < len {
        let n = (len - at).min(BLOCK);
        reader
            .read(&playlist, &d.pool, start + at as u64, n, &mut block)
            .map_err(|e| format!("cannot read the room tone: {e}"))?;
        for (plane, b) in planes.iter_mut().zip(&block) {
            plane.extend_from_slice(&b[..n]);
        }
        at += n;
    }
    let name = d.session.tracks[t].name.clone();
    if planes.iter().all(|p| p.iter().all(|&s| s == 0.0)) {
        return Err(format!(
            "no audio on {name} in the selection: select room tone on the track"
        ));
    }
    let refs: Vec<&[f32]> = planes.iter().map(Vec::as_slice).collect();
    let profile = denoise::learn(&refs, rate)?;
    let energy: f64 = planes.iter().flatten().map(|&s| (s * s) as f64).sum();
    let rms = 10.0 * (energy / (len * channels) as f64).max(1e-30).log10();
    let strip = &mut d.session.tracks[t].strip;
    strip.denoise.profile = Some(profile);
    strip.denoise.on = true;
    let amount = strip.denoise.amount_db;
    d.reload();
    d.say(format!(
        "denoise: learned {:.2} s of room tone on {name} ({rms:.1} dBFS RMS); on, {:.0} dB",
        len as f64 / rate as f64,
        amount
    ));
    Ok(())
}
