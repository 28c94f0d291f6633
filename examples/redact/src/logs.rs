//! Logs: resource, scope and log record attributes and log record bodies are redacted; log
//! records are dropped.

use otelbridge::view::{LogRecordView, LogsView};
use otelbridge::{At, Edits, Error};

use crate::policy::{Policy, Tally};

/// Applies `policy` to a logs request read in place, recording the changes in `edits`. Drop
/// filters see the values as they came; dropped records are not redacted.
pub(crate) fn apply(
    policy: &Policy,
    request: LogsView<'_>,
    edits: &mut Edits,
) -> Result<Tally, Error> {
    let mut tally = Tally::default();
    for (r, resource) in request.resources().enumerate() {
        let mut redacted = 0;
        for (s, scope) in resource.scopes().enumerate() {
            redacted += policy.redact(At::scope(r, s), scope.attributes(), edits)?;
            for (i, record) in scope.records().enumerate() {
                let at = At::record(r, s, i);
                if !tally.drops(policy, record.attributes(), at, edits) {
                    redacted += redact_record(policy, at, record, edits)?;
                }
            }
        }
        tally.redacted += policy.finish_resource(r, resource.attributes(), redacted, edits)?;
    }
    Ok(tally)
}

fn redact_record(
    policy: &Policy,
    at: At,
    record: LogRecordView<'_>,
    edits: &mut Edits,
) -> Result<u64, Error> {
    let mut redacted = 0;
    if let Some(body) = record.body() {
        if let Some((changed, value)) = policy
            .rules
            .redact_view(None, body, || record.decode_body())
        {
            redacted = changed;
            edits.set_body(at, value);
        }
    }
    Ok(redacted + policy.redact(at, record.attributes(), edits)?)
}

#[cfg(test)]
mod tests {
    use otelbridge::proto::ExportLogsServiceRequest;
    use otelbridge::proto::common::v1::{AnyValue, KeyValue, KeyValueList, any_value::Value};
    use otelbridge::proto::logs::v1::LogRecord;
    use otelbridge::proto::logs::v1::{ResourceLogs, ScopeLogs};

    use otelbridge::testing::{Harness, Processed};

    use crate::rules::hash;
    use crate::testutil::{get, get_int, replaced, resource, string_attribute};

    fn record(body: &str, attributes: Vec<KeyValue>) -> LogRecord {
        LogRecord {
            body: Some(AnyValue {
                value: Some(Value::StringValue(body.to_owned())),
            }),
            attributes,
            ..Default::default()
        }
    }

    fn body(record: &LogRecord) -> Option<&Value> {
        record.body.as_ref()?.value.as_ref()
    }

    fn request(
        resource_attributes: Vec<KeyValue>,
        records: Vec<LogRecord>,
    ) -> ExportLogsServiceRequest {
        ExportLogsServiceRequest {
            resource_logs: vec![ResourceLogs {
                resource: resource(resource_attributes),
                scope_logs: vec![ScopeLogs {
                    log_records: records,
                    ..Default::default()
                }],
                ..Default::default()
            }],
        }
    }

    fn records(request: &ExportLogsServiceRequest) -> Vec<&LogRecord> {
        request
            .resource_logs
            .iter()
            .flat_map(|rl| &rl.scope_logs)
            .flat_map(|sl| &sl.log_records)
            .collect()
    }

    /// Runs `request` through a `redact` instance with config `json`, as the collector does.
    async fn run(
        json: &str,
        request: &ExportLogsServiceRequest,
    ) -> Processed<ExportLogsServiceRequest> {
        let redact = Harness::started(&crate::factory(), json)
            .await
            .expect("valid config");
        redact
            .process(request)
            .await
            .expect("valid batch, and edits that apply to it")
    }

    const TOKENS: &str =
        r#"{"rules":[{"pattern":"tok_[a-z0-9]+"}],"summary_attribute":"redacted"}"#;

    #[tokio::test]
    async fn logs_nothing_matched_is_unchanged() {
        let input = request(
            vec![],
            vec![record("all fine", vec![string_attribute("k", "v")])],
        );
        assert!(run(TOKENS, &input).await.is_unchanged());
    }

    #[tokio::test]
    async fn logs_mask_body_and_attributes() {
        let input = request(
            vec![],
            vec![record(
                "login with tok_abc1 ok",
                vec![string_attribute("auth", "tok_zz")],
            )],
        );
        let output = replaced(run(TOKENS, &input).await);
        let record = records(&output)[0];
        assert_eq!(
            body(record),
            Some(&Value::StringValue("login with **** ok".into()))
        );
        assert_eq!(get(&record.attributes, "auth"), Some("****"));
        let resource = output.resource_logs[0].resource.as_ref().expect("kept");
        assert_eq!(get_int(&resource.attributes, "redacted"), Some(2));
    }

    #[tokio::test]
    async fn logs_mask_structured_body() {
        let mut input = request(vec![], vec![record("", vec![])]);
        input.resource_logs[0].scope_logs[0].log_records[0].body = Some(AnyValue {
            value: Some(Value::KvlistValue(KeyValueList {
                values: vec![
                    string_attribute("token", "tok_q1"),
                    string_attribute("n", "x"),
                ],
            })),
        });
        let output = replaced(run(TOKENS, &input).await);
        let Some(Value::KvlistValue(list)) = body(records(&output)[0]) else {
            panic!("still a key-value list");
        };
        assert_eq!(get(&list.values, "token"), Some("****"));
        assert_eq!(get(&list.values, "n"), Some("x"));
    }

    #[tokio::test]
    async fn logs_hash_attribute() {
        let json = r#"{"rules":[{"pattern":"^\\d+$","action":"hash"}]}"#;
        let input = request(
            vec![],
            vec![record("body 1", vec![string_attribute("user.id", "1234")])],
        );
        let output = replaced(run(json, &input).await);
        let record = records(&output)[0];
        assert_eq!(
            get(&record.attributes, "user.id"),
            Some(hash("1234").as_str())
        );
        assert_eq!(body(record), Some(&Value::StringValue("body 1".into())));
    }

    #[tokio::test]
    async fn logs_attribute_limited_rule_skips_body_and_other_keys() {
        let json = r#"{"rules":[{"pattern":"tok_\\w+","attributes":["auth"]}]}"#;
        let input = request(
            vec![string_attribute("auth", "tok_r")],
            vec![record(
                "tok_body",
                vec![
                    string_attribute("auth", "tok_a"),
                    string_attribute("other", "tok_b"),
                ],
            )],
        );
        let output = replaced(run(json, &input).await);
        let record = records(&output)[0];
        assert_eq!(body(record), Some(&Value::StringValue("tok_body".into())));
        assert_eq!(get(&record.attributes, "auth"), Some("****"));
        assert_eq!(get(&record.attributes, "other"), Some("tok_b"));
        let resource = output.resource_logs[0].resource.as_ref().expect("kept");
        assert_eq!(get(&resource.attributes, "auth"), Some("****"));
    }

    #[tokio::test]
    async fn logs_drop_matching_records() {
        let json = r#"{"drop":[{"attribute":"level","pattern":"^debug$"}]}"#;
        let input = request(
            vec![],
            vec![
                record("a", vec![string_attribute("level", "debug")]),
                record("b", vec![string_attribute("level", "info")]),
            ],
        );
        let output = replaced(run(json, &input).await);
        let kept: Vec<_> = records(&output)
            .iter()
            .filter_map(|r| body(r))
            .cloned()
            .collect();
        assert_eq!(kept, [Value::StringValue("b".into())]);
    }

    #[tokio::test]
    async fn logs_all_dropped_is_dropped() {
        let json = r#"{"drop":[{"attribute":"level","pattern":"debug"}]}"#;
        let input = request(
            vec![],
            vec![record("a", vec![string_attribute("level", "debug")])],
        );
        assert!(run(json, &input).await.is_dropped());
    }
}
