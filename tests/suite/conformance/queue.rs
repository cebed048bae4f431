use super::adapters::Adapters;
use super::for_both;
use nna_domain::jobs::{Delivery, Job};
use nna_domain::{AssetId, Timestamp};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

for_both!(queue: sent_jobs_arrive_once_acknowledged, unacknowledged_jobs_come_back, a_job_received_too_often_goes_to_the_dead_letters);

fn job(n: u64) -> Job {
    Job::AlbumArt {
        asset_id: AssetId::generate(),
        source_url: None,
        upload_key: None,
        revision: n,
        requested_at: Timestamp::now(),
    }
}

/// Receives until `n` deliveries arrived (queues hand out what they have, a few at a time).
async fn receive(a: &Adapters, n: usize, visibility: Duration) -> Vec<Delivery> {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut out = Vec::new();
    while out.len() < n && Instant::now() < deadline {
        out.extend(a.source.receive(10, visibility).await.unwrap());
    }
    out
}

async fn sent_jobs_arrive_once_acknowledged(a: Adapters) {
    let jobs: Vec<Job> = (0..25).map(job).collect();
    a.queue.send_batch(&jobs[..24]).await.unwrap();
    a.queue.send(&jobs[24]).await.unwrap();
    let got = receive(&a, 25, Duration::from_secs(30)).await;
    let revisions: BTreeSet<u64> = got
        .iter()
        .map(|d| match Job::from_message(&d.body).unwrap() {
            Job::AlbumArt { revision, .. } => revision,
            other => panic!("not sent here: {other:?}"),
        })
        .collect();
    assert_eq!(revisions, (0..25).collect::<BTreeSet<u64>>());
    assert!(got.iter().all(|d| d.receive_count == 1));
    for d in &got {
        a.source.ack(&d.receipt).await.unwrap();
    }
    assert!(a.source.receive(10, Duration::from_secs(1)).await.unwrap().is_empty());
}

async fn unacknowledged_jobs_come_back(a: Adapters) {
    a.queue.send(&job(7)).await.unwrap();
    let first = receive(&a, 1, Duration::from_secs(3)).await;
    let received_at = Instant::now();
    assert_eq!(first.len(), 1);
    assert!(a.source.receive(10, Duration::from_secs(3)).await.unwrap().is_empty(), "hidden while in flight");
    tokio::time::sleep(Duration::from_millis(3200).saturating_sub(received_at.elapsed())).await;
    let again = receive(&a, 1, Duration::from_secs(30)).await;
    assert_eq!((again.len(), again[0].body == first[0].body, again[0].receive_count), (1, true, 2));
    a.source.ack(&again[0].receipt).await.unwrap();
}

async fn a_job_received_too_often_goes_to_the_dead_letters(a: Adapters) {
    let poison = job(9);
    a.queue.send(&poison).await.unwrap();
    let body = poison.to_message().unwrap();
    for n in 1..=nna_domain::jobs::MAX_RECEIVES {
        let got = receive(&a, 1, Duration::from_secs(1)).await;
        assert_eq!((got.len(), got[0].receive_count), (1, n), "delivery {n}");
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline {
        assert!(a.source.receive(10, Duration::from_secs(1)).await.unwrap().is_empty(), "handed out once too often");
    }
    assert_eq!(a.dead_letters.bodies().await, [body]);
}
