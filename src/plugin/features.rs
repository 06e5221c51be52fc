//! The host features plugins ask for: `urid:map` and `urid:unmap` (one
//! table for the process), `options` (sample rate and block lengths) and
//! `bufsz:boundedBlockLength`. A plugin requiring anything else is refused.

use std::collections::HashMap;
use std::ffi::{c_char, c_void, CStr, CString};
use std::sync::{Mutex, OnceLock};

use super::lib::Lv2Feature;

pub const URID_MAP: &str = "http://lv2plug.in/ns/ext/urid#map";
pub const URID_UNMAP: &str = "http://lv2plug.in/ns/ext/urid#unmap";
pub const OPTIONS: &str = "http://lv2plug.in/ns/ext/options#options";
pub const BOUNDED_BLOCK: &str = "http://lv2plug.in/ns/ext/buf-size#boundedBlockLength";
const IN_PLACE_BROKEN: &str = "http://lv2plug.in/ns/lv2core#inPlaceBroken";
const HARD_RT: &str = "http://lv2plug.in/ns/lv2core#hardRTCapable";
const IS_LIVE: &str = "http://lv2plug.in/ns/lv2core#isLive";

const MIN_BLOCK: &str = "http://lv2plug.in/ns/ext/buf-size#minBlockLength";
const MAX_BLOCK: &str = "http://lv2plug.in/ns/ext/buf-size#maxBlockLength";
const NOMINAL_BLOCK: &str = "http://lv2plug.in/ns/ext/buf-size#nominalBlockLength";
const SAMPLE_RATE: &str = "http://lv2plug.in/ns/ext/parameters#sampleRate";
const ATOM_INT: &str = "http://lv2plug.in/ns/ext/atom#Int";
const ATOM_FLOAT: &str = "http://lv2plug.in/ns/ext/atom#Float";
pub const ATOM_SEQUENCE: &str = "http://lv2plug.in/ns/ext/atom#Sequence";
pub const ATOM_CHUNK: &str = "http://lv2plug.in/ns/ext/atom#Chunk";

/// Features the host gives (or, like `inPlaceBroken`, honours: every
/// plugin gets output buffers of its own).
pub fn supported(feature: &str) -> bool {
    [
        URID_MAP,
        URID_UNMAP,
        OPTIONS,
        BOUNDED_BLOCK,
        IN_PLACE_BROKEN,
        HARD_RT,
        IS_LIVE,
    ]
    .contains(&feature)
}

/// URIs and their numbers, for the whole process (plugins keep the
/// numbers they were given, so the table only grows).
#[derive(Default)]
struct Table {
    ids: HashMap<CString, u32>,
    uris: Vec<CString>,
}

fn table() -> &'static Mutex<Table> {
    static TABLE: OnceLock<Mutex<Table>> = OnceLock::new();
    TABLE.get_or_init(Mutex::default)
}

/// The URID of `uri` (1 on; 0 is never a URID).
pub fn map(uri: &str) -> u32 {
    CString::new(uri).map_or(0, |c| map_c(&c))
}

fn map_c(uri: &CStr) -> u32 {
    let mut t = table().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(&id) = t.ids.get(uri) {
        return id;
    }
    t.uris.push(uri.to_owned());
    let id = t.uris.len() as u32;
    t.ids.insert(uri.to_owned(), id);
    id
}

unsafe extern "C" fn map_callback(_: *mut c_void, uri: *const c_char) -> u32 {
    if uri.is_null() {
        return 0;
    }
    // SAFETY: the plugin passes a NUL-terminated URI (urid.h).
    map_c(unsafe { CStr::from_ptr(uri) })
}

unsafe extern "C" fn unmap_callback(_: *mut c_void, id: u32) -> *const c_char {
    let t = table().lock().unwrap_or_else(|e| e.into_inner());
    // The CStrings are never dropped or moved out of the table's heap
    // blocks, so the pointer stays valid for the process.
    id.checked_sub(1)
        .and_then(|i| t.uris.get(i as usize))
        .map_or(std::ptr::null(), |s| s.as_ptr())
}

/// `LV2_URID_Map`.
#[repr(C)]
struct UridMap {
    handle: *mut c_void,
    map: unsafe extern "C" fn(*mut c_void, *const c_char) -> u32,
}

/// `LV2_URID_Unmap`.
#[repr(C)]
struct UridUnmap {
    handle: *mut c_void,
    unmap: unsafe extern "C" fn(*mut c_void, u32) -> *const c_char,
}

/// `LV2_Options_Option`.
#[repr(C)]
struct OptionEntry {
    context: u32,
    subject: u32,
    key: u32,
    size: u32,
    kind: u32,
    value: *const c_void,
}

/// The feature array for one instance, with everything it points at:
/// kept alive as long as the instance (plugins may keep the pointers).
pub struct Features {
    _map: Box<UridMap>,
    _unmap: Box<UridUnmap>,
    _options: Box<[OptionEntry]>,
    _ints: Box<[i32; 3]>,
    _rate: Box<f32>,
    _uris: Vec<CString>,
    _features: Vec<Lv2Feature>,
    pointers: Vec<*const Lv2Feature>,
}

// SAFETY: the pointers all point into the boxes this struct owns.
unsafe impl Send for Features {}

impl Features {
    /// Features for an instance at `sample_rate` run in blocks of
    /// 1..=`max_block` frames.
    pub fn new(sample_rate: u32, max_block: usize) -> Features {
        let mut map_feature = Box::new(UridMap {
            handle: std::ptr::null_mut(),
            map: map_callback,
        });
        let mut unmap = Box::new(UridUnmap {
            handle: std::ptr::null_mut(),
            unmap: unmap_callback,
        });
        let block = i32::try_from(max_block).unwrap_or(i32::MAX);
        let ints = Box::new([0, block, block]);
        let rate = Box::new(sample_rate as f32);
        let (int, float) = (map(ATOM_INT), map(ATOM_FLOAT));
        let option = |key: &str, kind: u32, value: *const c_void| OptionEntry {
            context: 0, // LV2_OPTIONS_INSTANCE
            subject: 0,
            key: map(key),
            size: 4,
            kind,
            value,
        };
        let options: Box<[OptionEntry]> = vec![
            option(MIN_BLOCK, int, (&ints[0] as *const i32).cast()),
            option(MAX_BLOCK, int, (&ints[1] as *const i32).cast()),
            option(NOMINAL_BLOCK, int, (&ints[2] as *const i32).cast()),
            option(SAMPLE_RATE, float, (&*rate as *const f32).cast()),
            OptionEntry {
                context: 0,
                subject: 0,
                key: 0,
                size: 0,
                kind: 0,
                value: std::ptr::null(),
            },
        ]
        .into_boxed_slice();
        let uris: Vec<CString> = [URID_MAP, URID_UNMAP, OPTIONS, BOUNDED_BLOCK]
            .iter()
            .filter_map(|u| CString::new(*u).ok())
            .collect();
        let data: [*mut c_void; 4] = [
            (&mut *map_feature as *mut UridMap).cast(),
            (&mut *unmap as *mut UridUnmap).cast(),
            options.as_ptr() as *mut c_void,
            std::ptr::null_mut(),
        ];
        let features: Vec<Lv2Feature> = uris
            .iter()
            .zip(data)
            .map(|(uri, data)| Lv2Feature {
                uri: uri.as_ptr(),
                data,
            })
            .collect();
        let mut pointers: Vec<*const Lv2Feature> =
            features.iter().map(|f| f as *const Lv2Feature).collect();
        pointers.push(std::ptr::null());
        Features {
            _map: map_feature,
            _unmap: unmap,
            _options: options,
            _ints: ints,
            _rate: rate,
            _uris: uris,
            _features: features,
            pointers,
        }
    }

    /// The NULL-terminated `const LV2_Feature* const*` to instantiate with.
    pub fn as_ptr(&self) -> *const *const Lv2Feature {
        self.pointers.as_ptr()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urids_are_stable_and_unmap_back() {
        let a = map("urn:dubstage:test#a");
        let b = map("urn:dubstage:test#b");
        assert!(a > 0 && b > 0 && a != b);
        assert_eq!(map("urn:dubstage:test#a"), a);
        // SAFETY: unmap returns a pointer into the table, or null.
        let back = unsafe { CStr::from_ptr(unmap_callback(std::ptr::null_mut(), b)) };
        assert_eq!(back.to_str(), Ok("urn:dubstage:test#b"));
        // SAFETY: as above.
        assert!(unsafe { unmap_callback(std::ptr::null_mut(), 0) }.is_null());
    }
}
