//! Search cost against table size. Writes `target/bench/search.json` and prints it.
//!
//!     cargo bench -p nna-tests --bench search      # NNA_BENCH_STORES=embedded for one store
//!
//! DynamoDB (on the emulator): the same queries at 1,000, 10,000 and 100,000 assets, counting
//! requests and items read per search; the figure is how those counts change with the table (they
//! must not grow). Embedded (SQLite): p50/p99 latency per query at 100,000 assets.

use nna_aws::dynamo::item::number;
use nna_domain::search::{Scope, index_terms};
use nna_domain::{Address, Asset, AssetId, Registry, RegistryConfig};
use nna_embedded::{DiskBlobs, SqliteStore};
use nna_tests::Aws;
use serde_json::{Map, Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

const PLACES: [&str; 6] = ["G.POP.BAS", "G.RCK.BAS", "G.HIP.BAS", "L.CAS.BAS", "L.URB.BAS", "S.POP.BAS"];
const USERS: [&str; 3] = ["ana@x.io", "ben@x.io", "cho@x.io"];

/// What is asked, and how selective it is: `rarebird` is in exactly ten assets at any size,
/// `common` in half of them, `G.POP` in a sixth.
const QUERIES: [(&str, &[(&str, &str)]); 8] = [
    ("selective words", &[("q", "rarebird")]),
    ("selective words in a place", &[("q", "rarebird"), ("layer", "G")]),
    ("selective facet and prefix", &[("registeredBy", "ana@x.io"), ("q", "rareb")]),
    ("unselective words", &[("q", "common"), ("limit", "20")]),
    ("address prefix", &[("q", "G.POP"), ("limit", "20")]),
    ("plain listing of a layer", &[("layer", "G"), ("limit", "20")]),
    ("plain listing of everything", &[("limit", "20")]),
    ("a category by last update", &[("layer", "G"), ("category", "Pop"), ("sortBy", "updatedAt"), ("limit", "20")]),
];

/// Asset `i` of the synthetic registry: eight words from a 2,000-word vocabulary, spread evenly
/// over six subcategories, one second apart.
fn synthetic(i: usize) -> Asset {
    let place = PLACES[i % PLACES.len()];
    let address = Address::parse(&format!("{place}.{:03}", i / PLACES.len() + 1)).expect("an address");
    let mut words: Vec<String> = (0..8).map(|j| format!("w{}", (i * 7919 + j * 104_729) % 2000)).collect();
    if i.is_multiple_of(2) {
        words.push("common".into());
    }
    if i < 10 {
        words.push("rarebird".into());
    }
    let v = json!({
        "id": AssetId::generate(), "layer": &place[..1], "category": address.path.category.name, "subcategory": address.path.subcategory.name,
        "name": address.hfn(), "nna_address": address.nna_address(), "mfa": address.mfa(),
        "creatorDescription": words.join(" "), "tags": [place[2..5].to_lowercase()], "registeredBy": USERS[i % 3],
        "createdAt": format!("2026-01-01T00:00:00.000Z"), "updatedAt": "2026-01-01T00:00:00.000Z",
        "revision": 1,
    });
    let mut asset = Asset::load(v).expect("an asset");
    asset.created_at = nna_domain::Timestamp::from_millis(1_767_225_600_000 + i as i64 * 1000).expect("a time");
    asset.updated_at = asset.created_at;
    asset
}

fn main() {
    if nna_tests::bench::only_built() {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    // NNA_BENCH_STORES=embedded (or dynamodb) measures one store only; write-units only prices a create.
    let stores = std::env::var("NNA_BENCH_STORES").unwrap_or_else(|_| "dynamodb,embedded".into());
    let report = runtime.block_on(async {
        let mut report = Map::new();
        if stores.contains("dynamodb") || stores.contains("write-units") {
            report.insert("writeUnits".into(), write_units().await);
        }
        if stores.contains("dynamodb") {
            report.insert("dynamodb".into(), dynamodb().await);
        }
        if stores.contains("embedded") {
            report.insert("embedded".into(), embedded().await);
        }
        Value::Object(report)
    });
    nna_tests::bench::report("search", &report);
}

/// What the Kelly example's create and an edit of its words cost in DynamoDB write units, by
/// `nna_tests::cost` on the items the store writes. "Before" is the same formula on the layout at the
/// start of issue 13 (18 indexes, two of whole items; counts in four items after the create;
/// postings inside the transaction), as measured then.
async fn write_units() -> Value {
    use nna_aws::dynamo::item::history_item;
    use nna_aws::dynamo::item::{
        address_claim_key, count_slot, name_claim_key, place_posting_key, posting_key, sequence_key, text, to_item,
    };
    use nna_domain::history::{Change, ChangeKind, through};
    use nna_tests::cost::{index_units, item_size, put_units};
    const BEFORE_CREATE: u64 = 88;
    const BEFORE_EDIT: u64 = 30;
    let aws = Aws::fresh().await;
    let registry = Registry::new(Arc::new(aws.store.clone()), Arc::new(aws.blobs), RegistryConfig::default());
    let body = nna_tests::kelly().as_object().cloned().expect("an object");
    let kelly = registry.create(nna_tests::auth::admin(), nna_tests::request(&body)).await.expect("created").asset;
    let item = to_item(&kelly).expect("an item");
    let mut sequence = sequence_key(&kelly.name()[..9]);
    sequence.insert("last".into(), number(1));
    sequence.insert("n".into(), number(1));
    let claims =
        [name_claim_key(kelly.hfn_key().as_str()), address_claim_key(kelly.mfa_key().expect("an MFA").as_str())]
            .map(|mut c| {
                c.insert("assetId".into(), text(kelly.id.as_str()));
                put_units(&c, true)
            })
            .iter()
            .sum::<u64>();
    // The layer's count item, with the category's count beside it (the subcategory's is on the
    // sequence item, `all` is the layers' sum): one item in the transaction.
    let mut layer_count = None;
    for place in Scope::of(&kelly) {
        if let Some((key, attr)) = count_slot(&place).filter(|(k, _)| k.get("pk") != sequence.get("pk")) {
            layer_count.get_or_insert(key).insert(attr, number(1));
        }
    }
    let counts = layer_count.map_or(0, |c| put_units(&c, true));
    let terms = index_terms(&kelly);
    let mut postings: Vec<_> = terms.iter().map(|t| posting_key(t, &kelly)).collect();
    postings.extend(place_posting_key(&kelly));
    let posting_units = postings.iter().map(|p| put_units(p, false)).sum::<u64>();
    let (asset_tx, sequence_tx, indexes) = (put_units(&item, true), put_units(&sequence, true), index_units(&item));
    let without_history = sequence_tx + asset_tx + claims + counts + posting_units + indexes;
    // The history entry goes in the same transaction (2× its units).
    let admin = nna_tests::auth::admin();
    let created = Change::new(ChangeKind::Created, admin.into(), through::CREATE).created(&kelly);
    let history = put_units(&history_item(&created).expect("an item"), true);
    let now = without_history + history;
    // The edit: new words, so new postings (and the old ones' deletes); the updated-* index
    // entries move (a delete and a put in each of the two); the other indexes' keys stay.
    let mut edited = kelly.clone();
    edited.creator_description =
        nna_domain::asset::CreatorDescription::parse("Kelly wears a vintage Adidas track top", "creatorDescription")
            .expect("valid");
    let changed = index_terms(&edited).symmetric_difference(&terms).count() as u64;
    edited.revision += 1;
    let edit_without_history = put_units(&to_item(&edited).expect("an item"), false) + changed + 2 * 2;
    // With history the asset's put and its entry's are one transaction (2× each).
    let entry = Change::new(ChangeKind::Edited, admin.into(), through::PATCH).entry(
        &kelly.id,
        Some(&kelly),
        Some(&edited),
        edited.revision,
    );
    let edit_history = put_units(&history_item(&entry).expect("an item"), true);
    let edit_now = put_units(&to_item(&edited).expect("an item"), true) + edit_history + changed + 2 * 2;
    json!({
        "formula": "create = 2×sequence (with the subcategory's count) + 2×asset + 2×(name and address claims) + 2×(the layer's count item) + 2×history entry + 1×posting per index term and the place posting (outside the transaction) + 1 per global secondary index entry (all keys only); edit = 2×asset + 2×history entry (one transaction) + 1 per posting gained or lost + 2×2 for the updated-* index entries",
        "kellyCreate": {
            "assetItemBytes": item_size(&item), "indexTerms": terms.len(),
            "parts": { "sequence": sequence_tx, "asset": asset_tx, "claims": claims, "counts": counts,
                "historyEntry": history, "postings": posting_units, "globalSecondaryIndexes": indexes },
            "now": now, "withoutHistory": without_history, "beforeIssue13": BEFORE_CREATE,
            "ratio": (now as f64 / BEFORE_CREATE as f64 * 100.0).round() / 100.0,
        },
        "editOfItsWords": { "changedPostings": changed, "historyEntry": edit_history, "now": edit_now,
            "withoutHistory": edit_without_history, "beforeIssue13": BEFORE_EDIT },
        "globalSecondaryIndexes": nna_aws::dynamo::schema::indexes().len(),
        "measuredFromRequests": measured_write_units().await,
    })
}

/// The same create and edit priced from the requests the store sent (through a recording proxy
/// in front of the emulator), beside the model above.
async fn measured_write_units() -> Value {
    use nna_tests::evidence::{Names, Recorder};
    let aws = Aws::fresh().await;
    let names = Names {
        table: aws.table.clone(),
        bucket: aws.bucket.clone(),
        queues: Default::default(),
        secrets: Default::default(),
    };
    let recorder = Arc::new(Recorder::new(names));
    let proxy = nna_tests::faults::recording(&nna_tests::emulator().endpoint, recorder.clone()).await;
    let sdk = nna_tests::emulator().sdk_config().into_builder().endpoint_url(proxy).build();
    let store = nna_aws::DynamoStore::new(aws_sdk_dynamodb::Client::new(&sdk), &aws.table);
    let registry = Registry::new(Arc::new(store), Arc::new(aws.blobs), RegistryConfig::default());
    let priced = |writes: Vec<(String, Value)>| {
        let requests: Vec<String> = writes.iter().map(|(op, _)| op.clone()).collect();
        json!({ "units": writes.iter().map(|(op, body)| nna_tests::cost::sent_units(op, body)).sum::<u64>(), "requests": requests })
    };
    let body = nna_tests::kelly().as_object().cloned().expect("an object");
    let kelly = registry.create(nna_tests::auth::admin(), nna_tests::request(&body)).await.expect("created").asset;
    let create = priced(recorder.take_writes());
    let words = json!({"creatorDescription": "Kelly wears a vintage Adidas track top"});
    let edit = nna_tests::edit(words.as_object().expect("an object"), nna_domain::input::EditMode::Merge);
    registry.edit(nna_tests::auth::as_admin(), &nna_tests::key(kelly.id.as_str()), &edit).await.expect("edited");
    json!({ "kellyCreate": create, "editOfItsWords": priced(recorder.take_writes()) })
}

fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

async fn dynamodb() -> Value {
    let aws = Aws::fresh().await;
    let store = Arc::new(aws.store);
    let registry = Registry::new(store.clone(), Arc::new(aws.blobs), RegistryConfig::default());
    let mut counts = std::collections::BTreeMap::new();
    let mut at: Map<String, Value> = Map::new();
    let mut loaded = 0;
    for size in [1_000usize, 10_000, 100_000] {
        let started = Instant::now();
        nna_tests::emulator::bulk_load(&store, (loaded..size).map(synthetic), &mut counts).await;
        eprintln!("loaded {size} assets into the emulator in {:.0} s", started.elapsed().as_secs_f64());
        loaded = size;
        let mut per_query = Map::new();
        for (label, q) in QUERIES {
            store.metrics().reset();
            let page = nna_tests::search(&registry, &params(q)).await.expect("a search");
            let (requests, items) = store.metrics().snapshot();
            per_query.insert(
                label.into(),
                json!({ "requests": requests, "itemsRead": items, "results": page.items.len(), "total": page.total, "totalAtLeast": page.total_at_least }),
            );
        }
        at.insert(size.to_string(), Value::Object(per_query));
    }
    // Per query, how items read changed from one size to the next: 1 means unchanged.
    let ratios: Map<String, Value> = QUERIES
        .iter()
        .map(|(label, _)| {
            let items = |size: &str| at[size][*label]["itemsRead"].as_f64().unwrap_or(0.0).max(1.0);
            let ratio = |from: &str, to: &str| (items(to) / items(from) * 100.0).round() / 100.0;
            (label.to_string(), json!({ "1k→10k": ratio("1000", "10000"), "10k→100k": ratio("10000", "100000") }))
        })
        .collect();
    json!({ "perSearch": at, "itemsReadRatio": ratios })
}

async fn embedded() -> Value {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let store = Arc::new(SqliteStore::open(dir.path().join("registry.sqlite3")).expect("a store"));
    let started = Instant::now();
    for chunk in (0..100_000usize).collect::<Vec<_>>().chunks(2_000) {
        let assets: Vec<Asset> = chunk.iter().map(|i| synthetic(*i)).collect();
        nna_domain::ports::AssetStore::import_all(store.as_ref(), &assets).await.expect("imported");
    }
    eprintln!("loaded 100000 assets into SQLite in {:.0} s", started.elapsed().as_secs_f64());
    let blobs = Arc::new(DiskBlobs::new(dir.path().join("files"), "http://x/files", "http://x/upload").expect("blobs"));
    let registry = Registry::new(store, blobs, RegistryConfig::default());
    let mut out = Map::new();
    for (label, q) in QUERIES {
        let pairs = params(q);
        let mut times: Vec<Duration> = Vec::with_capacity(200);
        for i in 0..220 {
            let started = Instant::now();
            nna_tests::search(&registry, &pairs).await.expect("a search");
            if i >= 20 {
                times.push(started.elapsed());
            }
        }
        times.sort();
        let ms = |d: Duration| (d.as_secs_f64() * 1e6).round() / 1e3;
        out.insert(
            label.into(),
            json!({ "p50Ms": ms(times[times.len() / 2]), "p99Ms": ms(times[times.len() * 99 / 100]) }),
        );
    }
    let fts = fts5_against_ours(&dir.path().join("registry.sqlite3"), &registry).await;
    json!({ "assets": 100_000, "latency": out, "relevanceAgainstFts5": fts })
}

/// Relevance, 20 a page, two ways over the same 100,000 assets: this planner (`sort=relevance`,
/// its field weights) and SQLite FTS5's bm25 with the same weights per column (creator's words 3,
/// tags and name 2, description 1), each with the page's documents read.
async fn fts5_against_ours(file: &std::path::Path, registry: &Registry) -> Value {
    let conn = rusqlite::Connection::open(file).expect("the database");
    let started = Instant::now();
    conn.execute_batch(
        "CREATE VIRTUAL TABLE fts USING fts5(creator, tags, name, description);
         INSERT INTO fts (rowid, creator, tags, name, description)
           SELECT rowid, coalesce(json_extract(doc, '$.creatorDescription'), ''), coalesce(json_extract(doc, '$.tags'), ''),
                  json_extract(doc, '$.name'), coalesce(json_extract(doc, '$.description'), '') FROM assets;",
    )
    .expect("an FTS5 index");
    let built = started.elapsed().as_secs_f64();
    let p50 = |mut t: Vec<Duration>| {
        t.sort();
        (t[t.len() / 2].as_secs_f64() * 1e6).round() / 1e3
    };
    let mut out = Map::new();
    for (label, word, matches) in [("a word in half the assets", "common", 50_000), ("a word in 10", "rarebird", 10)] {
        let mut stmt = conn
            .prepare(
                "SELECT a.doc FROM fts JOIN assets a ON a.rowid = fts.rowid WHERE fts MATCH ?1
                 ORDER BY bm25(fts, 3.0, 2.0, 2.0, 1.0) LIMIT 20",
            )
            .expect("a query");
        let (mut theirs, mut ours) = (Vec::new(), Vec::new());
        for _ in 0..30 {
            let t = Instant::now();
            let docs: Vec<String> =
                stmt.query_map([word], |r| r.get(0)).expect("rows").collect::<Result<_, _>>().expect("docs");
            assert!(!docs.is_empty());
            theirs.push(t.elapsed());
            let t = Instant::now();
            nna_tests::search(registry, &params(&[("q", word), ("sort", "relevance"), ("limit", "20")]))
                .await
                .expect("a search");
            ours.push(t.elapsed());
        }
        out.insert(label.into(), json!({ "matches": matches, "fts5Bm25P50Ms": p50(theirs), "oursP50Ms": p50(ours) }));
    }
    json!({ "fts5BuildSeconds": (built * 10.0).round() / 10.0, "perQuery": out })
}
