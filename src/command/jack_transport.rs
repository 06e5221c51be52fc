//! The desk and the JACK transport: off (dubstage's own transport),
//! follow (start, stop and locate with it) or master (play, stop and
//! locate drive it, and dubstage follows it as every other client does, so
//! a picture player on the same transport stays in step).
//!
//! JACK frame 0 is the session's first sample. rust-jack cannot register a
//! timebase callback, so no BBT or timecode fields are published: followers
//! read the frame and the state, and work the timecode out with their own
//! frame rate (xjadeo takes the video file's, and `:video` gives it the
//! offset from the picture's first frame to the session start).

use super::desk::Desk;
use crate::audio::jack::TransportAction;
use crate::engine::msg::ToEngine;

/// How the desk stands to the JACK transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportMode {
    Off,
    Follow,
    Master,
}

impl TransportMode {
    pub const NAMES: &'static str = "master, follow or off";

    pub fn parse(word: &str) -> Result<TransportMode, String> {
        match word {
            "off" => Ok(TransportMode::Off),
            "follow" => Ok(TransportMode::Follow),
            "master" => Ok(TransportMode::Master),
            other => Err(format!(
                "{other:?}: the JACK transport is {}",
                TransportMode::NAMES
            )),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TransportMode::Off => "off",
            TransportMode::Follow => "follow",
            TransportMode::Master => "master",
        }
    }
}

impl Desk {
    pub fn transport_mode(&self) -> TransportMode {
        let a = &self.session.audio;
        if a.jack_transport_master {
            TransportMode::Master
        } else if a.follow_jack_transport {
            TransportMode::Follow
        } else {
            TransportMode::Off
        }
    }

    /// Set the mode (saved in the session). As master, the JACK transport
    /// is first located to the playhead.
    pub fn set_transport_mode(&mut self, mode: TransportMode) {
        let audio = &mut self.session.audio;
        audio.jack_transport_master = mode == TransportMode::Master;
        audio.follow_jack_transport = mode == TransportMode::Follow;
        let follows = audio.follows_jack();
        if let Some(e) = &mut self.engine {
            e.send(ToEngine::FollowJackTransport(follows));
        }
        if mode == TransportMode::Master {
            let at = self.playhead();
            self.drive_jack(TransportAction::Locate(at));
        }
        self.changed = true;
    }

    /// As the transport master on JACK, ask the JACK transport for
    /// `action`; false when dubstage's own transport should act instead (not
    /// master, not on JACK, or JACK refused: then the status line says why).
    pub(super) fn drive_jack(&mut self, action: TransportAction) -> bool {
        if !self.session.audio.jack_transport_master {
            return false;
        }
        let Some(engine) = &self.engine else {
            return false;
        };
        match engine.drive_transport(action) {
            Ok(driven) => driven,
            Err(e) => {
                self.complain(e);
                false
            }
        }
    }
}
