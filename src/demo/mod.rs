//! The demo scene: a 45-second premix of a dialog scene with room tone, ADR,
//! a door, footsteps and a music cue. The media are synthesized
//! ([`media`]) so that nothing needs to ship; the session file is
//! `sessions/demo/demo.ron`, built into the program.
//!
//! The synthesis is split by sound, each file depending only on those
//! below it: `media` (rendering and writing the files, and the public cue
//! sheet) uses `dialog` (voices as recorded takes), `foley` (footsteps,
//! door), `music`, `room` (room tone) and `speech` (the speakers); `dialog`
//! uses `speech` (scripts, syllables, articulation) and `room`; all of them
//! use `synth` (noise, filters, oscillators, level helpers) and `cues` (the
//! files and the cue times in them).

mod cues;
mod dialog;
mod foley;
pub mod media;
mod music;
mod room;
mod speech;
mod synth;

use std::io;
use std::path::{Path, PathBuf};

/// The demo session file's text.
pub const SESSION: &str = include_str!("../../sessions/demo/demo.ron");

/// Write the demo's media into `dir/media/` and its session to
/// `dir/demo.ron`, keeping a session file that is already there (it may
/// hold the user's edits). Returns the session's path.
pub fn create(dir: &Path) -> io::Result<PathBuf> {
    media::write_demo_media(&dir.join("media"))?;
    let session = dir.join("demo.ron");
    if !session.exists() {
        crate::model::file::write_atomically(&session, SESSION.as_bytes())
            .map_err(io::Error::other)?;
    }
    Ok(session)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::file;

    #[test]
    fn every_clip_of_the_demo_lies_within_its_media() {
        let loaded = file::parse(SESSION, Path::new("demo.ron")).unwrap();
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warning_lines());
        let s = &loaded.session;
        assert_eq!(s.end(), 45 * 48_000);
        for track in &s.tracks {
            for clip in &track.clips {
                let path = &s.source(&clip.source).unwrap().path;
                let name = path.file_name().unwrap().to_str().unwrap();
                let (_, _, frames) = media::DEMO_FILES
                    .iter()
                    .find(|(n, _, _)| *n == name)
                    .unwrap();
                let span = clip.looped.map_or(clip.length, |l| l.length);
                assert!(
                    clip.source_offset + span <= *frames,
                    "{} runs past the end of {name}",
                    clip.display_name()
                );
            }
        }
    }
}
