//! Jobs (being written).
