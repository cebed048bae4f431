//! Metrics in CloudWatch's embedded metric format: one JSON object per line on stdout, which
//! Lambda sends to CloudWatch Logs, where CloudWatch turns it into metrics. No API call, no
//! permission, nothing to wait for on the request path.

use serde_json::{Map, Value, json};
use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

/// Where the registry's own metrics live (the template's alarms read them there).
pub const NAMESPACE: &str = "NNA/Registry";
/// Album-art jobs worked, and those that failed for good (or were abandoned at a deadline): the
/// template's art failure-rate alarm divides one by the other.
pub const ART_JOB: &str = "ArtJob";
pub const ART_JOB_FAILED: &str = "ArtJobFailed";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Count,
    Milliseconds,
}

impl Unit {
    fn label(self) -> &'static str {
        match self {
            Self::Count => "Count",
            Self::Milliseconds => "Milliseconds",
        }
    }
}

/// One line: these measurements, under these dimensions (all of them, as one dimension set).
pub fn line(dimensions: &[(&str, &str)], measurements: &[(&str, f64, Unit)]) -> Value {
    let timestamp = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
    let names: Vec<&str> = dimensions.iter().map(|(k, _)| *k).collect();
    let metrics: Vec<Value> = measurements.iter().map(|(n, _, u)| json!({"Name": n, "Unit": u.label()})).collect();
    let mut out = Map::new();
    out.insert(
        "_aws".into(),
        json!({"Timestamp": timestamp, "CloudWatchMetrics": [{"Namespace": NAMESPACE, "Dimensions": [names], "Metrics": metrics}]}),
    );
    for (k, v) in dimensions {
        out.insert((*k).to_owned(), Value::String((*v).to_owned()));
    }
    for (n, v, _) in measurements {
        out.insert((*n).to_owned(), json!(v));
    }
    Value::Object(out)
}

/// An album-art outcome: one `ArtJob`, `ArtJobFailed` 0 or 1 (the alarm's rate), the same
/// two under the art's `Source`, and, when failed, `ArtJobFailed` under its failure code;
/// `ArtEndToEnd` for art made.
pub fn art_outcome(failure: Option<&str>, source: &str, since_request_ms: f64) {
    let function = ("Function", "process-album-art");
    let failed = if failure.is_some() { 1.0 } else { 0.0 };
    let counts = [(ART_JOB, 1.0, Unit::Count), (ART_JOB_FAILED, failed, Unit::Count)];
    match failure {
        None => emit(&[function], &[counts[0], counts[1], ("ArtEndToEnd", since_request_ms, Unit::Milliseconds)]),
        Some(code) => {
            emit(&[function], &counts);
            // The code with a retried one's `retries_exhausted:` prefix kept: both say something.
            emit(&[function, ("Code", code)], &[(ART_JOB_FAILED, 1.0, Unit::Count)]);
        }
    }
    emit(&[function, ("Source", source)], &counts);
}

/// Writes one line to stdout (logs go to stderr, so the two never interleave within a line).
pub fn emit(dimensions: &[(&str, &str)], measurements: &[(&str, f64, Unit)]) {
    let text = line(dimensions, measurements).to_string();
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_in_the_embedded_metric_format() {
        let v = line(
            &[("Function", "process-album-art")],
            &[("ArtJob", 1.0, Unit::Count), ("ArtEndToEnd", 812.0, Unit::Milliseconds)],
        );
        let spec = &v["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(spec["Namespace"], NAMESPACE);
        assert_eq!(spec["Dimensions"], json!([["Function"]]));
        assert_eq!(spec["Metrics"][1], json!({"Name": "ArtEndToEnd", "Unit": "Milliseconds"}));
        assert_eq!(
            (v["Function"].as_str(), v["ArtJob"].as_f64(), v["ArtEndToEnd"].as_f64()),
            (Some("process-album-art"), Some(1.0), Some(812.0))
        );
        assert!(v["_aws"]["Timestamp"].as_u64().unwrap() > 1_700_000_000_000);
    }
}
