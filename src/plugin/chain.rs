//! The insert chain of one strip: its LV2 slots in order, each one
//! instance (or one per channel for a mono plugin on a wider strip), run
//! after the strip's own processing; and the delay that lines the strip up
//! with the most latent strip of its kind. Built off the realtime thread
//! when a Plan is compiled; run on it without allocating.

use std::cell::UnsafeCell;
use std::collections::HashMap;
use std::sync::Arc;

use super::instance::Instance;
use super::lib::INSTALL_HINT;
use super::world::{host, PortKind, World};
use crate::dsp::delay::Delay;
use crate::model::insert::Insert;

/// What became of a slot when its chain was built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlotState {
    Running,
    /// Bypassed in the session.
    Bypassed,
    /// Not run: the plugin is missing or cannot be hosted (the reason).
    Missing(String),
}

/// An instance that a Plan and the Plan compiled after it may both hold,
/// so that a structural edit elsewhere does not start it afresh.
///
/// Only the Plan the audio thread plays runs it, and it plays one Plan at
/// a time: a new Plan is compiled beside the live one but only runs once
/// the audio thread has swapped it in, and the old one never runs again.
/// So at most one thread touches the instance at any time, and only that
/// thread's process call reaches inside the cell.
pub struct Shared {
    instance: UnsafeCell<Instance>,
    /// What the plugin reported after activation (read on compiling
    /// threads, which must not look inside while it may be running).
    latency: usize,
}

// SAFETY: see the type's documentation: one runner at a time.
unsafe impl Sync for Shared {}
unsafe impl Send for Shared {}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Shared {{ latency: {} }}", self.latency)
    }
}

impl Shared {
    fn new(instance: Instance) -> Arc<Shared> {
        let latency = instance.latency();
        Arc::new(Shared {
            instance: UnsafeCell::new(instance),
            latency,
        })
    }

    /// # Safety
    /// Called only from the process call of the Plan being played (or of a
    /// Plan no other thread can reach: a bounce's, a test's).
    #[allow(clippy::mut_from_ref)]
    unsafe fn get(&self) -> &mut Instance {
        &mut *self.instance.get()
    }
}

/// The instances of the Plan last compiled for playback, by strip, slot
/// and plugin, for the next compile to carry on with.
#[derive(Debug, Default)]
pub struct InsertCache {
    map: HashMap<(String, usize, String, usize), Vec<Arc<Shared>>>,
}

impl InsertCache {
    /// Remember the instances of `chain` on the strip `key` (`track:Anna`).
    pub fn keep(&mut self, key: &str, chain: &InsertChain) {
        for (k, slot) in chain.slots.iter().enumerate() {
            if !slot.instances.is_empty() {
                let id = (key.to_string(), k, slot.uri.clone(), slot.channels);
                // Two strips of one name: neither is carried on (an
                // instance must belong to one slot only).
                let clash = self.map.contains_key(&id);
                let kept = if clash {
                    Vec::new()
                } else {
                    slot.instances.clone()
                };
                self.map.insert(id, kept);
            }
        }
    }

    fn take(&self, key: &str, slot: usize, uri: &str, channels: usize) -> Option<Vec<Arc<Shared>>> {
        self.map
            .get(&(key.to_string(), slot, uri.to_string(), channels))
            .filter(|v| !v.is_empty())
            .cloned()
    }
}

/// One insert slot compiled.
#[derive(Debug)]
pub struct Slot {
    pub uri: String,
    pub name: String,
    pub state: SlotState,
    /// Whether its instances carried on from the Plan before.
    pub reused: bool,
    channels: usize,
    instances: Vec<Arc<Shared>>,
    /// Input controls: port index, minimum, maximum, whole numbers only.
    ranges: Vec<(u32, f32, f32, bool)>,
    /// The session's control values, put into the instances on their first
    /// run in this Plan (a reused instance holds the last Plan's).
    init: Vec<(u32, f32)>,
    applied: bool,
}

impl Slot {
    /// The latency the plugin reports (0 when it is not run).
    pub fn latency(&self) -> usize {
        match self.state {
            SlotState::Running => self.instances.first().map_or(0, |i| i.latency),
            _ => 0,
        }
    }

    /// Put the session's values in (once per Plan, on the thread that runs it).
    fn apply(&mut self) {
        if self.applied {
            return;
        }
        self.applied = true;
        for shared in &self.instances {
            // SAFETY: called from process/set, on the running thread.
            let instance = unsafe { shared.get() };
            for &(port, v) in &self.init {
                instance.set(port, v);
            }
        }
    }
}

/// A strip's inserts, compiled.
#[derive(Debug, Default)]
pub struct InsertChain {
    slots: Vec<Slot>,
    /// Compensation: one delay per channel (empty when none is needed).
    pad: Vec<Delay>,
    pad_len: usize,
}

impl InsertChain {
    /// Build the chain for `inserts` on a strip called `owner` of
    /// `channels` channels. Every insert gets a slot; one that cannot run
    /// is kept, not run, and said in the returned problems.
    pub fn build(
        owner: &str,
        inserts: &[Insert],
        channels: usize,
        sample_rate: u32,
        max_block: usize,
    ) -> (InsertChain, Vec<String>) {
        InsertChain::build_reusing(owner, inserts, channels, sample_rate, max_block, None)
    }

    /// As [`InsertChain::build`], carrying on with the instances `cache`
    /// holds for the strip `(key, slot, plugin)` where it has them.
    pub fn build_reusing(
        owner: &str,
        inserts: &[Insert],
        channels: usize,
        sample_rate: u32,
        max_block: usize,
        cache: Option<(&InsertCache, &str)>,
    ) -> (InsertChain, Vec<String>) {
        let mut chain = InsertChain::default();
        let mut problems = Vec::new();
        if inserts.is_empty() {
            return (chain, problems);
        }
        let world = host();
        for (i, insert) in inserts.iter().enumerate() {
            let slot = match &world {
                Ok(world) => {
                    let reuse = cache.and_then(|(c, key)| c.take(key, i, &insert.uri, channels));
                    build_slot(world, insert, channels, sample_rate, max_block, reuse)
                }
                Err(e) => missing(insert, e.clone()),
            };
            if let SlotState::Missing(why) = &slot.state {
                problems.push(format!("{owner}: insert {} bypassed: {why}", i + 1));
            }
            chain.slots.push(slot);
        }
        (chain, problems)
    }

    pub fn slots(&self) -> &[Slot] {
        &self.slots
    }

    /// True when nothing runs and nothing is delayed.
    pub fn is_idle(&self) -> bool {
        self.pad_len == 0 && self.slots.iter().all(|s| s.state != SlotState::Running)
    }

    /// Samples by which the inserts delay the strip: the sum of what the
    /// running plugins report after activation. (Compensation is not
    /// counted: see [`InsertChain::set_compensation`].)
    pub fn latency(&self) -> usize {
        self.slots.iter().map(Slot::latency).sum()
    }

    /// Delay the strip by `samples` more after its inserts, on each of
    /// `channels` channels (to line it up with more latent strips).
    pub fn set_compensation(&mut self, samples: usize, channels: usize) {
        self.pad_len = samples;
        self.pad = if samples == 0 {
            Vec::new()
        } else {
            (0..channels).map(|_| Delay::new(samples)).collect()
        };
    }

    /// Forget what the compensation delay holds (after a jump).
    pub fn clear_compensation(&mut self) {
        for d in &mut self.pad {
            d.clear();
        }
    }

    /// The compensation delay, samples.
    pub fn compensation(&self) -> usize {
        self.pad_len
    }

    /// Set control `port` of slot `slot`, clamped to the port's range.
    /// Realtime-safe.
    pub fn set(&mut self, slot: usize, port: u32, value: f32) {
        let Some(s) = self.slots.get_mut(slot) else {
            return;
        };
        let Some(&(_, min, max, integer)) = s.ranges.iter().find(|r| r.0 == port) else {
            return;
        };
        if value.is_nan() {
            return;
        }
        let v = value.clamp(min, max);
        let v = if integer { v.round() } else { v };
        s.apply();
        for shared in &s.instances {
            // SAFETY: set is called on the thread running this chain.
            unsafe { shared.get() }.set(port, v);
        }
    }

    /// Run frames `a..b` of `io` through every running slot, then the
    /// compensation delay. Realtime-safe.
    pub fn process(&mut self, io: &mut [Vec<f32>], a: usize, b: usize) {
        for slot in &mut self.slots {
            if slot.state != SlotState::Running {
                continue;
            }
            slot.apply();
            if slot.instances.len() == 1 {
                // SAFETY: process runs on the one thread running this chain.
                unsafe { slot.instances[0].get() }.run(io, a, b);
            } else {
                for (k, shared) in slot.instances.iter().enumerate() {
                    if let Some(channel) = io.get_mut(k..k + 1) {
                        // SAFETY: as above.
                        unsafe { shared.get() }.run(channel, a, b);
                    }
                }
            }
        }
        for (delay, channel) in self.pad.iter_mut().zip(io.iter_mut()) {
            if let Some(x) = channel.get_mut(a..b) {
                delay.process(x);
            }
        }
    }
}

fn missing(insert: &Insert, why: String) -> Slot {
    Slot {
        uri: insert.uri.clone(),
        name: insert.uri.clone(),
        state: SlotState::Missing(why),
        reused: false,
        channels: 0,
        instances: Vec::new(),
        ranges: Vec::new(),
        init: Vec::new(),
        applied: true,
    }
}

fn build_slot(
    world: &World,
    insert: &Insert,
    channels: usize,
    sample_rate: u32,
    max_block: usize,
    reuse: Option<Vec<Arc<Shared>>>,
) -> Slot {
    let Some(info) = world.get(&insert.uri) else {
        return missing(
            insert,
            format!("plugin <{}> is not installed (LV2_PATH)", insert.uri),
        );
    };
    let count = match info.fit(channels) {
        Ok(n) => n,
        Err(e) => return missing(insert, e),
    };
    let ranges: Vec<(u32, f32, f32, bool)> = info
        .ports
        .iter()
        .filter(|p| p.kind == PortKind::ControlIn)
        .map(|p| (p.index, p.min, p.max, p.integer || p.toggled))
        .collect();
    // Every input control, the session's value or the default: a reused
    // instance may hold a value since undone.
    let values: Vec<(u32, f32)> = info
        .controls()
        .map(|p| {
            let v = insert
                .params
                .get(&p.symbol)
                .copied()
                .filter(|v| v.is_finite());
            (p.index, v.map_or(p.default, |v| v.clamp(p.min, p.max)))
        })
        .collect();
    let reuse = reuse.filter(|r| r.len() == count);
    let reused = reuse.is_some();
    let instances = match reuse {
        Some(shared) => shared,
        None => {
            let mut instances = Vec::with_capacity(count);
            for _ in 0..count {
                match Instance::new(world, info, sample_rate, max_block, &values) {
                    Ok(i) => instances.push(Shared::new(i)),
                    Err(e) => return missing(insert, e),
                }
            }
            instances
        }
    };
    Slot {
        uri: insert.uri.clone(),
        name: info.name.clone(),
        state: if insert.bypass {
            SlotState::Bypassed
        } else {
            SlotState::Running
        },
        reused,
        channels,
        instances,
        ranges,
        init: values,
        applied: !reused,
    }
}

/// Problems hosting `inserts` on a strip called `owner` of `channels`
/// channels, without instantiating anything (for `check` and loading).
pub fn problems(owner: &str, inserts: &[Insert], channels: usize) -> Vec<String> {
    if inserts.is_empty() {
        return Vec::new();
    }
    let world = match host() {
        Ok(w) => w,
        Err(e) => {
            return vec![format!(
                "{owner}: {} insert(s) bypassed: {e}",
                inserts.len()
            )]
        }
    };
    inserts
        .iter()
        .enumerate()
        .filter_map(|(i, insert)| {
            let why = match world.get(&insert.uri) {
                None => format!("plugin <{}> is not installed (LV2_PATH)", insert.uri),
                Some(info) => info.fit(channels).err()?,
            };
            Some(format!("{owner}: insert {} bypassed: {why}", i + 1))
        })
        .collect()
}

/// Whether LV2 hosting is available here (liblilv loads), or what to install.
pub fn available() -> Result<(), String> {
    super::lib::lilv()
        .map(|_| ())
        .map_err(|_| INSTALL_HINT.to_string())
}

/// Problems hosting the inserts of every track and bus of `session`, one
/// line each (`Anna: insert 1 bypassed: plugin <...> is not installed`).
pub fn session_problems(session: &crate::model::Session) -> Vec<String> {
    let bus_channels = session.stems.layout.channels();
    let tracks = session
        .tracks
        .iter()
        .flat_map(|t| problems(&t.name, &t.inserts, t.format.channels()));
    let buses = session
        .buses
        .iter()
        .flat_map(|b| problems(&b.name, &b.inserts, bus_channels));
    tracks.chain(buses).collect()
}
