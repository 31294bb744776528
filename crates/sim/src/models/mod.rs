//! Models built on the kernel.

pub mod batch;
pub mod corridor_ref;
pub mod mmc;
