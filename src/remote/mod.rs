//! Remote control of the console over OSC (`dubstage SESSION --osc PORT`):
//! the registry's named commands, strips' faders, pans, mutes and solos by
//! name or place, the transport and locating, and feedback of the
//! transport and meters to subscribed clients. [`address`] reads the
//! address space; [`server`] listens and runs what it asks through the
//! same commands the keys use. The MIDI control surface: [`mcu`] reads
//! and writes Mackie Control, [`learn`] moves what CCs were learned for,
//! and [`surface`] runs them on the JACK MIDI ports.

pub mod address;
pub mod learn;
pub mod mcu;
pub mod nsm;
pub mod server;
pub mod surface;

pub use server::Remote;
