use std::sync::Arc;
use std::thread;

use super::*;

fn log_event(message: &str) -> OtbEvent {
    OtbEvent {
        kind: OTB_EVENT_LOG,
        text: buffer::from_vec(message.as_bytes().to_vec()),
        ..empty()
    }
}

fn status_event(sink: u64) -> OtbEvent {
    OtbEvent {
        kind: OTB_EVENT_STATUS,
        handle: sink,
        ..empty()
    }
}

fn text(event: &OtbEvent) -> String {
    // SAFETY: the test's events carry buffers made by buffer::from_vec.
    String::from_utf8_lossy(unsafe { buffer::borrow(event.text.ptr, event.text.len) }).into_owned()
}

fn drain(queue: &Queue, cap: usize) -> Vec<OtbEvent> {
    let mut out: Vec<OtbEvent> = (0..cap).map(|_| empty()).collect();
    match queue.next(Some(Duration::ZERO), &mut out) {
        Drained::Events(n) => out.truncate(n),
        Drained::Closed => out.clear(),
    }
    out
}

fn release(mut events: Vec<OtbEvent>) {
    free_taken(&mut events);
}

#[test]
fn events_come_out_in_the_order_they_went_in() {
    let queue = Queue::new(16, Duration::ZERO);
    for i in 0..5 {
        queue.push(log_event(&format!("event {i}"))).expect("open");
    }
    let first = drain(&queue, 3);
    let rest = drain(&queue, 8);
    let texts: Vec<String> = first.iter().chain(&rest).map(text).collect();
    assert_eq!(
        texts,
        ["event 0", "event 1", "event 2", "event 3", "event 4"]
    );
    release(first);
    release(rest);
}

#[test]
fn a_poll_that_finds_nothing_times_out_empty() {
    let queue = Queue::new(16, Duration::ZERO);
    let mut out = [empty()];
    let started = Instant::now();
    assert_eq!(
        queue.next(Some(Duration::from_millis(20)), &mut out),
        Drained::Events(0)
    );
    assert!(started.elapsed() >= Duration::from_millis(20));
}

#[test]
fn log_events_past_the_limit_are_dropped_counted_and_reported_but_statuses_never() {
    let queue = Queue::new(4, Duration::ZERO);
    for i in 0..10 {
        queue.push(log_event(&format!("log {i}"))).expect("open");
    }
    queue.push(status_event(7)).expect("open");
    let events = drain(&queue, 32);
    assert_eq!(events.len(), 1 + 4 + 1, "the report, 4 logs, the status");
    assert_eq!(events[0].kind, OTB_EVENT_LOG);
    assert_eq!(events[0].code, OTB_LOG_WARN);
    assert!(
        text(&events[0]).contains("6 log events and measurements"),
        "{}",
        text(&events[0])
    );
    assert_eq!(text(&events[1]), "log 0");
    assert_eq!((events[5].kind, events[5].handle), (OTB_EVENT_STATUS, 7));
    release(events);
    // Drained, the queue takes log events again.
    queue.push(log_event("after")).expect("open");
    let events = drain(&queue, 4);
    assert_eq!(events.iter().map(text).collect::<Vec<_>>(), ["after"]);
    release(events);
}

#[test]
fn a_closed_queue_hands_out_what_is_left_then_says_closed_and_refuses_more() {
    let queue = Queue::new(16, Duration::ZERO);
    queue.push(log_event("left")).expect("open");
    queue.close();
    assert!(queue.push(log_event("late")).is_err_and(|event| {
        free_buffers(*event);
        true
    }));
    let events = drain(&queue, 4);
    assert_eq!(events.iter().map(text).collect::<Vec<_>>(), ["left"]);
    release(events);
    let mut out = [empty()];
    assert_eq!(queue.next(None, &mut out), Drained::Closed);
}

#[test]
fn closing_wakes_a_poller_that_waits_without_end() {
    let queue = Arc::new(Queue::new(16, Duration::ZERO));
    let poller = {
        let queue = Arc::clone(&queue);
        thread::spawn(move || {
            let mut out = [empty()];
            queue.next(None, &mut out)
        })
    };
    thread::sleep(Duration::from_millis(20));
    queue.close();
    assert_eq!(poller.join().expect("poller"), Drained::Closed);
}

#[test]
fn several_pollers_share_the_events_each_taken_once() {
    let queue = Arc::new(Queue::new(1 << 20, Duration::ZERO));
    let pollers: Vec<_> = (0..3)
        .map(|_| {
            let queue = Arc::clone(&queue);
            thread::spawn(move || {
                let mut seen = Vec::new();
                let mut out: Vec<OtbEvent> = (0..7).map(|_| empty()).collect();
                while let Drained::Events(n) = queue.next(Some(Duration::from_secs(5)), &mut out) {
                    seen.extend(out[..n].iter().map(|e| e.handle));
                    free_taken(&mut out[..n]);
                }
                seen
            })
        })
        .collect();
    let producers: Vec<_> = (0..4u64)
        .map(|p| {
            let queue = Arc::clone(&queue);
            thread::spawn(move || {
                for i in 0..10_000u64 {
                    queue.push(status_event(p * 100_000 + i)).expect("open");
                }
            })
        })
        .collect();
    for producer in producers {
        producer.join().expect("producer");
    }
    queue.close();
    let mut seen: Vec<u64> = pollers
        .into_iter()
        .flat_map(|p| p.join().expect("poller"))
        .collect();
    seen.sort_unstable();
    let mut want: Vec<u64> = (0..4u64)
        .flat_map(|p| (0..10_000u64).map(move |i| p * 100_000 + i))
        .collect();
    want.sort_unstable();
    assert_eq!(seen, want);
}

#[test]
fn log_events_alone_linger_until_an_event_that_must_go_comes_and_takes_them_along_in_order() {
    let queue = Queue::new(16, Duration::from_secs(3600));
    queue.push(log_event("first")).expect("open");
    queue.push(log_event("second")).expect("open");
    let mut out: Vec<OtbEvent> = (0..8).map(|_| empty()).collect();
    assert_eq!(
        queue.next(Some(Duration::from_millis(20)), &mut out),
        Drained::Events(0),
        "log events alone wait for their linger"
    );
    queue.push(status_event(3)).expect("open");
    let Drained::Events(n) = queue.next(Some(Duration::from_secs(5)), &mut out) else {
        panic!("closed");
    };
    assert_eq!(n, 3);
    assert_eq!(
        (text(&out[0]).as_str(), text(&out[1]).as_str()),
        ("first", "second")
    );
    assert_eq!((out[2].kind, out[2].handle), (OTB_EVENT_STATUS, 3));
    free_taken(&mut out[..n]);
}

#[test]
fn log_events_past_their_linger_are_handed_out_alone() {
    let queue = Queue::new(16, Duration::ZERO);
    queue.push(log_event("alone")).expect("open");
    let events = {
        let mut out = vec![empty()];
        let Drained::Events(n) = queue.next(None, &mut out) else {
            panic!("closed");
        };
        out.truncate(n);
        out
    };
    assert_eq!(events.iter().map(text).collect::<Vec<_>>(), ["alone"]);
    release(events);
}

#[test]
fn a_poller_already_waiting_without_end_gets_a_lingering_log_event() {
    let queue = Arc::new(Queue::new(16, Duration::from_millis(1)));
    let poller = {
        let queue = Arc::clone(&queue);
        thread::spawn(move || {
            let mut out = vec![empty()];
            let drained = queue.next(None, &mut out);
            let seen = text(&out[0]);
            free_taken(&mut out);
            (drained, seen)
        })
    };
    thread::sleep(Duration::from_millis(20));
    queue.push(log_event("late")).expect("open");
    assert_eq!(
        poller.join().expect("poller"),
        (Drained::Events(1), "late".to_string())
    );
}

#[test]
fn a_poller_that_gives_up_passes_the_wake_up_on_to_one_that_waits() {
    let queue = Arc::new(Queue::new(16, Duration::from_millis(50)));
    let patient = {
        let queue = Arc::clone(&queue);
        thread::spawn(move || {
            let mut out = vec![empty()];
            let drained = queue.next(None, &mut out);
            free_taken(&mut out);
            drained
        })
    };
    thread::sleep(Duration::from_millis(20));
    let hasty = {
        let queue = Arc::clone(&queue);
        thread::spawn(move || {
            let mut out = vec![empty()];
            queue.next(Some(Duration::from_millis(10)), &mut out)
        })
    };
    thread::sleep(Duration::from_millis(2));
    queue.push(log_event("either")).expect("open");
    let hasty = hasty.join().expect("hasty");
    if hasty == Drained::Events(0) {
        assert_eq!(patient.join().expect("patient"), Drained::Events(1));
    } else {
        // The hasty poller took it: wake the patient one to end the test.
        queue.close();
        assert_eq!(patient.join().expect("patient"), Drained::Closed);
    }
}
