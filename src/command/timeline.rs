//! Timeline commands: markers, zoom and scrolling, and the console's options.

use super::desk::{Desk, MIN_ZOOM};
use super::jack_transport::TransportMode;
use super::spec::{desk, Args, CommandSpec, Kind};

pub(super) static COMMANDS: &[CommandSpec] = &[
    // Markers
    desk(
        "marker-add",
        &[],
        "[NAME]",
        Kind::Edit,
        "Add a marker at the playhead (or rename the one there)",
        marker_add,
    ),
    desk(
        "marker-delete",
        &[],
        "",
        Kind::Edit,
        "Delete the marker at the playhead (within a column)",
        marker_delete,
    ),
    // View
    desk(
        "zoom-in",
        &[],
        "",
        Kind::View,
        "Show less time across the timeline (by 2, times the count)",
        |d, a| zoom(d, a, true),
    ),
    desk(
        "zoom-out",
        &[],
        "",
        Kind::View,
        "Show more time across the timeline",
        |d, a| zoom(d, a, false),
    ),
    desk(
        "zoom-fit",
        &[],
        "",
        Kind::View,
        "Fit the whole session across the timeline",
        |d, _| {
            d.view.zoom = None;
            d.view.scroll = 0;
            d.changed = true;
            Ok(())
        },
    ),
    desk(
        "center",
        &[],
        "",
        Kind::View,
        "Scroll the timeline to put the playhead in the middle",
        center,
    ),
    desk(
        "set",
        &["se"],
        "OPTION",
        Kind::Edit,
        "Set follow, return-to-start, jack-transport, loop (noX, X!, X?); transport master|follow|off",
        set,
    ),
];

fn marker_add(d: &mut Desk, a: &Args) -> Result<(), String> {
    let p = d.playhead();
    let name = a
        .rest(0)
        .unwrap_or_else(|| format!("Marker {}", d.session.markers.len() + 1));
    d.add_marker(name.clone(), p);
    d.say(format!("marker {name} at {}", d.clock.format_samples(p)));
    Ok(())
}

fn marker_delete(d: &mut Desk, _: &Args) -> Result<(), String> {
    let tolerance = d.view.samples_per_column(d.end());
    let i = d
        .marker_near(d.playhead(), tolerance)
        .ok_or("no marker at the playhead")?;
    let m = d.session.markers.remove(i);
    d.say(format!("deleted marker {}", m.name));
    Ok(())
}

fn zoom(d: &mut Desk, a: &Args, inward: bool) -> Result<(), String> {
    let end = d.end();
    let mut spc = d.view.samples_per_column(end);
    let fit = end.div_ceil(d.view.columns.max(1) as u64).max(MIN_ZOOM);
    for _ in 0..a.count().min(20) {
        spc = if inward {
            (spc / 2).max(MIN_ZOOM)
        } else {
            (spc * 2).min(fit * 4)
        };
    }
    d.view.zoom = Some(spc);
    center(d, a)
}

fn center(d: &mut Desk, _: &Args) -> Result<(), String> {
    let spc = d.view.samples_per_column(d.end());
    let half = spc * d.view.columns as u64 / 2;
    if d.view.zoom.is_some() {
        d.view.scroll = d.playhead().saturating_sub(half) / spc * spc;
    }
    d.changed = true;
    Ok(())
}

/// The options `:set` knows.
pub const OPTIONS: &[(&str, &str)] = &[
    ("follow", "page the timeline along with the playhead"),
    (
        "return-to-start",
        "on stop, go back to where play started (saved)",
    ),
    (
        "jack-transport",
        "start, stop and locate with the JACK transport (saved)",
    ),
    ("loop", "loop the selection or the session while rolling"),
    (
        "transport",
        "master|follow|off: drive the JACK transport, follow it, or neither (saved)",
    ),
];

fn set(d: &mut Desk, a: &Args) -> Result<(), String> {
    if let Some(w) = a.word(0) {
        if let Some(rest) = w.strip_prefix("transport") {
            return set_transport(d, rest, a.word(1));
        }
    }
    let w = a
        .word(0)
        .ok_or("set what? follow, return-to-start, jack-transport, loop")?;
    let (name, value) = if let Some(n) = w.strip_suffix('?') {
        (n, None)
    } else if let Some(n) = w.strip_suffix('!') {
        (n, Some(None))
    } else if let Some(n) = w
        .strip_prefix("no")
        .filter(|n| OPTIONS.iter().any(|(o, _)| o == n))
    {
        (n, Some(Some(false)))
    } else if let Some((n, v)) = w.split_once('=') {
        let v = match v {
            "on" | "true" | "yes" | "1" => true,
            "off" | "false" | "no" | "0" => false,
            _ => return Err(format!("{v:?}: on or off")),
        };
        (n, Some(Some(v)))
    } else {
        (w, Some(Some(true)))
    };
    let now = match name {
        "follow" => d.view.follow,
        "return-to-start" => d.session.audio.return_to_start,
        "jack-transport" => d.session.audio.follows_jack(),
        "loop" => d.loop_range.is_some(),
        _ => {
            return Err(format!(
                "no option is called {name:?} (follow, return-to-start, jack-transport, loop)"
            ))
        }
    };
    let Some(value) = value else {
        d.say(format!("{}{name}", if now { "" } else { "no" }));
        return Ok(());
    };
    let v = value.unwrap_or(!now);
    match name {
        "follow" => {
            d.view.follow = v;
            if !v {
                d.view.scroll = d.view.start(d.end(), d.playhead());
            }
        }
        "return-to-start" => {
            d.session.audio.return_to_start = v;
            if let Some(e) = &mut d.engine {
                e.send(crate::engine::msg::ToEngine::ReturnToStart(v));
            }
        }
        "jack-transport" => d.set_transport_mode(if v {
            TransportMode::Follow
        } else {
            TransportMode::Off
        }),
        _ => {
            if v != now {
                d.toggle_loop();
            }
        }
    }
    d.say(format!("{}{name}", if v { "" } else { "no" }));
    d.changed = true;
    Ok(())
}

/// `:set transport MODE` (or `transport=MODE`); `:set transport` says it.
fn set_transport(d: &mut Desk, rest: &str, word: Option<&str>) -> Result<(), String> {
    let value = match rest.strip_prefix('=') {
        Some(v) => Some(v),
        None if rest.is_empty() || rest == "?" => word,
        None => {
            return Err(format!(
                "no option is called \"transport{rest}\" (:set transport {})",
                TransportMode::NAMES
            ))
        }
    };
    let Some(value) = value else {
        d.say(format!("transport={}", d.transport_mode().name()));
        return Ok(());
    };
    let mode = TransportMode::parse(value)?;
    d.set_transport_mode(mode);
    let on_jack = matches!(
        d.status.as_ref().map(|s| &s.backend),
        Some(crate::audio::AudioBackend::Jack(_))
    );
    d.say(format!(
        "transport={}{}",
        mode.name(),
        if mode != TransportMode::Off && !on_jack {
            " (not on JACK now: it takes effect when the engine is)"
        } else {
            ""
        }
    ));
    Ok(())
}
