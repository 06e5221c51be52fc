//! The desk's picture: xjadeo started on a file, on the JACK transport.

use std::path::Path;

use super::desk::Desk;
use crate::audio::AudioBackend;
use crate::picture::{self, PicturePlayer};

impl Desk {
    /// Start xjadeo on `file` (replacing the picture that plays), its first
    /// frame at timecode `start` (the session start when `None`).
    pub fn start_video(&mut self, file: &Path, start: Option<&str>) -> Result<(), String> {
        let offset = picture::offset_frames(&self.session, start)?;
        // The old one goes first: one picture window at a time.
        self.picture = None;
        let player = PicturePlayer::start(picture::PLAYER, file, offset)?;
        self.picture = Some(player);
        let line = self.picture_line();
        self.say(line);
        Ok(())
    }

    /// What `:video` says.
    pub fn picture_line(&mut self) -> String {
        let on_jack = matches!(
            self.status.as_ref().map(|s| &s.backend),
            Some(AudioBackend::Jack(_))
        );
        let Some(p) = self.picture.as_mut() else {
            return "no picture: :video FILE starts xjadeo on it".into();
        };
        if let Some(status) = p.ended() {
            let file = p.file.display().to_string();
            self.picture = None;
            return format!("xjadeo on {file} has ended ({status})");
        }
        format!(
            "xjadeo (pid {}) shows {} at offset {} frame(s){}",
            p.id(),
            p.file.display(),
            p.offset,
            if on_jack {
                ", on the JACK transport"
            } else {
                "; not on JACK: it follows the transport once the engine is (:reconnect)"
            }
        )
    }
}
