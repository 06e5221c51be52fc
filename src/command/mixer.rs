//! Mixer commands: select a strip, faders, pans, mute, solo, meters.

use super::desk::Desk;
use super::spec::{desk, Args, CommandSpec, Kind};
use super::strip::{parse_pan, show_db, show_pan, StripId};

pub(super) static COMMANDS: &[CommandSpec] = &[
    // Mixer
    desk(
        "strip-next",
        &[],
        "",
        Kind::View,
        "Select the next strip (tracks, buses, stems, ME, PM)",
        |d, a| strip_step(d, a, 1),
    ),
    desk(
        "strip-prev",
        &[],
        "",
        Kind::View,
        "Select the previous strip",
        |d, a| strip_step(d, a, -1),
    ),
    desk(
        "strip",
        &[],
        "NAME|PARAM [VALUE]",
        Kind::Edit,
        "Select the strip NAME (DX, PM, a track or bus), or pick or set PARAM of its processing",
        strip_named,
    ),
    desk(
        "fader-up",
        &[],
        "[DB]",
        Kind::Edit,
        "Raise the selected strip's fader (1 dB, times the count)",
        |d, a| fader_step(d, a, 1.0),
    ),
    desk(
        "fader-down",
        &[],
        "[DB]",
        Kind::Edit,
        "Lower the selected strip's fader (1 dB, times the count)",
        |d, a| fader_step(d, a, -1.0),
    ),
    desk(
        "fader",
        &[],
        "DB",
        Kind::Edit,
        "Set the selected strip's fader to DB (0 is unity; -inf is off)",
        fader_set,
    ),
    desk(
        "pan-left",
        &[],
        "[STEP]",
        Kind::Edit,
        "Pan the selected track left (0.1, times the count)",
        |d, a| pan_step(d, a, -1.0),
    ),
    desk(
        "pan-right",
        &[],
        "[STEP]",
        Kind::Edit,
        "Pan the selected track right (0.1, times the count)",
        |d, a| pan_step(d, a, 1.0),
    ),
    desk(
        "pan",
        &[],
        "POS",
        Kind::Edit,
        "Set the selected track's pan: C, L30, R100 or -1..1",
        pan_set,
    ),
    desk(
        "mute",
        &[],
        "[on|off]",
        Kind::Edit,
        "Mute or unmute the selected strip (toggles)",
        mute,
    ),
    desk(
        "solo",
        &[],
        "[on|off]",
        Kind::Edit,
        "Solo or unsolo the selected track (toggles; not saved)",
        solo,
    ),
    desk(
        "clear-meters",
        &[],
        "",
        Kind::View,
        "Clear the clip indicators and peak holds",
        |d, _| {
            d.meters.clear();
            d.changed = true;
            Ok(())
        },
    ),
];

fn strip_step(d: &mut Desk, a: &Args, sign: i64) -> Result<(), String> {
    let n = d.strip_count() as i64;
    let s = (d.strip as i64 + sign * a.count() as i64).clamp(0, n - 1);
    d.strip = s as usize;
    d.changed = true;
    Ok(())
}

fn strip_named(d: &mut Desk, a: &Args) -> Result<(), String> {
    if let Some(done) = super::strip_control::strip_line(d, a) {
        return done;
    }
    let name = a.rest(0).ok_or("which strip? :strip NAME")?;
    let wanted = name.to_lowercase();
    let all = StripId::all(&d.session);
    let found = all
        .iter()
        .position(|s| s.name(&d.session).to_lowercase() == wanted)
        .or_else(|| {
            all.iter()
                .position(|s| s.name(&d.session).to_lowercase().starts_with(&wanted))
        })
        .ok_or_else(|| format!("no strip is called {name:?}"))?;
    d.strip = found;
    d.changed = true;
    Ok(())
}

fn report_fader(d: &mut Desk, strip: StripId, db: f32) {
    let name = strip.name(&d.session);
    d.say(format!("{name} fader {} dB", show_db(db)));
}

fn fader_step(d: &mut Desk, a: &Args, sign: f32) -> Result<(), String> {
    let strip = d.strip_id();
    let written = d.written(strip, &crate::model::LaneTarget::Volume);
    let now = written.or(strip.fader(&d.session)).ok_or_else(|| {
        format!(
            "the {} has no fader: it follows the MX and FX stems",
            strip.kind()
        )
    })?;
    let step = a.number(0, 1.0)?.abs() * a.count() as f32;
    let db = d.set_fader(strip, now + sign * step)?;
    report_fader(d, strip, db);
    Ok(())
}

fn fader_set(d: &mut Desk, a: &Args) -> Result<(), String> {
    let strip = d.strip_id();
    let w = a.word(0).ok_or("to what level? :fader -6")?;
    let db = if w.eq_ignore_ascii_case("-inf") {
        f32::NEG_INFINITY
    } else {
        a.number(0, 0.0)?
    };
    let db = d.set_fader(strip, db)?;
    report_fader(d, strip, db);
    Ok(())
}

fn pan_step(d: &mut Desk, a: &Args, sign: f32) -> Result<(), String> {
    let strip = d.strip_id();
    let written = d.written(strip, &crate::model::LaneTarget::Pan);
    let now = written
        .or(strip.pan(&d.session))
        .ok_or_else(|| format!("a {} has no pan; pan is on tracks", strip.kind()))?;
    let step = a.number(0, 0.1)?.abs() * a.count() as f32;
    let pan = d.set_pan(strip, now + sign * step)?;
    d.say(format!("{} pan {}", strip.name(&d.session), show_pan(pan)));
    Ok(())
}

fn pan_set(d: &mut Desk, a: &Args) -> Result<(), String> {
    let strip = d.strip_id();
    let w = a.word(0).ok_or("where? :pan C, :pan L30, :pan 0.5")?;
    let pan =
        parse_pan(w).ok_or_else(|| format!("{w:?} is not a pan position (C, L30, R100, -1..1)"))?;
    let pan = d.set_pan(strip, pan)?;
    d.say(format!("{} pan {}", strip.name(&d.session), show_pan(pan)));
    Ok(())
}

fn on_off(a: &Args, now: bool) -> Result<bool, String> {
    match a.word(0) {
        None => Ok(!now),
        Some("on") => Ok(true),
        Some("off") => Ok(false),
        Some(w) => Err(format!("{w:?}: on or off")),
    }
}

fn mute(d: &mut Desk, a: &Args) -> Result<(), String> {
    let strip = d.strip_id();
    let now = strip
        .mute(&d.session)
        .ok_or_else(|| format!("the {} has no mute", strip.kind()))?;
    let m = on_off(a, now)?;
    d.set_mute(strip, m)?;
    d.say(format!(
        "{} {}",
        strip.name(&d.session),
        if m { "muted" } else { "unmuted" }
    ));
    Ok(())
}

fn solo(d: &mut Desk, a: &Args) -> Result<(), String> {
    let strip = d.strip_id();
    let StripId::Track(i) = strip else {
        return Err(format!("solo is on tracks, not on a {}", strip.kind()));
    };
    let s = on_off(a, d.solo[i])?;
    d.set_solo(strip, s)?;
    d.say(format!(
        "{} {}",
        strip.name(&d.session),
        if s { "soloed" } else { "unsoloed" }
    ));
    Ok(())
}
