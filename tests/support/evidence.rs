//! IAM from evidence: which AWS actions a client performed, on which resources, read off the
//! requests it sent (through `faults::recording`), and which actions `template.yaml` grants each
//! function. The emulator checks no policy; a test holds the two together instead.
//!
//! Resources are named as the template names them: `AssetsTable`, `AssetsTable/index/hfn`,
//! `FilesBucket/assets/L/CAS/ATL/<id>.png`, `FilesBucket` (the bucket itself), `JobsQueue`.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

/// One action on one resource; for DynamoDB the item's partition key when the request names it
/// (IAM's `dynamodb:LeadingKeys`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Act {
    pub action: String,
    pub resource: String,
    pub leading_key: Option<String>,
}

/// What a deployment's names stand for in the template.
pub struct Names {
    pub table: String,
    pub bucket: String,
    /// Queue name → logical name.
    pub queues: BTreeMap<String, String>,
    /// Secret ARN → logical name.
    pub secrets: BTreeMap<String, String>,
}

pub struct Recorder {
    names: Names,
    seen: Mutex<BTreeSet<Act>>,
    /// DynamoDB writes as sent (operation, request body): what the write-unit figures price.
    writes: Mutex<Vec<(String, Value)>>,
}

const DYNAMODB_WRITES: &[&str] = &["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"];

impl Recorder {
    pub fn new(names: Names) -> Self {
        Self { names, seen: Mutex::new(BTreeSet::new()), writes: Mutex::new(Vec::new()) }
    }

    /// The DynamoDB writes sent since the last call, and forgets them.
    pub fn take_writes(&self) -> Vec<(String, Value)> {
        std::mem::take(&mut *self.writes.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    pub fn acts(&self) -> BTreeSet<Act> {
        self.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    pub fn record(&self, method: &str, path: &str, headers: &hyper::HeaderMap, body: &[u8], status: u16) {
        let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let acts = if let Some(op) = target.strip_prefix("DynamoDB_20120810.") {
            let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
            if DYNAMODB_WRITES.contains(&op) && (200..300).contains(&status) {
                self.writes
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push((op.to_owned(), body.clone()));
            }
            self.dynamodb(op, &body)
        } else if let Some(op) = target.strip_prefix("secretsmanager.") {
            let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
            let id = body["SecretId"].as_str().unwrap_or_default();
            let resource = self.names.secrets.get(id).cloned().unwrap_or(format!("secret?{id}"));
            vec![Act { action: format!("secretsmanager:{op}"), resource, leading_key: None }]
        } else if let Some(op) = target.strip_prefix("AmazonSQS.") {
            self.sqs(
                op,
                serde_json::from_slice::<Value>(body).ok().and_then(|b| b["QueueUrl"].as_str().map(str::to_owned)),
            )
        } else if let Some(op) = form_value(body, "Action") {
            self.sqs(&op, form_value(body, "QueueUrl"))
        } else {
            self.s3(method, path, headers, status)
        };
        self.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner).extend(acts);
    }

    fn table(&self, name: &str) -> String {
        if name == self.names.table { "AssetsTable".to_owned() } else { format!("table?{name}") }
    }

    fn dynamodb(&self, op: &str, body: &Value) -> Vec<Act> {
        let act = |action: &str, table: &str, key: Option<&Value>| Act {
            action: format!("dynamodb:{action}"),
            resource: self.table(table),
            leading_key: key.and_then(|k| k["pk"]["S"].as_str()).map(str::to_owned),
        };
        let table = body["TableName"].as_str().unwrap_or_default();
        match op {
            "GetItem" | "DeleteItem" | "UpdateItem" => vec![act(op, table, Some(&body["Key"]))],
            "PutItem" => vec![act(op, table, Some(&body["Item"]))],
            "Query" | "Scan" => {
                let mut a = act(op, table, None);
                if let Some(index) = body["IndexName"].as_str() {
                    a.resource = format!("{}/index/{index}", a.resource);
                } else {
                    a.leading_key = queried_partition(body);
                }
                vec![a]
            }
            "BatchGetItem" | "BatchWriteItem" => per_table(&body["RequestItems"])
                .flat_map(|(table, requests)| {
                    requests
                        .into_iter()
                        .map(|r| {
                            let key =
                                r.get("PutRequest").map(|p| &p["Item"]).or(r.get("DeleteRequest").map(|d| &d["Key"]));
                            act(op, table, Some(key.unwrap_or(&r)))
                        })
                        .collect::<Vec<_>>()
                })
                .collect(),
            "TransactWriteItems" | "TransactGetItems" => body["TransactItems"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|item| {
                    let (kind, inner) = item.as_object()?.iter().next()?;
                    let action = match kind.as_str() {
                        "Put" => "PutItem",
                        "Delete" => "DeleteItem",
                        "Update" => "UpdateItem",
                        "ConditionCheck" => "ConditionCheckItem",
                        _ => "GetItem",
                    };
                    let key = inner.get("Item").unwrap_or(&inner["Key"]);
                    Some(act(action, inner["TableName"].as_str().unwrap_or_default(), Some(key)))
                })
                .collect(),
            other => vec![act(other, table, None)],
        }
    }

    fn sqs(&self, op: &str, queue_url: Option<String>) -> Vec<Act> {
        let name = queue_url.as_deref().and_then(|u| u.rsplit('/').next()).unwrap_or_default().to_owned();
        let action = match op {
            "SendMessageBatch" => "SendMessage",
            "DeleteMessageBatch" => "DeleteMessage",
            "ChangeMessageVisibilityBatch" => "ChangeMessageVisibility",
            other => other,
        };
        let resource = self.names.queues.get(&name).cloned().unwrap_or(format!("queue?{name}"));
        vec![Act { action: format!("sqs:{action}"), resource, leading_key: None }]
    }

    /// Path-style requests, `/bucket/key`. A read that answers 404 needs `s3:ListBucket` on AWS:
    /// without it S3 answers 403, so that the absence of a key says nothing.
    fn s3(&self, method: &str, path: &str, headers: &hyper::HeaderMap, status: u16) -> Vec<Act> {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let mut parts = path.trim_start_matches('/').splitn(2, '/');
        let bucket = parts.next().unwrap_or_default();
        let key = parts.next().map(percent_decode).unwrap_or_default();
        let logical = if bucket == self.names.bucket { "FilesBucket".to_owned() } else { format!("bucket?{bucket}") };
        let object = |action: &str, key: &str| Act {
            action: format!("s3:{action}"),
            resource: format!("{logical}/{key}"),
            leading_key: None,
        };
        let on_bucket =
            |action: &str| Act { action: format!("s3:{action}"), resource: logical.clone(), leading_key: None };
        let mut acts = Vec::new();
        match (method, key.is_empty()) {
            ("GET", true) if query.contains("list-type") || query.is_empty() => acts.push(on_bucket("ListBucket")),
            ("GET" | "HEAD", false) => {
                acts.push(object("GetObject", &key));
                if status == 404 {
                    acts.push(on_bucket("ListBucket"));
                }
            }
            ("PUT", false) => {
                acts.push(object("PutObject", &key));
                if let Some(source) = headers.get("x-amz-copy-source").and_then(|v| v.to_str().ok()) {
                    let source = percent_decode(source.trim_start_matches('/'));
                    let source_key = source.split_once('/').map(|(_, k)| k.to_owned()).unwrap_or_default();
                    acts.push(object("GetObject", &source_key));
                }
            }
            ("DELETE", false) => acts.push(object("DeleteObject", &key)),
            ("POST", true) if query.contains("delete") => acts.push(object("DeleteObject", "*")),
            (m, _) => acts.push(on_bucket(&format!("?{m}"))),
        }
        acts
    }
}

fn per_table(items: &Value) -> impl Iterator<Item = (&str, Vec<Value>)> {
    items.as_object().into_iter().flatten().map(|(table, v)| {
        let requests = match v {
            Value::Array(a) => a.clone(),
            other => other["Keys"].as_array().cloned().unwrap_or_default(),
        };
        (table.as_str(), requests)
    })
}

/// `pk = :p` in a Query of the table: the partition it reads.
fn queried_partition(body: &Value) -> Option<String> {
    let expression = body["KeyConditionExpression"].as_str()?;
    let placeholder = expression.split("pk = ").nth(1)?.split_whitespace().next()?;
    body["ExpressionAttributeValues"][placeholder]["S"].as_str().map(str::to_owned)
}

fn form_value(body: &[u8], name: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    text.split('&')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| percent_decode(&v.replace('+', " ")))
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// One statement of a function's policy: actions on resource patterns, and the partition keys
/// it is limited to (`dynamodb:LeadingKeys`), if any.
#[derive(Debug, Clone)]
pub struct Grant {
    pub actions: Vec<String>,
    pub resources: Vec<String>,
    pub leading_keys: Option<Vec<String>>,
}

/// `template.yaml` as CloudFormation reads it, intrinsic functions and all (cfn-lint's decoder, in
/// the test venv).
pub fn decoded_template() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml");
    let script = "import json, sys\nfrom cfnlint.decode import cfn_yaml\nprint(json.dumps(cfn_yaml.load(sys.argv[1])))";
    let out = std::process::Command::new(crate::venv().join("bin/python"))
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
        .expect("run the venv's python");
    assert!(out.status.success(), "decoding the template: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("the template as JSON")
}

/// Every function's grants, by binary name, read from the template as CloudFormation reads it
/// (cfn-lint's decoder, from the test venv). Resources are read strictly, as IAM reads them: a
/// reference that is not an ARN grants nothing.
pub fn grants(template: &Value) -> BTreeMap<String, Vec<Grant>> {
    let kinds: BTreeMap<&str, &str> = template["Resources"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(name, r)| Some((name.as_str(), r["Type"].as_str()?)))
        .collect();
    let mut out = BTreeMap::new();
    for resource in template["Resources"].as_object().into_iter().flatten().map(|(_, r)| r) {
        if resource["Type"] != "AWS::Serverless::Function" {
            continue;
        }
        let Some(binary) = resource["Metadata"]["BuildProperties"]["Binary"].as_str() else { continue };
        let statements = resource["Properties"]["Policies"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|p| p["Statement"].as_array().cloned().unwrap_or_default());
        let grants = statements
            .filter(|s| s["Effect"] == "Allow")
            .map(|s| Grant {
                actions: strings(&s["Action"]),
                resources: listed(&s["Resource"]).iter().map(|r| resource_pattern(r, &kinds)).collect(),
                leading_keys: s["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect()),
            })
            .collect();
        out.insert(binary.to_owned(), grants);
    }
    out
}

fn listed(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    }
}

fn strings(v: &Value) -> Vec<String> {
    listed(v).iter().filter_map(Value::as_str).map(str::to_owned).collect()
}

/// Resources whose `Ref` is a name or a URL, not an ARN: only `!GetAtt X.Arn` names them in a
/// policy.
const ARN_BY_GETATT: &[&str] = &["AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::SQS::Queue"];

/// What a policy's resource matches, as an audit pattern: `!GetAtt AssetsTable.Arn` →
/// `AssetsTable`; `!Sub "${FilesBucket.Arn}/album-art/*"` → `FilesBucket/album-art/*`; `!Ref` of
/// a secret or a parameter (an ARN) → its name; `!If [Cond, X, …]` → X's. A reference that is not
/// an ARN (`!Ref AssetsTable` is the table's name) becomes a pattern that matches nothing.
fn resource_pattern(v: &Value, kinds: &BTreeMap<&str, &str>) -> String {
    let not_an_arn = |what: &str| format!("(not an ARN: {what})");
    let arn_by_getatt = |name: &str| kinds.get(name).is_some_and(|k| ARN_BY_GETATT.contains(k));
    // A grant that holds where a condition does (the old backend's token secret, when a cutover
    // gives one): the deployment under test has it.
    if let Some(then) = v.get("Fn::If").and_then(Value::as_array).and_then(|b| b.get(1)) {
        return resource_pattern(then, kinds);
    }
    if let Some(name) = v.get("Ref").and_then(Value::as_str) {
        return if arn_by_getatt(name) { not_an_arn(&format!("!Ref {name}")) } else { name.to_owned() };
    }
    if let Some(att) = v.get("Fn::GetAtt") {
        let parts = match att {
            Value::String(s) => s.split('.').map(str::to_owned).collect::<Vec<_>>(),
            other => strings(other),
        };
        return match parts.as_slice() {
            [name, attribute] if attribute == "Arn" && arn_by_getatt(name) => name.clone(),
            _ => not_an_arn(&format!("!GetAtt {}", parts.join("."))),
        };
    }
    if let Some(sub) = v.get("Fn::Sub").and_then(Value::as_str) {
        let mut out = String::new();
        let mut rest = sub;
        while let Some((before, after)) = rest.split_once("${") {
            let Some((reference, tail)) = after.split_once('}') else { return not_an_arn(sub) };
            out.push_str(before);
            match reference.strip_suffix(".Arn") {
                Some(name) if arn_by_getatt(name) => out.push_str(name),
                _ if reference.starts_with("AWS::") => out.push_str(reference),
                _ => return not_an_arn(&format!("${{{reference}}} in {sub}")),
            }
            rest = tail;
        }
        out.push_str(rest);
        return out;
    }
    v.as_str().unwrap_or_default().to_owned()
}

fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            text.starts_with(head) && (0..=text.len() - head.len()).any(|i| glob(rest, &text[head.len() + i..]))
        }
    }
}

impl Grant {
    pub fn allows(&self, act: &Act) -> bool {
        self.actions.iter().any(|a| a == &act.action)
            && self.resources.iter().any(|r| glob(r, &act.resource))
            && match &self.leading_keys {
                None => true,
                Some(keys) => act.leading_key.as_deref().is_some_and(|k| keys.iter().any(|p| glob(p, k))),
            }
    }
}

/// Actions that change something: each one granted must have been seen in use.
pub fn is_write(action: &str) -> bool {
    matches!(
        action,
        "dynamodb:PutItem"
            | "dynamodb:DeleteItem"
            | "dynamodb:UpdateItem"
            | "dynamodb:BatchWriteItem"
            | "s3:PutObject"
            | "s3:DeleteObject"
            | "sqs:SendMessage"
    )
}

/// What the evidence says is wrong with one function's grants: actions performed but not granted,
/// and write actions granted but never performed.
pub fn audit(grants: &[Grant], acts: &BTreeSet<Act>) -> (Vec<Act>, Vec<String>) {
    let refused: Vec<Act> = acts.iter().filter(|a| !grants.iter().any(|g| g.allows(a))).cloned().collect();
    let unused: BTreeSet<String> = grants
        .iter()
        .flat_map(|g| g.actions.iter())
        .filter(|a| is_write(a) && !acts.iter().any(|act| &act.action == *a))
        .cloned()
        .collect();
    (refused, unused.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("FilesBucket/album-art/*", "FilesBucket/album-art/uploads/x.png"));
        assert!(!glob("FilesBucket/album-art/*", "FilesBucket/assets/x.png"));
        assert!(glob("AssetsTable/index/*", "AssetsTable/index/hfn"));
        assert!(glob("U#*", "U#a@b.io") && !glob("U#*", "HEALTH"));
    }
}
