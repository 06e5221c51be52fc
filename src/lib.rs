//! dubstage: a terminal dubbing stage for film and TV premixing.
//!
//! The layers, from the bottom: [`model`] (the session as saved), [`dsp`]
//! (allocation-free building blocks), [`media`] (decoding sources at the
//! session rate), [`engine`] (Plan and process), [`bounce`] (stems and
//! printmaster to files, delivery versions), [`loudness`] (BS.1770 meters,
//! dialog-gated loudness), [`demo`] (the synthesized demo scene) and
//! [`import`] (sessions from the picture editor's EDL or OTIO cut).

pub mod app;
pub mod audio;
pub mod bounce;
pub mod cli;
pub mod command;
pub mod console;
pub mod demo;
pub mod dsp;
pub mod edit;
pub mod engine;
pub mod headless;
pub mod import;
pub mod keymap;
pub mod loudness;
pub mod media;
pub mod model;
pub mod picture;
pub mod plugin;
pub mod remote;
pub mod ui;
