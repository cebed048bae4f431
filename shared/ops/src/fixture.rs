//! A realistic legacy staging table, generated: documents as the old backend's MongoDB holds
//! them (ObjectIds, `name` = HFN, `friendlyName` present / empty / absent, `gcpStorageUrl`, no
//! new fields), over every layer, with 14 songs per 1,100 assets, odd items (unicode, missing
//! `createdAt`, long tags) and every defect the contract lists for staging: JSON text in
//! `trainingData`/`rights`, `components: [""]`, categories as codes and names, `G.undefined`
//! addresses, duplicate and missing sequence numbers, composite names ending in `:`, the HFN
//! written into `creatorDescription`, bare album-art URLs. Deterministic for a seed. Beside them,
//! the old backend's users with bcrypt hashes ([`legacy_users`]).

use crate::{Ops, OpsError};
use nna_domain::Asset;
use nna_domain::taxonomy::{Category, Layer, LayerCode, Subcategory, taxonomy};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::HashMap;

/// Songs as staging has them: title, artist.
const SONGS: [(&str, &str); 14] = [
    ("Anxiety", "Doechii"),
    ("Bohemian Rhapsody", "Queen"),
    ("Halo", "Beyoncé"),
    ("Blinding Lights", "The Weeknd"),
    ("Flowers", "Miley Cyrus"),
    ("Señorita", "Shawn Mendes"),
    ("Hotel California", "Eagles"),
    ("Bad Guy", "Billie Eilish"),
    ("Levitating", "Dua Lipa"),
    ("Dynamite", "BTS"),
    ("Rolling in the Deep", "Adele"),
    ("Uptown Funk", "Mark Ronson"),
    ("Despacito", "Luis Fonsi"),
    ("Running Up That Hill", "Kate Bush"),
];

const WORDS: [&str; 16] = [
    "Kelly is wearing a sports jersey from brand Adidas",
    "A neon city street after rain",
    "Slow-motion spin with a hat toss",
    "Virtual pop star in silver",
    "Beach at golden hour",
    "Retro 80s windbreaker look",
    "Hip-hop footwork routine",
    "Crowd cheering in a stadium",
    "Beyoncé ✨ on stage — 東京 tour",
    "Café scene, Zoë dancing in the rain ☔",
    "Desert world with floating rocks",
    "Streetwear with a bucket hat",
    "A ballerina's pirouette",
    "Emoji party 🎉🎶",
    "Forest clearing at dawn",
    "Sparkly sequin dress for the finale",
];

const EMAILS: [&str; 4] = ["kyle@celerity.studio", "ana@celerity.studio", "dev@reviz.ai", "qa@reviz.ai"];

struct Generator {
    rng: fastrand::Rng,
    /// The old backend's count+1 numbering, per path.
    counts: HashMap<String, u32>,
    /// Addresses made so far, by layer, for composites to point at.
    made: Vec<(LayerCode, String)>,
    songs: usize,
    clock: i64,
}

/// `n` legacy documents (at least 14 songs), the same for the same seed.
pub fn legacy_documents(n: usize, seed: u64) -> Vec<Value> {
    let mut g = Generator {
        rng: fastrand::Rng::with_seed(seed),
        counts: HashMap::new(),
        made: Vec::new(),
        songs: 0,
        // 2025-03-01: staging's first assets.
        clock: 1_740_787_200,
    };
    let songs = (n * 14 / 1100).max(14);
    let composites = n / 16;
    let ordinary: Vec<&Layer> =
        taxonomy().layers().iter().filter(|l| !matches!(l.code, LayerCode::G | LayerCode::C)).collect();
    let mut out = Vec::with_capacity(n.max(songs));
    for i in 0..n.max(songs) {
        let layer = if i % (n / songs).max(1) == 0 && g.songs < songs {
            taxonomy().layer(LayerCode::G)
        } else if i > 50 && i % 16 == 7 && composites > 0 {
            taxonomy().layer(LayerCode::C)
        } else {
            ordinary[g.rng.usize(..ordinary.len())]
        };
        out.push(g.document(i, layer));
    }
    out
}

impl Generator {
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.usize(..items.len())]
    }

    fn object_id(&mut self) -> String {
        self.clock += self.rng.i64(600..20_000);
        format!("{:08x}{:016x}", self.clock, self.rng.u64(..))
    }

    /// The next number as the old backend gave it: count+1, so now and then a number is given
    /// twice or skipped.
    fn sequence(&mut self, path: &str, i: usize) -> u32 {
        let count = self.counts.entry(path.to_owned()).or_insert(0);
        if i % 151 == 150 && *count > 0 {
            return *count; // handed out again
        }
        *count += if i % 97 == 96 { 2 } else { 1 };
        *count
    }

    fn document(&mut self, i: usize, layer: &Layer) -> Value {
        let category: &Category = self.pick(&layer.categories);
        let subcategory: &Subcategory = self.pick(&category.subcategories);
        let song_number = self.songs;
        let broken = layer.code == LayerCode::G && song_number == 2;
        let (cat_code, sub_code) = if broken {
            ("undefined".to_owned(), "undefined".to_owned())
        } else {
            (category.code.clone(), subcategory.code.clone())
        };
        let path = format!("{}.{cat_code}.{sub_code}", layer.code);
        let seq = self.sequence(&path, i);
        let hfn = format!("{path}.{seq:03}");
        let address = if broken {
            hfn.clone()
        } else {
            format!("{}.{:03}.{:03}.{seq:03}", layer.code, category.number, subcategory.number)
        };
        let id = self.object_id();
        let as_codes = i.is_multiple_of(3);
        let mut doc = json!({
            "_id": {"$oid": id},
            "layer": layer.code.to_string(),
            "category": if broken { "undefined".into() } else if as_codes { category.code.clone() } else { category.name.clone() },
            "subcategory": if broken { "undefined".into() } else if as_codes { subcategory.code.clone() } else { subcategory.name.clone() },
            "name": hfn,
            "nna_address": address,
            "gcpStorageUrl": format!("https://storage.googleapis.com/nna_registry_assets_stg/{}/{hfn}.{}",
                path.replace('.', "/"), if layer.code == LayerCode::G { "mp3" } else { "png" }),
            "source": "ReViz",
            "tags": [category.name.to_lowercase(), subcategory.name.to_lowercase()],
            "trainingData": if i.is_multiple_of(5) { json!({"prompts": [], "images": [], "videos": []}) }
                else { json!("{\"prompts\":[],\"images\":[],\"videos\":[]}") },
            "rights": if i.is_multiple_of(5) { json!({"source": "Original", "rights_split": "100%"}) }
                else { json!("{\"source\":\"Original\",\"rights_split\":\"100%\"}") },
            "components": [""],
            "registeredBy": self.pick(&EMAILS).to_string(),
            "createdAt": {"$date": ts(self.clock)},
            "updatedAt": {"$date": ts(self.clock + self.rng.i64(0..2_000_000))},
            "__v": self.rng.u8(0..3),
        });
        let words = self.pick(&WORDS).to_string();
        match i % 7 {
            0..=2 => doc["friendlyName"] = json!(format!("{words} #{i}")),
            3 => doc["friendlyName"] = json!(""),
            _ => {}
        }
        doc["description"] = json!(format!("{words}."));
        if i % 40 == 39 {
            doc["creatorDescription"] = json!(hfn); // the old backend's bug
        }
        if i % 61 == 60 {
            doc.as_object_mut().map(|d| d.remove("createdAt"));
        }
        if i % 45 == 44 {
            let mut tags: Vec<String> = (0..30).map(|t| format!("tag-{t}")).collect();
            tags.push("a-very-long-tag-".repeat(7));
            doc["tags"] = json!(tags);
        }
        match layer.code {
            LayerCode::G => {
                self.song(&mut doc, song_number, &hfn);
                self.songs += 1;
            }
            LayerCode::C => self.composite(&mut doc, &hfn, i),
            _ => {}
        }
        self.made.push((layer.code, address));
        doc
    }

    fn song(&mut self, doc: &mut Value, n: usize, hfn: &str) {
        let (title, artist) = SONGS[n % SONGS.len()];
        doc["tags"] = json!([title.to_lowercase(), artist]);
        doc["description"] = json!(format!("{title} by {artist}. A track the creators picked for the stage."));
        doc.as_object_mut().map(|d| d.remove("friendlyName"));
        match n % 14 {
            3 | 4 => {
                doc["albumArt"] =
                    json!(format!("https://is1-ssl.mzstatic.com/image/thumb/Music/v4/{n:02}/art.jpg/600x600bb.jpg"))
            }
            5 => doc["creatorDescription"] = json!(hfn),
            6 => {
                doc.as_object_mut().map(|d| d.remove("description"));
            }
            7 => doc["friendlyName"] = json!(format!("{artist} – {title} (live)")),
            _ => {}
        }
    }

    fn composite(&mut self, doc: &mut Value, hfn: &str, i: usize) {
        let parts: Vec<String> = self
            .made
            .iter()
            .filter(|(l, a)| l.can_be_component() && !a.contains("undefined"))
            .rev()
            .take(2 + i % 3)
            .map(|(_, a)| a.clone())
            .collect();
        let name = if i.is_multiple_of(5) {
            format!("{hfn}:{}:", parts.join(":"))
        } else {
            format!("{hfn}:{}", parts.join(":"))
        };
        doc["name"] = json!(name);
        doc["components"] = json!(parts);
    }
}

/// The old backend's users behind the fixture's assets: each address the assets name (one
/// stored with capitals, as someone typed it at registration: the old backend kept emails as
/// typed), then others up to `n`, the first an admin. Each password is `password_of(email)`,
/// hashed with bcrypt at `cost` as bcryptjs does (the old backend used 10; tests use less).
pub fn legacy_users(n: usize, seed: u64, cost: u32) -> Vec<Value> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut clock: i64 = 1_740_700_000;
    let emails = EMAILS.iter().map(|e| (*e).to_owned()).chain((EMAILS.len()..).map(|i| format!("creator{i}@reviz.ai")));
    emails
        .take(n.max(EMAILS.len()))
        .enumerate()
        .map(|(i, email)| {
            clock += rng.i64(60..86_400);
            let stored = if i == 1 { capitalized(&email) } else { email.clone() };
            let hash = bcrypt::hash_with_result(password_of(&email), cost)
                .map(|h| h.format_for_version(bcrypt::Version::TwoA))
                .unwrap_or_default();
            json!({
                "_id": {"$oid": format!("{clock:08x}{:016x}", rng.u64(..))},
                "email": stored,
                "password": hash,
                "username": email.split('@').next().unwrap_or_default().replace('.', "-") + "-creator",
                "role": if i == 0 { "admin" } else { "editor" },
                "createdAt": {"$date": ts(clock)},
                "updatedAt": {"$date": ts(clock + 3600)},
                "__v": 0,
            })
        })
        .collect()
}

/// The fixture's password for an address: what its person types to log in.
pub fn password_of(email: &str) -> String {
    format!("old-password-of-{}", email.to_lowercase())
}

fn capitalized(email: &str) -> String {
    email.split('.').map(|part| part[..1].to_uppercase() + &part[1..]).collect::<Vec<_>>().join(".")
}

fn ts(seconds: i64) -> String {
    nna_domain::time::Timestamp::from_millis(seconds * 1000).map(|t| t.to_string()).unwrap_or_default()
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub imported: u64,
    pub refused: Vec<crate::migrate::ItemProblem>,
    pub seconds: f64,
}

/// Loads legacy documents into the store exactly as they are (no migration).
pub async fn import(ops: &Ops, documents: &[Value]) -> Result<ImportReport, OpsError> {
    let clock = std::time::Instant::now();
    let mut report = ImportReport { imported: 0, refused: Vec::new(), seconds: 0.0 };
    ops.progress.begin("import", Some(documents.len() as u64));
    for chunk in documents.chunks(500) {
        let mut assets: Vec<Asset> = Vec::with_capacity(chunk.len());
        for doc in chunk {
            match Asset::from_legacy(doc) {
                Ok(asset) => assets.push(asset),
                Err(e) => {
                    report.refused.push(crate::migrate::ItemProblem { id: e.id, name: String::new(), reason: e.reason })
                }
            }
        }
        ops.ports.store.import_all(&assets).await?;
        report.imported += assets.len() as u64;
        ops.progress.advance(chunk.len() as u64);
    }
    ops.progress.end();
    report.seconds = crate::seconds_since(clock);
    Ok(report)
}
