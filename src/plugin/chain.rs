//! The insert chain of one strip: its LV2 slots in order, each one
//! instance (or one per channel for a mono plugin on a wider strip), run
//! after the strip's own processing; and the delay that lines the strip up
//! with the most latent strip of its kind. Built off the realtime thread
//! when a Plan is compiled; run on it without allocating.

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

/// One insert slot compiled.
#[derive(Debug)]
pub struct Slot {
    pub uri: String,
    pub name: String,
    pub state: SlotState,
    instances: Vec<Instance>,
    /// Input controls: port index, minimum, maximum, whole numbers only.
    ranges: Vec<(u32, f32, f32, bool)>,
}

impl Slot {
    /// The latency the plugin reports (0 when it is not run).
    pub fn latency(&self) -> usize {
        match self.state {
            SlotState::Running => self.instances.first().map_or(0, Instance::latency),
            _ => 0,
        }
    }

    /// The value of the control at port index `port`.
    pub fn get(&self, port: u32) -> Option<f32> {
        self.instances.first().and_then(|i| i.get(port))
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
        let mut chain = InsertChain::default();
        let mut problems = Vec::new();
        if inserts.is_empty() {
            return (chain, problems);
        }
        let world = host();
        for (i, insert) in inserts.iter().enumerate() {
            let slot = match &world {
                Ok(world) => build_slot(world, insert, channels, sample_rate, max_block),
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
        for instance in &mut s.instances {
            instance.set(port, v);
        }
    }

    /// Run frames `a..b` of `io` through every running slot, then the
    /// compensation delay. Realtime-safe.
    pub fn process(&mut self, io: &mut [Vec<f32>], a: usize, b: usize) {
        for slot in &mut self.slots {
            if slot.state != SlotState::Running {
                continue;
            }
            if slot.instances.len() == 1 {
                slot.instances[0].run(io, a, b);
            } else {
                for (k, instance) in slot.instances.iter_mut().enumerate() {
                    if let Some(channel) = io.get_mut(k..k + 1) {
                        instance.run(channel, a, b);
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
        instances: Vec::new(),
        ranges: Vec::new(),
    }
}

fn build_slot(
    world: &World,
    insert: &Insert,
    channels: usize,
    sample_rate: u32,
    max_block: usize,
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
    let values: Vec<(u32, f32)> = insert
        .params
        .iter()
        .filter_map(|(symbol, &v)| {
            let p = info
                .port(symbol)
                .filter(|p| p.kind == PortKind::ControlIn)?;
            v.is_finite().then(|| (p.index, v.clamp(p.min, p.max)))
        })
        .collect();
    let mut instances = Vec::with_capacity(count);
    for _ in 0..count {
        match Instance::new(world, info, sample_rate, max_block, &values) {
            Ok(i) => instances.push(i),
            Err(e) => return missing(insert, e),
        }
    }
    Slot {
        uri: insert.uri.clone(),
        name: info.name.clone(),
        state: if insert.bypass {
            SlotState::Bypassed
        } else {
            SlotState::Running
        },
        instances,
        ranges,
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
