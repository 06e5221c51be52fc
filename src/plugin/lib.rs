//! liblilv, loaded at run time: the few lilv and LV2 C declarations the
//! host uses, and the library found once per process.
//!
//! Why at run time: the `lilv`/`livi` crates link liblilv at build time
//! through pkg-config, so every machine that builds or tests dubstage
//! would need liblilv-dev. JACK is loaded the same way (the `jack` crate
//! with `dynamic_loading`). Without liblilv-0.so.0 every LV2 command says
//! what to install; the rest of dubstage does not notice.

use std::ffi::{c_char, c_void, CStr};
use std::sync::OnceLock;

/// The shared object dlopen looks for (Debian package liblilv-0-0).
pub const LIBRARY: &str = "liblilv-0.so.0";
/// What to tell a person whose machine lacks it.
pub const INSTALL_HINT: &str = "LV2 plugins need liblilv (liblilv-0.so.0): apt install liblilv-0-0";

/// Opaque lilv types.
#[repr(C)]
pub struct LilvWorld {
    _private: [u8; 0],
}
#[repr(C)]
pub struct LilvPlugin {
    _private: [u8; 0],
}
#[repr(C)]
pub struct LilvPlugins {
    _private: [u8; 0],
}
#[repr(C)]
pub struct LilvPort {
    _private: [u8; 0],
}
#[repr(C)]
pub struct LilvNode {
    _private: [u8; 0],
}
#[repr(C)]
pub struct LilvNodes {
    _private: [u8; 0],
}
#[repr(C)]
pub struct LilvIter {
    _private: [u8; 0],
}

/// `LV2_Feature` (lv2/core/lv2.h).
#[repr(C)]
pub struct Lv2Feature {
    pub uri: *const c_char,
    pub data: *mut c_void,
}

/// `LV2_Descriptor` (lv2/core/lv2.h): the plugin's own entry points.
#[repr(C)]
pub struct Lv2Descriptor {
    pub uri: *const c_char,
    pub instantiate: Option<unsafe extern "C" fn()>,
    pub connect_port: Option<unsafe extern "C" fn(*mut c_void, u32, *mut c_void)>,
    pub activate: Option<unsafe extern "C" fn(*mut c_void)>,
    pub run: Option<unsafe extern "C" fn(*mut c_void, u32)>,
    pub deactivate: Option<unsafe extern "C" fn(*mut c_void)>,
    pub cleanup: Option<unsafe extern "C" fn(*mut c_void)>,
    pub extension_data: Option<unsafe extern "C" fn(*const c_char) -> *const c_void>,
}

/// `LilvInstance` (lilv.h declares its layout public: the inline
/// `lilv_instance_*` functions read it).
#[repr(C)]
pub struct LilvInstance {
    pub descriptor: *const Lv2Descriptor,
    pub handle: *mut c_void,
    pub pimpl: *mut c_void,
}

type Lv2Path = *const c_char;

/// The lilv functions the host calls, resolved from the library.
#[allow(clippy::type_complexity)]
pub struct Lilv {
    _library: libloading::Library,
    pub world_new: unsafe extern "C" fn() -> *mut LilvWorld,
    pub world_free: unsafe extern "C" fn(*mut LilvWorld),
    pub world_set_option: unsafe extern "C" fn(*mut LilvWorld, *const c_char, *const LilvNode),
    pub world_load_all: unsafe extern "C" fn(*mut LilvWorld),
    pub world_get_all_plugins: unsafe extern "C" fn(*const LilvWorld) -> *const LilvPlugins,
    pub plugins_begin: unsafe extern "C" fn(*const LilvPlugins) -> *mut LilvIter,
    pub plugins_get: unsafe extern "C" fn(*const LilvPlugins, *mut LilvIter) -> *const LilvPlugin,
    pub plugins_next: unsafe extern "C" fn(*const LilvPlugins, *mut LilvIter) -> *mut LilvIter,
    pub plugins_is_end: unsafe extern "C" fn(*const LilvPlugins, *mut LilvIter) -> bool,
    pub new_uri: unsafe extern "C" fn(*mut LilvWorld, *const c_char) -> *mut LilvNode,
    pub new_string: unsafe extern "C" fn(*mut LilvWorld, *const c_char) -> *mut LilvNode,
    pub node_free: unsafe extern "C" fn(*mut LilvNode),
    pub node_as_string: unsafe extern "C" fn(*const LilvNode) -> *const c_char,
    pub node_is_int: unsafe extern "C" fn(*const LilvNode) -> bool,
    pub node_as_int: unsafe extern "C" fn(*const LilvNode) -> i32,
    pub nodes_begin: unsafe extern "C" fn(*const LilvNodes) -> *mut LilvIter,
    pub nodes_get: unsafe extern "C" fn(*const LilvNodes, *mut LilvIter) -> *const LilvNode,
    pub nodes_next: unsafe extern "C" fn(*const LilvNodes, *mut LilvIter) -> *mut LilvIter,
    pub nodes_is_end: unsafe extern "C" fn(*const LilvNodes, *mut LilvIter) -> bool,
    pub nodes_free: unsafe extern "C" fn(*mut LilvNodes),
    pub plugin_verify: unsafe extern "C" fn(*const LilvPlugin) -> bool,
    pub plugin_get_uri: unsafe extern "C" fn(*const LilvPlugin) -> *const LilvNode,
    pub plugin_get_bundle_uri: unsafe extern "C" fn(*const LilvPlugin) -> *const LilvNode,
    pub plugin_get_library_uri: unsafe extern "C" fn(*const LilvPlugin) -> *const LilvNode,
    pub plugin_get_name: unsafe extern "C" fn(*const LilvPlugin) -> *mut LilvNode,
    pub plugin_get_num_ports: unsafe extern "C" fn(*const LilvPlugin) -> u32,
    pub plugin_get_port_ranges_float:
        unsafe extern "C" fn(*const LilvPlugin, *mut f32, *mut f32, *mut f32),
    pub plugin_get_required_features: unsafe extern "C" fn(*const LilvPlugin) -> *mut LilvNodes,
    pub plugin_get_port_by_index: unsafe extern "C" fn(*const LilvPlugin, u32) -> *const LilvPort,
    pub plugin_instantiate:
        unsafe extern "C" fn(*const LilvPlugin, f64, *const *const Lv2Feature) -> *mut LilvInstance,
    pub instance_free: unsafe extern "C" fn(*mut LilvInstance),
    pub port_get:
        unsafe extern "C" fn(*const LilvPlugin, *const LilvPort, *const LilvNode) -> *mut LilvNode,
    pub port_has_property:
        unsafe extern "C" fn(*const LilvPlugin, *const LilvPort, *const LilvNode) -> bool,
    pub port_is_a:
        unsafe extern "C" fn(*const LilvPlugin, *const LilvPort, *const LilvNode) -> bool,
    pub port_get_symbol:
        unsafe extern "C" fn(*const LilvPlugin, *const LilvPort) -> *const LilvNode,
    pub port_get_name: unsafe extern "C" fn(*const LilvPlugin, *const LilvPort) -> *mut LilvNode,
    pub file_uri_parse: unsafe extern "C" fn(*const c_char, *mut *mut c_char) -> *mut c_char,
    pub free: unsafe extern "C" fn(*mut c_void),
}

// SAFETY: the struct holds function pointers into a library that stays
// loaded for the life of the process; calling them is what needs care.
unsafe impl Send for Lilv {}
unsafe impl Sync for Lilv {}

macro_rules! sym {
    ($lib:expr, $name:literal) => {{
        // SAFETY: the declared type is the C prototype in lilv.h (0.24).
        let s = unsafe { $lib.get(concat!($name, "\0").as_bytes()) }
            .map_err(|e| format!("{LIBRARY}: no {}: {e}", $name))?;
        *s
    }};
}

impl Lilv {
    fn open() -> Result<Lilv, String> {
        // SAFETY: loading liblilv runs its (and serd's, sord's) initialisers,
        // which have no preconditions.
        let lib = unsafe { libloading::Library::new(LIBRARY) }
            .map_err(|e| format!("{INSTALL_HINT} ({e})"))?;
        Ok(Lilv {
            world_new: sym!(lib, "lilv_world_new"),
            world_free: sym!(lib, "lilv_world_free"),
            world_set_option: sym!(lib, "lilv_world_set_option"),
            world_load_all: sym!(lib, "lilv_world_load_all"),
            world_get_all_plugins: sym!(lib, "lilv_world_get_all_plugins"),
            plugins_begin: sym!(lib, "lilv_plugins_begin"),
            plugins_get: sym!(lib, "lilv_plugins_get"),
            plugins_next: sym!(lib, "lilv_plugins_next"),
            plugins_is_end: sym!(lib, "lilv_plugins_is_end"),
            new_uri: sym!(lib, "lilv_new_uri"),
            new_string: sym!(lib, "lilv_new_string"),
            node_free: sym!(lib, "lilv_node_free"),
            node_as_string: sym!(lib, "lilv_node_as_string"),
            node_is_int: sym!(lib, "lilv_node_is_int"),
            node_as_int: sym!(lib, "lilv_node_as_int"),
            nodes_begin: sym!(lib, "lilv_nodes_begin"),
            nodes_get: sym!(lib, "lilv_nodes_get"),
            nodes_next: sym!(lib, "lilv_nodes_next"),
            nodes_is_end: sym!(lib, "lilv_nodes_is_end"),
            nodes_free: sym!(lib, "lilv_nodes_free"),
            plugin_verify: sym!(lib, "lilv_plugin_verify"),
            plugin_get_uri: sym!(lib, "lilv_plugin_get_uri"),
            plugin_get_bundle_uri: sym!(lib, "lilv_plugin_get_bundle_uri"),
            plugin_get_library_uri: sym!(lib, "lilv_plugin_get_library_uri"),
            plugin_get_name: sym!(lib, "lilv_plugin_get_name"),
            plugin_get_num_ports: sym!(lib, "lilv_plugin_get_num_ports"),
            plugin_get_port_ranges_float: sym!(lib, "lilv_plugin_get_port_ranges_float"),
            plugin_get_required_features: sym!(lib, "lilv_plugin_get_required_features"),
            plugin_get_port_by_index: sym!(lib, "lilv_plugin_get_port_by_index"),
            plugin_instantiate: sym!(lib, "lilv_plugin_instantiate"),
            instance_free: sym!(lib, "lilv_instance_free"),
            port_get: sym!(lib, "lilv_port_get"),
            port_has_property: sym!(lib, "lilv_port_has_property"),
            port_is_a: sym!(lib, "lilv_port_is_a"),
            port_get_symbol: sym!(lib, "lilv_port_get_symbol"),
            port_get_name: sym!(lib, "lilv_port_get_name"),
            file_uri_parse: sym!(lib, "lilv_file_uri_parse"),
            free: sym!(lib, "lilv_free"),
            _library: lib,
        })
    }

    /// A node's text (`""` for a null node).
    ///
    /// # Safety
    /// `node` is null or a live lilv node.
    pub unsafe fn text(&self, node: *const LilvNode) -> String {
        if node.is_null() {
            return String::new();
        }
        let s = (self.node_as_string)(node);
        if s.is_null() {
            return String::new();
        }
        CStr::from_ptr(s).to_string_lossy().into_owned()
    }

    /// The file system path of a `file://` URI node (the URI itself otherwise).
    ///
    /// # Safety
    /// `node` is null or a live lilv node.
    pub unsafe fn path(&self, node: *const LilvNode) -> String {
        if node.is_null() {
            return String::new();
        }
        let uri: Lv2Path = (self.node_as_string)(node);
        let path = (self.file_uri_parse)(uri, std::ptr::null_mut());
        if path.is_null() {
            return self.text(node);
        }
        let text = CStr::from_ptr(path).to_string_lossy().into_owned();
        (self.free)(path.cast());
        text
    }
}

/// liblilv, opened on first use; the error says what to install.
pub fn lilv() -> Result<&'static Lilv, String> {
    static LILV: OnceLock<Result<Lilv, String>> = OnceLock::new();
    LILV.get_or_init(Lilv::open).as_ref().map_err(Clone::clone)
}
