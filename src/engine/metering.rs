//! What the realtime thread meters: which strip ([`MeterId`]) and the
//! peak and sum of squares it gathers between reports ([`MeterAcc`]).

/// A strip whose levels are metered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MeterId {
    Track(u16),
    Bus(u16),
    /// DX, MX or FX, by `StemKind::index`.
    Stem(u8),
    /// Music and effects.
    Me,
    /// The printmaster.
    Printmaster,
}

/// Most channels a metered strip has.
pub const METER_CHANNELS: usize = 6;

/// Peak and sum of squares since the last report.
#[derive(Debug, Clone, Copy, Default)]
pub struct MeterAcc {
    pub(super) peak: [f32; METER_CHANNELS],
    pub(super) square: [f32; METER_CHANNELS],
}

impl MeterAcc {
    pub(super) fn add(&mut self, channel: usize, samples: &[f32], gain: f32) {
        let (mut peak, mut square) = (0f32, 0f32);
        for &s in samples {
            peak = peak.max(s.abs());
            square += s * s;
        }
        self.peak[channel] = self.peak[channel].max(peak * gain.abs());
        self.square[channel] += square * gain * gain;
    }
}
