//! Meter ballistics for the strips: the engine reports peaks a few dozen
//! times a second; a meter rises at once, falls at [`FALL_DB_PER_S`], holds
//! its highest peak for [`HOLD`], and latches a clip indicator at 0 dBFS
//! until cleared.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::audio::MeterReading;
use crate::engine::msg::{MeterId, METER_CHANNELS};

/// The floor of every meter.
pub const FLOOR_DB: f32 = -60.0;
/// How fast a meter falls.
pub const FALL_DB_PER_S: f32 = 24.0;
/// How long a peak is held.
pub const HOLD: Duration = Duration::from_millis(1500);

/// One strip's meter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Meter {
    pub channels: u8,
    /// Shown level per channel, dBFS.
    pub level: [f32; METER_CHANNELS],
    /// Peak hold per channel, dBFS.
    pub hold: [f32; METER_CHANNELS],
    hold_since: [Option<Instant>; METER_CHANNELS],
    /// A sample reached full scale since the indicator was cleared.
    pub clip: bool,
}

impl Default for Meter {
    fn default() -> Self {
        Meter {
            channels: 0,
            level: [FLOOR_DB; METER_CHANNELS],
            hold: [FLOOR_DB; METER_CHANNELS],
            hold_since: [None; METER_CHANNELS],
            clip: false,
        }
    }
}

pub fn to_db(x: f32) -> f32 {
    if x <= 0.0 {
        FLOOR_DB
    } else {
        (20.0 * x.log10()).max(FLOOR_DB)
    }
}

/// Every strip's meter.
#[derive(Debug, Clone, Default)]
pub struct Meters {
    meters: HashMap<MeterId, Meter>,
    last: Option<Instant>,
}

impl Meters {
    pub fn get(&self, id: MeterId) -> Meter {
        self.meters.get(&id).copied().unwrap_or_default()
    }

    /// Take in one reading at `now`; true when the meter moved.
    pub fn feed(&mut self, reading: &MeterReading, now: Instant) -> bool {
        let m = self.meters.entry(reading.id).or_default();
        let before = *m;
        m.channels = reading.channels;
        for c in 0..(reading.channels as usize).min(METER_CHANNELS) {
            let db = to_db(reading.peak[c]);
            if reading.peak[c] >= 1.0 {
                m.clip = true;
            }
            m.level[c] = m.level[c].max(db);
            if db > FLOOR_DB && db >= m.hold[c] {
                m.hold[c] = db;
                m.hold_since[c] = Some(now);
            }
        }
        m.level != before.level || m.hold != before.hold || m.clip != before.clip
    }

    /// Let the meters fall and the holds expire; true when any moved.
    pub fn decay(&mut self, now: Instant) -> bool {
        let dt = self
            .last
            .map_or(0.0, |t| now.saturating_duration_since(t).as_secs_f32());
        self.last = Some(now);
        let mut moved = false;
        for m in self.meters.values_mut() {
            for c in 0..METER_CHANNELS {
                if m.level[c] > FLOOR_DB {
                    m.level[c] = (m.level[c] - FALL_DB_PER_S * dt).max(FLOOR_DB);
                    moved = true;
                }
                if m.hold_since[c].is_some_and(|t| now.saturating_duration_since(t) >= HOLD) {
                    m.hold[c] = m.level[c];
                    m.hold_since[c] = None;
                    moved = true;
                }
            }
        }
        moved
    }

    /// Clear the clip indicators and peak holds.
    pub fn clear(&mut self) {
        for m in self.meters.values_mut() {
            m.clip = false;
            m.hold = m.level;
            m.hold_since = [None; METER_CHANNELS];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meters_rise_at_once_fall_slowly_hold_and_latch_clips() {
        let t0 = Instant::now();
        let mut meters = Meters::default();
        let mut peak = [0.0; METER_CHANNELS];
        peak[0] = 1.0;
        peak[1] = 0.1;
        meters.decay(t0);
        meters.feed(
            &MeterReading {
                id: MeterId::Printmaster,
                channels: 2,
                peak,
                rms: [0.0; METER_CHANNELS],
            },
            t0,
        );
        let m = meters.get(MeterId::Printmaster);
        assert!(m.clip);
        assert_eq!(m.level[0], 0.0);
        assert!((m.level[1] + 20.0).abs() < 1e-4);
        meters.decay(t0 + Duration::from_millis(500));
        let m = meters.get(MeterId::Printmaster);
        assert!((m.level[0] + 12.0).abs() < 1e-3, "{}", m.level[0]);
        assert_eq!(m.hold[0], 0.0, "held");
        meters.decay(t0 + Duration::from_millis(1600));
        assert!(meters.get(MeterId::Printmaster).hold[0] < 0.0, "released");
        meters.clear();
        assert!(!meters.get(MeterId::Printmaster).clip);
    }
}
