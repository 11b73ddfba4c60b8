//! Payment connectors. Each provider module builds requests and reads answers; the
//! built-in `sandbox` pays from its own books, deterministically.

pub mod sandbox;
