//! LV2 plugin hosting for strip inserts, through liblilv loaded at run
//! time: the library ([`lib`]), the world and its plugins ([`world`]), the
//! host features ([`features`]), one running plugin ([`instance`]) and a
//! strip's chain of them ([`chain`]).

pub mod chain;
pub mod elf;
pub mod features;
pub mod instance;
pub mod lib;
pub mod world;

pub use chain::{InsertCache, InsertChain, SlotState};
pub use world::{host, PluginInfo, PortInfo, PortKind, World};
