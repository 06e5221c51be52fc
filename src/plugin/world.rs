//! The LV2 world: every bundle on `LV2_PATH` (or lilv's default path)
//! read once, and each plugin described as the host sees it: name, URI,
//! bundle, ports (audio, control with their ranges, atom), the features
//! it requires and the port that reports its latency.

use std::ffi::CString;
use std::sync::{Mutex, MutexGuard, OnceLock};

use super::features;
use super::lib::{lilv, Lilv, LilvNode, LilvPlugin, LilvWorld};

const LV2: &str = "http://lv2plug.in/ns/lv2core#";
const ATOM_PORT: &str = "http://lv2plug.in/ns/ext/atom#AtomPort";
const MINIMUM_SIZE: &str = "http://lv2plug.in/ns/ext/resize-port#minimumSize";
const LV2_PATH_OPTION: &str = "http://drobilla.net/ns/lilv#lv2-path";

/// What a port carries, and which way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortKind {
    AudioIn,
    AudioOut,
    /// An optional (side-chain) audio input: given silence.
    SideChainIn,
    ControlIn,
    ControlOut,
    AtomIn,
    AtomOut,
    /// Anything else (CV, events of other kinds): the plugin is refused
    /// unless the port is optional.
    Other,
    /// An optional port the host leaves unconnected.
    Unused,
}

/// One port of a plugin.
#[derive(Debug, Clone, PartialEq)]
pub struct PortInfo {
    pub index: u32,
    pub symbol: String,
    pub name: String,
    pub kind: PortKind,
    pub min: f32,
    pub max: f32,
    pub default: f32,
    /// Takes 0 or 1.
    pub toggled: bool,
    /// Takes whole numbers.
    pub integer: bool,
    /// Bytes an atom port's buffer must hold at least.
    pub minimum_size: usize,
    /// What it is, when it is `Other` (for the refusal).
    pub class: String,
}

/// A plugin as the host sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct PluginInfo {
    pub uri: String,
    pub name: String,
    /// The bundle's directory.
    pub bundle: String,
    /// The shared object.
    pub library: String,
    pub ports: Vec<PortInfo>,
    /// Required features the host does not give.
    pub missing_features: Vec<String>,
    /// The control output that reports latency, by port index.
    pub latency_port: Option<u32>,
    /// lilv found its description incomplete (a damaged bundle).
    pub damaged: bool,
}

impl PluginInfo {
    pub fn audio_inputs(&self) -> usize {
        self.count(PortKind::AudioIn)
    }

    pub fn audio_outputs(&self) -> usize {
        self.count(PortKind::AudioOut)
    }

    fn count(&self, kind: PortKind) -> usize {
        self.ports.iter().filter(|p| p.kind == kind).count()
    }

    /// The input controls, in port order.
    pub fn controls(&self) -> impl Iterator<Item = &PortInfo> {
        self.ports.iter().filter(|p| p.kind == PortKind::ControlIn)
    }

    /// The port called `symbol`.
    pub fn port(&self, symbol: &str) -> Option<&PortInfo> {
        self.ports.iter().find(|p| p.symbol == symbol)
    }

    /// Why the host cannot run this plugin on a strip of `channels`
    /// channels, if it cannot; else how many instances it takes
    /// (one per channel for a mono plugin, otherwise one).
    pub fn fit(&self, channels: usize) -> Result<usize, String> {
        let who = format!("plugin {} <{}>", self.name, self.uri);
        if self.damaged {
            return Err(format!(
                "{who}: its description in {} is damaged or incomplete",
                self.bundle
            ));
        }
        if let Some(f) = self.missing_features.first() {
            return Err(format!(
                "{who} requires the feature {f}, which dubstage does not provide"
            ));
        }
        if let Some(p) = self.ports.iter().find(|p| p.kind == PortKind::Other) {
            return Err(format!(
                "{who}: port {} is a {} port, which dubstage does not connect",
                p.symbol, p.class
            ));
        }
        let (ins, outs) = (self.audio_inputs(), self.audio_outputs());
        match (ins, outs) {
            (1, 1) => Ok(channels),
            (i, o) if i == o && i == channels => Ok(1),
            (i, o) => Err(format!(
                "{who} has {i} audio input(s) and {o} output(s); a {channels}-channel strip takes \
                 a plugin with {channels} in and out, or a mono one (run once per channel)"
            )),
        }
    }
}

/// The lilv world and the plugins found in it.
pub struct World {
    lilv: &'static Lilv,
    world: *mut LilvWorld,
    plugins: Vec<PluginInfo>,
}

// SAFETY: the world is only reached through its Mutex (lilv is not
// thread-safe; one caller at a time is all it asks).
unsafe impl Send for World {}

/// A lilv node that frees itself.
struct Node<'a>(&'a Lilv, *mut LilvNode);

impl Drop for Node<'_> {
    fn drop(&mut self) {
        if !self.1.is_null() {
            // SAFETY: the node came from lilv_new_* and is freed once.
            unsafe { (self.0.node_free)(self.1) }
        }
    }
}

impl World {
    /// Read every bundle on `lv2_path` (lilv's default, or `LV2_PATH`, when `None`).
    pub fn load(lv2_path: Option<&str>) -> Result<World, String> {
        let lilv = lilv()?;
        // SAFETY: plain constructor; a null return is checked.
        let world = unsafe { (lilv.world_new)() };
        if world.is_null() {
            return Err("lilv could not make a world".into());
        }
        let mut w = World {
            lilv,
            world,
            plugins: Vec::new(),
        };
        if let Some(path) = lv2_path {
            let c = CString::new(path).map_err(|_| "LV2 path with a NUL byte")?;
            // SAFETY: the world is live; set_option copies the node.
            unsafe {
                let node = Node(lilv, (lilv.new_string)(world, c.as_ptr()));
                let key = CString::new(LV2_PATH_OPTION).unwrap_or_default();
                (lilv.world_set_option)(world, key.as_ptr(), node.1);
            }
        }
        // SAFETY: the world is live.
        unsafe { (lilv.world_load_all)(world) };
        w.plugins = w.describe_all();
        w.plugins
            .sort_by(|a, b| a.name.cmp(&b.name).then(a.uri.cmp(&b.uri)));
        Ok(w)
    }

    /// Every plugin found, by name.
    pub fn plugins(&self) -> &[PluginInfo] {
        &self.plugins
    }

    /// The plugin with this exact URI.
    pub fn get(&self, uri: &str) -> Option<&PluginInfo> {
        self.plugins.iter().find(|p| p.uri == uri)
    }

    /// The plugin `what` names: its URI, or a name or URI substring (any
    /// case) that only one plugin has (an exact name wins).
    pub fn find(&self, what: &str) -> Result<&PluginInfo, String> {
        if let Some(p) = self.get(what) {
            return Ok(p);
        }
        let low = what.to_lowercase();
        if let Some(p) = self.plugins.iter().find(|p| p.name.to_lowercase() == low) {
            return Ok(p);
        }
        let hits: Vec<&PluginInfo> = self.search(what).collect();
        match hits.as_slice() {
            [one] => Ok(one),
            [] => Err(format!(
                "no LV2 plugin matches {what:?} ({} found; :plugins lists them)",
                self.plugins.len()
            )),
            many => Err(format!(
                "{what:?} matches {} plugins: {}",
                many.len(),
                many.iter()
                    .take(4)
                    .map(|p| p.uri.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }

    /// Plugins whose name or URI contains `filter` (any case).
    pub fn search<'a>(&'a self, filter: &str) -> impl Iterator<Item = &'a PluginInfo> + 'a {
        let low = filter.to_lowercase();
        self.plugins.iter().filter(move |p| {
            p.name.to_lowercase().contains(&low) || p.uri.to_lowercase().contains(&low)
        })
    }

    /// The lilv plugin with this URI, for instantiating (the world stays
    /// locked while it is used).
    pub(super) fn lilv_plugin(&self, uri: &str) -> Option<*const LilvPlugin> {
        let l = self.lilv;
        // SAFETY: the world is live; the iterator is walked to its end.
        unsafe {
            let all = (l.world_get_all_plugins)(self.world);
            let mut it = (l.plugins_begin)(all);
            while !(l.plugins_is_end)(all, it) {
                let p = (l.plugins_get)(all, it);
                if l.text((l.plugin_get_uri)(p)) == uri {
                    return Some(p);
                }
                it = (l.plugins_next)(all, it);
            }
        }
        None
    }

    pub(super) fn lilv(&self) -> &'static Lilv {
        self.lilv
    }

    fn describe_all(&self) -> Vec<PluginInfo> {
        let l = self.lilv;
        let mut out = Vec::new();
        // SAFETY: as in lilv_plugin.
        unsafe {
            let all = (l.world_get_all_plugins)(self.world);
            let mut it = (l.plugins_begin)(all);
            while !(l.plugins_is_end)(all, it) {
                out.push(self.describe((l.plugins_get)(all, it)));
                it = (l.plugins_next)(all, it);
            }
        }
        out
    }

    fn uri(&self, uri: &str) -> Node<'static> {
        let c = CString::new(uri).unwrap_or_default();
        // SAFETY: the world is live.
        Node(self.lilv, unsafe {
            (self.lilv.new_uri)(self.world, c.as_ptr())
        })
    }

    /// # Safety
    /// `p` is a plugin of this world.
    unsafe fn describe(&self, p: *const LilvPlugin) -> PluginInfo {
        let l = self.lilv;
        let uri = l.text((l.plugin_get_uri)(p));
        let bundle = l.path((l.plugin_get_bundle_uri)(p));
        // lilv_plugin_verify checks the plugin has a name, a binary and
        // well-formed ports: a truncated .ttl fails it.
        let damaged = !(l.plugin_verify)(p);
        let name_node = (l.plugin_get_name)(p);
        let name = if name_node.is_null() {
            uri.clone()
        } else {
            let n = l.text(name_node);
            (l.node_free)(name_node);
            n
        };
        let library = l.path((l.plugin_get_library_uri)(p));
        let mut missing_features = Vec::new();
        let required = (l.plugin_get_required_features)(p);
        if !required.is_null() {
            let mut it = (l.nodes_begin)(required);
            while !(l.nodes_is_end)(required, it) {
                let f = l.text((l.nodes_get)(required, it));
                if !features::supported(&f) {
                    missing_features.push(f);
                }
                it = (l.nodes_next)(required, it);
            }
            (l.nodes_free)(required);
        }
        let n = if damaged {
            0
        } else {
            (l.plugin_get_num_ports)(p)
        };
        let (mut mins, mut maxs, mut defs) = (
            vec![f32::NAN; n as usize],
            vec![f32::NAN; n as usize],
            vec![f32::NAN; n as usize],
        );
        if n > 0 {
            (l.plugin_get_port_ranges_float)(
                p,
                mins.as_mut_ptr(),
                maxs.as_mut_ptr(),
                defs.as_mut_ptr(),
            );
        }
        let class = |c: &str| self.uri(&format!("{LV2}{c}"));
        let (audio, control, input, output, cv) = (
            class("AudioPort"),
            class("ControlPort"),
            class("InputPort"),
            class("OutputPort"),
            class("CVPort"),
        );
        let atom = self.uri(ATOM_PORT);
        let (optional, sidechain, toggled, integer, reports) = (
            class("connectionOptional"),
            class("isSideChain"),
            class("toggled"),
            class("integer"),
            class("reportsLatency"),
        );
        let min_size = self.uri(MINIMUM_SIZE);
        let mut ports = Vec::new();
        let mut latency_port = None;
        for i in 0..n {
            let port = (l.plugin_get_port_by_index)(p, i);
            if port.is_null() {
                continue;
            }
            let is = |node: &Node| (l.port_is_a)(p, port, node.1);
            let has = |node: &Node| (l.port_has_property)(p, port, node.1);
            let symbol = l.text((l.port_get_symbol)(p, port));
            let name_node = (l.port_get_name)(p, port);
            let name = l.text(name_node);
            if !name_node.is_null() {
                (l.node_free)(name_node);
            }
            let kind = match (is(&audio), is(&control), is(&atom), is(&input), is(&output)) {
                (true, _, _, true, _) if has(&sidechain) || has(&optional) => PortKind::SideChainIn,
                (true, _, _, true, _) => PortKind::AudioIn,
                (true, _, _, _, true) => PortKind::AudioOut,
                (_, true, _, true, _) => PortKind::ControlIn,
                (_, true, _, _, true) => PortKind::ControlOut,
                (_, _, true, true, _) => PortKind::AtomIn,
                (_, _, true, _, true) => PortKind::AtomOut,
                _ if has(&optional) => PortKind::Unused,
                _ => PortKind::Other,
            };
            let class = if is(&cv) { "CV" } else { "unknown" }.to_string();
            if kind == PortKind::ControlOut && has(&reports) {
                latency_port = Some(i);
            }
            let size_node = (l.port_get)(p, port, min_size.1);
            let minimum_size = if !size_node.is_null() && (l.node_is_int)(size_node) {
                usize::try_from((l.node_as_int)(size_node)).unwrap_or(0)
            } else {
                0
            };
            if !size_node.is_null() {
                (l.node_free)(size_node);
            }
            let (min, max) = (mins[i as usize], maxs[i as usize]);
            let (min, max) = match (min.is_finite(), max.is_finite()) {
                (true, true) if min <= max => (min, max),
                _ => (f32::MIN, f32::MAX),
            };
            let default = defs[i as usize];
            let default = if default.is_finite() {
                default.clamp(min, max)
            } else if min > f32::MIN {
                min
            } else {
                0.0
            };
            ports.push(PortInfo {
                index: i,
                symbol,
                name,
                kind,
                min,
                max,
                default,
                toggled: has(&toggled),
                integer: has(&integer),
                minimum_size,
                class,
            });
        }
        PluginInfo {
            uri,
            name,
            bundle,
            library,
            ports,
            missing_features,
            latency_port,
            damaged,
        }
    }
}

impl Drop for World {
    fn drop(&mut self) {
        // SAFETY: made by lilv_world_new, freed once. Instances made from it
        // hold their own library handles.
        unsafe { (self.lilv.world_free)(self.world) }
    }
}

/// The process's world (`LV2_PATH` or lilv's default path), read on first
/// use; `reload` reads the bundles again.
pub fn host() -> Result<MutexGuard<'static, World>, String> {
    static HOST: OnceLock<Result<Mutex<World>, String>> = OnceLock::new();
    let host = HOST
        .get_or_init(|| World::load(None).map(Mutex::new))
        .as_ref()
        .map_err(Clone::clone)?;
    Ok(host.lock().unwrap_or_else(|e| e.into_inner()))
}
