//! Editing operations on the session model: clips, prefades and
//! automation. They know nothing of the screen or the engine; the console's
//! commands call them, and the [`journal`] keeps every edit on disk so
//! that undo and unsaved work survive a restart.

pub mod automation;
pub mod clip;
pub mod grid;
pub mod journal;
pub mod prefade;
