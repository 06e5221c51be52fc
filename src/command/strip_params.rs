//! The selected strip's processing from the keyboard: every channel-strip
//! parameter of a track or bus (trim, polarity, filters, EQ bands, gate,
//! compressor) and the true-peak limiter of a stem or the printmaster.
//!
//! By name on the `:` line, `:strip hpf.freq 80`, `:strip eq2.gain -3`,
//! `:strip comp.on on` (Tab completes names and words); or picked with a
//! key (`sh` the high-pass, `s2` EQ band 2, `sL` the limiter...) and
//! stepped with counts (`3)`, `(`, `<C-a>`) in steps that suit the
//! parameter: frequencies along the third-octave series (80, 100, 125 Hz),
//! gains in 0.5 dB, thresholds in 1 dB, ceilings in 0.1 dB, times and
//! ratios along 1-1.5-2-3-5-7 style series. Every change is an edit
//! (undoable, repeated by `.`): the session first, then the engine.

use super::desk::Desk;
use super::params::{family, find, parse, show, step, value_words, Param, Unit, PARAMS};
use super::spec::{desk, Args, CommandSpec, Kind};
use super::strip::StripId;
use super::strip_control::{no_such, pick_index};
use crate::model::limiter::{Limiter, LimiterParam};
use crate::model::strip::Strip;

fn pick(d: &mut Desk, a: &Args) -> Result<(), String> {
    let name = a
        .word(0)
        .ok_or("pick which parameter? :strip-pick eq2.gain")?;
    let index = find(name).ok_or_else(|| format!("no strip parameter is called {name:?}"))?;
    pick_index(d, index)
}

fn pick_step(d: &mut Desk, a: &Args, sign: i64) -> Result<(), String> {
    let strip = d.strip_id();
    let range = family(strip).ok_or_else(|| no_such(strip, Param::Limiter(LimiterParam::On)))?;
    let now = d.processing.picked(strip).unwrap_or(range.start) as i64;
    let len = range.len() as i64;
    let at = (now - range.start as i64 + sign * a.count() as i64).rem_euclid(len);
    pick_index(d, range.start + at as usize)
}

fn param_step(d: &mut Desk, a: &Args, sign: i32) -> Result<(), String> {
    let steps_asked = a.word(0).and_then(|w| w.parse::<u32>().ok()).unwrap_or(1);
    if let (Some((slot, port)), StripId::Track(_) | StripId::Bus(_)) =
        (d.processing.picked_insert(), d.strip_id())
    {
        let steps = (steps_asked.saturating_mul(a.count())).min(1000) as i32 * sign;
        return super::inserts::step_picked(d, slot, port, steps);
    }
    let (strip, spec) = d.picked()?;
    let now = d
        .param(strip, spec.param)
        .ok_or_else(|| no_such(strip, spec.param))?;
    let steps = match a.word(0) {
        None => 1,
        Some(w) => w
            .parse::<u32>()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| format!("{w:?}: a number of steps, like 3"))?,
    };
    let steps = (steps.saturating_mul(a.count())).min(1000) as i32 * sign;
    d.set_param(strip, spec.param, step(spec.unit, now, steps))?;
    d.report_param(strip, spec);
    Ok(())
}

/// The switch of the section a parameter belongs to (`eq2.gain` -> `eq2.on`).
fn section_switch(index: usize) -> Option<usize> {
    let name = PARAMS[index].name;
    if name == "polarity" {
        return Some(index);
    }
    let (section, _) = name.split_once('.')?;
    find(&format!("{section}.on"))
}

fn toggle(d: &mut Desk, _: &Args) -> Result<(), String> {
    let (strip, spec) = d.picked()?;
    let index = find(spec.name).unwrap_or(0);
    let switch = section_switch(index).ok_or_else(|| {
        format!(
            "{} has no switch; pick a section (sh, s1, sc...)",
            spec.name
        )
    })?;
    let sw = &PARAMS[switch];
    let now = d
        .param(strip, sw.param)
        .ok_or_else(|| no_such(strip, sw.param))?;
    d.set_param(strip, sw.param, if now >= 0.5 { 0.0 } else { 1.0 })?;
    d.report_param(strip, sw);
    Ok(())
}

fn reset(d: &mut Desk, _: &Args) -> Result<(), String> {
    let (strip, spec) = d.picked()?;
    let default = match spec.param {
        Param::Strip(p) => Strip::default().get(p),
        Param::Limiter(p) => Limiter::default().get(p),
    };
    d.set_param(strip, spec.param, default)?;
    d.report_param(strip, spec);
    Ok(())
}

fn panel(d: &mut Desk, a: &Args) -> Result<(), String> {
    d.processing.panel = match a.word(0) {
        None => !d.processing.panel,
        Some("on") => true,
        Some("off") => false,
        Some(w) => return Err(format!("{w:?}: on or off")),
    };
    d.changed = true;
    Ok(())
}

/// The limiter of the selected strip, or why there is none.
fn selected_limiter(d: &Desk) -> Result<(StripId, Limiter), String> {
    let strip = d.strip_id();
    d.limiter_of(strip)
        .copied()
        .map(|l| (strip, l))
        .ok_or_else(|| no_such(strip, Param::Limiter(LimiterParam::On)))
}

fn say_limiter(d: &mut Desk, strip: StripId) {
    if let Some(l) = d.limiter_of(strip).copied() {
        let text = format!(
            "{} limiter {} at {} (release {})",
            strip.name(&d.session),
            show(Unit::Switch, f32::from(u8::from(l.on))),
            show(Unit::Ceiling, l.ceiling_dbtp),
            show(Unit::Ms, l.release_ms),
        );
        d.say(text);
    }
}

fn limiter(d: &mut Desk, a: &Args) -> Result<(), String> {
    let (strip, now) = selected_limiter(d)?;
    let on = match a.word(0) {
        None => !now.on,
        Some(w) => parse(Unit::Switch, w, f32::from(u8::from(now.on)))? >= 0.5,
    };
    d.set_param(
        strip,
        Param::Limiter(LimiterParam::On),
        f32::from(u8::from(on)),
    )?;
    say_limiter(d, strip);
    Ok(())
}

fn limiter_set(d: &mut Desk, a: &Args, param: LimiterParam) -> Result<(), String> {
    let (strip, now) = selected_limiter(d)?;
    let unit = match param {
        LimiterParam::Ceiling => Unit::Ceiling,
        _ => Unit::Ms,
    };
    let text = a.word(0).ok_or(match param {
        LimiterParam::Ceiling => "to what ceiling? :limiter-ceiling -2",
        _ => "to what release? :limiter-release 80",
    })?;
    let value = parse(unit, text, now.get(param))?;
    d.set_param(strip, Param::Limiter(param), value)?;
    say_limiter(d, strip);
    Ok(())
}

/// Candidates for the words after `:strip` or `:strip-pick`: strip and
/// parameter names for the first word, the value's words for the second.
pub fn completions(text: &str, desk: &Desk) -> Vec<String> {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    let typing = if text.ends_with(' ') {
        ""
    } else {
        words.pop().unwrap_or("")
    };
    let typed = typing.to_lowercase();
    let picking = words.first().is_some_and(|w| w.starts_with("strip-pick"));
    match words.len() {
        1 => {
            let mut out: Vec<String> = if picking {
                Vec::new()
            } else {
                StripId::all(&desk.session)
                    .iter()
                    .map(|s| s.name(&desk.session))
                    .filter(|n| n.to_lowercase().starts_with(&typed))
                    .collect()
            };
            let strip = desk.strip_id();
            let family = family(strip).unwrap_or(0..PARAMS.len());
            out.extend(
                PARAMS[family]
                    .iter()
                    .map(|p| p.name.to_string())
                    .filter(|n| n.starts_with(&typed)),
            );
            out
        }
        2 if !picking => match find(words[1]) {
            Some(i) => value_words(PARAMS[i].unit)
                .iter()
                .filter(|w| w.starts_with(&typed))
                .map(|w| w.to_string())
                .collect(),
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// The commands on the selected strip's processing.
pub(super) static COMMANDS: &[CommandSpec] = &[
    desk(
        "strip-pick",
        &[],
        "PARAM",
        Kind::View,
        "Pick the strip parameter (hpf.freq, eq2.gain, limiter.ceiling...) that steps change",
        pick,
    ),
    desk(
        "strip-param-next",
        &[],
        "",
        Kind::View,
        "Pick the next parameter of the selected strip (times the count)",
        |d, a| pick_step(d, a, 1),
    ),
    desk(
        "strip-param-prev",
        &[],
        "",
        Kind::View,
        "Pick the previous parameter of the selected strip (times the count)",
        |d, a| pick_step(d, a, -1),
    ),
    desk(
        "strip-up",
        &[],
        "[STEPS]",
        Kind::Edit,
        "Step the picked parameter up (third octaves, 0.5 dB...; times the count)",
        |d, a| param_step(d, a, 1),
    ),
    desk(
        "strip-down",
        &[],
        "[STEPS]",
        Kind::Edit,
        "Step the picked parameter down (times the count)",
        |d, a| param_step(d, a, -1),
    ),
    desk(
        "strip-toggle",
        &[],
        "",
        Kind::Edit,
        "Switch the picked parameter's section (HPF, EQ band, gate...) on or off",
        toggle,
    ),
    desk(
        "strip-reset",
        &[],
        "",
        Kind::Edit,
        "Put the picked parameter back to its default",
        reset,
    ),
    desk(
        "strip-panel",
        &[],
        "[on|off]",
        Kind::View,
        "Show the selected strip's processing in place of the mixer, or the mixer again",
        panel,
    ),
    desk(
        "limiter",
        &[],
        "[on|off]",
        Kind::Edit,
        "Switch the selected stem's or printmaster's true-peak limiter on or off (toggles)",
        limiter,
    ),
    desk(
        "limiter-ceiling",
        &[],
        "DBTP",
        Kind::Edit,
        "Set the selected stem's or printmaster's limiter ceiling in dBTP",
        |d, a| limiter_set(d, a, LimiterParam::Ceiling),
    ),
    desk(
        "limiter-release",
        &[],
        "MS",
        Kind::Edit,
        "Set the selected stem's or printmaster's limiter release in ms",
        |d, a| limiter_set(d, a, LimiterParam::Release),
    ),
];
