//! The Plan: a session compiled for the engine. Every gain is linear, every
//! reference an index, every buffer allocated for the largest block. The
//! process function runs a Plan without allocating; a structural edit
//! compiles a new one.

use std::sync::Arc;

use super::automation::Automation;
use super::output::OutputStage;
use crate::dsp::gain::db_to_gain;
use crate::dsp::pan::{self, Matrix, Position};
use crate::dsp::strip::StripProcessor;
use crate::media::pool::MediaPool;
use crate::model::{
    Clip, FadeShape, Layout, LoopFill, Output, PanLaw, Session, StemKind, Track, TrackFormat,
};
use crate::plugin::{InsertCache, InsertChain};

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

/// A track's strip compiled: its processing, format, fader, pan, mute and
/// solo, and the matrix they make from each track channel to each output.
#[derive(Debug)]
pub struct TrackPlan {
    pub name: String,
    pub format: TrackFormat,
    pub channels: usize,
    pub layout: Layout,
    pub pan_law: PanLaw,
    pub fader_db: f32,
    pub position: Position,
    pub mute: bool,
    pub solo: bool,
    /// Heard under the current mute and solo.
    pub audible: bool,
    pub dest: Dest,
    pub strip: StripProcessor,
    /// LV2 inserts after the strip, with the track's latency compensation.
    pub inserts: InsertChain,
    pub sends: Vec<SendPlan>,
    /// The pan matrix alone, before fader, mute and solo (pre-fader sends use it).
    pub panner: Matrix,
    /// Target gains, track channel by output channel, with fader, mute and solo.
    pub matrix: Matrix,
    /// The gains in effect now; they glide to `matrix` over [`GAIN_RAMP`] samples.
    pub live: Matrix,
    /// Samples left in the glide.
    pub ramp_left: u32,
}

/// A send compiled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SendPlan {
    pub bus: usize,
    pub gain: f32,
    pub pre_fader: bool,
}

/// Samples over which a live fader, pan, mute or solo change glides (10 ms at 48 kHz).
pub const GAIN_RAMP: u32 = 480;

impl TrackPlan {
    /// Whether the track reaches any bus or stem now: audible, gliding
    /// to silence, or feeding a pre-fader send.
    pub fn heard(&self) -> bool {
        self.audible || self.ramp_left > 0 || self.sends.iter().any(|s| s.pre_fader)
    }

    /// Recompute the pan and target matrices after a change of fader, pan,
    /// mute or `audible`.
    pub fn retarget(&mut self) {
        self.panner = pan::matrix(self.layout, self.format, self.pan_law, self.position);
        let g = if self.audible {
            db_to_gain(self.fader_db)
        } else {
            0.0
        };
        self.matrix = self.panner.map(|row| row.map(|x| x * g));
        if self.matrix != self.live {
            self.ramp_left = GAIN_RAMP;
        }
    }
}

/// A bus compiled.
#[derive(Debug)]
pub struct BusPlan {
    pub name: String,
    pub gain: f32,
    pub mute: bool,
    pub solo: bool,
    pub solo_safe: bool,
    /// Heard under the current mute and solo.
    pub audible: bool,
    pub dest: Dest,
    pub strip: StripProcessor,
    /// LV2 inserts after the strip, with the bus's latency compensation.
    pub inserts: InsertChain,
    /// Samples by which the bus's input is late through the tracks' LV2
    /// inserts (its lanes play that much later).
    pub input_delay: usize,
}

/// A session compiled for the engine, with its buffers.
#[derive(Debug)]
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
    /// The stems' and the printmaster's limiters, and their delays.
    pub output: OutputStage,
    /// One past the last sample of the last clip.
    pub end: u64,
    /// The lanes playback follows; swapped whole when they are edited.
    pub automation: Box<Automation>,
    /// Samples every track's strip is late by: its denoiser's frame, or a
    /// delay to match the tracks that have one. Buses, stems and
    /// automation follow the tracks' audio that much later.
    pub strip_latency: usize,
    /// Samples by which every path is late through the LV2 inserts, once
    /// compensated (see [`Plan::compensate_inserts`]).
    pub insert_latency: usize,
    /// Inserts that could not run (missing or refused plugins), one line each.
    pub insert_problems: Vec<String>,
}

/// Samples by which the outputs of `session` are late: its tracks'
/// denoisers' frame and its output limiters' lookahead.
pub fn latency_of(session: &Session) -> usize {
    strip_latency_of(session) + super::output::limiters_latency_of(session)
}

/// Samples by which the tracks of `session` come out of their strips late:
/// a denoiser's frame if any track's denoiser is on.
pub fn strip_latency_of(session: &Session) -> usize {
    if session.tracks.iter().any(|t| t.strip.denoise.on) {
        crate::dsp::denoise::FRAME
    } else {
        0
    }
}

/// A bus's strip as the engine runs it: without a denoiser (it works on
/// tracks, whose latency the plan keeps in step; the desk refuses it on a
/// bus).
fn bus_strip(mut strip: crate::model::strip::Strip) -> crate::model::strip::Strip {
    strip.denoise.on = false;
    strip
}

fn dest(session: &Session, output: &Output) -> Dest {
    match output {
        Output::Bus(name) => session
            .bus_index(name)
            .map_or(Dest::Stem(StemKind::DX.index()), Dest::Bus),
        Output::Stem(kind) => Dest::Stem(kind.index()),
    }
}

/// A track's clips, ready to read, in timeline order.
pub fn compile_playlist(track: &Track, pool: &MediaPool) -> Playlist {
    let mut clips: Vec<ClipPlan> = track
        .clips
        .iter()
        .map(|c| compile_clip(c, track.format, pool))
        .collect();
    clips.sort_by_key(|c| c.position);
    Playlist {
        name: track.name.clone(),
        channels: track.format.channels(),
        clips,
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
        Plan::compile_reusing(session, pool, max_block, None)
    }

    /// The LV2 instances of this Plan, by strip and slot.
    pub fn insert_cache(&self) -> InsertCache {
        let mut cache = InsertCache::default();
        for t in &self.tracks {
            cache.keep(&format!("track:{}", t.name), &t.inserts);
        }
        for b in &self.buses {
            cache.keep(&format!("bus:{}", b.name), &b.inserts);
        }
        cache
    }

    /// As [`Plan::compile`], carrying on with the LV2 instances of
    /// `inserts` (from [`Plan::insert_cache`] of the Plan playing) where a
    /// strip's slot holds the same plugin: its state goes on, and the
    /// session's control values are put in when this Plan first runs.
    /// Only for a Plan that replaces that one on the same thread.
    pub fn compile_reusing(
        session: &Session,
        pool: &MediaPool,
        max_block: usize,
        inserts: Option<&InsertCache>,
    ) -> Plan {
        let channels = session.stems.layout.channels();
        let buffer = || vec![vec![0.0f32; max_block]; channels];
        let playlists: Vec<Playlist> = session
            .tracks
            .iter()
            .map(|t| compile_playlist(t, pool))
            .collect();
        let layout = session.stems.layout;
        let mut problems = Vec::new();
        let cache = inserts;
        let chain = |owner: &str, key: String, inserts, channels, problems: &mut Vec<String>| {
            let (chain, mut found) = InsertChain::build_reusing(
                owner,
                inserts,
                channels,
                session.sample_rate,
                max_block,
                cache.map(|c| (c, key.as_str())),
            );
            problems.append(&mut found);
            chain
        };
        let tracks: Vec<TrackPlan> = session
            .tracks
            .iter()
            .map(|t| TrackPlan {
                name: t.name.clone(),
                format: t.format,
                channels: t.format.channels(),
                layout,
                pan_law: session.stems.pan_law,
                fader_db: t.fader_db,
                position: Position {
                    pan: t.pan,
                    surround: t.surround,
                    divergence: t.divergence,
                    lfe: t.lfe_db.map_or(0.0, db_to_gain),
                },
                mute: t.mute,
                solo: false,
                audible: true,
                dest: dest(session, &t.output),
                strip: StripProcessor::new(t.strip, session.sample_rate),
                inserts: chain(
                    &t.name,
                    format!("track:{}", t.name),
                    &t.inserts,
                    t.format.channels(),
                    &mut problems,
                ),
                sends: t
                    .sends
                    .iter()
                    .filter_map(|send| {
                        Some(SendPlan {
                            bus: session.bus_index(&send.bus)?,
                            gain: db_to_gain(send.level_db),
                            pre_fader: send.pre_fader,
                        })
                    })
                    .collect(),
                panner: [[0.0; pan::MAX_OUT]; 2],
                matrix: [[0.0; pan::MAX_OUT]; 2],
                live: [[0.0; pan::MAX_OUT]; 2],
                ramp_left: 0,
            })
            .collect();
        let buses: Vec<BusPlan> = session
            .buses
            .iter()
            .map(|b| BusPlan {
                name: b.name.clone(),
                gain: db_to_gain(b.fader_db),
                mute: b.mute,
                solo: false,
                solo_safe: b.solo_safe,
                audible: true,
                dest: dest(session, &b.output),
                strip: StripProcessor::new(bus_strip(b.strip), session.sample_rate),
                inserts: chain(
                    &b.name,
                    format!("bus:{}", b.name),
                    &b.inserts,
                    channels,
                    &mut problems,
                ),
                input_delay: 0,
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
        let mut plan = Plan {
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
            output: OutputStage::new(
                StemKind::ALL.map(|k| session.stems.strip(k).limiter),
                session.printmaster.limiter,
                channels,
                session.sample_rate,
                max_block,
            ),
            end: session.end(),
            automation: Box::new(Automation::compile(session)),
            insert_latency: 0,
            insert_problems: problems,
            strip_latency: 0,
        };
        // Every track as late as the latest: the rest of the mix in step.
        let latest = plan.tracks.iter().map(|t| t.strip.latency()).max();
        plan.strip_latency = latest.unwrap_or(0);
        for t in plan.tracks.iter_mut() {
            let own = t.strip.own_latency();
            t.strip.compensate(plan.strip_latency - own);
        }
        plan.compensate_inserts();
        plan.update_solo();
        for t in plan.tracks.iter_mut() {
            t.live = t.matrix;
            t.ramp_left = 0;
        }
        plan
    }

    /// Buses between `dest` and a stem.
    fn depth(&self, mut dest: Dest) -> usize {
        let mut d = 0;
        while let Dest::Bus(b) = dest {
            d += 1;
            dest = self.buses[b].dest;
            if d > self.buses.len() {
                break;
            }
        }
        d
    }

    /// Line every path up through the LV2 inserts' latency (the simplest
    /// correct scheme, until per-path compensation joins it): every track
    /// is padded to the most latent track's inserts `T`, every bus to the
    /// most latent bus's `B`, and a track whose output passes fewer buses
    /// than the deepest by `B` for each bus it skips. Every track output
    /// then reaches the stems `T + depth * B` late. A send to a bus at a
    /// different depth than the track's output is off by `B` per bus of
    /// difference (only when a bus has a latent insert).
    pub fn compensate_inserts(&mut self) {
        let t_max = self
            .tracks
            .iter()
            .map(|t| t.inserts.latency())
            .max()
            .unwrap_or(0);
        let b_max = self
            .buses
            .iter()
            .map(|b| b.inserts.latency())
            .max()
            .unwrap_or(0);
        let depths: Vec<usize> = self.tracks.iter().map(|t| self.depth(t.dest)).collect();
        let deepest = if b_max > 0 {
            depths.iter().copied().max().unwrap_or(0)
        } else {
            0
        };
        for (t, depth) in self.tracks.iter_mut().zip(depths) {
            let own = t.inserts.latency();
            let skip = deepest.saturating_sub(depth) * b_max;
            t.inserts.set_compensation(t_max - own + skip, t.channels);
        }
        let channels = self.channels;
        let bus_depths: Vec<usize> = (0..self.buses.len())
            .map(|b| self.depth(Dest::Bus(b)))
            .collect();
        for (b, depth) in self.buses.iter_mut().zip(bus_depths) {
            let own = b.inserts.latency();
            b.inserts.set_compensation(b_max - own, channels);
            // What reaches the bus is its tracks' audio after their inserts
            // and padding (a track feeding a bus `depth` deep was padded for
            // the buses it skips), so its lanes play that much later.
            b.input_delay = t_max + deepest.saturating_sub(depth) * b_max;
        }
        self.insert_latency = t_max + deepest * b_max;
    }

    /// Samples by which the outputs are late: the strips' latency, the LV2
    /// inserts' (compensated) latency and the output limiters' lookahead.
    pub fn latency(&self) -> usize {
        self.strip_latency + self.insert_latency + self.output.latency()
    }

    /// Forget what the strips' and the inserts' compensating delays and the
    /// output limiters hold (after a jump): what comes out next starts from
    /// silence.
    pub fn clear_delays(&mut self) {
        self.output.reset();
        for t in self.tracks.iter_mut() {
            t.strip.clear_latency();
            t.inserts.clear_compensation();
        }
        for b in self.buses.iter_mut() {
            b.inserts.clear_compensation();
        }
    }

    /// True when the bus chain from `dest` on passes through bus `bus`.
    fn routes_through(&self, mut dest: Dest, bus: usize) -> bool {
        for _ in 0..=self.buses.len() {
            match dest {
                Dest::Bus(b) if b == bus => return true,
                Dest::Bus(b) => dest = self.buses[b].dest,
                Dest::Stem(_) => return false,
            }
        }
        false
    }

    /// Work out who is heard under the current mutes and solos (solo in
    /// place): when anything is soloed, a track is heard if it is soloed or
    /// feeds a soloed bus; a bus if it is soloed, solo-safe, fed by a soloed
    /// track (through its output or a send), or downstream of a soloed bus. Then retarget every track.
    /// Allocation-free: the realtime thread calls this on a solo change.
    pub fn update_solo(&mut self) {
        let soloing = self.tracks.iter().any(|t| t.solo) || self.buses.iter().any(|b| b.solo);
        for b in 0..self.buses.len() {
            let bus = &self.buses[b];
            let heard = !soloing
                || bus.solo
                || bus.solo_safe
                || self.tracks.iter().any(|t| {
                    t.solo
                        && (self.routes_through(t.dest, b)
                            || t.sends
                                .iter()
                                .any(|s| self.routes_through(Dest::Bus(s.bus), b)))
                })
                || (0..self.buses.len()).any(|s| {
                    s != b && self.buses[s].solo && self.routes_through(self.buses[s].dest, b)
                });
            self.buses[b].audible = !self.buses[b].mute && heard;
        }
        for t in 0..self.tracks.len() {
            let track = &self.tracks[t];
            let heard = !soloing
                || track.solo
                || (0..self.buses.len())
                    .any(|b| self.buses[b].solo && self.routes_through(track.dest, b));
            self.tracks[t].audible = !self.tracks[t].mute && heard;
            self.tracks[t].retarget();
        }
    }
}
