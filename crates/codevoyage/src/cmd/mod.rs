//! One module per subcommand; each exposes `run` returning an exit code.

pub mod analyze;
pub mod apikey;
pub mod export;
pub mod log;
pub mod metrics;
pub mod migrate;
pub mod serve;
pub mod user;
pub mod worker;
