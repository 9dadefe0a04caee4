//! Code metrics (being written).
