//! The picture: `xjadeo` (the X JACK video monitor) as a child process,
//! following the JACK transport, started by `--video FILE` or `:video FILE`
//! and killed when the console quits or another picture replaces it.
//!
//! JACK frame 0 is the session's start; xjadeo shows the video frame at
//! the transport's frame plus its offset. The offset given is the distance,
//! in video frames, from the picture's first frame to the session start:
//! 0 when the picture starts with the session (the default), positive when
//! it starts earlier (a leader before the first frame of action).

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::model::timecode::Timecode;
use crate::model::Session;

/// The program started.
pub const PLAYER: &str = "xjadeo";
/// What to say when it is missing.
pub const HOW_TO_GET: &str = "xjadeo is not installed: apt install xjadeo (Debian package xjadeo)";

/// The offset in video frames for a picture whose first frame is at
/// timecode `picture_start` (the session start when `None`).
pub fn offset_frames(session: &Session, picture_start: Option<&str>) -> Result<i64, String> {
    let rate = session.timecode.rate;
    let session_start = Timecode::parse(&session.timecode.start, rate)
        .map_err(|e| format!("the session's start timecode: {e}"))?
        .to_frame_count(rate) as i64;
    let Some(text) = picture_start else {
        return Ok(0);
    };
    let picture = Timecode::parse(text, rate)
        .map_err(|e| format!("{text:?} as the picture's start: {e}"))?
        .to_frame_count(rate) as i64;
    Ok(session_start - picture)
}

/// xjadeo's command line (without the program).
pub fn arguments(file: &Path, offset: i64) -> Vec<std::ffi::OsString> {
    vec![
        "--quiet".into(),
        "--offset".into(),
        offset.to_string().into(),
        file.as_os_str().to_owned(),
    ]
}

/// A running picture player, killed when dropped.
#[derive(Debug)]
pub struct PicturePlayer {
    child: Child,
    pub file: PathBuf,
    pub offset: i64,
}

impl PicturePlayer {
    /// Start `program` (normally [`PLAYER`]) on `file`.
    pub fn start(program: &str, file: &Path, offset: i64) -> Result<PicturePlayer, String> {
        if !file.is_file() {
            return Err(format!("{}: no such picture file", file.display()));
        }
        let child = Command::new(program)
            .args(arguments(file, offset))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| match e.kind() {
                ErrorKind::NotFound => HOW_TO_GET.to_string(),
                _ => format!("cannot start {program}: {e}"),
            })?;
        Ok(PicturePlayer {
            child,
            file: file.to_path_buf(),
            offset,
        })
    }

    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Whether it still runs; `Some(status)` once it has ended.
    pub fn ended(&mut self) -> Option<String> {
        match self.child.try_wait() {
            Ok(Some(status)) => Some(status.to_string()),
            Ok(None) => None,
            Err(e) => Some(e.to_string()),
        }
    }
}

impl Drop for PicturePlayer {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}
