//! `folio`: see `lib.rs` and the README.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc: under load, glibc's allocator took about an eighth of Folio's CPU time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = folio::cli::Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("start the async runtime");
    runtime.block_on(folio::run(cli))
}
