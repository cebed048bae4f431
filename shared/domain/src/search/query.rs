//! `GET /api/assets` and `/api/assets/search` parameters: the old list's (`search`, `layer`,
//! `category`, `subcategory`, `page`, `limit`, `sortBy`, `sortOrder`) and the seed's (`q`, `tags`,
//! `hasAlbumArt`, `aiGeneratedBy`, `generationStrategy`, `registeredBy`, `createdAfter`,
//! `createdBefore`, `sort`, `cursor`). Unknown parameters are ignored; known ones with bad values
//! are refused with the valid choices.

use super::order::{Direction, Order};
use super::terms::IndexTerm;
use super::text::TextQuery;
use crate::asset::{ArtState, Choice};
use crate::error::{Collector, ErrorCode, FieldError, Invalid};
use crate::limits::{
    LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX, REGISTERED_BY_CHARS, SEARCH_QUERY_CHARS, SHORT_LABEL_CHARS, TAGS,
};
use crate::parse::check_text;
use crate::taxonomy::{Category, Layer, LayerCode, taxonomy};
use crate::time::Timestamp;
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortBy {
    Order(Order),
    /// Best matches first; needs words to match.
    Relevance,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sort {
    pub by: SortBy,
    pub direction: Direction,
}

/// Where assets sit, as a listing narrows them: one value per place searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    All,
    Layer,
    Category,
    Subcategory,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Scope {
    pub level: Level,
    /// `all`, `L`, `L.CAS`, `L.CAS.ATL`.
    pub value: String,
}

impl Scope {
    /// The places an asset is listed under, most general first: `all`, its layer, and where the
    /// taxonomy can place it, its category and subcategory.
    pub fn of(asset: &crate::Asset) -> Vec<Scope> {
        let place = |level, value: String| Scope { level, value };
        let mut out = vec![place(Level::All, "all".to_owned()), place(Level::Layer, asset.layer().to_string())];
        if let Some(p) = asset.placement() {
            out.push(place(Level::Category, p.category_path()));
            out.push(place(Level::Subcategory, p.code_path()));
        }
        out
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SearchQuery {
    pub text: Option<TextQuery>,
    /// An HFN or MFA prefix (`L.CAS.ATL`, `5.004`), as an index term prefix.
    pub address: Option<IndexTerm>,
    /// The places searched; assets elsewhere never match.
    pub places: Vec<Scope>,
    /// Facets every match has, as index terms: tags, registrant, generator, strategy, album art.
    pub facets: Vec<IndexTerm>,
    /// `hasAlbumArt` / `albumArtStatus`: the art states a match may be in (`None`: any).
    pub art: Option<Vec<ArtState>>,
    pub created_after: Option<Timestamp>,
    pub created_before: Option<Timestamp>,
    pub sort: Sort,
    pub limit: u32,
    pub page: u32,
    pub cursor: Option<String>,
}

/// Every query parameter a search reads, with what it means: the OpenAPI document lists exactly
/// these, and a read of any other is a bug the debug build stops at.
pub const SEARCH_PARAMS: &[(&str, &str)] = &[
    ("q", "Words to find in names, descriptions, tags; the last word matches as a prefix."),
    ("search", "The same as `q`."),
    ("layer", "A layer code (G, S, L, …)."),
    ("category", "A category code, number or name."),
    ("subcategory", "A subcategory code, number or name."),
    ("tags", "Tags every match has: repeated, or `a,b`."),
    ("tag", "The same as `tags`."),
    ("tags[]", "The same as `tags`, as forms spell a list."),
    ("registeredBy", "Assets this account registered."),
    ("aiGeneratedBy", "Assets made by this AI tool (`aiMetadata.generatedBy`)."),
    ("generationStrategy", "Assets made with this generation strategy (`aiMetadata.generationStrategy`)."),
    ("hasAlbumArt", "`true`: art a user can see (ready); `false`: none, pending or failed."),
    ("albumArtStatus", "`pending`, `ready`, `failed` or `none`."),
    ("createdAfter", "A date or an ISO 8601 date-time."),
    ("createdBefore", "A date or an ISO 8601 date-time."),
    ("sort", "`newest`, `oldest`, `name` or `relevance` (words in `q`)."),
    ("sortBy", "`createdAt`, `updatedAt`, `name`, `layer`, `registeredBy`, `relevance`."),
    ("sortOrder", "`asc` or `desc`."),
    ("page", "From 1."),
    ("limit", "Up to 1000; default 10."),
    ("cursor", "`nextCursor` of the previous page."),
];

impl SearchQuery {
    pub fn parse(params: &[(String, String)]) -> Result<Self, Invalid> {
        let all = |k: &'static str| {
            debug_assert!(SEARCH_PARAMS.iter().any(|(name, _)| *name == k), "{k} is read but not in SEARCH_PARAMS");
            params.iter().filter(move |(key, v)| key == k && !v.trim().is_empty()).map(|(_, v)| v.trim())
        };
        let get = |k: &'static str| all(k).next();
        let mut c = Collector::default();

        let (field, raw) = match (get("q"), get("search")) {
            (Some(q), _) => ("q", Some(q)),
            (None, s) => ("search", s),
        };
        let (mut text, mut address) = (None, None);
        if let Some(raw) = raw
            && c.take(check_text(raw, field, SEARCH_QUERY_CHARS)).is_some()
        {
            match address_prefix(raw) {
                Some(a) => address = Some(a),
                None => text = TextQuery::parse(raw),
            }
        }

        let places = c.take(places(get("layer"), get("category"), get("subcategory"))).unwrap_or_default();

        let mut facets = Vec::new();
        let tags: Vec<&str> = all("tags")
            .chain(all("tag"))
            .chain(all("tags[]"))
            .flat_map(|t| t.split(','))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .collect();
        if tags.len() > TAGS {
            c.push(FieldError::new("tags", ErrorCode::TooManyItems, format!("at most {TAGS} tags")));
        }
        facets.extend(tags.iter().map(|t| IndexTerm::tag(t)));
        let mut label = |key: &'static str, max: usize, make: fn(&str) -> IndexTerm, c: &mut Collector| {
            if let Some(v) = get(key)
                && c.take(check_text(v, key, max)).is_some()
            {
                facets.push(make(v));
            }
        };
        label("registeredBy", REGISTERED_BY_CHARS, IndexTerm::owner, &mut c);
        label("aiGeneratedBy", SHORT_LABEL_CHARS, IndexTerm::generator, &mut c);
        label("generationStrategy", SHORT_LABEL_CHARS, IndexTerm::strategy, &mut c);
        let art = c.take(art_states(get("hasAlbumArt"), get("albumArtStatus"))).flatten();
        if art.as_ref().is_some_and(|states| !states.contains(&ArtState::None)) {
            // Any art at all: the posting proposes candidates, the state is checked on each.
            facets.push(IndexTerm::has_album_art());
        }
        facets.sort();
        facets.dedup();

        let created_after = get("createdAfter").and_then(|v| c.take(instant("createdAfter", v)));
        let created_before = get("createdBefore").and_then(|v| c.take(instant("createdBefore", v)));
        let sort = c.take(sort(get("sort"), get("sortBy"), get("sortOrder"), text.is_some())).unwrap_or(NEWEST);
        let limit =
            get("limit").and_then(|l| c.take(whole("limit", l, 1, LIST_LIMIT_MAX))).unwrap_or(LIST_LIMIT_DEFAULT);
        let page = get("page").and_then(|p| c.take(whole("page", p, 1, 1_000_000))).unwrap_or(1);
        c.finish()?;
        Ok(Self {
            text,
            address,
            places,
            facets,
            art,
            created_after,
            created_before,
            sort,
            limit,
            page,
            cursor: get("cursor").map(str::to_owned),
        })
    }

    /// What a cursor is bound to: everything but the position in the results.
    pub fn fingerprint(&self) -> String {
        let Self { text, address, places, facets, art, created_after, created_before, sort, .. } = self;
        format!("{text:?}|{address:?}|{places:?}|{facets:?}|{art:?}|{created_after:?}|{created_before:?}|{sort:?}")
    }

    pub fn offset(&self) -> usize {
        (self.page as usize - 1).saturating_mul(self.limit as usize)
    }
}

const NEWEST: Sort = Sort { by: SortBy::Order(Order::Created), direction: Direction::Descending };

/// `L.CAS.ATL`, `l.cas`, `5.004`, `L.004.004.001`: one token of dot-joined segments that starts
/// with a layer. Numeric segments are padded as addresses write them (`5.4` is `5.004`).
fn address_prefix(q: &str) -> Option<IndexTerm> {
    let q = q.trim().trim_end_matches('.');
    let segments: Vec<&str> = q.split('.').collect();
    let shaped =
        segments.len() >= 2 && segments.iter().all(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric()));
    let layer = match segments[0].parse::<u32>() {
        Ok(n) => LayerCode::from_number(n),
        Err(_) => LayerCode::from_letter(segments[0]),
    };
    let (true, Some(layer)) = (shaped, layer) else { return None };
    if segments[1..].iter().all(|s| s.bytes().all(|b| b.is_ascii_digit())) {
        let rest: Option<Vec<String>> =
            segments[1..].iter().map(|s| s.parse::<u32>().ok().map(|n| format!("{n:03}"))).collect();
        return Some(IndexTerm::mfa(&format!("{}.{}", layer.number(), rest?.join("."))));
    }
    Some(IndexTerm::hfn(q))
}

fn places(layer: Option<&str>, category: Option<&str>, subcategory: Option<&str>) -> Result<Vec<Scope>, FieldError> {
    let t = taxonomy();
    let layer = layer.map(|l| t.layer_named(l)).transpose()?;
    let layers: Vec<&Layer> = match layer {
        Some(l) => vec![l],
        None => t.layers().iter().collect(),
    };
    let categories: Vec<(&Layer, &Category)> = match category {
        Some(name) => {
            let found: Vec<_> = layers.iter().filter_map(|l| l.find_category(name).map(|c| (*l, c))).collect();
            if found.is_empty() {
                return Err(unknown("category", name, layer, ErrorCode::UnknownCategory));
            }
            found
        }
        None => layers.iter().flat_map(|l| l.categories.iter().map(move |c| (*l, c))).collect(),
    };
    if let Some(name) = subcategory {
        let found: Vec<Scope> = categories
            .iter()
            .filter_map(|(l, c)| c.find_subcategory(name).map(|s| format!("{}.{}.{}", l.code, c.code, s.code)))
            .map(|value| Scope { level: Level::Subcategory, value })
            .collect();
        if found.is_empty() {
            return Err(unknown("subcategory", name, layer, ErrorCode::UnknownSubcategory));
        }
        return Ok(found);
    }
    if category.is_some() {
        return Ok(categories
            .iter()
            .map(|(l, c)| Scope { level: Level::Category, value: format!("{}.{}", l.code, c.code) })
            .collect());
    }
    Ok(match layer {
        Some(l) => vec![Scope { level: Level::Layer, value: l.code.to_string() }],
        None => vec![Scope { level: Level::All, value: "all".into() }],
    })
}

fn unknown(field: &str, value: &str, layer: Option<&Layer>, code: ErrorCode) -> FieldError {
    let scope = layer.map_or_else(|| "any layer".to_owned(), |l| format!("layer {} ({})", l.code, l.name));
    let mut e =
        FieldError::new(field, code, format!("{field} {value:?} is not in {scope}; see GET /api/taxonomy/layers"));
    if let Some(l) = layer.filter(|_| field == "category") {
        let choices: Vec<_> = l
            .categories
            .iter()
            .map(|c| json!({"code": c.code, "name": c.name, "numericCode": format!("{:03}", c.number)}))
            .collect();
        e = e.with_details(json!({ "validChoices": choices }));
    }
    e
}

/// `hasAlbumArt=true` is art a user can see (ready); `false` is anything else. `albumArtStatus`
/// names one state (`pending`, `ready`, `failed`, `none`). Both given: a match is in both.
fn art_states(has: Option<&str>, status: Option<&str>) -> Result<Option<Vec<ArtState>>, FieldError> {
    let has = match has.map(str::to_ascii_lowercase).as_deref() {
        None => None,
        Some("true" | "1" | "yes") => Some(vec![ArtState::Ready]),
        Some("false" | "0" | "no") => Some(vec![ArtState::None, ArtState::Pending, ArtState::Failed]),
        Some(_) => return Err(FieldError::choice("hasAlbumArt", &["true", "false"])),
    };
    let status = match status {
        None => None,
        Some(s) => Some(vec![ArtState::parse(&Value::from(s), "albumArtStatus")?]),
    };
    Ok(match (has, status) {
        (Some(a), Some(b)) => Some(a.into_iter().filter(|s| b.contains(s)).collect()),
        (a, b) => a.or(b),
    })
}

/// `sort` (`newest`, `oldest`, `name`, `relevance`) wins over the old `sortBy` + `sortOrder`.
fn sort(sort: Option<&str>, sort_by: Option<&str>, order: Option<&str>, has_words: bool) -> Result<Sort, FieldError> {
    let direction = match order.map(str::to_ascii_lowercase).as_deref() {
        None => None,
        Some("asc" | "ascending" | "1") => Some(Direction::Ascending),
        Some("desc" | "descending" | "-1") => Some(Direction::Descending),
        Some(_) => return Err(FieldError::choice("sortOrder", &["asc", "desc"])),
    };
    if let Some(s) = sort {
        let (by, default) = match s.to_ascii_lowercase().as_str() {
            "newest" => (SortBy::Order(Order::Created), Direction::Descending),
            "oldest" => (SortBy::Order(Order::Created), Direction::Ascending),
            "name" | "hfn" => (SortBy::Order(Order::Name), Direction::Ascending),
            "relevance" if has_words => (SortBy::Relevance, Direction::Descending),
            "relevance" => {
                return Err(FieldError::new(
                    "sort",
                    ErrorCode::InvalidChoice,
                    "sort=relevance needs words to match in q",
                ));
            }
            _ => return Err(FieldError::choice("sort", &["newest", "oldest", "name", "relevance"])),
        };
        return Ok(Sort {
            by,
            direction: if matches!(by, SortBy::Relevance) { default } else { direction.unwrap_or(default) },
        });
    }
    let Some(key) = sort_by else {
        return Ok(Sort { by: SortBy::Order(Order::Created), direction: direction.unwrap_or(Direction::Descending) });
    };
    const KEYS: [&str; 5] = ["createdAt", "updatedAt", "name", "layer", "registeredBy"];
    let (order, default) = match KEYS.iter().position(|k| k.eq_ignore_ascii_case(key)) {
        Some(0) => (Order::Created, Direction::Descending),
        Some(1) => (Order::Updated, Direction::Descending),
        // An HFN starts with its layer: sorting by layer sorts by name.
        Some(2 | 3) => (Order::Name, Direction::Ascending),
        Some(_) => (Order::Owner, Direction::Ascending),
        None => return Err(FieldError::choice("sortBy", &KEYS)),
    };
    Ok(Sort { by: SortBy::Order(order), direction: direction.unwrap_or(default) })
}

fn instant(field: &str, v: &str) -> Result<Timestamp, FieldError> {
    Timestamp::parse(v).or_else(|| Timestamp::parse(&format!("{v}T00:00:00Z"))).ok_or_else(|| {
        FieldError::new(field, ErrorCode::InvalidFormat, format!("{field} must be a date or an ISO 8601 date-time"))
    })
}

fn whole(field: &str, s: &str, min: u32, max: u32) -> Result<u32, FieldError> {
    match s.parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(FieldError::new(
            field,
            ErrorCode::OutOfRange,
            format!("{field} must be a whole number from {min} to {max}"),
        )
        .with_details(json!({ "min": min, "max": max }))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Result<SearchQuery, Invalid> {
        SearchQuery::parse(&pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>())
    }

    #[test]
    fn defaults_newest_first_ten_per_page() {
        let d = q(&[("unknownParam", "x")]).unwrap();
        assert_eq!((d.sort, d.page, d.limit), (NEWEST, 1, 10));
        assert_eq!(d.places, vec![Scope { level: Level::All, value: "all".into() }]);
    }

    #[test]
    fn places_by_names_or_codes() {
        let by_name = q(&[("layer", "L"), ("category", "Casual"), ("subcategory", "Athleisure")]).unwrap();
        let by_code = q(&[("layer", "l"), ("category", "CAS"), ("subcategory", "004")]).unwrap();
        assert_eq!(by_name, by_code);
        assert_eq!(by_name.places, vec![Scope { level: Level::Subcategory, value: "L.CAS.ATL".into() }]);
        let pop = q(&[("category", "Pop")]).unwrap();
        assert!(pop.places.contains(&Scope { level: Level::Category, value: "G.POP".into() }));
        assert!(pop.places.contains(&Scope { level: Level::Category, value: "S.POP".into() }));
    }

    #[test]
    fn words_addresses_and_facets() {
        let s = q(&[
            ("q", "Queen bohem"),
            ("tags", "Rock,Classic"),
            ("hasAlbumArt", "true"),
            ("aiGeneratedBy", "OpenAI GPT-4o"),
        ])
        .unwrap();
        assert_eq!(s.text.unwrap().prefix.as_deref(), Some("bohem"));
        let facets: Vec<&str> = s.facets.iter().map(IndexTerm::as_str).collect();
        assert_eq!(facets, ["ai:openai gpt 4o", "art:1", "tag:classic", "tag:rock"]);
        assert_eq!(q(&[("q", "L.CAS.ATL")]).unwrap().address, Some(IndexTerm::hfn("L.CAS.ATL")));
        assert_eq!(q(&[("q", "5.004")]).unwrap().address, Some(IndexTerm::mfa("5.004")));
        assert_eq!(q(&[("q", "5.4")]).unwrap().address, Some(IndexTerm::mfa("5.004")));
        assert_eq!(q(&[("q", "St.Louis")]).unwrap().address, None);
        assert_eq!(q(&[("q", "L.004.004")]).unwrap().address, Some(IndexTerm::mfa("3.004.004")));
        assert_eq!(q(&[("q", "Mr. Brightside")]).unwrap().address, None);
    }

    #[test]
    fn sorts_old_and_new() {
        assert_eq!(q(&[("sort", "oldest")]).unwrap().sort.direction, Direction::Ascending);
        assert_eq!(
            q(&[("sortBy", "name")]).unwrap().sort,
            Sort { by: SortBy::Order(Order::Name), direction: Direction::Ascending }
        );
        assert_eq!(q(&[("q", "x y"), ("sort", "relevance")]).unwrap().sort.by, SortBy::Relevance);
    }

    #[test]
    fn refuses_bad_values() {
        for (k, v, code) in [
            ("limit", "0", ErrorCode::OutOfRange),
            ("limit", "10000", ErrorCode::OutOfRange),
            ("page", "0", ErrorCode::OutOfRange),
            ("sortBy", "colour", ErrorCode::InvalidChoice),
            ("sort", "popular", ErrorCode::InvalidChoice),
            ("sort", "relevance", ErrorCode::InvalidChoice),
            ("sortOrder", "up", ErrorCode::InvalidChoice),
            ("layer", "Z", ErrorCode::UnknownLayer),
            ("category", "Nope", ErrorCode::UnknownCategory),
            ("hasAlbumArt", "maybe", ErrorCode::InvalidChoice),
            ("createdAfter", "last week", ErrorCode::InvalidFormat),
        ] {
            assert_eq!(q(&[(k, v)]).unwrap_err().first().code, code, "{k}={v}");
        }
        assert_eq!(q(&[("q", &"x".repeat(2000))]).unwrap_err().first().code, ErrorCode::TooLong);
        assert_eq!(q(&[("limit", "1000")]).unwrap().limit, 1000);
    }
}
