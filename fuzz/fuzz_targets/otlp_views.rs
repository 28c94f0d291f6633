//! Arbitrary bytes as an OTLP traces, metrics and logs request: through views (every field read,
//! text read lossily, values nested as deep as the bytes go) and through decoding (prost, with
//! text that is not UTF-8 read lossily), whole and part by part. Neither panics, and they agree:
//! bytes that decode are a batch whose view shows the same resources, scopes and records (names
//! alike, lossily), and whose parts decode alone.
#![no_main]

use libfuzzer_sys::fuzz_target;
use otelbridge::{Batch, LogsBatch, MetricsBatch, TracesBatch};
use otelbridge_fuzz::walk::{self, Record, Shape};

fuzz_target!(|data: &[u8]| {
    traces(data);
    metrics(data);
    logs(data);
});

fn traces(data: &[u8]) {
    let batch: TracesBatch<'_> = Batch::from_bytes(data);
    let view = batch.view();
    if let Ok(view) = &view {
        let shape = walk::traces(view);
        for resource in view.resources() {
            for scope in resource.scopes() {
                for span in scope.records() {
                    let _ = span.decode();
                    for attribute in span.attributes() {
                        let _ = attribute.decode_value();
                    }
                }
            }
        }
        if let Ok(decoded) = batch.decode() {
            let want = Shape {
                resources: decoded
                    .resource_spans
                    .iter()
                    .map(|r| {
                        r.scope_spans
                            .iter()
                            .map(|s| {
                                s.spans
                                    .iter()
                                    .map(|span| Record {
                                        name: span.name.clone(),
                                        attributes: span.attributes.len(),
                                        events: span.events.len(),
                                        links: span.links.len(),
                                    })
                                    .collect()
                            })
                            .collect()
                    })
                    .collect(),
            };
            assert_eq!(shape, want, "view and prost disagree on a traces batch");
            for resource in view.resources() {
                for scope in resource.scopes() {
                    for span in scope.records() {
                        span.decode().expect("a span of a decodable batch decodes");
                    }
                }
            }
        }
    } else {
        assert!(
            batch.decode().is_err(),
            "prost decodes a traces batch the view refuses: {:?}",
            view.err()
        );
    }
}

fn metrics(data: &[u8]) {
    let batch: MetricsBatch<'_> = Batch::from_bytes(data);
    let view = batch.view();
    if let Ok(view) = &view {
        let shape = walk::metrics(view);
        if let Ok(decoded) = batch.decode() {
            let want = Shape {
                resources: decoded
                    .resource_metrics
                    .iter()
                    .map(|r| {
                        r.scope_metrics
                            .iter()
                            .map(|s| {
                                s.metrics
                                    .iter()
                                    .map(|metric| Record {
                                        name: metric.name.clone(),
                                        attributes: metric.metadata.len(),
                                        ..Record::default()
                                    })
                                    .collect()
                            })
                            .collect()
                    })
                    .collect(),
            };
            assert_eq!(shape, want, "view and prost disagree on a metrics batch");
            for resource in view.resources() {
                for scope in resource.scopes() {
                    for metric in scope.records() {
                        metric
                            .decode()
                            .expect("a metric of a decodable batch decodes");
                    }
                }
            }
        }
    } else {
        assert!(
            batch.decode().is_err(),
            "prost decodes a metrics batch the view refuses: {:?}",
            view.err()
        );
    }
}

fn logs(data: &[u8]) {
    let batch: LogsBatch<'_> = Batch::from_bytes(data);
    let view = batch.view();
    if let Ok(view) = &view {
        let shape = walk::logs(view);
        for resource in view.resources() {
            for scope in resource.scopes() {
                for record in scope.records() {
                    let _ = record.decode_body();
                }
            }
        }
        if let Ok(decoded) = batch.decode() {
            let want = Shape {
                resources: decoded
                    .resource_logs
                    .iter()
                    .map(|r| {
                        r.scope_logs
                            .iter()
                            .map(|s| {
                                s.log_records
                                    .iter()
                                    .map(|record| Record {
                                        name: record.severity_text.clone(),
                                        attributes: record.attributes.len(),
                                        ..Record::default()
                                    })
                                    .collect()
                            })
                            .collect()
                    })
                    .collect(),
            };
            assert_eq!(shape, want, "view and prost disagree on a logs batch");
            for resource in view.resources() {
                for scope in resource.scopes() {
                    for record in scope.records() {
                        record
                            .decode()
                            .expect("a record of a decodable batch decodes");
                    }
                }
            }
        }
    } else {
        assert!(
            batch.decode().is_err(),
            "prost decodes a logs batch the view refuses: {:?}",
            view.err()
        );
    }
}
