//! One running LV2 plugin: instantiated and activated off the realtime
//! thread with the host's features, every port connected (controls to a
//! value array the instance owns, atom ports to valid empty sequences,
//! audio outputs to buffers of its own, side-chains to silence), then run
//! block by block without allocating.

use std::ffi::c_void;

use super::features::{self, Features};
use super::lib::{Lilv, LilvInstance};
use super::world::{PluginInfo, PortKind, World};

/// Bytes given to an atom port when the plugin asks for less.
const ATOM_BYTES: usize = 8192;

/// An atom port's buffer (8-byte aligned, as atoms are).
struct AtomBuffer {
    port: u32,
    input: bool,
    data: Box<[u64]>,
}

impl AtomBuffer {
    /// Input: an empty sequence. Output: a chunk of the whole capacity
    /// for the plugin to write into (atom.h: the host sets the size).
    fn reset(&mut self, sequence: u32, chunk: u32) {
        let bytes = (self.data.len() * 8) as u32;
        let (size, kind) = if self.input {
            (8, sequence) // just the sequence body: unit, pad
        } else {
            (bytes - 8, chunk)
        };
        self.data[0] = u64::from(size) | (u64::from(kind) << 32);
        if self.input {
            self.data[1] = 0;
        }
    }
}

/// A plugin instance with its buffers.
pub struct Instance {
    lilv: &'static Lilv,
    raw: *mut LilvInstance,
    _features: Features,
    /// Every port's control value, by port index (audio and atom ports
    /// leave theirs unused).
    controls: Box<[f32]>,
    atoms: Vec<AtomBuffer>,
    audio_in: Vec<u32>,
    audio_out: Vec<u32>,
    sidechain: Vec<u32>,
    /// The plugin writes its outputs here (never in place).
    out: Vec<Vec<f32>>,
    silence: Vec<f32>,
    latency_port: Option<u32>,
    max_block: usize,
    sequence: u32,
    chunk: u32,
    active: bool,
}

// SAFETY: an instance is used by one thread at a time: built on the UI or
// bounce thread, then moved (inside a Plan) to the thread that runs it.
// LV2 allows that: instantiation and running are in different threading
// classes, never at once.
unsafe impl Send for Instance {}

impl std::fmt::Debug for Instance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Instance")
            .field("audio_in", &self.audio_in)
            .field("audio_out", &self.audio_out)
            .field("latency", &self.latency())
            .finish()
    }
}

impl Instance {
    /// Instantiate and activate `info` from `world` at `sample_rate` for
    /// blocks of up to `max_block` frames, its controls at `values` (by
    /// port index; defaults elsewhere). Not for the realtime thread.
    pub fn new(
        world: &World,
        info: &PluginInfo,
        sample_rate: u32,
        max_block: usize,
        values: &[(u32, f32)],
    ) -> Result<Instance, String> {
        let who = format!("plugin {} <{}>", info.name, info.uri);
        let plugin = world
            .lilv_plugin(&info.uri)
            .ok_or_else(|| format!("{who} is not installed"))?;
        super::elf::check(std::path::Path::new(&info.library))
            .map_err(|e| format!("{who}: {e}"))?;
        let lilv = world.lilv();
        let features = Features::new(sample_rate, max_block);
        // SAFETY: plugin belongs to the (locked) world; the feature array
        // is NULL-terminated and outlives the instance.
        let raw =
            unsafe { (lilv.plugin_instantiate)(plugin, f64::from(sample_rate), features.as_ptr()) };
        if raw.is_null() {
            return Err(format!(
                "{who} failed to instantiate (library {}; bundle {})",
                info.library, info.bundle
            ));
        }
        let ports = info.ports.iter().map(|p| p.index + 1).max().unwrap_or(0) as usize;
        let mut controls = vec![0.0f32; ports].into_boxed_slice();
        let mut atoms = Vec::new();
        let (mut audio_in, mut audio_out, mut sidechain) = (Vec::new(), Vec::new(), Vec::new());
        for p in &info.ports {
            match p.kind {
                PortKind::ControlIn | PortKind::ControlOut => {
                    controls[p.index as usize] = p.default;
                }
                PortKind::AtomIn | PortKind::AtomOut => {
                    let bytes = p.minimum_size.max(ATOM_BYTES);
                    atoms.push(AtomBuffer {
                        port: p.index,
                        input: p.kind == PortKind::AtomIn,
                        data: vec![0u64; bytes.div_ceil(8)].into_boxed_slice(),
                    });
                }
                PortKind::AudioIn => audio_in.push(p.index),
                PortKind::AudioOut => audio_out.push(p.index),
                PortKind::SideChainIn => sidechain.push(p.index),
                PortKind::Other | PortKind::Unused => {}
            }
        }
        for &(port, value) in values {
            if let Some(c) = controls.get_mut(port as usize) {
                *c = value;
            }
        }
        let mut instance = Instance {
            lilv,
            raw,
            _features: features,
            controls,
            atoms,
            out: audio_out.iter().map(|_| vec![0.0; max_block]).collect(),
            audio_in,
            audio_out,
            sidechain,
            silence: vec![0.0; max_block],
            latency_port: info.latency_port,
            max_block,
            sequence: features::map(features::ATOM_SEQUENCE),
            chunk: features::map(features::ATOM_CHUNK),
            active: false,
        };
        for p in &info.ports {
            if matches!(p.kind, PortKind::ControlIn | PortKind::ControlOut) {
                let at: *mut f32 = &mut instance.controls[p.index as usize];
                instance.connect(p.index, at.cast());
            }
        }
        for i in 0..instance.atoms.len() {
            let (port, at) = (
                instance.atoms[i].port,
                instance.atoms[i].data.as_mut_ptr().cast::<c_void>(),
            );
            instance.connect(port, at);
        }
        for i in 0..instance.sidechain.len() {
            let (port, at) = (instance.sidechain[i], instance.silence.as_mut_ptr());
            instance.connect(port, at.cast());
        }
        // SAFETY: every port is connected (audio ports just below, before run).
        unsafe {
            if let Some(activate) = (*(*raw).descriptor).activate {
                activate((*raw).handle);
            }
        }
        instance.active = true;
        // Short runs of silence until the latency output holds still (some
        // plugins, nodelay among them, report a new setting a run late).
        let mut prime = vec![vec![0.0f32; max_block.min(64)]; instance.audio_in.len()];
        let n = prime.first().map_or(0, Vec::len);
        let mut last = usize::MAX;
        for _ in 0..8 {
            instance.run(&mut prime, 0, n);
            let now = instance.latency();
            if now == last {
                break;
            }
            last = now;
        }
        Ok(instance)
    }

    fn connect(&mut self, port: u32, at: *mut c_void) {
        // SAFETY: raw is live; at points into a buffer this instance owns
        // (or the caller's block for the duration of a run).
        unsafe {
            if let Some(connect) = (*(*self.raw).descriptor).connect_port {
                connect((*self.raw).handle, port, at);
            }
        }
    }

    /// Audio inputs (= outputs) the plugin has.
    pub fn channels(&self) -> usize {
        self.audio_in.len()
    }

    /// Samples of latency the plugin reports now (0 if it reports none).
    pub fn latency(&self) -> usize {
        self.latency_port
            .and_then(|p| self.controls.get(p as usize))
            .filter(|v| v.is_finite() && **v > 0.0)
            .map_or(0, |v| v.round() as usize)
    }

    /// Set the control at port index `port`. Realtime-safe.
    pub fn set(&mut self, port: u32, value: f32) {
        if let Some(c) = self.controls.get_mut(port as usize) {
            *c = value;
        }
    }

    /// The control at port index `port`.
    pub fn get(&self, port: u32) -> Option<f32> {
        self.controls.get(port as usize).copied()
    }

    /// Run frames `a..b` of `io` (one buffer per plugin channel) through
    /// the plugin, in place. Realtime-safe: connects, runs, copies.
    pub fn run(&mut self, io: &mut [Vec<f32>], a: usize, b: usize) {
        let b = b.min(a + self.max_block);
        if b <= a || io.len() < self.audio_in.len() || io.iter().any(|c| c.len() < b) {
            return;
        }
        let n = b - a;
        let (sequence, chunk) = (self.sequence, self.chunk);
        for atom in &mut self.atoms {
            atom.reset(sequence, chunk);
        }
        for (k, channel) in io.iter_mut().enumerate().take(self.audio_in.len()) {
            let port = self.audio_in[k];
            let at = channel[a..].as_mut_ptr();
            self.connect(port, at.cast());
        }
        for k in 0..self.audio_out.len() {
            let port = self.audio_out[k];
            let at = self.out[k].as_mut_ptr();
            self.connect(port, at.cast());
        }
        // SAFETY: every port is connected to a buffer of at least n frames;
        // n is within the max block length the plugin was told.
        unsafe {
            if let Some(run) = (*(*self.raw).descriptor).run {
                run((*self.raw).handle, n as u32);
            }
        }
        for (channel, out) in io.iter_mut().zip(&self.out) {
            channel[a..b].copy_from_slice(&out[..n]);
        }
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        // SAFETY: raw is live and freed once; deactivate pairs with activate.
        unsafe {
            if self.active {
                if let Some(deactivate) = (*(*self.raw).descriptor).deactivate {
                    deactivate((*self.raw).handle);
                }
            }
            (self.lilv.instance_free)(self.raw);
        }
    }
}
