//! What the console holds of the live loudness meters: the newest readings
//! the engine's loudness worker published, and whether the panel with every
//! stem is shown. The printmaster's line is always on screen.

use crate::engine::live_loudness::LiveReadings;

/// The console's view of the live loudness meters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoudnessView {
    /// The newest readings; `None` until the engine has measured anything.
    pub readings: Option<LiveReadings>,
    /// The panel with DX, MX, FX, ME and PM is shown.
    pub panel: bool,
}

impl LoudnessView {
    /// Take in newly published readings; true when the screen must change.
    pub fn receive(&mut self, readings: Option<LiveReadings>) -> bool {
        match readings {
            Some(r) if self.readings.as_ref() != Some(&r) => {
                self.readings = Some(r);
                true
            }
            _ => false,
        }
    }
}
