//! Search on both stores over one fixture of 300 assets (accents, emoji, long descriptions, songs,
//! composites, legacy items without the new fields): every query gives what a brute-force pass
//! over all assets with the domain's own definition gives, by the selective path and, with tiny
//! probe limits, by the unselective walk too.

use super::adapters::Adapters;
use super::for_both;
use crate::support::legacy_song;
use nna_domain::input::EditMode;
use nna_domain::search::{Direction, IndexTerm, SearchQuery, SearchTuning, SortBy, matches, sort_key};
use nna_domain::{Asset, RegistryConfig, RegistryError};
use serde_json::{Map, Value, json};

for_both!(search: thirty_six_queries_agree_with_brute_force, the_index_follows_edits_and_deletes, bad_search_input_is_refused);

const ARTISTS: [&str; 10] = [
    "Beyoncé",
    "Rosalía",
    "Björk",
    "Sigur Rós",
    "Mötley Crüe",
    "Céline Dion",
    "Queen",
    "Doechii",
    "Dua Lipa",
    "Bad Bunny",
];
const SONGS: [&str; 10] = [
    "Déjà Vu",
    "Malamente",
    "Hyperballad",
    "Hoppípolla",
    "Kickstart My Heart",
    "My Heart Will Go On",
    "Bohemian Rhapsody",
    "Anxiety",
    "Levitating",
    "Tití Me Preguntó",
];
const GENRES: [(&str, &str); 4] = [("Pop", "pop"), ("Rock", "rock"), ("Hip_Hop", "hip-hop"), ("RnB", "rnb")];
const WEAR: [&str; 5] = ["a sports jersey", "a denim jacket", "white sneakers", "an evening gown", "a hoodie"];
const BRANDS: [&str; 4] = ["Adidas", "Nike", "Gucci", "Prada"];
const PEOPLE: [&str; 4] = ["Kelly", "Amara", "Jonas", "Mei"];
const USERS: [&str; 3] = ["ana@x.io", "ben@x.io", "cho@x.io"];
const FILLER: [&str; 12] =
    ["the", "smooth", "groove", "with", "bright", "synths", "and", "a", "steady", "beat", "under", "lights"];

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

/// The 270 creates, in order. Composites name components created before them.
fn creates() -> Vec<Value> {
    (0..270)
        .map(|i| {
            let by = USERS[i % 3];
            let mut v = match i % 9 {
                0..=3 => {
                    let (category, tag) = GENRES[i % 4];
                    let (song, artist) = (SONGS[i % 10], ARTISTS[i % 10]);
                    let emoji = if i % 5 == 0 { " 🎵" } else { "" };
                    let mut v = json!({"layer": "G", "category": category, "subcategory": "Base",
                        "creatorDescription": format!("{song} by {artist}{emoji}"), "tags": [tag],
                        "description": format!("The {} of {artist}.", FILLER[i % 12]),
                        "aiMetadata": {"generatedBy": if i % 2 == 0 { "OpenAI GPT-4o" } else { "Claude" }, "generationStrategy": "songs", "confidence": 0.9},
                        "musicMetadata": {"bpm": 80 + i % 60}});
                    if i % 2 == 0 {
                        v["albumArt"] = json!({"sourceUrl": format!("https://is1-ssl.mzstatic.com/a/{i}/600x600bb.jpg")});
                    }
                    v
                }
                4 | 5 => json!({"layer": "L", "category": if i % 2 == 0 { "Casual" } else { "Urban" }, "subcategory": "Base",
                    "creatorDescription": format!("{} is wearing {} from brand {}", PEOPLE[i % 4], WEAR[i % 5], BRANDS[i % 4]),
                    "tags": [BRANDS[i % 4].to_lowercase()],
                    "aiMetadata": {"generatedBy": "OpenAI GPT-4o", "generationStrategy": "visual-image"}}),
                6 => json!({"layer": "S", "category": "Pop", "subcategory": "Base",
                    "creatorDescription": format!("A virtual pop star ✨ number {i}"), "tags": ["avatar"]}),
                7 => {
                    let long: Vec<&str> = (0..600).map(|k| FILLER[(k + i) % 12]).collect();
                    let tail = if i % 2 == 0 { " zephyr" } else { "" };
                    json!({"layer": "M", "category": "Pop_Dance", "subcategory": "Base",
                        "creatorDescription": "A dance move", "description": format!("{}{tail}", long.join(" "))})
                }
                _ => json!({"layer": "C", "category": "Full_Composites", "subcategory": "Pop",
                    "creatorDescription": format!("Remix {i} of a song and a look"),
                    "components": [format!("G.{}.BAS.001", ["POP", "RCK", "HIP", "RNB"][i % 4]), "L.CAS.BAS.001"]}),
            };
            v["registeredBy"] = json!(by);
            v
        })
        .collect()
}

/// Thirty items from before the new fields: staging songs, numbered 001–030, made in 2025.
fn legacy() -> Vec<Asset> {
    (1..=30u32)
        .map(|n| {
            let mut v = legacy_song(n);
            v["id"] = json!(format!("6868865274bd8b06a2f9{n:04x}"));
            v["description"] = json!(format!("Legacy track {n} by Doechii"));
            v["createdAt"] = json!(format!("2025-{:02}-{:02}T10:00:00.000Z", 1 + n % 12, 1 + n % 28));
            if n % 2 == 0 {
                v["category"] = json!("HIP");
                v["subcategory"] = json!("MOD");
            }
            Asset::load(v).unwrap()
        })
        .collect()
}

async fn load(a: &Adapters) -> Vec<Asset> {
    let mut all = Vec::new();
    for asset in legacy() {
        a.store.import(&asset).await.unwrap();
        all.push(asset);
    }
    for body in creates() {
        all.push(a.registry.create(crate::support::auth::admin(), nna_tests::request(&obj(body))).await.unwrap().asset);
    }
    all
}

fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// The answer by definition: every asset checked, sorted, paged.
fn brute_force(all: &[Asset], pairs: &[(String, String)]) -> (Vec<String>, u64) {
    let q = SearchQuery::parse(pairs).unwrap();
    let mut hits: Vec<(String, &Asset)> = all.iter().filter(|a| matches(a, &q)).map(|a| (sort_key(a, &q), a)).collect();
    hits.sort_by(|x, y| x.0.cmp(&y.0));
    if q.sort.direction == Direction::Descending {
        hits.reverse();
    }
    let total = hits.len() as u64;
    (hits.into_iter().skip(q.offset()).take(q.limit as usize).map(|(_, a)| a.name().to_owned()).collect(), total)
}

const QUERIES: [&[(&str, &str)]; 36] = [
    &[("q", "beyonce")],
    &[("q", "BEYONCÉ")],
    &[("q", "deja vu")],
    &[("q", "bohem")],
    &[("q", "queen bohem")],
    &[("q", "mötley crue heart")],
    &[("q", "sigur ros hopp")],
    &[("q", "zephyr")],
    &[("q", "adidas jersey")],
    &[("q", "🎵")],
    &[("q", "L.CAS")],
    &[("q", "1.001")],
    &[("q", "G.HIP.MOD")],
    &[("q", "doechii"), ("limit", "100")],
    &[("tags", "rock")],
    &[("tags", "rock,pop")],
    &[("hasAlbumArt", "true"), ("layer", "G")],
    &[("hasAlbumArt", "false"), ("layer", "G"), ("limit", "100")],
    &[("aiGeneratedBy", "claude")],
    &[("generationStrategy", "songs"), ("q", "heart")],
    &[("registeredBy", "BEN@x.io"), ("layer", "L")],
    &[("createdBefore", "2026-01-01"), ("limit", "50")],
    &[("createdAfter", "2025-06-01"), ("createdBefore", "2025-09-01")],
    &[("layer", "G"), ("category", "Pop"), ("sort", "name")],
    &[("q", "heart"), ("sort", "relevance")],
    &[("q", "star"), ("layer", "S")],
    &[("q", "the"), ("limit", "40")],
    &[("sort", "oldest"), ("limit", "5")],
    &[("sortBy", "registeredBy"), ("sortOrder", "asc"), ("limit", "20")],
    &[("sortBy", "updatedAt"), ("limit", "10")],
    &[("page", "3"), ("limit", "25")],
    &[("q", "nothingmatchesthis")],
    &[("category", "Pop")],
    &[("q", "heart"), ("page", "2"), ("limit", "3")],
    &[("q", "remix song"), ("layer", "C"), ("sort", "name"), ("sortOrder", "desc")],
    &[("q", "is wearing"), ("tags", "nike"), ("registeredBy", "ben@x.io")],
];

async fn thirty_six_queries_agree_with_brute_force(a: Adapters) {
    let all = load(&a).await;
    assert_eq!(all.len(), 300);
    let tiny = (a.make_registry)(RegistryConfig {
        search: SearchTuning { probes: [3, 6], walk_budget: 50 },
        ..RegistryConfig::default()
    });
    // Long lists read in creation order a batch at a time, with room to rank every match.
    let streamed = (a.make_registry)(RegistryConfig {
        search: SearchTuning { probes: [3, 1000], walk_budget: 10_000 },
        ..RegistryConfig::default()
    });
    // Brute force itself is checked against plain string matching on the fixture's own text.
    let count = |q: &[(&str, &str)]| brute_force(&all, &params(q)).1;
    let inputs = creates();
    let said = |field: &str, needle: &str| {
        inputs.iter().filter(|v| v[field].as_str().is_some_and(|t| t.contains(needle))).count() as u64
    };
    assert_eq!(count(&[("q", "beyonce")]), said("creatorDescription", "Beyoncé"));
    assert_eq!(count(&[("q", "zephyr")]), said("description", "zephyr"));
    assert_eq!(count(&[("q", "doechii")]), said("creatorDescription", "Doechii") + 30);
    assert_eq!(count(&[("q", "G.HIP.MOD")]), 30);
    assert!(said("creatorDescription", "Beyoncé") > 0 && said("description", "zephyr") > 0);

    for query in QUERIES {
        let pairs = params(query);
        let (expected, total) = brute_force(&all, &pairs);
        let page = nna_tests::search(&a.registry, &pairs).await.unwrap();
        let got: Vec<String> = page.items.iter().map(|x| x.name().to_owned()).collect();
        assert_eq!(got, expected, "{query:?}");
        // Every total is exact up to 10,000 matches, whichever path answered.
        assert_eq!(page.total, Some(total), "{query:?}");
        let walked_page = nna_tests::search(&tiny, &pairs).await.unwrap();
        assert_eq!(walked_page.total, Some(total), "by the walk: {query:?}");
        let streamed_page = nna_tests::search(&streamed, &pairs).await.unwrap();
        let got: Vec<String> = streamed_page.items.iter().map(|x| x.name().to_owned()).collect();
        assert_eq!((got, streamed_page.total), (expected.clone(), Some(total)), "streamed: {query:?}");
        let q = SearchQuery::parse(&pairs).unwrap();
        if q.page == 1 {
            let mut everything = pairs.clone();
            everything.retain(|(k, _)| k != "limit");
            everything.push(("limit".into(), "1000".into()));
            assert_eq!(follow(&streamed, &pairs).await, brute_force(&all, &everything).0, "streamed pages {query:?}");
        }

        // The same query by the unselective path, followed to the end with cursors.
        if q.sort.by == SortBy::Relevance || q.page > 1 {
            continue;
        }
        let by_walk = follow(&tiny, &pairs).await;
        let mut everything = pairs.clone();
        everything.retain(|(k, _)| k != "limit");
        everything.push(("limit".into(), "1000".into()));
        assert_eq!(by_walk, brute_force(&all, &everything).0, "walked {query:?}");
    }
}

/// Every page of a search, following its cursors to the end.
async fn follow(registry: &nna_domain::Registry, pairs: &[(String, String)]) -> Vec<String> {
    let mut names = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..200 {
        let mut paged = pairs.to_vec();
        paged.extend(cursor.iter().map(|c| ("cursor".to_owned(), c.clone())));
        let page = nna_tests::search(registry, &paged).await.unwrap();
        names.extend(page.items.iter().map(|x| x.name().to_owned()));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    names
}

async fn the_index_follows_edits_and_deletes(a: Adapters) {
    let made = a
        .registry
        .create(crate::support::auth::admin(), nna_tests::request(&obj(json!({"layer": "L", "category": "Casual", "subcategory": "Base", "creatorDescription": "alpha bravo", "tags": ["xray"]}))))
        .await
        .unwrap()
        .asset;
    let names = |q: &'static str| {
        let registry = a.registry.clone();
        async move {
            nna_tests::search(&registry, &params(&[("q", q)]))
                .await
                .unwrap()
                .items
                .iter()
                .map(|x| x.name().to_owned())
                .collect::<Vec<_>>()
        }
    };
    let posted = |term: IndexTerm| {
        let index = a.index.clone();
        let id = made.id.clone();
        async move { index.postings(&term, 100).await.unwrap().iter().any(|p| p.id == id) }
    };
    assert_eq!(names("alpha").await, ["L.CAS.BAS.001"]);
    assert!(posted(IndexTerm::word("alpha")).await);

    a.registry
        .edit(
            crate::support::auth::as_admin(),
            &nna_tests::key("L.CAS.BAS.001"),
            &nna_tests::edit(&obj(json!({"creatorDescription": "charlie", "tags": ["yankee"]})), EditMode::Replace),
        )
        .await
        .unwrap();
    assert!(names("alpha").await.is_empty(), "the old words no longer find it");
    assert!(!posted(IndexTerm::word("alpha")).await && !posted(IndexTerm::word("bravo")).await);
    assert!(!posted(IndexTerm::tag("xray")).await);
    assert_eq!(names("charlie").await, ["L.CAS.BAS.001"]);
    assert!(posted(IndexTerm::tag("yankee")).await);

    a.registry.delete(crate::support::auth::as_admin(), &nna_tests::key("L.CAS.BAS.001"), false).await.unwrap();
    assert!(names("charlie").await.is_empty());
    assert!(!posted(IndexTerm::word("charlie")).await && !posted(IndexTerm::hfn("L.CAS.BAS.001")).await);
    // A term's count follows its postings through the create, the edit and the delete.
    for word in ["alpha", "bravo", "charlie", "casual"] {
        let term = IndexTerm::word(word);
        let listed = a.index.postings(&term, 100).await.unwrap().len() as u64;
        assert_eq!(a.index.count_postings(&term, 100).await.unwrap(), listed, "{word}");
    }
}

async fn bad_search_input_is_refused(a: Adapters) {
    for body in [
        json!({"layer": "L", "category": "Casual", "subcategory": "Base"}),
        json!({"layer": "L", "category": "Casual", "subcategory": "Base"}),
    ] {
        a.registry.create(crate::support::auth::admin(), nna_tests::request(&obj(body))).await.unwrap();
    }
    let code = |pairs: Vec<(String, String)>| {
        let registry = a.registry.clone();
        async move {
            match nna_tests::search(&registry, &pairs).await {
                Err(RegistryError::Invalid(e)) => e.first().code.as_str().to_owned(),
                other => format!("{other:?}"),
            }
        }
    };
    assert_eq!(code(params(&[("limit", "0")])).await, "out_of_range");
    assert_eq!(code(params(&[("limit", "10000")])).await, "out_of_range");
    assert_eq!(code(params(&[("q", &"x".repeat(2000))])).await, "too_long");
    assert_eq!(code(params(&[("sort", "popularity")])).await, "invalid_choice");
    let first = nna_tests::search(&a.registry, &params(&[("limit", "1")])).await.unwrap();
    let cursor = first.next_cursor.expect("a second page");
    let foreign = params(&[("limit", "1"), ("layer", "L"), ("cursor", &cursor)]);
    assert_eq!(code(foreign).await, "invalid_cursor");
    let forged = format!("{}x", cursor);
    assert_eq!(code(params(&[("limit", "1"), ("cursor", &forged)])).await, "invalid_cursor");
    assert_eq!(code(params(&[("limit", "1"), ("cursor", "bm90IGEgY3Vyc29y.AAAA")])).await, "invalid_cursor");
    let second = nna_tests::search(&a.registry, &params(&[("limit", "1"), ("cursor", &cursor)])).await.unwrap();
    assert_eq!(second.items.len(), 1);
    assert_ne!(second.items[0].id, first.items[0].id);
}
