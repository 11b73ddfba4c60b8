//! Chat surfaces: each translates its platform into engine events and delivers the
//! outbox. Same engine, same store, same grammar.

pub mod console;
pub mod demo;
pub mod discord;
pub mod replay;
