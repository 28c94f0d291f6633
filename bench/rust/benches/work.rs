//! `cargo bench -p otelbridge-bench`: the Rust processor's own work on the Go benchmarks' batches.

// criterion_group! defines an undocumented function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

// The same allocator as the library under test (scripts/bench.sh, BENCH_ALLOCATOR).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use otelbridge_bench::{SIGNALS, SIZES, decode, decode_change_encode, read_batch};

fn work(c: &mut Criterion) {
    let dir = PathBuf::from(
        std::env::var_os("OTELBRIDGE_BENCH_BATCHES")
            .expect("OTELBRIDGE_BENCH_BATCHES names the directory of the batch files (make bench)"),
    );
    for signal in SIGNALS {
        let mut group = c.benchmark_group(format!("RustWork/{signal}"));
        // Short runs: the suite has many figures, and each is a median anyway.
        group
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2))
            .sample_size(20);
        for size in SIZES {
            let bytes = read_batch(&dir, signal, size).expect("batch file");
            group.bench_with_input(BenchmarkId::new("decode", size), &bytes, |b, bytes| {
                b.iter(|| decode(signal, black_box(bytes)))
            });
            group.bench_with_input(
                BenchmarkId::new("decode-change-encode", size),
                &bytes,
                |b, bytes| b.iter(|| decode_change_encode(signal, black_box(bytes))),
            );
        }
        group.finish();
    }
}

criterion_group!(benches, work);
criterion_main!(benches);
