//! The console's named commands and what they act on, in floors:
//! - what the desk is made of: its [`strip`]s, [`meters`], the loudness
//!   view, the automation [`pass`], the strip [`params`] and the
//!   [`surface_setup`];
//! - the [`desk`] (session, engine, playhead, view), with what it does in
//!   files of their own: [`touch`] (automation writing) and
//!   [`strip_control`] (strip parameters);
//! - the words commands are made of ([`spec`]) and [`motion`]s;
//! - the families of commands, one file an area, each with its slice;
//! - the [`registry`] that lists the families, and [`manual`], which writes
//!   it out for the man page.

pub mod automation;
mod bouncing;
pub mod console;
mod denoise;
pub mod desk;
pub mod edit;
pub mod files;
pub mod inserts;
pub mod jack_transport;
mod loudness;
pub mod loudness_view;
pub mod manual;
mod markers;
pub mod meters;
pub mod mixer;
pub mod motion;
pub mod params;
pub mod pass;
pub mod registry;
mod saving;
pub mod spec;
pub mod strip;
pub mod strip_control;
pub mod strip_params;
pub mod surface;
pub mod surface_setup;
pub mod timeline;
pub mod touch;
pub mod transport;
mod video;

pub use desk::Desk;
pub use registry::{commands, find};
pub use spec::{Args, CommandSpec, Kind};
