//! The pipeline on the embedded default, delivery by delivery: what it stores and records, what it
//! refuses and why, and how retries, repeats and stale jobs come out.

use super::fetch::{hostile_names, open_policy};
use super::rig::{Flaky, Rig};
use crate::support::art::{ArtWeb, Catalog, images, loopback_settings};
use crate::support::song;
use nna_album_art::Pipeline;
use nna_domain::jobs::{JobError, JobSource};
use nna_fetch::GuardedFetcher;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::AtomicU32;
use std::time::Duration;

/// Long enough that a delivery stays the test's until it is done with it.
const HIDDEN: Duration = Duration::from_secs(600);

/// A rig whose fetcher answers names from the hostile table (`art.test` is the test server).
fn rig() -> Rig {
    Rig::new(|store, blobs| {
        Pipeline::new(store, blobs, Arc::new(GuardedFetcher::new(open_policy(), hostile_names()).unwrap()))
    })
}

fn on_art_test(web: &ArtWeb, path: &str) -> String {
    web.url(path).replace("127.0.0.1", "art.test")
}

fn song_from(url: &str) -> Value {
    let mut s = song("Halo by Beyoncé");
    s["albumArt"] = json!({"sourceUrl": url, "source": "iTunes"});
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_song_gets_three_clean_files_and_ready_art() {
    let web = ArtWeb::start().await;
    web.put("cover.jpg", images::jpeg(1400, 1200), "image/jpeg");
    let rig = rig();
    let url = on_art_test(&web, "/files/cover.jpg");
    let asset = rig.song(song_from(&url)).await;
    assert_eq!(rig.art(&asset).await["status"], "pending");
    rig.settle().await;

    let art = rig.art(&asset).await;
    assert_eq!(art["status"], "ready", "{art}");
    // The pipeline's write is in the song's history, as the pipeline's, changing only the art.
    let entries = nna_domain::ports::AssetStore::history(rig.store.as_ref(), &asset.id, None, 10).await.unwrap();
    let newest = &entries[0];
    assert_eq!((entries.len(), newest.by.clone()), (2, nna_domain::history::Actor::Pipeline));
    assert_eq!(newest.fields, ["albumArt", "updatedAt"]);
    let files = rig.art_files();
    let (year, month) = asset.created_at.year_month();
    let folder = format!("album-art/{year}/{month:02}/{}/", asset.id);
    let names: Vec<String> = files.iter().map(|f| f.to_string_lossy().into_owned()).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.iter().all(|n| n.starts_with(&folder)), "{names:?} under {folder}");
    let name_of = |suffix: &str| files.iter().find(|f| f.to_string_lossy().ends_with(suffix)).unwrap().clone();
    let original = rig.read(&name_of("/original.jpg"));
    assert_eq!(images::decoded_size(&original), (1400, 1200));
    assert_eq!(images::decoded_size(&rig.read(&name_of("/500x500.jpg"))), (500, 500));
    assert_eq!(images::decoded_size(&rig.read(&name_of("/150x150.jpg"))), (150, 150));
    for f in &files {
        assert!(!images::carries_secret(&rig.read(f)), "{f:?} keeps the photo's metadata");
    }
    assert_eq!(art["sourceUrl"], url.as_str());
    assert_eq!(art["source"], "iTunes");
    assert_eq!(art["quality"], "High");
    assert_eq!(art["contentType"], "image/jpeg");
    assert_eq!(art["size"], original.len());
    assert_eq!(art["dimensions"], json!({"width": 1400, "height": 1200}));
    assert!(art["url"].as_str().unwrap().ends_with("/original.jpg"), "{art}");
    assert!(art["uploadedAt"].is_string());
    assert!(art["settledAt"].is_string(), "what the success rate counts by");
    let variants: Vec<(&str, u64)> = art["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["name"].as_str().unwrap(), v["dimensions"]["width"].as_u64().unwrap()))
        .collect();
    assert_eq!(variants, [("original", 1400), ("500x500", 500), ("150x150", 150)]);
    assert!(art.get("failure").is_none(), "{art}");
    assert_eq!(web.hits("/files/cover.jpg"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_sources_are_refused_with_a_recorded_reason_and_nothing_stored() {
    let web = ArtWeb::start().await;
    web.put("bomb.png", images::png_claiming(65_535, 65_535), "image/png");
    let jpeg = images::jpeg(800, 800);
    web.put("truncated.jpg", jpeg[..jpeg.len() / 2].to_vec(), "image/jpeg");
    web.put("page.jpg", b"<!DOCTYPE html><html><head><title>Sign in</title></head></html>".to_vec(), "image/jpeg");
    web.put("real.jpg", jpeg, "image/jpeg");
    let port = web.base.rsplit(':').next().unwrap().to_owned();
    let to =
        |target: &str| format!("{}/to?url={}", on_art_test(&web, ""), target.replace(':', "%3A").replace('/', "%2F"));
    let cases = [
        (format!("http://127.0.0.1:{port}/files/real.jpg"), "blocked_address"),
        (format!("http://private.test:{port}/files/real.jpg"), "blocked_address"),
        (format!("http://metadata.test:{port}/latest/meta-data/"), "blocked_address"),
        (format!("http://mapped.test:{port}/files/real.jpg"), "blocked_address"),
        (to(&format!("http://127.0.0.1:{port}/files/real.jpg")), "blocked_address"),
        (on_art_test(&web, "/huge"), "too_large"),
        (web.lying.replace("127.0.0.1", "art.test") + "/cover.jpg", "not_an_image"),
        (on_art_test(&web, "/files/bomb.png"), "image_too_large"),
        (on_art_test(&web, "/files/truncated.jpg"), "not_an_image"),
        (on_art_test(&web, "/files/page.jpg"), "not_an_image"),
        (on_art_test(&web, "/files/missing.jpg"), "not_found"),
        // Retried through the queue, then recorded.
        (web.silent.replace("127.0.0.1", "art.test") + "/cover.jpg", "retries_exhausted:timeout"),
    ];
    let rig = rig();
    let mut songs = Vec::new();
    for (url, code) in &cases {
        songs.push((rig.song(song_from(url)).await, url, *code));
    }
    rig.settle().await;
    for (asset, url, code) in songs {
        let art = rig.art(&asset).await;
        assert_eq!((art["status"].as_str(), art["failure"].as_str()), (Some("failed"), Some(code)), "{url}: {art}");
        assert_eq!(art["sourceUrl"], url.as_str(), "the creator's URL is kept");
    }
    assert_eq!(rig.art_files(), Vec::<std::path::PathBuf>::new());
    assert_eq!(web.hits("/files/real.jpg"), 0, "a refused address was contacted");
    // The silent server's job was the only one tried more than once, and it is not on the queue.
    assert_eq!(rig.queue.depth().await.unwrap(), 0);

    // What the API itself refuses never becomes a job.
    for url in ["file:///etc/passwd", "gopher://art.test/x", "javascript:alert(1)"] {
        let error = nna_domain::input::CreateAsset::parse(song_from(url).as_object().unwrap(), None, None).unwrap_err();
        assert!(error.to_string().contains("albumArt"), "{url}: {error}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storage_failing_once_is_retried_and_art_is_ready_only_once_its_files_exist() {
    let web = ArtWeb::start().await;
    web.put("cover.jpg", images::jpeg(800, 800), "image/jpeg");
    let rig = Rig::wrapped(
        |inner| Arc::new(Flaky { inner, failures: AtomicU32::new(1), failed_deletes: AtomicU32::new(0) }),
        |store, blobs| {
            Pipeline::new(store, blobs, Arc::new(GuardedFetcher::new(open_policy(), hostile_names()).unwrap()))
        },
    );
    let asset = rig.song(song_from(&on_art_test(&web, "/files/cover.jpg"))).await;
    let first = rig.receive(Duration::ZERO).await;
    assert!(matches!(rig.run(&first).await, Err(JobError::Transient(_))), "a storage hiccup is worth retrying");
    let art = rig.art(&asset).await;
    assert_eq!(art["status"], "pending", "{art}");
    assert!(art.get("url").is_none(), "no URL before the files exist: {art}");

    let second = rig.receive(Duration::ZERO).await;
    assert_eq!(second.receive_count, 2);
    rig.run(&second).await.unwrap();
    rig.queue.ack(&second.receipt).await.unwrap();
    assert_eq!(rig.art(&asset).await["status"], "ready");
    assert_eq!(rig.art_files().len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_delivered_twice_makes_one_set_of_files_and_one_update() {
    let web = ArtWeb::start().await;
    web.put("cover.jpg", images::jpeg(800, 800), "image/jpeg");
    let rig = rig();
    let asset = rig.song(song_from(&on_art_test(&web, "/files/cover.jpg"))).await;
    let delivery = rig.receive(HIDDEN).await;
    // Two workers at once, then a late third.
    let (a, b) = tokio::join!(rig.run(&delivery), rig.run(&delivery));
    a.unwrap();
    b.unwrap();
    rig.run(&delivery).await.unwrap();
    let after = rig.asset(&asset).await;
    assert_eq!(after.revision, asset.revision + 1, "one update");
    assert_eq!(rig.art_files().len(), 3, "{:?}", rig.art_files());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_job_never_overwrites_newer_art() {
    let web = ArtWeb::start().await;
    web.put("old.jpg", images::jpeg(700, 700), "image/jpeg");
    web.put("new.png", images::png(600, 600), "image/png");
    let rig = rig();
    let old_url = on_art_test(&web, "/files/old.jpg");
    let new_url = on_art_test(&web, "/files/new.png");
    let asset = rig.song(song_from(&old_url)).await;
    let old_job = rig.receive(HIDDEN).await;
    let patch = json!({"albumArt": {"sourceUrl": new_url, "source": "Manual"}});
    rig.registry
        .edit(
            crate::support::auth::as_admin(),
            &nna_tests::key(asset.id.as_str()),
            &nna_tests::edit(patch.as_object().unwrap(), nna_domain::input::EditMode::Merge),
        )
        .await
        .unwrap();
    let new_job = rig.receive(HIDDEN).await;
    rig.run(&new_job).await.unwrap();
    rig.run(&old_job).await.unwrap();
    let art = rig.art(&asset).await;
    assert_eq!((art["status"].as_str(), art["sourceUrl"].as_str()), (Some("ready"), Some(new_url.as_str())), "{art}");
    assert_eq!(art["source"], "Manual");
    assert_eq!(art["contentType"], "image/png");
    assert_eq!(web.hits("/files/old.jpg"), 0, "the stale job did not even fetch");
}

fn lookup_rig(web: &ArtWeb) -> Rig {
    let settings = loopback_settings(web);
    Rig::new(move |store, blobs| settings.pipeline(store, blobs).unwrap())
}

fn unnamed_song(song: &str, artist: &str, album: Option<&str>) -> Value {
    let mut s = crate::support::song(&format!("{song} by {artist}"));
    s.as_object_mut().unwrap().remove("albumArt");
    s["musicMetadata"]["extractedSongData"] = json!({"songName": song, "artistName": artist, "albumName": album});
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn songs_without_art_find_it_on_itunes_then_musicbrainz() {
    let web = ArtWeb::start().await;
    web.put("itunes/halo/3000x3000bb.jpg", images::jpeg(1200, 1200), "image/jpeg");
    web.put("caa/release-2/front-1200.jpg", images::jpeg(1000, 1000), "image/jpeg");
    let itunes_art = web.url("/files/itunes/halo/100x100bb.jpg");
    let decoy = web.url("/files/itunes/decoy/100x100bb.jpg");
    let cover = web.url("/files/caa/release-2/front-1200.jpg");
    web.set_catalog(Catalog {
        itunes_songs: vec![
            Catalog::itunes_song("Halo (Live)", "Beyoncé", "I Am... Yours", &decoy),
            Catalog::itunes_song("Halo", "Leona Lewis", "Spirit", &decoy),
            Catalog::itunes_song("Halo", "Beyoncé", "I Am... Sasha Fierce", &itunes_art),
        ],
        itunes_albums: vec![],
        recordings: vec![
            Catalog::recording("Anxiety", "Doechii", "release-1", "Anxiety"),
            Catalog::recording("Anxiety", "Doechii", "release-2", "Alligator Bites Never Heal"),
        ],
        releases: [("release-2".to_owned(), Catalog::cover(&cover))].into(),
    });
    let rig = lookup_rig(&web);
    let halo = rig.song(unnamed_song("Halo", "Beyonce", None)).await;
    let anxiety = rig.song(unnamed_song("Anxiety", "Doechii", None)).await;
    let unknown = rig.song(unnamed_song("Song Nobody Wrote", "Nobody", None)).await;
    for a in [&halo, &anxiety, &unknown] {
        assert_eq!(rig.art(a).await["status"], "pending", "a lookup is queued");
    }
    rig.settle().await;

    let art = rig.art(&halo).await;
    assert_eq!((art["status"].as_str(), art["source"].as_str()), (Some("ready"), Some("iTunes")), "{art}");
    assert_eq!(art["sourceUrl"], web.url("/files/itunes/halo/3000x3000bb.jpg"), "the largest size");
    assert_eq!(art["quality"], "High");
    let art = rig.art(&anxiety).await;
    assert_eq!((art["status"].as_str(), art["source"].as_str()), (Some("ready"), Some("MusicBrainz")), "{art}");
    assert_eq!(art["sourceUrl"], cover.as_str());
    let art = rig.art(&unknown).await;
    assert_eq!((art["status"].as_str(), art["failure"].as_str()), (Some("failed"), Some("no_match")), "{art}");
    assert_eq!(web.hits("/files/itunes/decoy/3000x3000bb.jpg"), 0, "decoys are not fetched");
    // The release without a cover was asked for, then the next one.
    assert_eq!((web.hits("/caa/release/release-1"), web.hits("/caa/release/release-2")), (1, 1));
}

/// A delete whose files storage refuses: the asset and its record go at once, the files through
/// the queue, which retries until they are gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_storage_would_not_remove_are_removed_by_the_queue() {
    let web = ArtWeb::start().await;
    web.put("cover.jpg", images::jpeg(800, 800), "image/jpeg");
    let rig = Rig::wrapped(
        |inner| Arc::new(Flaky { inner, failures: AtomicU32::new(0), failed_deletes: AtomicU32::new(4) }),
        |store, blobs| {
            Pipeline::new(store, blobs, Arc::new(GuardedFetcher::new(open_policy(), hostile_names()).unwrap()))
        },
    );
    let asset = rig.song(song_from(&on_art_test(&web, "/files/cover.jpg"))).await;
    rig.settle().await;
    assert_eq!(rig.art(&asset).await["status"], "ready");
    assert_eq!(rig.art_files().len(), 3);

    let gone =
        rig.registry.delete(crate::support::auth::as_admin(), &nna_tests::key(asset.id.as_str()), false).await.unwrap();
    assert_eq!(gone.record.files.len(), 3, "{:?}", gone.record.files);
    assert_eq!(gone.files_pending, 3, "storage refused each one at first");
    assert_eq!(rig.art_files().len(), 3);
    // The first delivery meets the fourth refusal and goes back; the second removes them all.
    let first = rig.receive(Duration::ZERO).await;
    assert!(matches!(rig.run(&first).await, Err(JobError::Transient(_))));
    rig.settle().await;
    assert!(rig.art_files().is_empty(), "{:?}", rig.art_files());
}

/// Every outcome recorded on a song is told to the observer (what the Lambda function turns into
/// metrics): made, with the time since it was asked for, or failed, with its code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outcomes_are_observed_with_their_codes() {
    let web = ArtWeb::start().await;
    web.put("cover.jpg", images::jpeg(600, 600), "image/jpeg");
    type Seen = Vec<(Option<String>, Duration)>;
    let seen: Arc<std::sync::Mutex<Seen>> = Arc::default();
    let log = seen.clone();
    let rig = Rig::new(move |store, blobs| {
        Pipeline::new(store, blobs, Arc::new(GuardedFetcher::new(open_policy(), hostile_names()).unwrap())).observed(
            Arc::new(move |o: &nna_album_art::ArtOutcome<'_>| {
                log.lock().unwrap().push((o.failure.map(str::to_owned), o.since_request));
            }),
        )
    });
    rig.song(song_from(&on_art_test(&web, "/files/cover.jpg"))).await;
    rig.song(song_from(&on_art_test(&web, "/files/missing.jpg"))).await;
    rig.settle().await;
    let mut outcomes: Vec<Option<String>> = seen.lock().unwrap().iter().map(|(f, _)| f.clone()).collect();
    outcomes.sort();
    assert_eq!(outcomes, [None, Some("not_found".to_owned())]);
    assert!(seen.lock().unwrap().iter().all(|(_, since)| *since < Duration::from_secs(60)));
}

/// Decodes share a memory budget; one image costing more than the whole budget still runs (alone)
/// rather than waiting for ever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_budget_smaller_than_one_decode_still_lets_each_job_through() {
    let web = ArtWeb::start().await;
    web.put("big.png", images::png(2400, 2400), "image/png");
    let rig = Rig::new(|store, blobs| {
        Pipeline::new(store, blobs, Arc::new(GuardedFetcher::new(open_policy(), hostile_names()).unwrap()))
            .with_decode_memory(1)
    });
    let url = on_art_test(&web, "/files/big.png");
    let songs = [rig.song(song_from(&url)).await, rig.song(song_from(&url)).await];
    tokio::time::timeout(Duration::from_secs(60), rig.settle()).await.expect("the jobs finish");
    for song in &songs {
        assert_eq!(rig.art(song).await["status"], "ready");
    }
}
