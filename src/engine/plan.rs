//! The Plan: a session compiled for the engine. Every gain is linear, every
//! reference an index, every buffer allocated for the largest block. The
//! process function runs a Plan without allocating; a structural edit
//! compiles a new one.

use std::sync::Arc;

use crate::dsp::{gain::db_to_gain, pan};
use crate::media::pool::MediaPool;
use crate::model::{Clip, FadeShape, LoopFill, Output, Session, StemKind, TrackFormat};

/// Where a track or bus sends its signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dest {
    Bus(usize),
    Stem(usize),
}

/// A fade compiled: its length and curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FadePlan {
    pub length: u64,
    pub shape: FadeShape,
}

/// A dip compiled: linear gain over `start..end`, ramps outside it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DipPlan {
    pub start: u64,
    pub end: u64,
    pub gain: f32,
    pub ramp: u64,
}

/// A clip compiled for reading.
#[derive(Debug, Clone, PartialEq)]
pub struct ClipPlan {
    /// Index of the source in the media pool; `None` when offline.
    pub source: Option<usize>,
    /// Source channel read for each track channel.
    pub channels: [usize; 2],
    pub source_offset: u64,
    pub position: u64,
    pub length: u64,
    pub gain: f32,
    pub fade_in: FadePlan,
    pub fade_out: FadePlan,
    pub dips: Vec<DipPlan>,
    pub looped: Option<LoopFill>,
}

impl ClipPlan {
    pub fn end(&self) -> u64 {
        self.position + self.length
    }
}

/// What the butler reads for one track: its clips in timeline order.
#[derive(Debug, Clone)]
pub struct Playlist {
    pub name: String,
    pub channels: usize,
    pub clips: Vec<ClipPlan>,
}

/// A track's strip compiled: format, fader, pan, mute and solo, and the
/// matrix they make from each track channel to each output channel.
#[derive(Debug, Clone)]
pub struct TrackPlan {
    pub name: String,
    pub format: TrackFormat,
    pub channels: usize,
    pub fader_db: f32,
    pub pan: f32,
    pub mute: bool,
    pub solo: bool,
    pub dest: Dest,
    /// Target gains, track channel by output channel, with mute and solo applied.
    pub matrix: [[f32; 2]; 2],
    /// The gains in effect now; they glide to `matrix` over [`GAIN_RAMP`] samples.
    pub live: [[f32; 2]; 2],
    /// Samples left in the glide.
    pub ramp_left: u32,
}

/// Samples over which a live fader, pan, mute or solo change glides (10 ms at 48 kHz).
pub const GAIN_RAMP: u32 = 480;

impl TrackPlan {
    /// Recompute the target matrix after a change; `soloing` says whether any track is soloed.
    pub fn retarget(&mut self, soloing: bool) {
        let audible = !self.mute && (self.solo || !soloing);
        self.matrix = if audible {
            track_matrix(self.format, self.fader_db, self.pan)
        } else {
            [[0.0; 2]; 2]
        };
        if self.matrix != self.live {
            self.ramp_left = GAIN_RAMP;
        }
    }
}

/// A bus compiled.
#[derive(Debug, Clone)]
pub struct BusPlan {
    pub name: String,
    pub gain: f32,
    pub mute: bool,
    pub dest: Dest,
}

/// A session compiled for the engine, with its buffers.
#[derive(Debug, Clone)]
pub struct Plan {
    pub sample_rate: u32,
    pub max_block: usize,
    /// Channels of every bus, stem and the printmaster.
    pub channels: usize,
    pub tracks: Vec<TrackPlan>,
    /// Buses in processing order: every bus comes before the bus it feeds.
    pub buses: Vec<BusPlan>,
    pub bus_order: Vec<usize>,
    /// Linear gain of each stem (0 when muted), in [`StemKind`] order.
    pub stem_gains: [f32; 3],
    pub printmaster_gain: f32,
    /// What the butler reads; shared with it, never dropped on the realtime thread.
    pub playlists: Arc<Vec<Playlist>>,
    /// One buffer per track channel, filled before each process call.
    pub track_inputs: Vec<Vec<Vec<f32>>>,
    pub bus_buffers: Vec<Vec<Vec<f32>>>,
    /// DX, MX, FX after their faders.
    pub stem_buffers: [Vec<Vec<f32>>; 3],
    /// Music and effects: MX + FX.
    pub me_buffer: Vec<Vec<f32>>,
    pub printmaster_buffer: Vec<Vec<f32>>,
    /// One past the last sample of the last clip.
    pub end: u64,
}

fn dest(session: &Session, output: &Output) -> Dest {
    match output {
        Output::Bus(name) => session
            .bus_index(name)
            .map_or(Dest::Stem(StemKind::DX.index()), Dest::Bus),
        Output::Stem(kind) => Dest::Stem(kind.index()),
    }
}

fn compile_clip(clip: &Clip, format: TrackFormat, pool: &MediaPool) -> ClipPlan {
    let source = pool
        .index(&clip.source)
        .filter(|&i| pool.prepared(i).is_some());
    let source_channels = source
        .and_then(|i| pool.prepared(i))
        .map_or(1, |p| p.info.channels);
    let first = (clip.channel as usize).min(source_channels - 1);
    let second = match format {
        TrackFormat::Mono => first,
        TrackFormat::Stereo => (first + 1).min(source_channels - 1),
    };
    ClipPlan {
        source: if clip.mute { None } else { source },
        channels: [first, second],
        source_offset: clip.source_offset,
        position: clip.position,
        length: clip.length,
        gain: db_to_gain(clip.gain_db),
        fade_in: FadePlan {
            length: clip.fade_in.length.min(clip.length),
            shape: clip.fade_in.shape,
        },
        fade_out: FadePlan {
            length: clip.fade_out.length.min(clip.length),
            shape: clip.fade_out.shape,
        },
        dips: clip
            .dips
            .iter()
            .map(|d| DipPlan {
                start: d.start,
                end: d.end,
                gain: db_to_gain(d.depth_db),
                ramp: d.ramp,
            })
            .collect(),
        looped: clip
            .looped
            .filter(|l| l.length > 0 && l.crossfade * 2 < l.length),
    }
}

/// The gains from a track's channels to the stereo outputs.
pub fn track_matrix(format: TrackFormat, fader_db: f32, pan_position: f32) -> [[f32; 2]; 2] {
    let g = db_to_gain(fader_db);
    match format {
        TrackFormat::Mono => {
            let [l, r] = pan::mono_to_stereo(pan_position);
            [[g * l, g * r], [0.0, 0.0]]
        }
        TrackFormat::Stereo => {
            let [l, r] = pan::stereo_balance(pan_position);
            [[g * l, 0.0], [0.0, g * r]]
        }
    }
}

/// Buses ordered so that each comes before the bus it feeds.
fn bus_order(buses: &[BusPlan]) -> Vec<usize> {
    let depth = |mut i: usize| {
        let mut d = 0;
        while let Dest::Bus(next) = buses[i].dest {
            d += 1;
            i = next;
            if d > buses.len() {
                break; // a loop; validation refuses these
            }
        }
        d
    };
    let mut order: Vec<usize> = (0..buses.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(depth(i)));
    order
}

impl Plan {
    /// Compile `session` for blocks of at most `max_block` frames.
    pub fn compile(session: &Session, pool: &MediaPool, max_block: usize) -> Plan {
        let channels = session.stems.layout.channels();
        let buffer = || vec![vec![0.0f32; max_block]; channels];
        let playlists: Vec<Playlist> = session
            .tracks
            .iter()
            .map(|t| {
                let mut clips: Vec<ClipPlan> = t
                    .clips
                    .iter()
                    .map(|c| compile_clip(c, t.format, pool))
                    .collect();
                clips.sort_by_key(|c| c.position);
                Playlist {
                    name: t.name.clone(),
                    channels: t.format.channels(),
                    clips,
                }
            })
            .collect();
        let tracks: Vec<TrackPlan> = session
            .tracks
            .iter()
            .map(|t| {
                let mut track = TrackPlan {
                    name: t.name.clone(),
                    format: t.format,
                    channels: t.format.channels(),
                    fader_db: t.fader_db,
                    pan: t.pan,
                    mute: t.mute,
                    solo: false,
                    dest: dest(session, &t.output),
                    matrix: [[0.0; 2]; 2],
                    live: [[0.0; 2]; 2],
                    ramp_left: 0,
                };
                track.retarget(false);
                track.live = track.matrix;
                track.ramp_left = 0;
                track
            })
            .collect();
        let buses: Vec<BusPlan> = session
            .buses
            .iter()
            .map(|b| BusPlan {
                name: b.name.clone(),
                gain: db_to_gain(b.fader_db),
                mute: b.mute,
                dest: dest(session, &b.output),
            })
            .collect();
        let stem_gains = StemKind::ALL.map(|k| {
            let strip = session.stems.strip(k);
            if strip.mute {
                0.0
            } else {
                db_to_gain(strip.fader_db)
            }
        });
        Plan {
            sample_rate: session.sample_rate,
            max_block,
            channels,
            track_inputs: tracks
                .iter()
                .map(|t| vec![vec![0.0; max_block]; t.channels])
                .collect(),
            bus_order: bus_order(&buses),
            bus_buffers: buses.iter().map(|_| buffer()).collect(),
            tracks,
            buses,
            stem_gains,
            printmaster_gain: db_to_gain(session.printmaster.fader_db),
            stem_buffers: [buffer(), buffer(), buffer()],
            playlists: Arc::new(playlists),
            me_buffer: buffer(),
            printmaster_buffer: buffer(),
            end: session.end(),
        }
    }
}
