//! The true-peak limiter a stem or the printmaster may have, as saved.
//!
//! Off by default, and then left out of the session file, so a session
//! written before limiters existed loads, saves and renders unchanged.

use serde::{Deserialize, Serialize};

/// The lookahead of every output limiter, in milliseconds: also its attack.
/// One value for all, so that every output is delayed by the same amount.
pub const LOOKAHEAD_MS: f64 = 2.0;
/// Lowest and highest ceilings, dBTP.
pub const CEILING_RANGE: (f32, f32) = (-24.0, 0.0);
/// Shortest and longest release, ms.
pub const RELEASE_RANGE: (f32, f32) = (1.0, 2000.0);

/// A true-peak limiter at the end of a stem or the printmaster.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limiter {
    pub on: bool,
    /// The most the output's true peak may read, dBTP.
    pub ceiling_dbtp: f32,
    /// Time constant of the return to unity gain, ms.
    pub release_ms: f32,
}

impl Default for Limiter {
    fn default() -> Limiter {
        Limiter {
            on: false,
            ceiling_dbtp: -2.0,
            release_ms: 80.0,
        }
    }
}

/// A limiter setting that can be changed while playing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LimiterParam {
    On,
    Ceiling,
    Release,
}

impl Limiter {
    /// Untouched: not written to the session file.
    pub fn is_default(&self) -> bool {
        *self == Limiter::default()
    }

    /// Set one parameter (the switch takes 0 or 1), clamped to its range.
    /// The console's model and the engine's copy both change through here.
    pub fn set(&mut self, param: LimiterParam, value: f32) {
        if value.is_nan() {
            return;
        }
        match param {
            LimiterParam::On => self.on = value >= 0.5,
            LimiterParam::Ceiling => {
                self.ceiling_dbtp = value.clamp(CEILING_RANGE.0, CEILING_RANGE.1)
            }
            LimiterParam::Release => {
                self.release_ms = value.clamp(RELEASE_RANGE.0, RELEASE_RANGE.1)
            }
        }
    }

    /// The value of `param` (a switch reads 0 or 1).
    pub fn get(&self, param: LimiterParam) -> f32 {
        match param {
            LimiterParam::On => f32::from(u8::from(self.on)),
            LimiterParam::Ceiling => self.ceiling_dbtp,
            LimiterParam::Release => self.release_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_clamped_and_nan_is_ignored() {
        let mut l = Limiter::default();
        l.set(LimiterParam::Ceiling, 3.0);
        assert_eq!(l.ceiling_dbtp, 0.0);
        l.set(LimiterParam::Release, f32::NAN);
        assert_eq!(l.release_ms, 80.0);
        l.set(LimiterParam::On, 1.0);
        assert!(l.on && !l.is_default());
    }
}
