//! The console's named commands ([`registry`]) and what they act on: the
//! [`desk`] (session, engine, playhead, view), its [`strip`]s and [`meters`].
//! [`manual`] writes the registry out for the man page.

pub mod automation;
pub mod desk;
pub mod edit;
mod loudness;
pub mod loudness_view;
pub mod manual;
pub mod meters;
pub mod pass;
pub mod registry;
pub mod strip;
pub mod strip_params;

pub use desk::Desk;
pub use registry::{commands, find, Args, CommandSpec, Kind};
