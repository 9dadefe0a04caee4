//! Testkit (being written).
