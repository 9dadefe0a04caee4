//! Tells cargo to re-embed the web UI when `web/dist` changes (including when it first
//! appears). It never builds the UI itself: `npm run build` does, from the Makefile.

fn main() {
    println!("cargo:rerun-if-changed=../../web/dist");
}
