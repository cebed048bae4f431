use crate::support::{Server, kelly};
use futures::future::join_all;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_concurrent_creates_get_one_to_a_hundred() {
    let s = Server::start().await;
    let body = kelly();
    let replies = join_all((0..100).map(|_| s.post("/api/assets", &body))).await;
    let mut names: Vec<String> = replies
        .iter()
        .map(|r| {
            assert_eq!(r.status, 201, "{}", r.body);
            r.data()["name"].as_str().unwrap().to_owned()
        })
        .collect();
    names.sort();
    let expected: Vec<String> = (1..=100).map(|n| format!("L.CAS.ATL.{n:03}")).collect();
    assert_eq!(names, expected, "no gap, no duplicate");
    assert_eq!(s.count().await, 100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn subcategories_count_separately() {
    let s = Server::start().await;
    let mut denim = kelly();
    denim["subcategory"] = "Denim".into();
    let bodies = [kelly(), denim];
    let replies = join_all((0..20).map(|i| s.post("/api/assets", &bodies[i % 2]))).await;
    let mut names: Vec<String> = replies.iter().map(|r| r.data()["name"].as_str().unwrap().to_owned()).collect();
    names.sort();
    let mut expected: Vec<String> =
        (1..=10).flat_map(|n| [format!("L.CAS.ATL.{n:03}"), format!("L.CAS.DNM.{n:03}")]).collect();
    expected.sort();
    assert_eq!(names, expected);
}
