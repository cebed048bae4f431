use crate::support::{Server, asset_in, kelly, song};
use serde_json::{Value, json};

async fn seeded() -> Server {
    let s = Server::start().await;
    s.create(&kelly()).await;
    s.create(&song("Bohemian Rhapsody by Queen from A Night at the Opera")).await;
    s.create(&song("Déjà Vu by Beyoncé")).await;
    s.create(&asset_in("S", "Pop", "Base")).await;
    s.create(&asset_in("L", "Casual", "Denim")).await;
    s
}

fn names(r: &crate::support::Reply) -> Vec<String> {
    r.data()["items"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn the_old_lists_shape_newest_first() {
    let s = seeded().await;
    let r = s.get("/api/assets").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let d = r.data();
    assert_eq!(
        (d["total"].as_u64(), d["page"].as_u64(), d["limit"].as_u64(), d["totalPages"].as_u64()),
        (Some(5), Some(1), Some(10), Some(1))
    );
    assert_eq!(names(&r), ["L.CAS.DNM.001", "S.POP.BAS.001", "G.POP.BAS.002", "G.POP.BAS.001", "L.CAS.ATL.001"]);
    assert!(d["items"][4]["creatorDescription"].is_string(), "items are full assets");
}

#[tokio::test]
async fn paging_and_sorting() {
    let s = seeded().await;
    let p2 = s.get("/api/assets?page=2&limit=2&sortBy=name&sortOrder=asc").await;
    assert_eq!(names(&p2), ["L.CAS.ATL.001", "L.CAS.DNM.001"]);
    assert_eq!(p2.data()["totalPages"], 3);
    let desc = s.get("/api/assets?sortBy=name&sortOrder=desc&limit=1000").await;
    assert_eq!(names(&desc)[0], "S.POP.BAS.001");
    let by_layer = s.get("/api/assets?sortBy=layer").await;
    assert_eq!(names(&by_layer)[0], "G.POP.BAS.001");
    let beyond = s.get("/api/assets?page=9").await;
    assert_eq!((beyond.data()["items"].as_array().unwrap().len(), beyond.data()["total"].as_u64()), (0, Some(5)));
}

#[tokio::test]
async fn filters_take_names_or_codes() {
    let s = seeded().await;
    for q in ["layer=L&category=Casual", "layer=L&category=CAS", "layer=3&category=004", "category=casual"] {
        let r = s.get(&format!("/api/assets?{q}")).await;
        assert_eq!(names(&r), ["L.CAS.DNM.001", "L.CAS.ATL.001"], "{q}");
    }
    let sub = s.get("/api/assets?layer=L&category=Casual&subcategory=Athleisure").await;
    assert_eq!(names(&sub), ["L.CAS.ATL.001"]);
    // `Pop` is a category of songs and of stars.
    let pop = s.get("/api/assets?category=Pop").await;
    assert_eq!(pop.data()["total"], 3);
    let bad = s.get("/api/assets?layer=L&category=Nope").await;
    assert_eq!((bad.status, bad.code()), (400, "unknown_category"));
}

#[tokio::test]
async fn search_folds_case_and_accents_and_completes_the_last_word() {
    let s = seeded().await;
    let cases: [(&str, &[&str]); 6] = [
        ("search=beyonce", &["G.POP.BAS.002"]),
        ("search=DEJA%20vu", &["G.POP.BAS.002"]),
        ("search=bohem", &["G.POP.BAS.001"]),
        ("search=queen%20opera", &["G.POP.BAS.001"]),
        ("search=kelly%20adidas", &["L.CAS.ATL.001"]),
        ("q=L.CAS.ATL", &["L.CAS.ATL.001"]),
    ];
    for (q, expected) in cases {
        let r = s.get(&format!("/api/assets?{q}")).await;
        assert_eq!(names(&r), expected.to_vec(), "{q}");
    }
    assert_eq!(s.get("/api/assets/search?q=queen%20abba").await.data()["total"], 0);
}

#[tokio::test]
async fn bad_list_parameters_are_refused_and_unknown_ones_ignored() {
    let s = seeded().await;
    for (q, code) in [
        ("limit=0", "out_of_range"),
        ("limit=1001", "out_of_range"),
        ("page=-1", "out_of_range"),
        ("sortBy=colour", "invalid_choice"),
    ] {
        let r = s.get(&format!("/api/assets?{q}")).await;
        assert_eq!((r.status, r.code()), (400, code), "{q}");
    }
    let r = s.get(&format!("/api/assets?search={}", "x".repeat(201))).await;
    assert_eq!((r.status, r.code()), (400, "too_long"));
    let r = s.get("/api/assets?limit=1000&_t=12345&whatever=1").await;
    assert_eq!((r.status, r.data()["limit"].clone()), (200, Value::from(1000)));
    assert_eq!(r.data()["items"].as_array().map(Vec::len), Some(5));
    let _ = json!(null);
}

#[tokio::test]
async fn search_pages_with_opaque_cursors_and_refuses_bad_ones() {
    let s = seeded().await;
    let mut seen = Vec::new();
    let mut url = "/api/assets/search?q=pop&limit=1".to_owned();
    for _ in 0..10 {
        let r = s.get(&url).await;
        assert_eq!(r.status, 200, "{}", r.body);
        seen.extend(names(&r));
        assert_eq!(r.data()["total"], 3);
        match r.data()["nextCursor"].as_str() {
            Some(c) => {
                assert_eq!(r.data()["hasMore"], true);
                url = format!("/api/assets/search?q=pop&limit=1&cursor={c}");
            }
            None => break,
        }
    }
    assert_eq!(seen, names(&s.get("/api/assets/search?q=pop&limit=100").await), "pages add up to the whole result");
    assert_eq!(seen.len(), 3);
    let first = s.get("/api/assets/search?q=pop&limit=1").await;
    let cursor = first.data()["nextCursor"].as_str().unwrap().to_owned();
    for bad in [
        format!("q=pop&limit=1&cursor={cursor}x"),
        format!("q=queen&limit=1&cursor={cursor}"),
        "cursor=nonsense".to_owned(),
    ] {
        let r = s.get(&format!("/api/assets/search?{bad}")).await;
        assert_eq!((r.status, r.code()), (400, "invalid_cursor"), "{bad}");
    }
    for (bad, code) in [
        ("q=".to_owned() + &"x".repeat(2000), "too_long"),
        ("limit=10000".into(), "out_of_range"),
        ("sort=popular".into(), "invalid_choice"),
    ] {
        let r = s.get(&format!("/api/assets/search?{bad}")).await;
        assert_eq!((r.status, r.code()), (400, code), "{bad}");
    }
}
