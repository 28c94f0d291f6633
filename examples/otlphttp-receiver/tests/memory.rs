//! What a request costs in memory (issue 12): the process's allocations are counted, and a
//! request must not take much more than its body, however many items it holds.

// Counts allocations with a global allocator, which is unsafe to implement.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use otelbridge::proto::trace::v1::Span;
use otelbridge::tokio::sync::Mutex;
use otelbridge::{Context, Next, Receiver, Signals};
use otlphttp_receiver::OtlpHttpConfig;

mod common;
use common::{start_receiver, traces_of};

/// The system allocator, counting the bytes allocated now and at most since the last reset.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(size: usize) {
    let now = CURRENT.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call goes to `System` unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's guarantees are `System`'s.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's guarantees are `System`'s.
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's guarantees are `System`'s.
        let moved = unsafe { System.realloc(ptr, layout, new_size) };
        if !moved.is_null() {
            CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The counters are process-wide: one measured request at a time.
static MEASURING: Mutex<()> = Mutex::const_new(());

/// Posts `body` to a fresh receiver whose pipeline drops what it gets; returns the status and
/// the most memory allocated at once while it was served, beyond what was allocated before.
async fn serve(body: Vec<u8>) -> (u16, usize) {
    let _one_at_a_time = MEASURING.lock().await;
    let next = Next::from_fn(Signals::ALL, |_, _, bytes| {
        drop(bytes);
        async { Ok(()) }
    });
    let (receiver, addr) = start_receiver(OtlpHttpConfig::default(), next).await;
    let client = reqwest::Client::new();
    let request = client
        .post(format!("http://{addr}/v1/traces"))
        .header("content-type", "application/x-protobuf")
        .body(body)
        .build()
        .expect("a request");

    let before = CURRENT.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let status = client.execute(request).await.expect("answered").status();
    let peak = PEAK.load(Ordering::Relaxed) - before;

    receiver
        .shutdown(&Context::background())
        .await
        .expect("stops");
    (status.as_u16(), peak)
}

const MIB: usize = 1024 * 1024;

#[tokio::test(flavor = "multi_thread")]
async fn a_million_empty_spans_are_counted_without_decoding_them() {
    let body = traces_of(vec![Span::default(); 1_000_000]);
    let size = body.len();
    let (status, peak) = serve(body).await;
    assert_eq!(status, 200);
    // Decoded, the spans would take over 100 bytes each: 50 times the body.
    assert!(
        peak < 2 * size + 4 * MIB,
        "serving a {size}-byte body of 1M spans took {} MiB at once",
        peak / MIB
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_large_body_is_held_once() {
    let body = traces_of(vec![Span {
        name: "x".repeat(16 * MIB),
        ..Span::default()
    }]);
    let size = body.len();
    let (status, peak) = serve(body).await;
    assert_eq!(status, 200);
    // The body once, as the pipeline gets it, and hyper's buffers: no copy of it.
    assert!(
        peak < size + size / 2,
        "serving a {} MiB body took {} MiB at once",
        size / MIB,
        peak / MIB
    );
}
