//! The processing panel, in the mixer's place (`ss`): the selected
//! track's or bus's channel strip section by section (denoiser, hum
//! remover and reverb included), or the selected
//! stem's or printmaster's limiter, with the picked parameter highlighted.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::theme::{Role, Theme};
use crate::app::App;
use crate::command::params::{find, show, PARAMS};
use crate::command::strip::StripId;
use crate::command::Desk;
use crate::engine::plan::latency_of;

/// A piece of a row: text, and the parameter it shows (if any).
type Piece = (String, Option<usize>);

/// A label, then each named parameter's value, padded to `widths`.
fn row(desk: &Desk, strip: StripId, label: &str, fields: &[(&str, &str, usize)]) -> Vec<Piece> {
    let mut pieces = vec![(format!(" {label:<7} "), None)];
    for (prefix, name, width) in fields {
        let Some(i) = find(name) else { continue };
        let spec = &PARAMS[i];
        let value = desk
            .param(strip, spec.param)
            .map_or("-".into(), |v| show(spec.unit, v));
        let pad = width.saturating_sub(value.chars().count()) + 1;
        pieces.push((prefix.to_string(), None));
        pieces.push((value, Some(i)));
        pieces.push((" ".repeat(pad), None));
    }
    pieces
}

fn strip_rows(desk: &Desk, strip: StripId) -> Vec<Vec<Piece>> {
    let mut denoise = row(
        desk,
        strip,
        "denoise",
        &[
            ("", "denoise.on", 4),
            ("down ", "denoise.amount", 6),
            ("sens ", "denoise.sensitivity", 6),
            ("smooth ", "denoise.smoothing", 4),
        ],
    );
    let learned = match strip {
        StripId::Track(t) => desk
            .session
            .tracks
            .get(t)
            .map(|t| t.strip.denoise.profile.is_some()),
        _ => None,
    };
    denoise.push((
        match learned {
            Some(true) => "profile learned".into(),
            Some(false) => "no profile (v, N)".into(),
            None => "tracks only".into(),
        },
        None,
    ));
    let mut rows = vec![
        denoise,
        row(
            desk,
            strip,
            "trim",
            &[("", "trim", 9), ("polarity ", "polarity", 8)],
        ),
        row(
            desk,
            strip,
            "hum",
            &[
                ("", "hum.on", 4),
                ("", "hum.freq", 6),
                ("harmonics ", "hum.harmonics", 2),
            ],
        ),
        {
            let mut r = row(
                desk,
                strip,
                "HPF",
                &[
                    ("", "hpf.on", 4),
                    ("", "hpf.freq", 9),
                    ("", "hpf.slope", 10),
                ],
            );
            r.extend(row(
                desk,
                strip,
                "LPF",
                &[("", "lpf.on", 4), ("", "lpf.freq", 9), ("", "lpf.slope", 9)],
            ));
            r
        },
    ];
    for band in 1..=4 {
        let name = |field: &str| format!("eq{band}.{field}");
        let (on, kind, freq, gain, q) = (
            name("on"),
            name("type"),
            name("freq"),
            name("gain"),
            name("q"),
        );
        rows.push(row(
            desk,
            strip,
            &format!("EQ{band}"),
            &[
                ("", &on, 4),
                ("", &kind, 11),
                ("", &freq, 10),
                ("", &gain, 9),
                ("", &q, 6),
            ],
        ));
    }
    rows.push(row(
        desk,
        strip,
        "gate",
        &[
            ("", "gate.on", 3),
            ("thr ", "gate.threshold", 7),
            ("", "gate.ratio", 5),
            ("range ", "gate.range", 6),
            ("att ", "gate.attack", 6),
            ("hold ", "gate.hold", 6),
            ("rel ", "gate.release", 6),
        ],
    ));
    rows.push(row(
        desk,
        strip,
        "comp",
        &[
            ("", "comp.on", 3),
            ("thr ", "comp.threshold", 7),
            ("", "comp.ratio", 5),
            ("knee ", "comp.knee", 5),
            ("att ", "comp.attack", 6),
            ("rel ", "comp.release", 6),
            ("makeup ", "comp.makeup", 7),
        ],
    ));
    rows.push(row(
        desk,
        strip,
        "reverb",
        &[
            ("", "reverb.on", 3),
            ("pre ", "reverb.predelay", 5),
            ("", "reverb.decay", 5),
            ("size ", "reverb.size", 3),
            ("damp ", "reverb.damping", 3),
            ("ER ", "reverb.early", 6),
            ("width ", "reverb.width", 4),
            ("mix ", "reverb.mix", 4),
        ],
    ));
    rows.extend(insert_rows(desk, strip));
    rows
}

/// One row per LV2 insert: slot, plugin, state, and the controls the
/// session sets (the picked one highlighted by its name).
fn insert_rows(desk: &Desk, strip: StripId) -> Vec<Vec<Piece>> {
    let inserts = crate::command::inserts::inserts(desk, strip);
    if inserts.is_empty() {
        return Vec::new();
    }
    let world = crate::plugin::host().ok();
    let picked = desk.processing.picked_insert();
    inserts
        .iter()
        .enumerate()
        .map(|(k, insert)| {
            let info = world.as_ref().and_then(|w| w.get(&insert.uri));
            let name = info.map_or(insert.uri.as_str(), |i| i.name.as_str());
            let state = match (info, insert.bypass) {
                (None, _) => " MISSING (bypassed)",
                (_, true) => " bypassed",
                _ => "",
            };
            let mut row = vec![(format!(" lv2.{:<3} {name}{state}", k + 1), None)];
            let mut controls: Vec<(String, f32, bool)> = insert
                .params
                .iter()
                .map(|(symbol, &v)| (symbol.clone(), v, false))
                .collect();
            if let (Some((slot, port)), Some(info)) = (picked, info) {
                if slot as usize == k {
                    if let Some(p) = info.ports.iter().find(|p| p.index == u32::from(port)) {
                        let v = insert.params.get(&p.symbol).copied().unwrap_or(p.default);
                        controls.retain(|c| c.0 != p.symbol);
                        controls.insert(0, (p.symbol.clone(), v, true));
                    }
                }
            }
            for (symbol, v, hot) in controls {
                row.push(("  ".into(), None));
                let text = format!("{symbol} {v:.2}");
                // Highlighted as the picked parameter is: index usize::MAX.
                row.push((text, hot.then_some(usize::MAX)));
            }
            row
        })
        .collect()
}

fn limiter_rows(desk: &Desk, strip: StripId) -> Vec<Vec<Piece>> {
    let mut rows = vec![
        row(
            desk,
            strip,
            "limiter",
            &[
                ("", "limiter.on", 4),
                ("ceiling ", "limiter.ceiling", 10),
                ("release ", "limiter.release", 8),
            ],
        ),
        vec![(" true peak (4x oversampled), linked channels".into(), None)],
        vec![],
    ];
    for s in StripId::all(&desk.session) {
        if let Some(l) = desk.limiter_of(s) {
            rows.push(vec![(
                format!(
                    " {:<7} {:<4} {:<10} {} ms",
                    s.name(&desk.session),
                    if l.on { "on" } else { "off" },
                    format!("{:.1} dBTP", l.ceiling_dbtp),
                    l.release_ms,
                ),
                None,
            )]);
        }
    }
    let late = latency_of(&desk.session);
    let rate = desk.session.sample_rate.max(1) as f64;
    rows.push(vec![(
        if late == 0 {
            " no limiter on: the outputs are not delayed".into()
        } else {
            format!(
                " every output {late} samples ({:.1} ms) late while playing; bounces start on time",
                late as f64 * 1000.0 / rate
            )
        },
        None,
    )]);
    rows
}

pub fn draw(buf: &mut Buffer, app: &App, theme: &Theme, area: Rect) {
    if area.height < 2 || area.width < 12 {
        return;
    }
    let desk = &app.desk;
    let strip = desk.strip_id();
    let picked = desk.processing.picked(strip);
    let rule: String = "─".repeat(area.width as usize);
    buf.set_string(area.x, area.y, &rule, theme.style(Role::Dim));
    let what = match picked.map(|i| &PARAMS[i]) {
        Some(spec) => format!(
            " {} ({}): {} picked, ( ) steps, ss mixer ",
            strip.name(&desk.session),
            strip.kind(),
            spec.name
        ),
        None => format!(
            " {} ({}), ss mixer ",
            strip.name(&desk.session),
            strip.kind()
        ),
    };
    buf.set_stringn(
        area.x + 1,
        area.y,
        what,
        area.width as usize - 2,
        theme.style(Role::StripName),
    );
    let rows = match strip {
        StripId::Track(_) | StripId::Bus(_) => strip_rows(desk, strip),
        StripId::Stem(_) | StripId::Printmaster => limiter_rows(desk, strip),
        StripId::Me => vec![vec![(
            " the M&E has no processing: it is MX + FX after their faders and limiters".into(),
            None,
        )]],
    };
    for (r, pieces) in rows.iter().enumerate().take(area.height as usize - 1) {
        let y = area.y + 1 + r as u16;
        let mut x = area.x;
        let right = area.x + area.width;
        for (text, param) in pieces {
            if x >= right {
                break;
            }
            let role = match param {
                Some(usize::MAX) => Role::StripSelected,
                Some(i) if Some(*i) == picked => Role::StripSelected,
                Some(_) => Role::Lane,
                None => Role::Dim,
            };
            let (nx, _) = buf.set_stringn(x, y, text, (right - x) as usize, theme.style(role));
            x = nx;
        }
    }
}
