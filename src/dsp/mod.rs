//! Pure, allocation-free signal building blocks. Nothing here allocates,
//! locks or knows about threads; every function is safe in the process callback.

pub mod across;
pub mod biquad;
pub mod buffer;
pub mod cascade;
pub mod delay;
pub mod denoise;
pub mod downmix;
pub mod dynamics;
pub mod fade;
pub mod fastmath;
pub mod fdn;
pub mod gain;
pub mod hilbert;
pub mod hum;
pub mod limiter;
pub mod noise;
pub mod pan;
pub mod reverb;
pub mod strip;
pub mod truepeak;
pub mod wavefront;
