//! Colours for the console: 16 ANSI colours by default, 24-bit colour when
//! `COLORTERM` says the terminal has it, and none at all (bold, reverse and
//! underline only) when `NO_COLOR` is set.

use ratatui::style::{Color, Modifier, Style};

use crate::model::StemKind;

/// How much colour the terminal takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Palette {
    /// No colour: `NO_COLOR`.
    Mono,
    /// The 16 ANSI colours.
    Ansi16,
    /// 24-bit colour: `COLORTERM=truecolor` or `24bit`.
    TrueColor,
}

/// What a piece of the screen is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Bar,
    Timecode,
    Stopped,
    Rolling,
    Looping,
    Alert,
    Header,
    HeaderSelected,
    Lane,
    Clip(Option<StemKind>),
    ClipMuted,
    Offline,
    Dip,
    Playhead,
    Selection,
    Marker,
    Ruler,
    MeterLow,
    MeterMid,
    MeterHigh,
    PeakHold,
    ClipLight,
    StripName,
    StripSelected,
    Mute,
    Solo,
    Off,
    ModeNormal,
    ModeVisual,
    ModeCommand,
    Recording,
    Error,
    Info,
    Popup,
    PopupKey,
    Dim,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub palette: Palette,
}

impl Theme {
    /// From the environment: `NO_COLOR` (any value) turns colour off;
    /// `COLORTERM=truecolor|24bit` turns 24-bit colour on.
    pub fn from_env() -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let truecolor = std::env::var("COLORTERM")
            .is_ok_and(|v| matches!(v.to_ascii_lowercase().as_str(), "truecolor" | "24bit"));
        Theme {
            palette: if no_color {
                Palette::Mono
            } else if truecolor {
                Palette::TrueColor
            } else {
                Palette::Ansi16
            },
        }
    }

    pub const fn new(palette: Palette) -> Theme {
        Theme { palette }
    }

    fn pick(&self, ansi: Color, rgb: (u8, u8, u8)) -> Color {
        match self.palette {
            Palette::TrueColor => Color::Rgb(rgb.0, rgb.1, rgb.2),
            _ => ansi,
        }
    }

    pub fn style(&self, role: Role) -> Style {
        let s = Style::default();
        let b = Modifier::BOLD;
        let r = Modifier::REVERSED;
        if self.palette == Palette::Mono {
            return match role {
                Role::Timecode | Role::Rolling | Role::Looping | Role::Alert => s.add_modifier(b),
                Role::HeaderSelected | Role::StripSelected | Role::Playhead => s.add_modifier(r),
                Role::Clip(_) | Role::Selection => s.add_modifier(r),
                Role::ClipMuted | Role::Dim | Role::Off => s.add_modifier(Modifier::DIM),
                Role::Offline | Role::Dip => s.add_modifier(r | Modifier::UNDERLINED),
                Role::Marker | Role::PeakHold | Role::ClipLight | Role::Error => s.add_modifier(b),
                Role::Mute | Role::Solo | Role::Recording => s.add_modifier(r | b),
                Role::ModeNormal | Role::ModeVisual | Role::ModeCommand => s.add_modifier(r | b),
                Role::PopupKey => s.add_modifier(b),
                _ => s,
            };
        }
        let c = |ansi, rgb| self.pick(ansi, rgb);
        match role {
            Role::Bar => s
                .bg(c(Color::Black, (28, 30, 36)))
                .fg(c(Color::Gray, (200, 200, 200))),
            Role::Timecode => s.fg(c(Color::White, (255, 255, 255))).add_modifier(b),
            Role::Stopped => s.fg(c(Color::Gray, (180, 180, 180))),
            Role::Rolling => s.fg(c(Color::LightGreen, (120, 230, 120))).add_modifier(b),
            Role::Looping => s.fg(c(Color::LightCyan, (120, 220, 240))).add_modifier(b),
            Role::Alert => s.fg(c(Color::LightRed, (255, 110, 100))).add_modifier(b),
            Role::Header => s.fg(c(Color::Gray, (200, 200, 200))),
            Role::HeaderSelected => s
                .fg(c(Color::Black, (0, 0, 0)))
                .bg(c(Color::Gray, (210, 210, 210)))
                .add_modifier(b),
            Role::Lane => s.fg(c(Color::DarkGray, (70, 70, 80))),
            Role::Clip(stem) => {
                let bg = match stem {
                    Some(StemKind::DX) => c(Color::Blue, (40, 70, 140)),
                    Some(StemKind::MX) => c(Color::Magenta, (110, 50, 120)),
                    Some(StemKind::FX) => c(Color::Green, (40, 110, 70)),
                    None => c(Color::DarkGray, (80, 80, 80)),
                };
                s.bg(bg).fg(c(Color::White, (235, 235, 235)))
            }
            Role::ClipMuted => s
                .bg(c(Color::DarkGray, (60, 60, 60)))
                .fg(c(Color::Gray, (150, 150, 150))),
            Role::Offline => s
                .bg(c(Color::Red, (120, 30, 30)))
                .fg(c(Color::White, (255, 255, 255))),
            Role::Dip => s.fg(c(Color::Yellow, (250, 210, 80))).add_modifier(b),
            Role::Playhead => s.fg(c(Color::LightRed, (255, 90, 80))).add_modifier(b),
            Role::Selection => s
                .bg(c(Color::Cyan, (40, 100, 110)))
                .fg(c(Color::White, (255, 255, 255))),
            Role::Marker => s.fg(c(Color::Yellow, (250, 210, 80))),
            Role::Ruler => s.fg(c(Color::Gray, (160, 160, 170))),
            Role::MeterLow => s.fg(c(Color::Green, (80, 200, 90))),
            Role::MeterMid => s.fg(c(Color::Yellow, (230, 210, 60))),
            Role::MeterHigh => s.fg(c(Color::Red, (240, 70, 60))),
            Role::PeakHold => s.fg(c(Color::White, (255, 255, 255))),
            Role::ClipLight => s
                .bg(c(Color::Red, (220, 30, 30)))
                .fg(c(Color::White, (255, 255, 255)))
                .add_modifier(b),
            Role::StripName => s.fg(c(Color::Gray, (210, 210, 210))),
            Role::StripSelected => s
                .fg(c(Color::Black, (0, 0, 0)))
                .bg(c(Color::Gray, (210, 210, 210)))
                .add_modifier(b),
            Role::Mute => s
                .bg(c(Color::Yellow, (230, 190, 40)))
                .fg(c(Color::Black, (0, 0, 0)))
                .add_modifier(b),
            Role::Solo => s
                .bg(c(Color::Green, (60, 190, 80)))
                .fg(c(Color::Black, (0, 0, 0)))
                .add_modifier(b),
            Role::Off => s.fg(c(Color::DarkGray, (100, 100, 110))),
            Role::ModeNormal => s
                .bg(c(Color::Blue, (60, 100, 190)))
                .fg(c(Color::White, (255, 255, 255)))
                .add_modifier(b),
            Role::ModeVisual => s
                .bg(c(Color::Magenta, (170, 80, 190)))
                .fg(c(Color::White, (255, 255, 255)))
                .add_modifier(b),
            Role::ModeCommand => s
                .bg(c(Color::Yellow, (220, 180, 50)))
                .fg(c(Color::Black, (0, 0, 0)))
                .add_modifier(b),
            Role::Recording => s.fg(c(Color::LightRed, (255, 90, 80))).add_modifier(b),
            Role::Error => s.fg(c(Color::LightRed, (255, 110, 100))).add_modifier(b),
            Role::Info => s,
            Role::Popup => s
                .bg(c(Color::Black, (30, 32, 40)))
                .fg(c(Color::Gray, (220, 220, 220))),
            Role::PopupKey => s
                .bg(c(Color::Black, (30, 32, 40)))
                .fg(c(Color::LightYellow, (250, 220, 120)))
                .add_modifier(b),
            Role::Dim => s.fg(c(Color::DarkGray, (120, 120, 130))),
        }
    }
}
