//! Measures every file under a directory on all cores and prints throughput (used by
//! `bench/metrics/bench.sh` when the `codevoyage` binary is not built):
//! `cargo run --release -p codevoyage-metrics --example measure_dir -- DIR`

use std::time::Instant;

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: measure_dir DIR");
        std::process::exit(2);
    };
    let start = Instant::now();
    let exclude = codevoyage_metrics::fs::exclude_set(&[]).expect("empty glob set is valid");
    let files = match codevoyage_metrics::fs::measure_dir(
        std::path::Path::new(&dir),
        &exclude,
        &codevoyage_metrics::Options::default(),
    ) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let secs = start.elapsed().as_secs_f64();
    let bytes: u64 = files.iter().map(|f| f.metrics.bytes).sum();
    let functions: usize = files.iter().map(|f| f.metrics.functions.len()).sum();
    println!(
        "files={} bytes={} functions={} seconds={:.3} MB/s={:.2}",
        files.len(),
        bytes,
        functions,
        secs,
        bytes as f64 / 1e6 / secs
    );
}
