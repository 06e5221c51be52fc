//! Automation commands: pick a lane of the selected strip, set its mode,
//! add, move and delete breakpoints, and set, trim or thin the selection.

use super::desk::Desk;
use super::motion::step_through;
use super::pass::{control_value, lane_mut, lanes};
use super::spec::{desk, Args, CommandSpec, Kind};
use crate::edit::automation as auto;
use crate::model::{AutoMode, LaneTarget};

pub(super) static COMMANDS: &[CommandSpec] = &[
    desk(
        "lane",
        &[],
        "[NAME]",
        Kind::View,
        "Work on lane NAME (volume, pan, mute, send.BUS, hpf.freq...), or the next lane",
        lane_cmd,
    ),
    desk(
        "auto-mode",
        &["am"],
        "MODE",
        Kind::Edit,
        "Set the lane's mode: off, read, touch, latch, write or trim",
        mode,
    ),
    desk(
        "auto-add",
        &[],
        "[VALUE]",
        Kind::Edit,
        "Add a breakpoint at the playhead (at the lane's value there, or VALUE)",
        add,
    ),
    desk(
        "auto-delete",
        &[],
        "",
        Kind::Edit,
        "Delete the breakpoint nearest the playhead",
        delete,
    ),
    desk(
        "auto-later",
        &[],
        "",
        Kind::Edit,
        "Move the breakpoint nearest the playhead later by a grid unit",
        |d, a| shift(d, a, 1),
    ),
    desk(
        "auto-earlier",
        &[],
        "",
        Kind::Edit,
        "Move the breakpoint nearest the playhead earlier by a grid unit",
        |d, a| shift(d, a, -1),
    ),
    desk(
        "auto-up",
        &[],
        "",
        Kind::Edit,
        "Raise the breakpoint nearest the playhead by a step (1 dB)",
        |d, a| raise(d, a, 1.0),
    ),
    desk(
        "auto-down",
        &[],
        "",
        Kind::Edit,
        "Lower the breakpoint nearest the playhead by a step (1 dB)",
        |d, a| raise(d, a, -1.0),
    ),
    desk(
        "auto-next",
        &[],
        "",
        Kind::Motion,
        "Move the playhead to the lane's next breakpoint",
        |d, a| jump(d, a, true),
    ),
    desk(
        "auto-prev",
        &[],
        "",
        Kind::Motion,
        "Move the playhead to the lane's previous breakpoint",
        |d, a| jump(d, a, false),
    ),
    desk(
        "auto-set",
        &[],
        "[VALUE]",
        Kind::Edit,
        "Set the lane over the selection to VALUE (or the control's setting)",
        set,
    ),
    desk(
        "auto-trim",
        &[],
        "DB",
        Kind::Edit,
        "Raise or lower a level lane over the selection by DB, keeping its shape",
        trim,
    ),
    desk(
        "auto-thin",
        &[],
        "[TOLERANCE]",
        Kind::Edit,
        "Thin the lane's breakpoints over the selection (or all of it)",
        thin,
    ),
];

fn value_arg(a: &Args, i: usize) -> Result<Option<f32>, String> {
    match a.word(i) {
        None => Ok(None),
        Some(w) => {
            let w = w.trim_end_matches("dB").trim_end_matches("db");
            let v = super::strip::parse_pan(w)
                .or_else(|| w.parse::<f32>().ok())
                .filter(|x| x.is_finite())
                .ok_or_else(|| format!("{w:?} is not a value"))?;
            Ok(Some(v))
        }
    }
}

/// How close a breakpoint must be to the playhead to be the one meant.
fn reach(d: &Desk) -> u64 {
    (d.view.samples_per_column(d.end()) * 2).max(1)
}

fn lane_cmd(d: &mut Desk, a: &Args) -> Result<(), String> {
    let strip = d.strip_id();
    d.lane = match a.word(0) {
        Some(w) if w.starts_with("lv2.") && LaneTarget::parse(w).is_none() => {
            // An insert control by its port symbol: lv2.1.gain1.
            let (slot, port, _) = super::inserts::find_control(d, strip, w)?;
            LaneTarget::Strip(crate::model::strip::StripParam::Lv2 {
                slot,
                port: port.index as u16,
            })
        }
        Some(w) => LaneTarget::parse(w).ok_or_else(|| {
            format!("no lane is called {w:?}: volume, pan, mute, send.BUS, or a strip parameter")
        })?,
        None => {
            let mut names = vec![LaneTarget::Volume, LaneTarget::Pan, LaneTarget::Mute];
            if let super::strip::StripId::Track(t) = strip {
                names.extend(
                    d.session.tracks[t]
                        .sends
                        .iter()
                        .map(|s| LaneTarget::Send(s.bus.clone())),
                );
            }
            if let Some(ls) = lanes(&d.session, strip) {
                for l in ls {
                    if !names.contains(&l.target) {
                        names.push(l.target.clone());
                    }
                }
            }
            let k = names.iter().position(|t| *t == d.lane).map_or(0, |k| k + 1);
            names[k % names.len()].clone()
        }
    };
    d.say(format!("lane: {}", d.lane.name()));
    Ok(())
}

fn mode(d: &mut Desk, a: &Args) -> Result<(), String> {
    let w = a
        .word(0)
        .ok_or("auto-mode off|read|touch|latch|write|trim")?;
    let m = AutoMode::parse(w)
        .ok_or_else(|| format!("{w:?}: off, read, touch, latch, write or trim"))?;
    let target = d.lane.clone();
    if m == AutoMode::Trim && !target.trimmable() {
        return Err(format!(
            "trim works on levels; {} is not one",
            target.name()
        ));
    }
    let strip = d.strip_id();
    lane_mut(&mut d.session, strip, &target)?.mode = m;
    d.send_automation();
    d.say(format!(
        "{} {}: {}",
        strip.name(&d.session),
        target.name(),
        m.name()
    ));
    Ok(())
}

fn add(d: &mut Desk, a: &Args) -> Result<(), String> {
    let strip = d.strip_id();
    let target = d.lane.clone();
    let at = d.playhead();
    let base = control_value(&d.session, strip, &target);
    let given = value_arg(a, 0)?;
    let lane = lane_mut(&mut d.session, strip, &target)?;
    let v = given.unwrap_or_else(|| auto::value_or(lane, at, base));
    auto::add_point(lane, at, v);
    if lane.mode == AutoMode::Off {
        lane.mode = AutoMode::Read;
    }
    d.send_automation();
    Ok(())
}

fn with_point(
    d: &mut Desk,
    f: impl FnOnce(&mut crate::model::Lane, usize) -> String,
) -> Result<(), String> {
    let strip = d.strip_id();
    let target = d.lane.clone();
    let (at, reach) = (d.playhead(), reach(d));
    let lane = lane_mut(&mut d.session, strip, &target)?;
    let i = auto::point_near(lane, at, reach)
        .ok_or_else(|| format!("no {} breakpoint at the playhead", target.name()))?;
    let said = f(lane, i);
    d.send_automation();
    d.say(said);
    Ok(())
}

fn delete(d: &mut Desk, _: &Args) -> Result<(), String> {
    with_point(d, |lane, i| {
        lane.points.remove(i);
        "breakpoint deleted".into()
    })
}

fn shift(d: &mut Desk, a: &Args, sign: i64) -> Result<(), String> {
    let by = sign * d.grid.samples(&d.session, a.count() as u64) as i64;
    let mut moved = 0;
    with_point(d, |lane, i| {
        moved = auto::move_point(lane, i, by);
        "breakpoint moved".into()
    })?;
    d.locate(moved);
    Ok(())
}

fn raise(d: &mut Desk, a: &Args, sign: f32) -> Result<(), String> {
    let step = d.lane.step() * a.count() as f32 * sign;
    with_point(d, |lane, i| {
        format!("breakpoint at {:.2}", auto::change_point(lane, i, step))
    })
}

fn jump(d: &mut Desk, a: &Args, forward: bool) -> Result<(), String> {
    let strip = d.strip_id();
    let points: Vec<u64> = lanes(&d.session, strip)
        .and_then(|ls| crate::model::automation::lane(ls, &d.lane))
        .map(|l| l.points.iter().map(|p| p.at).collect())
        .unwrap_or_default();
    let p = step_through(points, d.playhead(), a.count(), forward);
    if p == d.playhead() {
        return Err(format!("no {} breakpoint that way", d.lane.name()));
    }
    d.locate(p);
    Ok(())
}

fn selection(d: &Desk) -> Result<(u64, u64), String> {
    d.selection
        .filter(|(a, b)| b > a)
        .ok_or_else(|| "select a span first (v and a motion)".into())
}

/// Run `f` on the lane of every selected track (or the selected strip).
fn on_lanes(
    d: &mut Desk,
    mut f: impl FnMut(&mut crate::model::Lane, f32) -> Result<(), String>,
) -> Result<(), String> {
    let target = d.lane.clone();
    let tracks = d.selected_tracks();
    let strips: Vec<super::strip::StripId> = if tracks.len() > 1 {
        tracks
            .into_iter()
            .map(super::strip::StripId::Track)
            .collect()
    } else {
        vec![d.strip_id()]
    };
    for strip in strips {
        let base = control_value(&d.session, strip, &target);
        let lane = lane_mut(&mut d.session, strip, &target)?;
        f(lane, base)?;
        if lane.mode == AutoMode::Off {
            lane.mode = AutoMode::Read;
        }
    }
    d.send_automation();
    Ok(())
}

fn set(d: &mut Desk, a: &Args) -> Result<(), String> {
    let (start, end) = selection(d)?;
    let given = value_arg(a, 0)?;
    let ramp = auto::edge_ramp(d.session.sample_rate);
    on_lanes(d, |lane, base| {
        auto::set_range(lane, start, end, given.unwrap_or(base), ramp, base);
        Ok(())
    })
}

fn trim(d: &mut Desk, a: &Args) -> Result<(), String> {
    let (start, end) = selection(d)?;
    let db = value_arg(a, 0)?.ok_or("auto-trim DB")? * a.count() as f32;
    let ramp = auto::edge_ramp(d.session.sample_rate);
    on_lanes(d, |lane, base| {
        auto::trim_range(lane, start, end, db, ramp, base)
    })
}

fn thin(d: &mut Desk, a: &Args) -> Result<(), String> {
    let (start, end) = d.selection.filter(|(x, y)| y > x).unwrap_or((0, u64::MAX));
    let tol = value_arg(a, 0)?;
    let mut gone = 0;
    on_lanes(d, |lane, _| {
        let t = tol.unwrap_or_else(|| auto::tolerance(&lane.target) * 5.0);
        gone += auto::thin(lane, start, end, t);
        Ok(())
    })?;
    d.say(format!("{gone} breakpoint(s) thinned out"));
    Ok(())
}
