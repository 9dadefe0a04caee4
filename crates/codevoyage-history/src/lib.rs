//! Git history over gitoxide (being written).
