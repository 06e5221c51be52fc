//! Loudness measurement after ITU-R BS.1770 and EBU R128: momentary,
//! short-term and integrated loudness, loudness range (EBU Tech 3342), true
//! peak, and the printmaster's loudness over the dialog.
//!
//! [`LoudnessMeter`] takes the K-weighting and the K-weighted energy of each
//! step of a 5 ms grid (10 ms at rates that are not a multiple of 200 Hz)
//! from the `ebur128` crate, and does the rest itself from that grid:
//! momentary and short-term loudness and their maxima (as EBU Tech 3341
//! requires), the gating of integrated loudness and the loudness range. The
//! crate's own gating re-sums 400 ms of filtered audio every 100 ms and 3 s
//! every second, which costs more than its filter; the grid has those
//! energies already. [`PeakMeter`] reads true peak with the same
//! detector as the delivery limiter ([`crate::dsp::truepeak`]). [`Meter`]
//! is the two together: what a bounce runs on every output, what
//! `dubstage loudness` runs on a file, and what the console can run for live
//! meters.
//!
//! These meters keep a history that grows by up to two numbers every 100 ms
//! (the gating blocks and the short-term values of the loudness range: 16
//! bytes, under 6 MB for 10 hours), so they are not for the realtime thread.
//! For live meters in the console: have the realtime thread copy each block
//! of the printmaster (and of any stem to be metered) into a ring buffer, as
//! the butler's rings, and on the UI or a worker thread drain it into a
//! [`Meter`] made with [`Meter::new`]`(channels, sample_rate)`, calling
//! [`Meter::add`] with one slice per channel. Read
//! [`LoudnessMeter::momentary`] and [`LoudnessMeter::short_term`] (through
//! `meter.loudness`) every frame, [`Meter::reading`] (whose integrated value
//! and range walk the whole history) a few times a second, and call
//! [`Meter::reset`] when the mixer resets the meter or the transport
//! locates.

pub mod dialog;
pub mod file;
pub mod meter;
pub mod peak;
pub mod reading;

pub use dialog::{DialogLoudness, SpeechGate};
pub use meter::LoudnessMeter;
pub use peak::PeakMeter;
pub use reading::Reading;

/// The energy-to-loudness offset of BS.1770: a full-scale 997 Hz sine in
/// one front channel reads -3.01 LUFS.
const OFFSET: f64 = -0.691;

/// Loudness in LUFS of a mean K-weighted, channel-weighted energy;
/// `None` for silence.
pub fn energy_to_lufs(energy: f64) -> Option<f64> {
    (energy > 0.0).then(|| OFFSET + 10.0 * energy.log10())
}

/// The mean energy that reads `lufs`.
pub fn lufs_to_energy(lufs: f64) -> f64 {
    10f64.powf((lufs - OFFSET) / 10.0)
}

/// Why a meter cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MeterError {
    /// Channel counts from 1 to 64 are measured.
    Channels(usize),
    /// Sample rates from 8 kHz to 384 kHz are measured.
    SampleRate(u32),
}

impl std::fmt::Display for MeterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MeterError::Channels(n) => write!(f, "cannot measure {n} channels (1 to 64)"),
            MeterError::SampleRate(r) => {
                write!(f, "cannot measure at {r} Hz (8000 to 384000 Hz)")
            }
        }
    }
}

impl std::error::Error for MeterError {}

/// The full meter: loudness and peaks of one signal.
pub struct Meter {
    pub loudness: LoudnessMeter,
    pub peaks: PeakMeter,
}

impl Meter {
    /// A meter for `channels` at `sample_rate`; channels are weighted as
    /// [`meter::channel_weights`] says.
    pub fn new(channels: usize, sample_rate: u32) -> Result<Meter, MeterError> {
        Ok(Meter {
            loudness: LoudnessMeter::new(channels, sample_rate)?,
            peaks: PeakMeter::new(channels),
        })
    }

    /// Measure the next frames, one slice per channel (all of one length).
    pub fn add(&mut self, planes: &[&[f32]]) {
        self.loudness.add(planes);
        self.peaks.add(planes);
    }

    /// Start again, as if nothing had been measured.
    pub fn reset(&mut self) {
        self.loudness.reset();
        self.peaks.reset();
    }

    /// Everything measured so far.
    pub fn reading(&self) -> Reading {
        Reading::new(&self.loudness, &self.peaks)
    }
}
