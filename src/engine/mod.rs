//! The engine: a session compiled into a [`plan::Plan`], tracks read with
//! their prefades ([`playlist`]), and one block mixed by [`process::process`].
//! [`offline`] runs it as fast as possible for bounces.

pub mod automation;
pub mod butler;
pub mod control;
pub mod feed;
pub mod live_loudness;
pub mod live_plan;
pub mod metering;
pub mod msg;
pub mod offline;
pub mod output;
pub mod plan;
pub mod playlist;
pub mod prefade;
pub mod process;
pub mod realtime;
pub mod tap;
