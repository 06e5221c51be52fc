//! The messages between the UI and the realtime thread. Both directions go
//! through lock-free rings of these small values; a new Plan travels boxed
//! and comes back boxed, so the realtime thread never allocates or frees.

use super::automation::{Automation, Owner, Param};
use super::live_plan::LivePlan;
pub use super::metering::{MeterId, METER_CHANNELS};
use crate::model::limiter::LimiterParam;
use crate::model::strip::StripParam;

/// What the UI asks of the realtime thread.
#[derive(Debug)]
pub enum ToEngine {
    Play,
    Stop,
    /// Move the playhead to a timeline sample.
    Locate(u64),
    /// Loop `start..end` while rolling, or stop looping.
    Loop(Option<(u64, u64)>),
    /// Stop by itself on reaching this sample (`None`: roll on).
    StopAt(Option<u64>),
    /// Return to where play started when the transport stops.
    ReturnToStart(bool),
    /// Follow the JACK transport's start, stop and locate.
    FollowJackTransport(bool),
    TrackFader {
        track: u16,
        db: f32,
    },
    TrackPan {
        track: u16,
        pan: f32,
    },
    TrackMute {
        track: u16,
        mute: bool,
    },
    TrackSolo {
        track: u16,
        solo: bool,
    },
    /// 5.1: toward the surrounds (0..1).
    TrackSurround {
        track: u16,
        surround: f32,
    },
    /// 5.1: spread over L, C and R (0..1).
    TrackDivergence {
        track: u16,
        divergence: f32,
    },
    /// 5.1: LFE send in dB (`None`: off).
    TrackLfe {
        track: u16,
        db: Option<f32>,
    },
    TrackStrip {
        track: u16,
        param: StripParam,
        value: f32,
    },
    TrackSend {
        track: u16,
        send: u16,
        db: f32,
    },
    BusFader {
        bus: u16,
        db: f32,
    },
    BusMute {
        bus: u16,
        mute: bool,
    },
    BusSolo {
        bus: u16,
        solo: bool,
    },
    BusStrip {
        bus: u16,
        param: StripParam,
        value: f32,
    },
    StemFader {
        stem: u8,
        db: f32,
    },
    StemMute {
        stem: u8,
        mute: bool,
    },
    PrintmasterFader {
        db: f32,
    },
    /// A stem's (0..3, in `StemKind` order) or the printmaster's (3) limiter.
    OutputLimiter {
        output: u8,
        param: LimiterParam,
        value: f32,
    },
    /// A structural edit: swap in this Plan (with the feeds the butler has
    /// been given for it) at the next block, carrying on from the playhead.
    NewPlan {
        plan: Box<LivePlan>,
    },
    /// Edited automation: swap it in at the next block (the old goes back).
    Automation(Box<Automation>),
    /// A lane being written: play `value` (`None`: the lane again).
    Touch {
        owner: Owner,
        param: Param,
        value: Option<f32>,
    },
}

/// The transport's state, as the UI shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportState {
    Stopped,
    /// Waiting for the butler to fill the track feeds at a new position.
    Locating,
    Rolling,
}

/// What the realtime thread tells the UI.
#[derive(Debug)]
pub enum FromEngine {
    /// Where the playhead is, sent with every round of meters and on every change.
    Transport {
        position: u64,
        state: TransportState,
        looping: bool,
    },
    /// Peak and RMS since the last report, per channel, post-fader.
    Meter {
        id: MeterId,
        channels: u8,
        peak: [f32; METER_CHANNELS],
        rms: [f32; METER_CHANNELS],
    },
    /// Totals since the engine started.
    Counters {
        xruns: u32,
        /// Blocks in which a track feed ran dry and played silence.
        underruns: u32,
        /// Messages dropped because the ring to the UI was full.
        dropped: u32,
        /// Share of the block period spent in process (0..1, smoothed).
        dsp_load: f32,
    },
    /// The audio server's sample rate differs from the session's: output is muted.
    RateMismatch { server: u32, session: u32 },
    /// A Plan the realtime thread let go of; drop it here.
    Retired(Box<LivePlan>),
    /// Automation the realtime thread let go of; drop it here.
    RetiredAutomation(Box<Automation>),
}
