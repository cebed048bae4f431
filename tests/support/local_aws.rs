//! What `local-aws` stands up so the functions under `cargo lambda watch` behave as the deployed
//! stack does: a deployment's table, bucket, queues and secrets on the emulator, the job queue
//! configured as `template.yaml` configures it, the functions' settings as the template gives them
//! (at its defaults, for the dev stage), and the SQS event source: the queue's jobs handed to
//! `process-album-art` in batches, the messages it reports failed left for SQS to deliver again.

use crate::Aws;
use crate::emulator::emulator;
use nna_domain::jobs::{Delivery, JobSource};
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;

/// The stage whose settings a local stack takes.
const STAGE: &str = "dev";

/// The functions' settings: the template's (every function's, at its parameters' defaults; what
/// only a deployed stack knows, such as the files' CloudFront URL, is left out) with this stack's
/// names, endpoint and secrets over them.
pub fn settings(aws: &Aws, template: &Value) -> Vec<(String, String)> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let functions = template["Resources"].as_object().into_iter().flatten().map(|(_, r)| r);
    let per_function = functions
        .filter(|r| r["Type"] == "AWS::Serverless::Function")
        .map(|r| &r["Properties"]["Environment"]["Variables"]);
    for variables in std::iter::once(&template["Globals"]["Function"]["Environment"]["Variables"]).chain(per_function) {
        for (name, value) in variables.as_object().into_iter().flatten() {
            if let Some(value) = resolve(value, template) {
                out.insert(name.clone(), value);
            }
        }
    }
    let mut local = emulator().env_for(aws);
    // The template's lookups are on; so are this stack's (the README says how to turn them off).
    local.retain(|(k, _)| k != "NNA_ART_LOOKUP");
    out.extend(local);
    out.into_iter().collect()
}

/// A template value at the template's defaults: text as it is, a parameter's default, a mapping's
/// entry for the dev stage, the branch a condition takes when its parameter is left empty (every
/// condition this template has tests a parameter for emptiness). `None` for what only a deployed
/// stack resolves (a resource's name or attribute).
fn resolve(value: &Value, template: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(o) => {
            if let Some(name) = o.get("Ref").and_then(Value::as_str) {
                if name == "Stage" {
                    return Some(STAGE.to_owned());
                }
                let default = template["Parameters"].get(name)?.get("Default")?;
                return resolve(default, template).filter(|d| !d.is_empty());
            }
            if let Some([map, key, attribute]) = o.get("Fn::FindInMap").and_then(Value::as_array).map(Vec::as_slice) {
                let (map, key, attribute) =
                    (resolve(map, template)?, resolve(key, template)?, resolve(attribute, template)?);
                return template["Mappings"][map][key][attribute].as_str().map(str::to_owned);
            }
            if let Some([_, _, otherwise]) = o.get("Fn::If").and_then(Value::as_array).map(Vec::as_slice) {
                return resolve(otherwise, template);
            }
            None
        }
        _ => None,
    }
}

/// The job queue as the template makes it: its visibility timeout (the album-art function's
/// timeout six times over), so a job a slow invocation holds is not handed to another meanwhile.
pub async fn configure_queue(aws: &Aws, template: &Value) {
    use aws_sdk_sqs::types::QueueAttributeName;
    let visibility = queue_visibility(template);
    let sqs = aws_sdk_sqs::Client::new(&emulator().sdk_config());
    sqs.set_queue_attributes()
        .queue_url(&aws.queue_url)
        .attributes(QueueAttributeName::VisibilityTimeout, visibility.as_secs().to_string())
        .send()
        .await
        .expect("the queue's visibility timeout");
}

/// `JobsQueue`'s `VisibilityTimeout` in the template.
pub fn queue_visibility(template: &Value) -> Duration {
    let secs = template["Resources"]["JobsQueue"]["Properties"]["VisibilityTimeout"].as_u64();
    Duration::from_secs(secs.expect("the template sets the job queue's visibility timeout"))
}

/// One round of the SQS event source: up to ten jobs received (hidden for the queue's visibility
/// timeout), handed to `process-album-art` through `invoke` (Lambda's Invoke API, as `cargo lambda
/// watch` serves it), and the ones it did not report failed deleted. How many it handed over.
pub async fn hand_over(aws: &Aws, invoke: &str, visibility: Duration) -> Result<usize, String> {
    let deliveries: Vec<Delivery> = aws.queue.receive(10, visibility).await.map_err(|e| e.to_string())?;
    if deliveries.is_empty() {
        return Ok(0);
    }
    let ids: Vec<String> = (0..deliveries.len()).map(|i| format!("m-{i}")).collect();
    let pairs: Vec<(&str, &Delivery)> = ids.iter().map(String::as_str).zip(deliveries.iter()).collect();
    let url = format!("{}/2015-03-31/functions/process-album-art/invocations", invoke.trim_end_matches('/'));
    let answer: Value = reqwest::Client::new()
        .post(&url)
        .json(&crate::lambda::sqs_event(&pairs))
        .send()
        .await
        .map_err(|e| format!("{url}: {e}"))?
        .json()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    let failed: Vec<&str> = answer["batchItemFailures"]
        .as_array()
        .ok_or_else(|| format!("process-album-art answered no batch: {answer}"))?
        .iter()
        .filter_map(|f| f["itemIdentifier"].as_str())
        .collect();
    for (id, delivery) in &pairs {
        if !failed.contains(id) {
            aws.queue.ack(&delivery.receipt).await.map_err(|e| e.to_string())?;
        }
    }
    Ok(deliveries.len())
}
