//! Remote control of the console over OSC (`dubstage SESSION --osc PORT`):
//! the registry's named commands, strips' faders, pans, mutes and solos by
//! name or place, the transport and locating, and feedback of the
//! transport and meters to subscribed clients. [`address`] reads the
//! address space; [`server`] listens and runs what it asks through the
//! same commands the keys use.

pub mod address;
pub mod nsm;
pub mod server;

pub use server::Remote;
