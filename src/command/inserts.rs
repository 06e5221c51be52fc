//! LV2 plugin inserts on the selected track or bus: `:insert PLUGIN`,
//! `:insert-remove [N]`, `:insert-bypass [N]`, `:plugins [FILTER]`; and
//! their controls as strip parameters, `lv2.SLOT.SYMBOL`
//! (`:strip lv2.1.gain1 6`), stepped by `(` `)` once picked. Adding,
//! removing or bypassing an insert is a structural edit (a new Plan);
//! a control is a message to the engine, as any strip parameter.

use super::desk::Desk;
use super::spec::{app, desk, AppAction, Args, CommandSpec, Kind};
use super::strip::StripId;
use crate::engine::msg::ToEngine;
use crate::model::insert::{Insert, MAX_INSERTS};
use crate::model::strip::StripParam;
use crate::plugin::{host, PluginInfo, PortInfo, PortKind};

/// How many channels the selected strip's inserts get.
fn channels(d: &Desk, strip: StripId) -> Result<usize, String> {
    match strip {
        StripId::Track(i) => d
            .session
            .tracks
            .get(i)
            .map(|t| t.format.channels())
            .ok_or_else(|| "no such track".into()),
        StripId::Bus(_) => Ok(d.session.stems.layout.channels()),
        _ => Err(format!(
            "a {} has no insert slots: inserts are on tracks and buses",
            strip.kind()
        )),
    }
}

fn inserts_mut(d: &mut Desk, strip: StripId) -> Result<&mut Vec<Insert>, String> {
    match strip {
        StripId::Track(i) => d.session.tracks.get_mut(i).map(|t| &mut t.inserts),
        StripId::Bus(i) => d.session.buses.get_mut(i).map(|b| &mut b.inserts),
        _ => None,
    }
    .ok_or_else(|| format!("a {} has no insert slots", strip.kind()))
}

/// The inserts of `strip` (none for a stem, the M&E or the printmaster).
pub fn inserts(d: &Desk, strip: StripId) -> &[Insert] {
    match strip {
        StripId::Track(i) => d.session.tracks.get(i).map(|t| t.inserts.as_slice()),
        StripId::Bus(i) => d.session.buses.get(i).map(|b| b.inserts.as_slice()),
        _ => None,
    }
    .unwrap_or(&[])
}

/// `:insert PLUGIN`: the plugin with that URI, or the one whose name or
/// URI holds the words, after the strip's other inserts.
fn insert(d: &mut Desk, a: &Args) -> Result<(), String> {
    let what = a
        .rest(0)
        .ok_or("insert which plugin? :insert fil4#mono (:plugins lists them)")?;
    let strip = d.strip_id();
    let channels = channels(d, strip)?;
    if inserts(d, strip).len() >= MAX_INSERTS {
        return Err(format!("a strip takes {MAX_INSERTS} inserts at most"));
    }
    let (uri, name, instances) = {
        let world = host()?;
        let info = world.find(&what)?;
        let instances = info.fit(channels)?;
        (info.uri.clone(), info.name.clone(), instances)
    };
    inserts_mut(d, strip)?.push(Insert::new(&uri));
    let slot = inserts(d, strip).len();
    d.reload();
    let dual = if instances > 1 {
        format!(", one per channel ({instances})")
    } else {
        String::new()
    };
    d.say(format!(
        "{}: insert {slot} {name} <{uri}>{dual}; its controls are lv2.{slot}.SYMBOL",
        strip.name(&d.session)
    ));
    Ok(())
}

/// The slot a command's first word names (1 on; the last when absent).
fn slot(d: &Desk, strip: StripId, a: &Args) -> Result<usize, String> {
    let n = inserts(d, strip).len();
    if n == 0 {
        return Err(format!("{} has no inserts", strip.name(&d.session)));
    }
    match a.word(0) {
        None => Ok(n - 1),
        Some(w) => w
            .parse::<usize>()
            .ok()
            .filter(|&k| (1..=n).contains(&k))
            .map(|k| k - 1)
            .ok_or_else(|| format!("{w:?}: an insert slot, 1 to {n}")),
    }
}

fn remove(d: &mut Desk, a: &Args) -> Result<(), String> {
    let strip = d.strip_id();
    let k = slot(d, strip, a)?;
    let gone = inserts_mut(d, strip)?.remove(k);
    // Automation of later slots stays on its slot numbers: they move up.
    d.reload();
    d.say(format!(
        "{}: insert {} removed (<{}>)",
        strip.name(&d.session),
        k + 1,
        gone.uri
    ));
    Ok(())
}

fn bypass(d: &mut Desk, a: &Args) -> Result<(), String> {
    let strip = d.strip_id();
    let k = slot(d, strip, a)?;
    let insert = &mut inserts_mut(d, strip)?[k];
    insert.bypass = match a.word(1) {
        Some("on") => true,
        Some("off") => false,
        None => !insert.bypass,
        Some(w) => return Err(format!("{w:?}: on or off")),
    };
    let state = if insert.bypass { "bypassed" } else { "in" };
    d.reload();
    d.say(format!(
        "{}: insert {} {state}",
        strip.name(&d.session),
        k + 1
    ));
    Ok(())
}

/// One line of `:plugins`: name, URI, ports.
pub fn describe(info: &PluginInfo) -> String {
    let (ins, outs) = (info.audio_inputs(), info.audio_outputs());
    let controls = info.controls().count();
    let latency = if info.latency_port.is_some() {
        ", reports latency"
    } else {
        ""
    };
    let refused = match info.fit(ins.max(1)) {
        Ok(_) => String::new(),
        Err(e) => format!("  [cannot host: {e}]"),
    };
    format!(
        "{}  <{}>  audio {ins} in {outs} out, {controls} controls{latency}{refused}",
        info.name, info.uri
    )
}

/// The lines `:plugins FILTER` shows.
pub fn plugin_lines(filter: &str) -> Vec<String> {
    match host() {
        Err(e) => vec![e],
        Ok(world) => {
            let lines: Vec<String> = world.search(filter).map(describe).collect();
            if lines.is_empty() {
                vec![format!(
                    "no LV2 plugin matches {filter:?} ({} installed; LV2_PATH says where to look)",
                    world.plugins().len()
                )]
            } else {
                lines
            }
        }
    }
}

/// The input control `name` (`lv2.SLOT.SYMBOL`) of the selected strip:
/// slot index, the port, and the insert's value now.
pub fn find_control(d: &Desk, strip: StripId, name: &str) -> Result<(u8, PortInfo, f32), String> {
    let rest = name.strip_prefix("lv2.").ok_or("not an insert control")?;
    let (slot, symbol) = rest
        .split_once('.')
        .ok_or_else(|| format!("{name:?}: lv2.SLOT.SYMBOL, like lv2.1.gain"))?;
    let list = inserts(d, strip);
    let k = slot
        .parse::<usize>()
        .ok()
        .filter(|&k| (1..=list.len()).contains(&k))
        .ok_or_else(|| {
            format!(
                "{name:?}: {} has {} insert(s)",
                strip.name(&d.session),
                list.len()
            )
        })?
        - 1;
    let insert = &list[k];
    let world = host()?;
    let info = world
        .get(&insert.uri)
        .ok_or_else(|| format!("insert {slot}: plugin <{}> is not installed", insert.uri))?;
    let port = info
        .port(symbol)
        .filter(|p| p.kind == PortKind::ControlIn)
        .ok_or_else(|| {
            let names: Vec<&str> = info.controls().map(|p| p.symbol.as_str()).collect();
            format!(
                "{} has no control {symbol:?} (it has {})",
                info.name,
                names.join(", ")
            )
        })?
        .clone();
    let value = insert.params.get(symbol).copied().unwrap_or(port.default);
    Ok((k as u8, port, value))
}

/// A control's value, clamped and rounded as the port takes it.
pub fn clamp(port: &PortInfo, value: f32) -> f32 {
    let v = value.clamp(port.min, port.max);
    if port.toggled || port.integer {
        v.round()
    } else {
        v
    }
}

/// Show a control's value: `Anna lv2.1.gain1 6.00 (Gain 1, -18 to 18)`.
fn report(d: &mut Desk, strip: StripId, slot: u8, port: &PortInfo, value: f32) {
    let text = format!(
        "{} lv2.{}.{} {} ({}, {} to {})",
        strip.name(&d.session),
        slot + 1,
        port.symbol,
        show(port, value),
        port.name,
        show(port, port.min),
        show(port, port.max)
    );
    d.say(text);
}

fn show(port: &PortInfo, value: f32) -> String {
    if port.toggled {
        if value >= 0.5 { "on" } else { "off" }.into()
    } else if port.integer {
        format!("{}", value.round() as i64)
    } else {
        format!("{value:.2}")
    }
}

impl Desk {
    /// Set insert control `symbol` of slot `slot` on `strip` to `value`
    /// (clamped to the port's range): the session, then the engine.
    pub fn set_insert_control(
        &mut self,
        strip: StripId,
        slot: u8,
        port: &PortInfo,
        value: f32,
    ) -> Result<f32, String> {
        if !value.is_finite() {
            return Err("not a number".into());
        }
        let v = clamp(port, value);
        let insert = inserts_mut(self, strip)?
            .get_mut(slot as usize)
            .ok_or("no such insert")?;
        insert.params.insert(port.symbol.clone(), v);
        let param = StripParam::Lv2 {
            slot,
            port: port.index as u16,
        };
        let message = match strip {
            StripId::Track(i) => ToEngine::TrackStrip {
                track: i as u16,
                param,
                value: v,
            },
            _ => ToEngine::BusStrip {
                bus: match strip {
                    StripId::Bus(i) => i as u16,
                    _ => 0,
                },
                param,
                value: v,
            },
        };
        if let Some(engine) = &mut self.engine {
            engine.send(message);
        }
        self.changed = true;
        Ok(v)
    }
}

/// `:strip lv2.SLOT.SYMBOL [VALUE]`: pick or set an insert's control.
pub(super) fn strip_line(d: &mut Desk, name: &str, value: Option<&str>) -> Result<(), String> {
    let strip = d.strip_id();
    let (slot, port, now) = find_control(d, strip, name)?;
    let v = match value {
        None => now,
        Some(text) => {
            let t = text.trim().to_ascii_lowercase();
            let v = match t.as_str() {
                "on" => 1.0,
                "off" => 0.0,
                "toggle" => f32::from(u8::from(now < 0.5)),
                _ => t
                    .trim_end_matches("db")
                    .trim_end_matches("hz")
                    .parse::<f32>()
                    .map_err(|_| format!("{text:?}: a number from {} to {}", port.min, port.max))?,
            };
            d.set_insert_control(strip, slot, &port, v)?
        }
    };
    d.processing.pick_insert(slot, port.index as u16);
    report(d, strip, slot, &port, v);
    d.changed = true;
    Ok(())
}

/// Step the picked insert control `steps` times: a hundredth of its range
/// (whole numbers and switches by one).
pub(super) fn step_picked(d: &mut Desk, slot: u8, index: u16, steps: i32) -> Result<(), String> {
    let strip = d.strip_id();
    let symbol = {
        let list = inserts(d, strip);
        let insert = list.get(slot as usize).ok_or("the picked insert is gone")?;
        let world = host()?;
        let info = world
            .get(&insert.uri)
            .ok_or_else(|| format!("plugin <{}> is not installed", insert.uri))?;
        info.ports
            .iter()
            .find(|p| p.index == u32::from(index))
            .map(|p| p.symbol.clone())
            .ok_or("the picked control is gone")?
    };
    let (slot, port, now) = find_control(d, strip, &format!("lv2.{}.{symbol}", slot + 1))?;
    let size = if port.toggled || port.integer {
        1.0
    } else if port.max - port.min < 1e6 {
        (port.max - port.min) / 100.0
    } else {
        0.1
    };
    let v = d.set_insert_control(strip, slot, &port, now + size * steps as f32)?;
    report(d, strip, slot, &port, v);
    Ok(())
}

/// The insert commands.
pub(super) static COMMANDS: &[CommandSpec] = &[
    desk(
        "insert",
        &[],
        "PLUGIN",
        Kind::Edit,
        "Add an LV2 plugin (URI, or a unique part of its name) to the selected track or bus",
        insert,
    ),
    desk(
        "insert-remove",
        &[],
        "[N]",
        Kind::Edit,
        "Remove insert N (the last when absent) from the selected track or bus",
        remove,
    ),
    desk(
        "insert-bypass",
        &[],
        "[N] [on|off]",
        Kind::Edit,
        "Bypass insert N (the last when absent) or put it back in (toggles)",
        bypass,
    ),
    app(
        "plugins",
        &[],
        "[FILTER]",
        "List the installed LV2 plugins whose name or URI has FILTER: name, URI, ports",
        AppAction::Plugins,
    ),
];
