//! Mackie Control (MCU) messages: reading what a surface sends and
//! writing what it shows. Pure functions over bytes; nothing here can
//! fail loudly: a message that is not MIDI is [`Stray`], one that is MIDI
//! but means nothing to an MCU is [`Input::Other`].
//!
//! ```text
//! surface -> dubstage                     dubstage -> surface
//! E0+ch  LSB MSB   fader 1-8 (9: master)  the same: motor fader position
//! 90 68+ch 7F|00   fader touch (70 master)
//! 90 00..07        rec  (lit: volume lane writes)    90 note 7F|00: LED
//! 90 08..0F        solo        90 10..17   mute      90 18..1F  select
//! 90 2E / 2F       bank left / right      90 30 / 31  channel left / right
//! 90 5B 5C 5D 5E 5F  rewind, ffwd, stop, play, record
//! B0 10+ch v       V-pot (bit 6: left, bits 0-5: ticks)  B0 30+ch: ring
//! B0 3C v          jog wheel, the same way
//!                                          B0 40..49: timecode digits
//!                                          D0 ch<<4|level: meter (0..C)
//! ```

/// A MIDI message, as far as a control surface cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Midi {
    /// Note on with velocity (0 counts as off), or note off (velocity 0).
    Note {
        channel: u8,
        note: u8,
        velocity: u8,
    },
    Control {
        channel: u8,
        cc: u8,
        value: u8,
    },
    /// 14 bits, 0..16383.
    PitchBend {
        channel: u8,
        value: u16,
    },
    Pressure {
        channel: u8,
        value: u8,
    },
    /// Well formed but of no use here (program change, clock...).
    Unused,
}

/// Why bytes are not a MIDI message we read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stray {
    /// Starts with a data byte (running status, or garbage).
    RunningStatus,
    /// System exclusive.
    Sysex,
    /// Shorter than its status byte says, or a data byte above 0x7F.
    Malformed,
}

/// Read one event's bytes.
pub fn parse(bytes: &[u8]) -> Result<Midi, Stray> {
    let Some(&status) = bytes.first() else {
        return Err(Stray::Malformed);
    };
    if status < 0x80 {
        return Err(Stray::RunningStatus);
    }
    if status == 0xF0 || status == 0xF7 {
        return Err(Stray::Sysex);
    }
    if status >= 0xF0 {
        return Ok(Midi::Unused);
    }
    let channel = status & 0x0F;
    let need = match status & 0xF0 {
        0xC0 | 0xD0 => 2,
        _ => 3,
    };
    if bytes.len() < need || bytes[1..need].iter().any(|&b| b > 0x7F) {
        return Err(Stray::Malformed);
    }
    Ok(match status & 0xF0 {
        0x80 => Midi::Note {
            channel,
            note: bytes[1],
            velocity: 0,
        },
        0x90 => Midi::Note {
            channel,
            note: bytes[1],
            velocity: bytes[2],
        },
        0xB0 => Midi::Control {
            channel,
            cc: bytes[1],
            value: bytes[2],
        },
        0xE0 => Midi::PitchBend {
            channel,
            value: bytes[1] as u16 | (bytes[2] as u16) << 7,
        },
        0xD0 => Midi::Pressure {
            channel,
            value: bytes[1],
        },
        _ => Midi::Unused,
    })
}

/// A button of the surface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Button {
    Rec(u8),
    Solo(u8),
    Mute(u8),
    Select(u8),
    VPotPush(u8),
    BankLeft,
    BankRight,
    ChannelLeft,
    ChannelRight,
    Rewind,
    FastForward,
    Stop,
    Play,
    Record,
}

/// Channel strips on a surface.
pub const CHANNELS: u8 = 8;
/// The master fader's pitch-bend channel and touch slot.
pub const MASTER: u8 = 8;
const TOUCH: u8 = 0x68;

impl Button {
    /// The button of note `note`.
    pub fn of(note: u8) -> Option<Button> {
        Some(match note {
            0x00..=0x07 => Button::Rec(note),
            0x08..=0x0F => Button::Solo(note - 0x08),
            0x10..=0x17 => Button::Mute(note - 0x10),
            0x18..=0x1F => Button::Select(note - 0x18),
            0x20..=0x27 => Button::VPotPush(note - 0x20),
            0x2E => Button::BankLeft,
            0x2F => Button::BankRight,
            0x30 => Button::ChannelLeft,
            0x31 => Button::ChannelRight,
            0x5B => Button::Rewind,
            0x5C => Button::FastForward,
            0x5D => Button::Stop,
            0x5E => Button::Play,
            0x5F => Button::Record,
            _ => return None,
        })
    }

    /// The note of the button (and of its LED).
    pub fn note(self) -> u8 {
        match self {
            Button::Rec(c) => c,
            Button::Solo(c) => 0x08 + c,
            Button::Mute(c) => 0x10 + c,
            Button::Select(c) => 0x18 + c,
            Button::VPotPush(c) => 0x20 + c,
            Button::BankLeft => 0x2E,
            Button::BankRight => 0x2F,
            Button::ChannelLeft => 0x30,
            Button::ChannelRight => 0x31,
            Button::Rewind => 0x5B,
            Button::FastForward => 0x5C,
            Button::Stop => 0x5D,
            Button::Play => 0x5E,
            Button::Record => 0x5F,
        }
    }
}

/// What a surface did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// A fader moved: 0..7, or [`MASTER`]; 14 bits.
    Fader {
        channel: u8,
        value: u16,
    },
    Touch {
        channel: u8,
        on: bool,
    },
    Button {
        button: Button,
        pressed: bool,
    },
    /// A V-pot turned by `delta` ticks (negative: left).
    VPot {
        channel: u8,
        delta: i8,
    },
    Jog(i8),
    /// MIDI the MCU protocol does not use (for CC learn, or ignored).
    Other(Midi),
}

/// A relative encoder's value: bit 6 is the direction, bits 0-5 the ticks.
pub fn relative(value: u8) -> i8 {
    let ticks = (value & 0x3F) as i8;
    if value & 0x40 != 0 {
        -ticks
    } else {
        ticks
    }
}

/// What a MIDI message means on an MCU.
pub fn read(midi: Midi) -> Input {
    match midi {
        Midi::PitchBend { channel, value } if channel <= MASTER => Input::Fader { channel, value },
        Midi::Note { note, velocity, .. } if (TOUCH..=TOUCH + MASTER).contains(&note) => {
            Input::Touch {
                channel: note - TOUCH,
                on: velocity > 0,
            }
        }
        Midi::Note { note, velocity, .. } => match Button::of(note) {
            Some(button) => Input::Button {
                button,
                pressed: velocity > 0,
            },
            None => Input::Other(midi),
        },
        Midi::Control { cc, value, .. } if (0x10..0x10 + CHANNELS).contains(&cc) => Input::VPot {
            channel: cc - 0x10,
            delta: relative(value),
        },
        Midi::Control {
            cc: 0x3C, value, ..
        } => Input::Jog(relative(value)),
        other => Input::Other(other),
    }
}

// ---- the fader law ----

/// The top of a surface fader.
pub const TOP_DB: f32 = 12.0;
/// Below this the fader is off.
pub const FLOOR_DB: f32 = -96.0;
const FULL: f32 = 16383.0;

/// The dB of fader position `p` (0..1): +12 at the top, 0 dB at three
/// quarters, -30 at one quarter, then down to off at the bottom.
pub fn db_of_position(p: f32) -> f32 {
    let p = p.clamp(0.0, 1.0);
    if p >= 0.75 {
        (p - 0.75) * 48.0
    } else if p >= 0.25 {
        (p - 0.75) * 60.0
    } else {
        -30.0 + (p - 0.25) * 264.0
    }
}

/// The fader position (0..1) of `db`.
pub fn position_of_db(db: f32) -> f32 {
    if !db.is_finite() && db < 0.0 {
        return 0.0;
    }
    let db = db.clamp(FLOOR_DB, TOP_DB);
    let p = if db >= 0.0 {
        0.75 + db / 48.0
    } else if db >= -30.0 {
        0.75 + db / 60.0
    } else {
        0.25 + (db + 30.0) / 264.0
    };
    p.clamp(0.0, 1.0)
}

/// A 14-bit fader value's dB.
pub fn db_of_fader(value: u16) -> f32 {
    db_of_position(value.min(16383) as f32 / FULL)
}

/// The 14-bit fader value of `db`.
pub fn fader_of_db(db: f32) -> u16 {
    (position_of_db(db) * FULL).round() as u16
}

// ---- what dubstage sends ----

/// Move motor fader `channel` (0..7, [`MASTER`]) to `value`.
pub fn fader(channel: u8, value: u16) -> [u8; 3] {
    let v = value.min(16383);
    [0xE0 | (channel & 0x0F), (v & 0x7F) as u8, (v >> 7) as u8]
}

/// Light (or put out) the LED of `button`.
pub fn led(button: Button, on: bool) -> [u8; 3] {
    [0x90, button.note(), if on { 0x7F } else { 0x00 }]
}

/// The meter level (0..12) of a peak in dBFS: 12 at 0 dB, a step every
/// 5 dB, 0 below -60.
pub fn meter_level(db: f32) -> u8 {
    if db.is_nan() || db < -60.0 {
        return 0;
    }
    (((db + 60.0) / 5.0).floor() as i32).clamp(0, 12) as u8
}

/// Channel `channel`'s meter at `level` (0..12).
pub fn meter(channel: u8, level: u8) -> [u8; 2] {
    [0xD0, (channel & 0x07) << 4 | level.min(12)]
}

/// The V-pot ring of `channel` showing pan `pan` (-1..1) as one dot.
pub fn pan_ring(channel: u8, pan: f32) -> [u8; 3] {
    let dot = (6.0 + pan.clamp(-1.0, 1.0) * 5.0).round() as u8;
    [0xB0, 0x30 + (channel & 0x07), dot.clamp(1, 11)]
}

/// Digits on the timecode display.
pub const DIGITS: usize = 10;

/// What the ten digits show for a timecode `HH:MM:SS:FF` (any separator):
/// hours in three places, minutes, seconds, frames in three, left to
/// right, as display codes (`0` is 0x30, a blank 0x20).
pub fn timecode_digits(timecode: &str) -> [u8; DIGITS] {
    let digits: Vec<u8> = timecode.bytes().filter(u8::is_ascii_digit).collect();
    let mut out = [0x20u8; DIGITS];
    if digits.len() == 8 {
        let places = [1, 2, 3, 4, 5, 6, 8, 9];
        for (d, &p) in digits.iter().zip(places.iter()) {
            out[p] = *d;
        }
    }
    out
}

/// Set digit `place` (0 leftmost) of the timecode display to `code`.
pub fn digit(place: usize, code: u8) -> [u8; 3] {
    [
        0xB0,
        0x40 + (DIGITS - 1 - place.min(DIGITS - 1)) as u8,
        code & 0x7F,
    ]
}

/// Characters in one strip's cell of a row of the scribble-strip display.
pub const CELL: usize = 7;

/// The sysex that writes `text` into the cell of `channel` (0..7) on `row`
/// (0 top, 1 bottom) of the display: Mackie Control's LCD message
/// (`F0 00 00 66 14 12 offset text F7`, 56 characters a row), the text cut
/// or padded to [`CELL`] characters, anything not printable ASCII a blank.
pub fn lcd(row: u8, channel: u8, text: &str) -> [u8; 15] {
    let mut out = [0x20u8; 15];
    out[..6].copy_from_slice(&[0xF0, 0x00, 0x00, 0x66, 0x14, 0x12]);
    out[6] = (row.min(1) * 56 + (channel & 0x07) * CELL as u8) & 0x7F;
    for (slot, c) in out[7..7 + CELL].iter_mut().zip(text.bytes()) {
        *slot = if (0x20..0x7F).contains(&c) { c } else { 0x20 };
    }
    out[14] = 0xF7;
    out
}

/// A strip's name in a cell: as it is when it fits, else without spaces,
/// then without as many lower-case vowels (last first, never the first
/// letter) as it takes, then cut.
pub fn cell_name(name: &str) -> String {
    let mut short: Vec<u8> = name.bytes().filter(u8::is_ascii).collect();
    if short.len() > CELL {
        short.retain(|&c| c != b' ');
    }
    while short.len() > CELL {
        match short.iter().skip(1).rposition(|c| b"aeiou".contains(c)) {
            Some(at) => short.remove(at + 1),
            None => break,
        };
    }
    short.truncate(CELL);
    String::from_utf8(short).unwrap_or_default()
}

/// The display code of a character (the MCU's: letters 0x01..0x1A).
pub fn code_of(c: u8) -> u8 {
    match c {
        b'@'..=b'_' => c - 0x40,
        b'a'..=b'z' => c - 0x60,
        0x20..=0x3F => c,
        _ => 0x20,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_as_surface_input() {
        assert_eq!(
            parse(&[0xE2, 0x7F, 0x7F]).map(read),
            Ok(Input::Fader {
                channel: 2,
                value: 16383
            })
        );
        assert_eq!(
            parse(&[0xE0, 0x01, 0x40]).map(read),
            Ok(Input::Fader {
                channel: 0,
                value: 8193
            })
        );
        assert_eq!(
            parse(&[0x90, 0x6A, 0x7F]).map(read),
            Ok(Input::Touch {
                channel: 2,
                on: true
            })
        );
        assert_eq!(
            parse(&[0x80, 0x6A, 0x40]).map(read),
            Ok(Input::Touch {
                channel: 2,
                on: false
            })
        );
        assert_eq!(
            parse(&[0x90, 0x12, 0x7F]).map(read),
            Ok(Input::Button {
                button: Button::Mute(2),
                pressed: true
            })
        );
        assert_eq!(
            parse(&[0x90, 0x5E, 0x00]).map(read),
            Ok(Input::Button {
                button: Button::Play,
                pressed: false
            })
        );
        assert_eq!(
            parse(&[0xB0, 0x13, 0x43]).map(read),
            Ok(Input::VPot {
                channel: 3,
                delta: -3
            })
        );
        assert_eq!(parse(&[0xB0, 0x3C, 0x02]).map(read), Ok(Input::Jog(2)));
        assert_eq!(
            parse(&[0xB1, 0x07, 0x64]).map(read),
            Ok(Input::Other(Midi::Control {
                channel: 1,
                cc: 7,
                value: 100
            }))
        );
        // An unknown note is MIDI, but no button.
        assert!(matches!(
            parse(&[0x90, 0x7E, 0x7F]).map(read),
            Ok(Input::Other(Midi::Note { note: 0x7E, .. }))
        ));
        for note in 0..=0x7F {
            if let Some(b) = Button::of(note) {
                assert_eq!(b.note(), note);
            }
        }
    }

    #[test]
    fn stray_bytes_are_named_never_read() {
        assert_eq!(parse(&[0x6A, 0x7F]), Err(Stray::RunningStatus));
        assert_eq!(parse(&[0xF0, 0x00, 0x00]), Err(Stray::Sysex));
        assert_eq!(parse(&[0x90, 0x10]), Err(Stray::Malformed));
        assert_eq!(parse(&[0xE0, 0x80, 0x00]), Err(Stray::Malformed));
        assert_eq!(parse(&[]), Err(Stray::Malformed));
        assert_eq!(parse(&[0xF8]), Ok(Midi::Unused));
        assert_eq!(parse(&[0xC0, 0x05]), Ok(Midi::Unused));
        // Every pair of bytes reads without a panic.
        for a in 0..=255u8 {
            for b in [0u8, 0x40, 0x7F, 0x80, 0xFF] {
                let _ = parse(&[a, b]).map(read);
                let _ = parse(&[a, b, b]).map(read);
            }
        }
    }

    #[test]
    fn the_fader_law_is_monotonic_and_round_trips() {
        assert_eq!(db_of_position(0.75), 0.0);
        assert_eq!(db_of_position(1.0), TOP_DB);
        assert_eq!(db_of_position(0.25), -30.0);
        assert_eq!(db_of_position(0.0), FLOOR_DB);
        assert_eq!(fader_of_db(f32::NEG_INFINITY), 0);
        assert_eq!(fader_of_db(12.0), 16383);
        let mut last = f32::NEG_INFINITY;
        for v in 0..=16383u16 {
            let db = db_of_fader(v);
            assert!(db >= last, "{v}: {db} < {last}");
            last = db;
            assert!(fader_of_db(db).abs_diff(v) <= 1, "{v} -> {db} dB");
        }
        for db in [-90.0, -40.0, -20.0, -6.0, -0.5, 0.0, 3.0, 10.0] {
            assert!((db_of_fader(fader_of_db(db)) - db).abs() < 0.02, "{db}");
        }
    }

    #[test]
    fn feedback_bytes() {
        assert_eq!(fader(1, 16383), [0xE1, 0x7F, 0x7F]);
        assert_eq!(fader(MASTER, 0x2001), [0xE8, 0x01, 0x40]);
        assert_eq!(led(Button::Solo(7), true), [0x90, 0x0F, 0x7F]);
        assert_eq!(meter(3, 12), [0xD0, 0x3C]);
        assert_eq!(meter_level(0.0), 12);
        assert_eq!(meter_level(-3.0), 11);
        assert_eq!(meter_level(-61.0), 0);
        assert_eq!(meter_level(f32::NAN), 0);
        assert_eq!(pan_ring(0, 0.0), [0xB0, 0x30, 6]);
        assert_eq!(pan_ring(2, -1.0), [0xB0, 0x32, 1]);
        assert_eq!(pan_ring(2, 1.0), [0xB0, 0x32, 11]);
        assert_eq!(&timecode_digits("01:02:03:04"), b" 010203 04");
        assert_eq!(&timecode_digits("10:59:59;29"), b" 105959 29");
        assert_eq!(&timecode_digits("garbage"), b"          ");
        // Place 0 (leftmost) is CC 0x49, place 9 is CC 0x40.
        assert_eq!(digit(0, b'1'), [0xB0, 0x49, 0x31]);
        assert_eq!(digit(9, b'4'), [0xB0, 0x40, 0x34]);
        assert_eq!(code_of(b'A'), 0x01);
        assert_eq!(code_of(b'7'), 0x37);
    }

    #[test]
    fn scribble_strip_cells() {
        // Bottom row, channel 2: offset 56 + 14.
        assert_eq!(
            lcd(1, 2, "-6.0"),
            [0xF0, 0, 0, 0x66, 0x14, 0x12, 70, b'-', b'6', b'.', b'0', b' ', b' ', b' ', 0xF7]
        );
        assert_eq!(
            &lcd(0, 7, "Prdctndlg\u{e9}")[6..14],
            &[49, b'P', b'r', b'd', b'c', b't', b'n', b'd']
        );
        assert_eq!(&lcd(0, 0, "a\u{7f}\tb")[7..11], b"a  b");
        assert_eq!(cell_name("Anna"), "Anna");
        assert_eq!(cell_name("Room tone"), "Roomton");
        assert_eq!(cell_name("Production dialog"), "Prdctnd");
        assert_eq!(cell_name("Effects 2"), "Effcts2");
        assert_eq!(cell_name("Zoë"), "Zo");
        assert_eq!(cell_name(""), "");
    }
}
