//! Insights (being written).
