//! The session model: plain data that the UI edits and the engine compiles.
//! Nothing here knows about threads, audio servers or the screen.

pub mod automation;
pub mod file;
pub mod insert;
pub mod limiter;
pub mod locate;
pub mod session;
pub mod strip;
pub mod surface;
pub mod template;
pub mod timecode;
pub mod validate;

pub use automation::{AutoMode, Breakpoint, Lane, LaneTarget};
pub use session::*;
