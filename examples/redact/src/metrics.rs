//! Metrics: resource, scope, metric metadata, data point and exemplar attributes are redacted;
//! data points (of every metric type) are dropped.

use otelbridge::view::MetricsView;
use otelbridge::{At, Edits, Error};

use crate::policy::{Policy, Tally};

/// Applies `policy` to a metrics request read in place, recording the changes in `edits`. Drop
/// filters see data point attributes as they came; dropped points are not redacted, nor is a
/// metric whose points all went.
pub(crate) fn apply(
    policy: &Policy,
    request: MetricsView<'_>,
    edits: &mut Edits,
) -> Result<Tally, Error> {
    let mut tally = Tally::default();
    for (r, resource) in request.resources().enumerate() {
        let mut redacted = 0;
        for (s, scope) in resource.scopes().enumerate() {
            redacted += policy.redact(At::scope(r, s), scope.attributes(), edits)?;
            for (m, metric) in scope.records().enumerate() {
                let (mut points, mut kept) = (0, 0);
                for (p, point) in metric.data_points().enumerate() {
                    points += 1;
                    let at = At::data_point(r, s, m, p);
                    if tally.drops(policy, point.attributes(), at, edits) {
                        continue;
                    }
                    kept += 1;
                    redacted += policy.redact(at, point.attributes(), edits)?;
                    for (x, exemplar) in point.exemplars().enumerate() {
                        let at = At::exemplar(r, s, m, p, x);
                        redacted += policy.redact(at, exemplar.filtered_attributes(), edits)?;
                    }
                }
                if points == 0 || kept > 0 {
                    redacted += policy.redact(At::record(r, s, m), metric.metadata(), edits)?;
                }
            }
        }
        tally.redacted += policy.finish_resource(r, resource.attributes(), redacted, edits)?;
    }
    Ok(tally)
}

#[cfg(test)]
mod tests {
    use otelbridge::proto::ExportMetricsServiceRequest;
    use otelbridge::proto::common::v1::KeyValue;
    use otelbridge::proto::metrics::v1::metric::Data;
    use otelbridge::proto::metrics::v1::{Exemplar, Metric};
    use otelbridge::proto::metrics::v1::{
        ExponentialHistogram, ExponentialHistogramDataPoint, Gauge, Histogram, HistogramDataPoint,
        NumberDataPoint, ResourceMetrics, ScopeMetrics, Sum, Summary, SummaryDataPoint,
    };

    use otelbridge::testing::{Harness, Processed};

    use crate::rules::hash;
    use crate::testutil::{get, get_int, replaced, resource, string_attribute};

    fn number_point(attributes: Vec<KeyValue>) -> NumberDataPoint {
        NumberDataPoint {
            attributes,
            ..Default::default()
        }
    }

    fn gauge(name: &str, points: Vec<NumberDataPoint>) -> Metric {
        Metric {
            name: name.to_owned(),
            data: Some(Data::Gauge(Gauge {
                data_points: points,
            })),
            ..Default::default()
        }
    }

    /// One metric of every type, each with one data point carrying `attributes`.
    fn every_type(attributes: Vec<KeyValue>) -> Vec<Metric> {
        let a = || attributes.clone();
        vec![
            gauge("gauge", vec![number_point(a())]),
            Metric {
                name: "sum".into(),
                data: Some(Data::Sum(Sum {
                    data_points: vec![number_point(a())],
                    ..Default::default()
                })),
                ..Default::default()
            },
            Metric {
                name: "histogram".into(),
                data: Some(Data::Histogram(Histogram {
                    data_points: vec![HistogramDataPoint {
                        attributes: a(),
                        ..Default::default()
                    }],
                    ..Default::default()
                })),
                ..Default::default()
            },
            Metric {
                name: "exponential".into(),
                data: Some(Data::ExponentialHistogram(ExponentialHistogram {
                    data_points: vec![ExponentialHistogramDataPoint {
                        attributes: a(),
                        ..Default::default()
                    }],
                    ..Default::default()
                })),
                ..Default::default()
            },
            Metric {
                name: "summary".into(),
                data: Some(Data::Summary(Summary {
                    data_points: vec![SummaryDataPoint {
                        attributes: a(),
                        ..Default::default()
                    }],
                })),
                ..Default::default()
            },
        ]
    }

    /// The attributes of every data point, in order.
    fn point_attributes(metric: &Metric) -> Vec<&[KeyValue]> {
        match metric.data.as_ref().expect("has data") {
            Data::Gauge(g) => g
                .data_points
                .iter()
                .map(|p| p.attributes.as_slice())
                .collect(),
            Data::Sum(s) => s
                .data_points
                .iter()
                .map(|p| p.attributes.as_slice())
                .collect(),
            Data::Histogram(h) => h
                .data_points
                .iter()
                .map(|p| p.attributes.as_slice())
                .collect(),
            Data::ExponentialHistogram(h) => h
                .data_points
                .iter()
                .map(|p| p.attributes.as_slice())
                .collect(),
            Data::Summary(s) => s
                .data_points
                .iter()
                .map(|p| p.attributes.as_slice())
                .collect(),
        }
    }

    fn request(
        resource_attributes: Vec<KeyValue>,
        metrics: Vec<Metric>,
    ) -> ExportMetricsServiceRequest {
        ExportMetricsServiceRequest {
            resource_metrics: vec![ResourceMetrics {
                resource: resource(resource_attributes),
                scope_metrics: vec![ScopeMetrics {
                    metrics,
                    ..Default::default()
                }],
                ..Default::default()
            }],
        }
    }

    fn metrics(request: &ExportMetricsServiceRequest) -> Vec<&Metric> {
        request
            .resource_metrics
            .iter()
            .flat_map(|rm| &rm.scope_metrics)
            .flat_map(|sm| &sm.metrics)
            .collect()
    }

    /// Runs `request` through a `redact` instance with config `json`, as the collector does.
    async fn run(
        json: &str,
        request: &ExportMetricsServiceRequest,
    ) -> Processed<ExportMetricsServiceRequest> {
        let redact = Harness::started(&crate::factory(), json)
            .await
            .expect("valid config");
        redact
            .process(request)
            .await
            .expect("valid batch, and edits that apply to it")
    }

    const EMAILS: &str =
        r#"{"rules":[{"pattern":"[\\w.+-]+@[\\w-]+\\.[\\w.]+"}],"summary_attribute":"redacted"}"#;

    #[tokio::test]
    async fn metrics_nothing_matched_is_unchanged() {
        let input = request(vec![], every_type(vec![string_attribute("k", "plain")]));
        assert!(run(EMAILS, &input).await.is_unchanged());
    }

    #[tokio::test]
    async fn metrics_mask_data_points_of_every_type() {
        let input = request(
            vec![],
            every_type(vec![string_attribute("user", "ann@example.com")]),
        );
        let output = replaced(run(EMAILS, &input).await);
        let metrics = metrics(&output);
        assert_eq!(metrics.len(), 5);
        for metric in metrics {
            for attributes in point_attributes(metric) {
                assert_eq!(get(attributes, "user"), Some("****"), "{}", metric.name);
            }
        }
        let resource = output.resource_metrics[0].resource.as_ref().expect("kept");
        assert_eq!(get_int(&resource.attributes, "redacted"), Some(5));
    }

    #[tokio::test]
    async fn metrics_mask_exemplars_and_metadata() {
        let email = || vec![string_attribute("user", "bob@example.org")];
        let mut metric = gauge("g", vec![number_point(vec![])]);
        metric.metadata = email();
        if let Some(Data::Gauge(g)) = metric.data.as_mut() {
            g.data_points[0].exemplars = vec![Exemplar {
                filtered_attributes: email(),
                ..Default::default()
            }];
        }
        let output = replaced(run(EMAILS, &request(vec![], vec![metric])).await);
        let metric = metrics(&output)[0];
        assert_eq!(get(&metric.metadata, "user"), Some("****"));
        let Some(Data::Gauge(g)) = metric.data.as_ref() else {
            panic!("still a gauge");
        };
        assert_eq!(
            get(&g.data_points[0].exemplars[0].filtered_attributes, "user"),
            Some("****")
        );
    }

    #[tokio::test]
    async fn metrics_hash_resource_attribute() {
        let json = r#"{"rules":[{"pattern":".","action":"hash","attributes":["host.name"]}]}"#;
        let input = request(
            vec![
                string_attribute("host.name", "db-7"),
                string_attribute("os", "linux"),
            ],
            every_type(vec![string_attribute("os", "linux")]),
        );
        let output = replaced(run(json, &input).await);
        let resource = output.resource_metrics[0].resource.as_ref().expect("kept");
        assert_eq!(
            get(&resource.attributes, "host.name"),
            Some(hash("db-7").as_str())
        );
        assert_eq!(get(&resource.attributes, "os"), Some("linux"));
        for metric in metrics(&output) {
            assert_eq!(get(point_attributes(metric)[0], "os"), Some("linux"));
        }
    }

    #[tokio::test]
    async fn metrics_drop_points_and_emptied_metrics() {
        let json = r#"{"drop":[{"attribute":"env","pattern":"^test$"}]}"#;
        let test = || string_attribute("env", "test");
        let prod = || string_attribute("env", "prod");
        let mut input = every_type(vec![test()]);
        input.push(gauge(
            "mixed",
            vec![number_point(vec![test()]), number_point(vec![prod()])],
        ));
        let output = replaced(run(json, &request(vec![], input)).await);
        let metrics = metrics(&output);
        let names: Vec<_> = metrics.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["mixed"]);
        assert_eq!(point_attributes(metrics[0]), [[prod()].as_slice()]);
    }

    #[tokio::test]
    async fn metrics_all_dropped_is_dropped() {
        let json = r#"{"drop":[{"attribute":"env","pattern":"test"}]}"#;
        let input = request(vec![], every_type(vec![string_attribute("env", "test")]));
        assert!(run(json, &input).await.is_dropped());
    }
}
