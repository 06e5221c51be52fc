//! The picture player: xjadeo's command line and offset from the session's
//! timecode, what is said when xjadeo is not installed (from the console's
//! `:video`, with a PATH that has no xjadeo), and the child process's life:
//! started with those arguments and killed when replaced or when the desk
//! goes. xjadeo itself is not run here (it needs an X display); the life of
//! the child is checked with a small shell script in its place, called by
//! its absolute path.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use dubstage::app::App;
use dubstage::command::desk::Desk;
use dubstage::model::timecode::FrameRate;
use dubstage::model::Session;
use dubstage::picture::{self, PicturePlayer};

fn session_at(start: &str) -> Session {
    let mut s = Session::new("reel", 48_000, FrameRate::Fps25);
    s.timecode.start = start.into();
    s
}

fn running(pid: u32) -> bool {
    // A zombie is not running: read its state.
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| !s.contains(") Z "))
        .unwrap_or(false)
}

#[test]
fn the_offset_is_the_picture_start_to_the_session_start_in_frames() {
    let s = session_at("01:00:00:00");
    assert_eq!(picture::offset_frames(&s, None).unwrap(), 0);
    // Ten seconds of leader before the session's first frame.
    assert_eq!(
        picture::offset_frames(&s, Some("00:59:50:00")).unwrap(),
        250
    );
    assert_eq!(
        picture::offset_frames(&s, Some("01:00:01:05")).unwrap(),
        -30
    );
    let e = picture::offset_frames(&s, Some("01:00:00:99")).unwrap_err();
    assert!(e.contains("01:00:00:99"), "{e}");
    let args: Vec<String> = picture::arguments(Path::new("/p/reel 1.mov"), 250)
        .into_iter()
        .map(|a| a.into_string().unwrap())
        .collect();
    assert_eq!(args, ["--quiet", "--offset", "250", "/p/reel 1.mov"]);
}

#[test]
fn the_player_is_started_with_its_arguments_and_killed_with_the_desk() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("player.sh");
    let args_file = dir.path().join("args");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho \"$@\" > {}\nexec /bin/sleep 60\n",
            args_file.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let movie = dir.path().join("reel.mov");
    std::fs::write(&movie, b"not really a movie").unwrap();

    let player = PicturePlayer::start(script.to_str().unwrap(), &movie, 250).unwrap();
    let pid = player.id();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !args_file.exists() || std::fs::read_to_string(&args_file).unwrap().is_empty() {
        assert!(Instant::now() < deadline, "the player did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        std::fs::read_to_string(&args_file).unwrap().trim(),
        format!("--quiet --offset 250 {}", movie.display())
    );
    assert!(running(pid));

    let mut desk = Desk::new(session_at("01:00:00:00"), dir.path().join("s.ron"));
    desk.picture = Some(player);
    drop(desk);
    assert!(!running(pid), "the player outlived the desk");

    let e = PicturePlayer::start(script.to_str().unwrap(), &dir.path().join("none.mov"), 0)
        .unwrap_err();
    assert!(e.contains("no such picture file"), "{e}");
}

#[test]
fn without_xjadeo_the_console_says_how_to_get_it() {
    let dir = tempfile::tempdir().unwrap();
    let movie = dir.path().join("reel.mov");
    std::fs::write(&movie, b"frames").unwrap();
    // A PATH with no xjadeo on it (only this test of this binary looks it up).
    std::env::set_var("PATH", dir.path());
    let mut app = App::with_defaults(Desk::new(
        session_at("01:00:00:00"),
        dir.path().join("s.ron"),
    ));
    app.run_line(&format!("video {}", movie.display()), None);
    let m = app.desk.message.clone().unwrap();
    assert!(m.error, "{m:?}");
    assert!(m.text.contains("apt install xjadeo"), "{}", m.text);
    assert!(app.desk.picture.is_none());
    app.run_line("video", None);
    assert!(
        app.desk
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("no picture"),
        "{:?}",
        app.desk.message
    );
}
