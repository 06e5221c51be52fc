//! LV2 plugin inserts on a track's or bus's strip, as saved: the plugin's
//! URI, its control values by port symbol, and whether it is bypassed.
//! Sessions from before inserts have none. A plugin missing on this
//! machine keeps its saved values (they are saved again unchanged).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Most inserts on one strip.
pub const MAX_INSERTS: usize = 8;

/// One insert slot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Insert {
    /// The plugin's URI, `http://gareus.org/oss/lv2/fil4#mono`.
    pub uri: String,
    /// Not run: the signal passes as if the slot were empty.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bypass: bool,
    /// Input control values by port symbol; ports not named keep the
    /// plugin's defaults.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, f32>,
}

impl Insert {
    pub fn new(uri: &str) -> Insert {
        Insert {
            uri: uri.to_string(),
            bypass: false,
            params: BTreeMap::new(),
        }
    }
}
