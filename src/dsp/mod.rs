//! Pure, allocation-free signal building blocks. Nothing here allocates,
//! locks or knows about threads; every function is safe in the process callback.

pub mod fade;
pub mod gain;
pub mod pan;
