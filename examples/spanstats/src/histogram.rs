//! An explicit-bucket histogram of durations, laid out as OTLP's `HistogramDataPoint` wants it.

/// Count, sum, extremes and per-bucket counts of the values recorded against one set of bounds.
///
/// Bucket `i` holds the values `v` with `bounds[i - 1] < v <= bounds[i]` (upper bounds are
/// inclusive, as in OTLP); the last bucket, one past the bounds, holds everything above them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Histogram {
    pub(crate) count: u64,
    pub(crate) sum: f64,
    pub(crate) min: f64,
    pub(crate) max: f64,
    pub(crate) bucket_counts: Vec<u64>,
}

impl Histogram {
    /// An empty histogram over `bounds` (finite and strictly increasing, as config validation
    /// ensures).
    pub(crate) fn new(bounds: &[f64]) -> Histogram {
        Histogram {
            count: 0,
            sum: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            bucket_counts: vec![0; bounds.len() + 1],
        }
    }

    /// Records one value.
    pub(crate) fn record(&mut self, bounds: &[f64], value: f64) {
        self.count += 1;
        self.sum += value;
        self.min = self.min.min(value);
        self.max = self.max.max(value);
        self.bucket_counts[bucket(bounds, value)] += 1;
    }
}

/// The index of the bucket `value` falls in: the first bound at or above it.
pub(crate) fn bucket(bounds: &[f64], value: f64) -> usize {
    bounds.partition_point(|bound| *bound < value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DEFAULT_BUCKETS_MS;

    #[test]
    fn upper_bounds_are_inclusive() {
        let bounds = [1.0, 10.0];
        assert_eq!(bucket(&bounds, 0.0), 0);
        assert_eq!(bucket(&bounds, 1.0), 0);
        assert_eq!(bucket(&bounds, 1.5), 1);
        assert_eq!(bucket(&bounds, 10.0), 1);
        assert_eq!(bucket(&bounds, 10.1), 2);
    }

    #[test]
    fn five_ms_lands_in_the_default_4_to_6_bucket() {
        assert_eq!(DEFAULT_BUCKETS_MS[1..3], [4.0, 6.0]);
        assert_eq!(bucket(&DEFAULT_BUCKETS_MS, 5.0), 2);
    }

    #[test]
    fn records_count_sum_extremes_and_buckets() {
        let bounds = [1.0, 10.0];
        let mut histogram = Histogram::new(&bounds);
        for value in [0.5, 3.0, 7.0, 250.0] {
            histogram.record(&bounds, value);
        }
        assert_eq!(
            histogram,
            Histogram {
                count: 4,
                sum: 260.5,
                min: 0.5,
                max: 250.0,
                bucket_counts: vec![1, 2, 1],
            }
        );
    }
}
