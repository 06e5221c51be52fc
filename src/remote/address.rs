//! The OSC address space: what each message a remote sends asks for.
//! Reading a message is pure and never fails loudly: an address or
//! argument it does not know is an error for that message alone.
//!
//! ```text
//! /dubstage/cmd            s LINE           run a : line (":strip hpf.freq 80")
//! /dubstage/strip/fader    s|i STRIP, f DB  (or s "-inf")
//! /dubstage/strip/pan      s|i STRIP, f POS (-1..1, or s "L30", "C")
//! /dubstage/strip/mute     s|i STRIP [, i|T|F ON]   toggles without ON
//! /dubstage/strip/solo     s|i STRIP [, i|T|F ON]
//! /dubstage/strip/select   s|i STRIP
//! /dubstage/transport/play | stop | play-stop
//! /dubstage/transport/locate  s TIME (timecode, 10s, a marker) | i|h SAMPLES
//! /dubstage/subscribe      [i PORT]         feedback to the sender (or PORT)
//! /dubstage/unsubscribe    [i PORT]
//! /dubstage/ping                            answered with /dubstage/pong
//! ```
//! A STRIP is its place on the desk counted from 1 (tracks, buses, DX,
//! MX, FX, ME, PM) or its name (any case; `_` stands for a space).

use rosc::{OscMessage, OscType};

/// The prefix of every address.
pub const PREFIX: &str = "/dubstage";

/// Which strip a message is about.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// Its place on the desk, from 1.
    Place(usize),
    Name(String),
}

/// What is done to the strip.
#[derive(Debug, Clone, PartialEq)]
pub enum Control {
    Fader(f32),
    Pan(f32),
    /// `None`: toggle.
    Mute(Option<bool>),
    Solo(Option<bool>),
    Select,
}

/// What one message asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// A `:` line, run as if typed.
    Line(String),
    Strip {
        target: Target,
        control: Control,
    },
    Play,
    Stop,
    PlayStop,
    /// A time as `:goto` reads it.
    Locate(String),
    Subscribe {
        port: Option<u16>,
    },
    Unsubscribe {
        port: Option<u16>,
    },
    Ping,
}

impl Control {
    /// The `:` line that does this to the selected strip.
    pub fn line(&self) -> Option<String> {
        let on_off = |v: &Option<bool>| match v {
            None => String::new(),
            Some(true) => " on".into(),
            Some(false) => " off".into(),
        };
        match self {
            Control::Fader(db) if *db == f32::NEG_INFINITY => Some("fader -inf".into()),
            Control::Fader(db) => Some(format!("fader {db}")),
            Control::Pan(p) => Some(format!("pan {p}")),
            Control::Mute(v) => Some(format!("mute{}", on_off(v))),
            Control::Solo(v) => Some(format!("solo{}", on_off(v))),
            Control::Select => None,
        }
    }
}

fn number(arg: &OscType) -> Option<f64> {
    match *arg {
        OscType::Float(x) => Some(x as f64),
        OscType::Double(x) => Some(x),
        OscType::Int(x) => Some(x as f64),
        OscType::Long(x) => Some(x as f64),
        _ => None,
    }
}

fn switch(arg: Option<&OscType>) -> Result<Option<bool>, String> {
    match arg {
        None => Ok(None),
        Some(OscType::Bool(b)) => Ok(Some(*b)),
        Some(OscType::Int(i)) => Ok(Some(*i != 0)),
        Some(OscType::Float(x)) => Ok(Some(*x >= 0.5)),
        Some(OscType::String(s)) => match s.as_str() {
            "on" | "1" | "true" => Ok(Some(true)),
            "off" | "0" | "false" => Ok(Some(false)),
            other => Err(format!("{other:?}: on or off")),
        },
        Some(other) => Err(format!("{other:?}: on or off (i 0|1, T, F)")),
    }
}

fn target(arg: Option<&OscType>) -> Result<Target, String> {
    match arg {
        Some(OscType::String(s)) if !s.trim().is_empty() => Ok(Target::Name(s.clone())),
        Some(OscType::Int(i)) if *i >= 1 => Ok(Target::Place(*i as usize)),
        Some(OscType::Long(i)) if *i >= 1 => Ok(Target::Place((*i).min(1 << 20) as usize)),
        Some(other) => Err(format!(
            "{other:?} names no strip: give its name (s) or its place from 1 (i)"
        )),
        None => Err("which strip? give its name (s) or its place from 1 (i)".into()),
    }
}

fn text(arg: Option<&OscType>, what: &str) -> Result<String, String> {
    match arg {
        Some(OscType::String(s)) => Ok(s.clone()),
        Some(other) => Err(format!("{other:?}: {what} is a string (s)")),
        None => Err(format!("{what} is missing")),
    }
}

fn port(arg: Option<&OscType>) -> Result<Option<u16>, String> {
    match arg {
        None => Ok(None),
        Some(OscType::Int(p)) if (1..=65535).contains(p) => Ok(Some(*p as u16)),
        Some(other) => Err(format!("{other:?} is not a port (i 1..65535)")),
    }
}

/// What `message` asks for.
pub fn read(message: &OscMessage) -> Result<Request, String> {
    let rest = message
        .addr
        .strip_prefix(PREFIX)
        .ok_or_else(|| format!("unknown address {} (ours begin {PREFIX}/)", message.addr))?;
    let args = &message.args;
    Ok(match rest {
        "/cmd" => Request::Line(text(args.first(), "the command line")?),
        "/strip/fader" => {
            let db = match args.get(1) {
                Some(OscType::String(s)) if s.eq_ignore_ascii_case("-inf") => f32::NEG_INFINITY,
                Some(a) => number(a)
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| format!("{a:?}: the fader level is a number of dB (f)"))?
                    as f32,
                None => return Err("the fader level (dB) is missing".into()),
            };
            Request::Strip {
                target: target(args.first())?,
                control: Control::Fader(db),
            }
        }
        "/strip/pan" => {
            let pan = match args.get(1) {
                Some(OscType::String(s)) => crate::command::strip::parse_pan(s)
                    .ok_or_else(|| format!("{s:?} is not a pan position (C, L30, R100, -1..1)"))?,
                Some(a) => number(a)
                    .filter(|x| (-1.0..=1.0).contains(x))
                    .ok_or_else(|| format!("{a:?}: the pan is a number from -1 to 1 (f)"))?
                    as f32,
                None => return Err("the pan position is missing".into()),
            };
            Request::Strip {
                target: target(args.first())?,
                control: Control::Pan(pan),
            }
        }
        "/strip/mute" => Request::Strip {
            target: target(args.first())?,
            control: Control::Mute(switch(args.get(1))?),
        },
        "/strip/solo" => Request::Strip {
            target: target(args.first())?,
            control: Control::Solo(switch(args.get(1))?),
        },
        "/strip/select" => Request::Strip {
            target: target(args.first())?,
            control: Control::Select,
        },
        "/transport/play" => Request::Play,
        "/transport/stop" => Request::Stop,
        "/transport/play-stop" => Request::PlayStop,
        "/transport/locate" => Request::Locate(match args.first() {
            Some(OscType::String(s)) => s.clone(),
            Some(OscType::Int(i)) if *i >= 0 => i.to_string(),
            Some(OscType::Long(i)) if *i >= 0 => i.to_string(),
            Some(other) => {
                return Err(format!(
                    "{other:?}: locate to a time (s) or a sample (i, h)"
                ))
            }
            None => return Err("locate where? a time (s) or a sample (i, h)".into()),
        }),
        "/subscribe" => Request::Subscribe {
            port: port(args.first())?,
        },
        "/unsubscribe" => Request::Unsubscribe {
            port: port(args.first())?,
        },
        "/ping" => Request::Ping,
        _ => return Err(format!("unknown address {}", message.addr)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(addr: &str, args: Vec<OscType>) -> OscMessage {
        OscMessage {
            addr: addr.into(),
            args,
        }
    }

    #[test]
    fn messages_read_as_requests() {
        assert_eq!(
            read(&msg(
                "/dubstage/cmd",
                vec![OscType::String(":strip hpf.freq 80".into())]
            )),
            Ok(Request::Line(":strip hpf.freq 80".into()))
        );
        assert_eq!(
            read(&msg(
                "/dubstage/strip/fader",
                vec![OscType::String("Dialog_1".into()), OscType::Float(-6.0)]
            )),
            Ok(Request::Strip {
                target: Target::Name("Dialog_1".into()),
                control: Control::Fader(-6.0)
            })
        );
        assert_eq!(
            read(&msg(
                "/dubstage/strip/pan",
                vec![OscType::Int(2), OscType::String("L30".into())]
            )),
            Ok(Request::Strip {
                target: Target::Place(2),
                control: Control::Pan(-0.3)
            })
        );
        assert_eq!(
            read(&msg("/dubstage/strip/mute", vec![OscType::Int(1)])),
            Ok(Request::Strip {
                target: Target::Place(1),
                control: Control::Mute(None)
            })
        );
        assert_eq!(
            read(&msg(
                "/dubstage/transport/locate",
                vec![OscType::Long(48_000)]
            )),
            Ok(Request::Locate("48000".into()))
        );
        assert_eq!(
            read(&msg("/dubstage/subscribe", vec![OscType::Int(9001)])),
            Ok(Request::Subscribe { port: Some(9001) })
        );
    }

    #[test]
    fn bad_messages_say_what_is_wrong() {
        let e = read(&msg("/other/thing", vec![])).unwrap_err();
        assert!(e.contains("/other/thing"), "{e}");
        let e = read(&msg("/dubstage/frobnicate", vec![])).unwrap_err();
        assert!(e.contains("unknown address /dubstage/frobnicate"), "{e}");
        let e = read(&msg("/dubstage/strip/fader", vec![OscType::Int(1)])).unwrap_err();
        assert!(e.contains("missing"), "{e}");
        let e = read(&msg(
            "/dubstage/strip/fader",
            vec![OscType::Int(1), OscType::Float(f32::NAN)],
        ))
        .unwrap_err();
        assert!(e.contains("dB"), "{e}");
        let e = read(&msg(
            "/dubstage/strip/pan",
            vec![OscType::Int(0), OscType::Float(0.0)],
        ))
        .unwrap_err();
        assert!(e.contains("names no strip"), "{e}");
        let e = read(&msg(
            "/dubstage/strip/pan",
            vec![OscType::Int(1), OscType::Float(3.0)],
        ))
        .unwrap_err();
        assert!(e.contains("-1 to 1"), "{e}");
        assert!(read(&msg("/dubstage/subscribe", vec![OscType::Int(70_000)])).is_err());
    }

    #[test]
    fn controls_become_command_lines() {
        assert_eq!(Control::Fader(-6.5).line().as_deref(), Some("fader -6.5"));
        assert_eq!(
            Control::Fader(f32::NEG_INFINITY).line().as_deref(),
            Some("fader -inf")
        );
        assert_eq!(Control::Mute(None).line().as_deref(), Some("mute"));
        assert_eq!(
            Control::Solo(Some(false)).line().as_deref(),
            Some("solo off")
        );
        assert_eq!(Control::Select.line(), None);
    }
}
