//! Spans: resource, scope, span, span event and link attributes are redacted; spans are dropped.

use otelbridge::view::{SpanView, TracesView};
use otelbridge::{At, Edits, Error};

use crate::policy::{Policy, Tally};

/// Applies `policy` to a traces request read in place, recording the changes in `edits`. Drop
/// filters see the values as they came; dropped spans are not redacted.
pub(crate) fn apply(
    policy: &Policy,
    request: TracesView<'_>,
    edits: &mut Edits,
) -> Result<Tally, Error> {
    let mut tally = Tally::default();
    for (r, resource) in request.resources().enumerate() {
        let mut redacted = 0;
        for (s, scope) in resource.scopes().enumerate() {
            redacted += policy.redact(At::scope(r, s), scope.attributes(), edits)?;
            for (i, span) in scope.records().enumerate() {
                if !tally.drops(policy, span.attributes(), At::record(r, s, i), edits) {
                    redacted += redact_span(policy, (r, s, i), span, edits)?;
                }
            }
        }
        tally.redacted += policy.finish_resource(r, resource.attributes(), redacted, edits)?;
    }
    Ok(tally)
}

fn redact_span(
    policy: &Policy,
    (r, s, i): (usize, usize, usize),
    span: SpanView<'_>,
    edits: &mut Edits,
) -> Result<u64, Error> {
    let mut redacted = policy.redact(At::record(r, s, i), span.attributes(), edits)?;
    for (e, event) in span.events().enumerate() {
        redacted += policy.redact(At::event(r, s, i, e), event.attributes(), edits)?;
    }
    for (l, link) in span.links().enumerate() {
        redacted += policy.redact(At::link(r, s, i, l), link.attributes(), edits)?;
    }
    Ok(redacted)
}

#[cfg(test)]
mod tests {
    use otelbridge::prost::Message;
    use otelbridge::proto::ExportTraceServiceRequest;
    use otelbridge::proto::common::v1::any_value::Value;
    use otelbridge::proto::common::v1::{AnyValue, ArrayValue, InstrumentationScope, KeyValue};
    use otelbridge::proto::trace::v1::Span;
    use otelbridge::proto::trace::v1::span::{Event, Link};
    use otelbridge::proto::trace::v1::{ResourceSpans, ScopeSpans};
    use otelbridge::{Context, Outcome, Processor, TracesBatch};

    use otelbridge::testing::{Harness, Processed};

    use crate::rules::hash;
    use crate::testutil::{get, get_int, processor, replaced, resource, string_attribute};

    fn span(name: &str, attributes: Vec<KeyValue>) -> Span {
        Span {
            name: name.to_owned(),
            attributes,
            ..Default::default()
        }
    }

    fn request(resource_attributes: Vec<KeyValue>, spans: Vec<Span>) -> ExportTraceServiceRequest {
        ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                resource: resource(resource_attributes),
                scope_spans: vec![ScopeSpans {
                    spans,
                    ..Default::default()
                }],
                ..Default::default()
            }],
        }
    }

    /// Runs `request` through a `redact` instance with config `json`, as the collector does.
    async fn run(
        json: &str,
        request: &ExportTraceServiceRequest,
    ) -> Processed<ExportTraceServiceRequest> {
        let redact = Harness::started(&crate::factory(), json)
            .await
            .expect("valid config");
        redact
            .process(request)
            .await
            .expect("valid batch, and edits that apply to it")
    }

    fn spans(request: &ExportTraceServiceRequest) -> Vec<&Span> {
        request
            .resource_spans
            .iter()
            .flat_map(|rs| &rs.scope_spans)
            .flat_map(|ss| &ss.spans)
            .collect()
    }

    const CARDS: &str = r#"{"rules":[{"pattern":"\\d{4}-\\d{4}"}],"summary_attribute":"redacted"}"#;

    /// An attribute whose value is an array nested `levels` deep around `leaf`.
    fn nested(key: &str, levels: usize, leaf: &str) -> KeyValue {
        let mut attribute = string_attribute(key, leaf);
        for _ in 0..levels {
            let value = attribute.value.take();
            attribute.value = Some(AnyValue {
                value: Some(Value::ArrayValue(ArrayValue {
                    values: value.into_iter().collect(),
                })),
            });
        }
        attribute
    }

    #[tokio::test]
    async fn traces_go_accepts_are_not_refused_for_what_redact_does_not_touch() {
        // A span name that is not UTF-8 and an attribute nested 40 levels (both accepted by Go's
        // pdata, neither decodable by prost as a whole batch) beside a card number to mask.
        let clean = request(
            vec![string_attribute("card", "paid with 1234-5678")],
            vec![span("abc", vec![nested("deep", 40, "no digits")])],
        );
        let mut bytes = clean.encode_to_vec();
        let at = bytes.windows(3).position(|w| w == b"abc").expect("name");
        bytes[at] = 0xff;
        let outcome = processor(CARDS)
            .process_traces(&Context::background(), TracesBatch::from_bytes(&bytes))
            .await
            .expect("the batch is not refused");
        let Outcome::Edited(edits) = outcome else {
            panic!("the card is masked by an edit, got {outcome:?}");
        };
        // The same edits as for the clean batch: the name and the deep value are left alone.
        let clean_bytes = clean.encode_to_vec();
        let expected = processor(CARDS)
            .process_traces(
                &Context::background(),
                TracesBatch::from_bytes(&clean_bytes),
            )
            .await
            .expect("valid batch");
        assert_eq!(
            Outcome::<ExportTraceServiceRequest>::Edited(edits),
            expected
        );
    }

    #[tokio::test]
    async fn traces_a_value_nested_too_deep_to_read_is_masked_not_passed_on_unchecked() {
        let input = request(
            vec![],
            vec![span("op", vec![nested("deep", 200, "1234-5678")])],
        );
        let output = replaced(run(CARDS, &input).await);
        assert_eq!(get(&spans(&output)[0].attributes, "deep"), Some("****"));
    }

    #[tokio::test]
    async fn traces_nothing_matched_is_unchanged() {
        let input = request(
            vec![string_attribute("service.name", "shop")],
            vec![span("op", vec![string_attribute("k", "no digits")])],
        );
        assert!(run(CARDS, &input).await.is_unchanged());
    }

    #[tokio::test]
    async fn traces_mask_every_attribute_level() {
        let card = || string_attribute("card", "paid with 1234-5678");
        let mut input = request(vec![card()], vec![span("op", vec![card()])]);
        let scope_spans = &mut input.resource_spans[0].scope_spans[0];
        scope_spans.scope = Some(InstrumentationScope {
            attributes: vec![card()],
            ..Default::default()
        });
        scope_spans.spans[0].events = vec![Event {
            attributes: vec![card()],
            ..Default::default()
        }];
        scope_spans.spans[0].links = vec![Link {
            attributes: vec![card()],
            ..Default::default()
        }];

        let output = replaced(run(CARDS, &input).await);
        let rs = &output.resource_spans[0];
        let resource = rs.resource.as_ref().expect("resource kept");
        let ss = &rs.scope_spans[0];
        let scope = ss.scope.as_ref().expect("scope kept");
        let span = &ss.spans[0];
        for attributes in [
            &resource.attributes,
            &scope.attributes,
            &span.attributes,
            &span.events[0].attributes,
            &span.links[0].attributes,
        ] {
            assert_eq!(get(attributes, "card"), Some("paid with ****"));
        }
        assert_eq!(get_int(&resource.attributes, "redacted"), Some(5));
    }

    #[tokio::test]
    async fn traces_hash_replaces_the_whole_value() {
        let json = r#"{"rules":[{"pattern":"@","action":"hash"}]}"#;
        let input = request(
            vec![],
            vec![span(
                "op",
                vec![string_attribute("user", "ann@example.com")],
            )],
        );
        let output = replaced(run(json, &input).await);
        assert_eq!(
            get(&spans(&output)[0].attributes, "user"),
            Some(hash("ann@example.com").as_str())
        );
    }

    #[tokio::test]
    async fn traces_attribute_limited_rule_skips_other_keys() {
        let json = r#"{"rules":[{"pattern":"secret","attributes":["db.statement"]}]}"#;
        let input = request(
            vec![string_attribute("note", "secret")],
            vec![span(
                "op",
                vec![
                    string_attribute("db.statement", "select secret"),
                    string_attribute("note", "secret"),
                ],
            )],
        );
        let output = replaced(run(json, &input).await);
        let span = spans(&output)[0];
        assert_eq!(get(&span.attributes, "db.statement"), Some("select ****"));
        assert_eq!(get(&span.attributes, "note"), Some("secret"));
        let resource = output.resource_spans[0].resource.as_ref().expect("kept");
        assert_eq!(get(&resource.attributes, "note"), Some("secret"));
        // No summary key configured: nothing is added.
        assert_eq!(resource.attributes.len(), 1);
    }

    #[tokio::test]
    async fn traces_drop_removes_matching_spans_and_emptied_resources() {
        let json = r#"{"drop":[{"attribute":"http.route","pattern":"^/health"}]}"#;
        let health = || span("health", vec![string_attribute("http.route", "/healthz")]);
        let mut input = request(
            vec![],
            vec![
                health(),
                span("buy", vec![string_attribute("http.route", "/buy")]),
            ],
        );
        input
            .resource_spans
            .push(request(vec![], vec![health()]).resource_spans.remove(0));

        let output = replaced(run(json, &input).await);
        assert_eq!(
            output.resource_spans.len(),
            1,
            "the all-health resource went"
        );
        let names: Vec<_> = spans(&output).iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["buy"]);
    }

    #[tokio::test]
    async fn traces_all_dropped_is_dropped() {
        let json = r#"{"drop":[{"attribute":"http.route","pattern":"^/health"}]}"#;
        let input = request(
            vec![],
            vec![span(
                "health",
                vec![string_attribute("http.route", "/health")],
            )],
        );
        assert!(run(json, &input).await.is_dropped());
    }

    #[tokio::test]
    async fn traces_drop_sees_values_before_redaction() {
        let json = r#"{"rules":[{"pattern":"health"}],"drop":[{"attribute":"http.route","pattern":"health"}]}"#;
        let input = request(
            vec![],
            vec![
                span("health", vec![string_attribute("http.route", "/health")]),
                span("other", vec![string_attribute("note", "health")]),
            ],
        );
        let output = replaced(run(json, &input).await);
        let kept = spans(&output);
        assert_eq!(kept.len(), 1);
        assert_eq!(get(&kept[0].attributes, "note"), Some("****"));
    }
}
