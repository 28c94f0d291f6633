//! The faults a batch can ask for that no `catch_unwind` stops: each ends the process it runs in
//! (at once, or by exhausting its memory), which is what subprocess mode must survive.

use std::hint::black_box;
use std::time::Duration;

use otelbridge::{Error, runtime};

/// How much memory one step of `leak` allocates, writes and forgets.
const LEAK_BYTES: usize = 64 << 20;

/// How often the background task of `leak` takes another step.
const LEAK_PERIOD: Duration = Duration::from_millis(100);

/// The status `exit` ends the process with.
pub const EXIT_STATUS: i32 = 7;

/// A fault, by the value of the fault attribute that asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// `abort`: `std::process::abort()` (SIGABRT).
    Abort,
    /// `stack_overflow`: unbounded recursion on the calling thread.
    StackOverflow,
    /// `exit`: `std::process::exit(7)`.
    Exit,
    /// `leak`: 64 MiB allocated, written and forgotten now, and every 100 ms from then on.
    Leak,
}

impl Fault {
    /// The fault named `value`; a permanent error naming it and `attribute` if there is none.
    pub fn parse(attribute: &str, value: &str) -> Result<Fault, Error> {
        match value {
            "abort" => Ok(Fault::Abort),
            "stack_overflow" => Ok(Fault::StackOverflow),
            "exit" => Ok(Fault::Exit),
            "leak" => Ok(Fault::Leak),
            _ => Err(Error::permanent(format!(
                "faults: unknown fault {value:?} in resource attribute {attribute}: \
                 want abort, stack_overflow, exit or leak"
            ))),
        }
    }

    /// Does what the fault says. Only `leak` returns, having started the task that goes on
    /// leaking (it belongs to the calling instance, so it ends only with it or the process).
    pub fn strike(self) {
        match self {
            Fault::Abort => std::process::abort(),
            Fault::StackOverflow => {
                black_box(overflow(0));
            }
            Fault::Exit => std::process::exit(EXIT_STATUS),
            Fault::Leak => {
                leak_step();
                drop(runtime::spawn(async {
                    loop {
                        otelbridge::tokio::time::sleep(LEAK_PERIOD).await;
                        leak_step();
                    }
                }));
            }
        }
    }
}

/// Recurses until the stack runs out. `black_box` keeps the optimizer from turning the recursion
/// into a loop (it must see neither the condition nor the frame's contents) and keeps a frame of
/// 1 KiB alive across each call, so the overflow comes after a few thousand calls.
fn overflow(depth: u64) -> u64 {
    let frame = black_box([depth; 128]);
    if black_box(true) {
        overflow(black_box(depth + 1)).wrapping_add(frame[0])
    } else {
        frame[1]
    }
}

/// Allocates `LEAK_BYTES`, writes every byte (so every page is resident and counts in RSS) and
/// forgets them. `black_box` makes the block escape, so the allocation cannot be elided.
fn leak_step() {
    black_box(vec![0x5A_u8; LEAK_BYTES].leak());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fault_is_named_by_its_value() {
        for (value, fault) in [
            ("abort", Fault::Abort),
            ("stack_overflow", Fault::StackOverflow),
            ("exit", Fault::Exit),
            ("leak", Fault::Leak),
        ] {
            assert_eq!(Fault::parse("faults.fault", value).unwrap(), fault);
        }
    }

    #[test]
    fn an_unknown_value_is_a_permanent_error_that_names_it() {
        let err = Fault::parse("faults.fault", "segfault").unwrap_err();
        assert!(err.is_permanent());
        assert_eq!(
            err.message(),
            r#"faults: unknown fault "segfault" in resource attribute faults.fault: want abort, stack_overflow, exit or leak"#
        );
    }
}
