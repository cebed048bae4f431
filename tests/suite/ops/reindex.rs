//! `nna-ops reindex` on a table written in the layout before the six-index one: no place postings,
//! counts only in the old per-place items. After it, every listing of a category and subcategory
//! is whole, in every order, and the totals are right.

use nna_aws::dynamo::item::{Item, text};
use nna_domain::{Registry, RegistryConfig};
use nna_operations::Ops;
use nna_tests::Aws;
use std::sync::Arc;

fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// Removes what this layout adds: place postings, and the counts on sequence and layer items.
async fn back_to_the_earlier_layout(aws: &Aws) {
    let client = aws.store.client();
    let items = client.scan().table_name(&aws.table).send().await.unwrap().items.unwrap_or_default();
    for item in items {
        let pk = item.get("pk").and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
        let key: Item = ["pk", "sk"].iter().map(|a| ((*a).to_owned(), item[*a].clone())).collect();
        if pk.starts_with("P#") || pk.starts_with("C#") {
            client.delete_item().table_name(&aws.table).set_key(Some(key)).send().await.unwrap();
        } else if pk.starts_with("S#") {
            let update = client.update_item().table_name(&aws.table).set_key(Some(key));
            update.update_expression("REMOVE #n").expression_attribute_names("#n", "n").send().await.unwrap();
        }
    }
    // What the earlier layout kept instead.
    let mut old = std::collections::HashMap::from([("pk".to_owned(), text("C#all")), ("sk".to_owned(), text("C"))]);
    old.insert("n".into(), nna_aws::dynamo::item::number(40));
    client.put_item().table_name(&aws.table).set_item(Some(old)).send().await.unwrap();
}

#[tokio::test]
async fn reindex_brings_a_table_of_the_earlier_layout_to_this_one() {
    let aws = Aws::fresh().await;
    let store = Arc::new(aws.store.clone());
    let registry = Registry::new(store.clone(), Arc::new(aws.blobs.clone()), RegistryConfig::default());
    for i in 0..40 {
        let category = ["Casual", "Urban"][i % 2];
        let subcategory = if i % 4 == 0 { "Athleisure" } else { "Base" };
        let mut body = nna_tests::asset_in("L", category, subcategory);
        body["creatorDescription"] = format!("look {i}").into();
        registry.create(nna_tests::auth::admin(), nna_tests::request(body.as_object().unwrap())).await.unwrap();
    }
    let queries = [
        params(&[("layer", "L"), ("category", "Casual"), ("limit", "100")]),
        params(&[("layer", "L"), ("category", "Casual"), ("subcategory", "Base"), ("limit", "100")]),
        params(&[("layer", "L"), ("category", "Urban"), ("sort", "oldest"), ("limit", "100")]),
        params(&[("layer", "L"), ("category", "Urban"), ("sortBy", "updatedAt"), ("limit", "100")]),
        params(&[("limit", "100")]),
    ];
    let mut expected = Vec::new();
    for q in &queries {
        let page = nna_tests::search(&registry, q).await.unwrap();
        assert_eq!(page.total, Some(page.items.len() as u64), "{q:?}");
        expected.push(page.items.iter().map(|a| a.name().to_owned()).collect::<Vec<_>>());
    }
    back_to_the_earlier_layout(&aws).await;
    let broken = nna_tests::search(&registry, &queries[0]).await.unwrap();
    assert!(broken.items.is_empty() && broken.total == Some(0), "the earlier layout has no place postings");

    let ops = Ops::quiet(store.clone());
    let report = nna_operations::reindex::reindex(&ops, &nna_operations::scan::Scan::default()).await.unwrap();
    assert_eq!(report.assets, 40);
    assert!(!report.recount.fixed.is_empty());
    for (q, names) in queries.iter().zip(&expected) {
        let page = nna_tests::search(&registry, q).await.unwrap();
        let got: Vec<String> = page.items.iter().map(|a| a.name().to_owned()).collect();
        assert_eq!((&got, page.total), (names, Some(names.len() as u64)), "{q:?}");
    }
    // Run again, it finds nothing to do.
    let again = nna_operations::reindex::reindex(&ops, &nna_operations::scan::Scan::default()).await.unwrap();
    assert!(again.recount.fixed.is_empty(), "{:?}", again.recount.fixed);
}
