//! Transport commands and motions: play, stop, loop, locate by time or
//! marker, step and page, clip and marker jumps, marks, reconnecting JACK.

use super::desk::Desk;
use super::motion::step_through;
use super::spec::{desk, keyed, Args, CommandSpec, Kind};
use super::strip::StripId;
use crate::model::timecode::parse_position;

pub(super) static COMMANDS: &[CommandSpec] = &[
    // Transport
    desk(
        "play-stop",
        &[],
        "",
        Kind::Transport,
        "Start or stop the transport",
        play_stop,
    ),
    desk(
        "play",
        &[],
        "",
        Kind::Transport,
        "Start the transport",
        |d, _| {
            d.play();
            Ok(())
        },
    ),
    desk(
        "stop",
        &[],
        "",
        Kind::Transport,
        "Stop the transport",
        |d, _| {
            d.stop();
            Ok(())
        },
    ),
    desk(
        "loop",
        &[],
        "",
        Kind::Transport,
        "Loop the selection (or the whole session) while rolling, or stop looping",
        loop_cmd,
    ),
    desk(
        "goto",
        &["locate"],
        "TIME|MARKER",
        Kind::Motion,
        "Move the playhead to a timecode, samples, 10s, 250ms, or a marker's name",
        goto,
    ),
    desk(
        "rewind",
        &["start"],
        "",
        Kind::Motion,
        "Move the playhead to the session start",
        |d, _| {
            d.locate(0);
            Ok(())
        },
    ),
    desk(
        "end",
        &[],
        "",
        Kind::Motion,
        "Move the playhead to the session end",
        |d, _| {
            let e = d.session.end();
            d.locate(e);
            Ok(())
        },
    ),
    desk(
        "step-forward",
        &[],
        "[SECONDS]",
        Kind::Motion,
        "Move the playhead forward (1 s, times the count)",
        |d, a| step(d, a, 1),
    ),
    desk(
        "step-back",
        &[],
        "[SECONDS]",
        Kind::Motion,
        "Move the playhead back (1 s, times the count)",
        |d, a| step(d, a, -1),
    ),
    desk(
        "page-forward",
        &[],
        "",
        Kind::Motion,
        "Move the playhead forward one screen of timeline",
        |d, a| page(d, a, 1),
    ),
    desk(
        "page-back",
        &[],
        "",
        Kind::Motion,
        "Move the playhead back one screen of timeline",
        |d, a| page(d, a, -1),
    ),
    desk(
        "clip-next",
        &[],
        "",
        Kind::Motion,
        "Move the playhead to the start of the next clip on the selected track",
        |d, a| clip_jump(d, a, true, false),
    ),
    desk(
        "clip-prev",
        &[],
        "",
        Kind::Motion,
        "Move the playhead to the start of the previous clip on the selected track",
        |d, a| clip_jump(d, a, false, false),
    ),
    desk(
        "clip-end",
        &[],
        "",
        Kind::Motion,
        "Move the playhead to the end of the next clip on the selected track",
        |d, a| clip_jump(d, a, true, true),
    ),
    desk(
        "marker-next",
        &[],
        "",
        Kind::Motion,
        "Move the playhead to the next marker",
        |d, a| marker_jump(d, a, true),
    ),
    desk(
        "marker-prev",
        &[],
        "",
        Kind::Motion,
        "Move the playhead to the previous marker",
        |d, a| marker_jump(d, a, false),
    ),
    keyed(desk(
        "mark",
        &[],
        "CHAR",
        Kind::View,
        "Set mark CHAR at the playhead",
        mark,
    )),
    keyed(desk(
        "jump-mark",
        &[],
        "CHAR",
        Kind::Motion,
        "Move the playhead to mark CHAR",
        jump_mark,
    )),
    desk(
        "reconnect",
        &[],
        "",
        Kind::Transport,
        "Start again on a JACK server (after it went away or appeared)",
        |d, _| d.reconnect(),
    ),
    desk(
        "remote",
        &[],
        "",
        Kind::View,
        "Say where the OSC remote listens, what it received, and the NSM session manager's state",
        remote,
    ),
    desk(
        "video",
        &[],
        "[FILE [START]]",
        Kind::Transport,
        "Show FILE in xjadeo on the JACK transport from START; no FILE: say what plays; off: close it",
        video,
    ),
];

fn video(d: &mut Desk, a: &Args) -> Result<(), String> {
    match a.word(0) {
        None => {
            let line = d.picture_line();
            d.say(line);
            Ok(())
        }
        Some("off") => {
            d.picture = None;
            d.say("picture closed");
            Ok(())
        }
        Some(_) => {
            let (file, start) = picture_and_start(a);
            d.start_video(std::path::Path::new(&file), start)
        }
    }
}

/// `:video`'s words as a file name, which may hold spaces ("Reel 1.mov"),
/// and the picture's start timecode when the last word is one and the
/// whole line is not a file's name.
fn picture_and_start(a: &Args) -> (String, Option<&str>) {
    let whole = a.rest(0).unwrap_or_default();
    let n = a.words.len();
    let last = a.word(n.saturating_sub(1)).unwrap_or_default();
    let timecode = last.contains([':', ';'])
        && last
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ':' | ';' | '.'));
    if n >= 2 && timecode && !std::path::Path::new(&whole).is_file() {
        (a.words[..n - 1].join(" "), Some(last))
    } else {
        (whole, None)
    }
}

fn remote(d: &mut Desk, _: &Args) -> Result<(), String> {
    let lines: Vec<String> = [d.remote.clone(), d.session_manager.clone()]
        .into_iter()
        .flatten()
        .collect();
    if lines.is_empty() {
        return Err(
            "no OSC remote: open the session with --osc PORT (man dubstage, OSC REMOTE CONTROL)"
                .into(),
        );
    }
    d.say(lines.join("; "));
    Ok(())
}

fn play_stop(d: &mut Desk, _: &Args) -> Result<(), String> {
    if d.rolling() {
        d.stop();
    } else {
        d.play();
    }
    Ok(())
}

fn loop_cmd(d: &mut Desk, _: &Args) -> Result<(), String> {
    d.toggle_loop();
    Ok(())
}

fn goto(d: &mut Desk, a: &Args) -> Result<(), String> {
    let text = a
        .rest(0)
        .ok_or("go where? :goto 01:00:10:00, 10s, or a marker")?;
    let position = match parse_position(&text, &d.clock) {
        Ok(p) => p,
        Err(e) => {
            let wanted = text.to_lowercase();
            d.session
                .markers
                .iter()
                .find(|m| m.name.to_lowercase() == wanted)
                .map(|m| m.position)
                .ok_or_else(|| format!("{e}; nor is it a marker"))?
        }
    };
    d.locate(position);
    Ok(())
}

fn step(d: &mut Desk, a: &Args, sign: i64) -> Result<(), String> {
    let seconds = a.number(0, 1.0)?.abs() as f64 * a.count() as f64;
    let samples = (seconds * d.session.sample_rate as f64).round() as u64;
    let p = d.playhead();
    d.locate(if sign > 0 {
        p.saturating_add(samples)
    } else {
        p.saturating_sub(samples)
    });
    Ok(())
}

fn page(d: &mut Desk, a: &Args, sign: i64) -> Result<(), String> {
    let spc = d.view.samples_per_column(d.end());
    let samples = spc * d.view.columns.max(1) as u64 * a.count() as u64;
    let p = d.playhead();
    d.locate(if sign > 0 {
        p.saturating_add(samples)
    } else {
        p.saturating_sub(samples)
    });
    Ok(())
}

fn clip_jump(d: &mut Desk, a: &Args, forward: bool, ends: bool) -> Result<(), String> {
    let StripId::Track(t) = d.strip_id() else {
        return Err("select a track (j/k) to move between its clips".into());
    };
    let points: Vec<u64> = d.session.tracks[t]
        .clips
        .iter()
        .map(|c| if ends { c.end() } else { c.position })
        .collect();
    let p = step_through(points, d.playhead(), a.count(), forward);
    if p == d.playhead() {
        return Err(format!(
            "no clip {} on {}",
            if forward {
                "after the playhead"
            } else {
                "before the playhead"
            },
            d.session.tracks[t].name
        ));
    }
    d.locate(p);
    Ok(())
}

fn marker_jump(d: &mut Desk, a: &Args, forward: bool) -> Result<(), String> {
    let mut p = d.playhead();
    let mut found = None;
    for _ in 0..a.count() {
        let next = if forward {
            d.session
                .markers
                .iter()
                .filter(|m| m.position > p)
                .min_by_key(|m| m.position)
        } else {
            d.session
                .markers
                .iter()
                .filter(|m| m.position < p)
                .max_by_key(|m| m.position)
        };
        match next {
            Some(m) => {
                p = m.position;
                found = Some(m.name.clone());
            }
            None => break,
        }
    }
    let name = found.ok_or(if forward {
        "no marker after the playhead"
    } else {
        "no marker before the playhead"
    })?;
    d.locate(p);
    d.say(format!("marker {name}"));
    Ok(())
}

fn key_arg(a: &Args) -> Result<char, String> {
    let w = a.word(0).ok_or("which one? a letter")?;
    let mut chars = w.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok(c),
        _ => Err(format!("{w:?}: a single letter, please")),
    }
}

fn mark(d: &mut Desk, a: &Args) -> Result<(), String> {
    let c = key_arg(a)?;
    if !c.is_ascii_alphanumeric() {
        return Err(format!("marks are letters and digits, not {c:?}"));
    }
    let p = d.playhead();
    d.marks.insert(c, p);
    d.say(format!("mark {c} at {}", d.clock.format_samples(p)));
    Ok(())
}

fn jump_mark(d: &mut Desk, a: &Args) -> Result<(), String> {
    let c = key_arg(a)?;
    let p = *d
        .marks
        .get(&c)
        .ok_or_else(|| format!("mark {c} is not set"))?;
    d.locate(p);
    Ok(())
}
