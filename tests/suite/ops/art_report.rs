use super::{ops, scan};
use crate::conformance::adapters::Adapters;
use crate::conformance::for_both;
use crate::support::legacy_song;
use nna_domain::Asset;
use nna_domain::time::Timestamp;
use serde_json::{Value, json};

for_both!(art_report: the_success_rate_over_a_window_by_source_and_failure_code);

fn song_with_art(seq: u32, art: Value) -> Asset {
    let mut v = legacy_song(seq);
    v["id"] = json!(format!("6868865274bd8b06a2f9{seq:04x}"));
    v["albumArt"] = art;
    Asset::load(v).unwrap()
}

fn ago(hours: i64) -> String {
    Timestamp::from_millis(Timestamp::now().millis() - hours * 3_600_000).unwrap().to_string()
}

async fn the_success_rate_over_a_window_by_source_and_failure_code(a: Adapters) {
    let settled = |status: &str, source: &str, failure: Option<&str>, at: String| {
        let mut art = json!({"sourceUrl": "https://images.example.org/a.jpg", "source": source, "status": status, "settledAt": at});
        if let Some(code) = failure {
            art["failure"] = json!(code);
        } else {
            art["url"] = json!("https://files.example.org/album-art/a.jpg");
        }
        art
    };
    let mut arts = Vec::new();
    arts.extend((0..10).map(|_| settled("ready", "iTunes", None, ago(0))));
    arts.extend((0..7).map(|_| settled("ready", "Manual", None, ago(0))));
    arts.push(settled("failed", "Manual", Some("not_found"), ago(0)));
    arts.push(settled("failed", "AI Generated", Some("retries_exhausted:fetch_timeout"), ago(0)));
    // Outside the last hour: counted by a longer window only.
    arts.extend((0..3).map(|_| settled("failed", "iTunes", Some("not_an_image"), ago(3))));
    arts.push(json!({"sourceUrl": "https://images.example.org/b.jpg", "source": "Manual", "status": "pending"}));
    for (i, art) in arts.into_iter().enumerate() {
        a.store.import(&song_with_art(i as u32 + 1, art)).await.unwrap();
    }

    let hour = nna_operations::art_report::art_report(&ops(&a), &scan(), 1).await.unwrap();
    assert_eq!((hour.all.ready, hour.all.failed, hour.pending), (17, 2, 1));
    assert_eq!(hour.met, Some(false), "17 of 19 is under 90%");
    assert!((hour.all.success_rate.unwrap() - 17.0 / 19.0).abs() < 1e-9);
    assert_eq!(
        (hour.by_source["iTunes"].ready, hour.by_source["Manual"].ready, hour.by_source["Manual"].failed),
        (10, 7, 1)
    );
    assert_eq!(hour.by_source["AI Generated"].success_rate, Some(0.0));
    let codes: Vec<(&str, u64)> = hour.by_failure.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(codes, [("not_found", 1), ("retries_exhausted:fetch_timeout", 1)]);

    let day = nna_operations::art_report::art_report(&ops(&a), &scan(), 24).await.unwrap();
    assert_eq!((day.all.ready, day.all.failed, day.by_failure["not_an_image"]), (17, 5, 3));
}
