//! Prints the metrics of the files given on the command line (a debugging aid):
//! `cargo run -p codevoyage-metrics --example measure -- FILE...`

fn main() {
    let opts = codevoyage_metrics::Options::default();
    for path in std::env::args().skip(1) {
        match std::fs::read(&path) {
            Ok(bytes) => {
                let m = codevoyage_metrics::measure(&path, &bytes, &opts);
                println!("{path}: {:?} {:?} {:?}", m.language, m.lines, m.diagnostics);
                for f in &m.functions {
                    println!(
                        "  {}:{}-{} cc={} cog={} params={} nest={}",
                        f.name,
                        f.start_line,
                        f.end_line,
                        f.cyclomatic,
                        f.cognitive,
                        f.parameters,
                        f.max_nesting
                    );
                }
            }
            Err(e) => eprintln!("{path}: {e}"),
        }
    }
}
