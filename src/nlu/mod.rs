//! Chat understanding (being written; see src/nlu when it lands).
