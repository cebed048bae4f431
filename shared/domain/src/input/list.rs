//! `GET /api/assets` parameters: the old list's filters, paging and sorting. Unknown parameters
//! are ignored; known ones with bad values are refused with the valid choices.

use crate::error::{Collector, ErrorCode, FieldError, Invalid};
use crate::limits::{LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX, SEARCH_QUERY_CHARS};
use crate::parse::check_text;
use crate::search::TextQuery;
use crate::taxonomy::{Layer, LayerCode, taxonomy};
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    CreatedAt,
    UpdatedAt,
    Name,
    Layer,
    RegisteredBy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    Asc,
    Desc,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub text: Option<TextQuery>,
    pub layer: Option<LayerCode>,
    /// `G.POP` paths the category filter allows (a name like `Pop` exists in several layers).
    pub categories: Option<Vec<String>>,
    /// `G.POP.BAS` paths the subcategory filter allows.
    pub subcategories: Option<Vec<String>>,
    pub sort: SortKey,
    pub order: SortOrder,
    pub page: u32,
    pub limit: u32,
}

impl Default for ListQuery {
    fn default() -> Self {
        Self {
            text: None,
            layer: None,
            categories: None,
            subcategories: None,
            sort: SortKey::CreatedAt,
            order: SortOrder::Desc,
            page: 1,
            limit: LIST_LIMIT_DEFAULT,
        }
    }
}

const SORT_KEYS: [(&str, SortKey); 5] = [
    ("createdAt", SortKey::CreatedAt),
    ("updatedAt", SortKey::UpdatedAt),
    ("name", SortKey::Name),
    ("layer", SortKey::Layer),
    ("registeredBy", SortKey::RegisteredBy),
];

impl ListQuery {
    pub fn parse(params: &[(String, String)]) -> Result<Self, Invalid> {
        let get = |k: &str| params.iter().find(|(key, v)| key == k && !v.trim().is_empty()).map(|(_, v)| v.trim());
        let mut c = Collector::default();
        let mut q = Self::default();
        if let Some(text) = get("search").or_else(|| get("q")) {
            let field = if get("search").is_some() { "search" } else { "q" };
            q.text = c.take(check_text(text, field, SEARCH_QUERY_CHARS).map(|()| TextQuery::parse(text))).flatten();
        }
        let layer = get("layer").and_then(|l| {
            c.take(taxonomy().find_layer(l).ok_or_else(|| {
                FieldError::new(
                    "layer",
                    ErrorCode::UnknownLayer,
                    format!("unknown layer {l:?}; valid layers: G, S, L, M, W, B, P, T, C, R"),
                )
            }))
        });
        q.layer = layer.map(|l| l.code);
        let layers: Vec<&'static Layer> = match layer {
            Some(l) => vec![l],
            None => taxonomy().layers().iter().collect(),
        };
        if let Some(cat) = get("category") {
            let found: Vec<(&Layer, &crate::taxonomy::Category)> =
                layers.iter().filter_map(|l| l.find_category(cat).map(|c| (*l, c))).collect();
            if found.is_empty() {
                c.push(unknown("category", cat, layer, ErrorCode::UnknownCategory));
            }
            if let Some(sub) = get("subcategory") {
                let subs: Vec<String> = found
                    .iter()
                    .filter_map(|(l, c)| c.find_subcategory(sub).map(|s| format!("{}.{}.{}", l.code, c.code, s.code)))
                    .collect();
                if subs.is_empty() && !found.is_empty() {
                    c.push(unknown("subcategory", sub, layer, ErrorCode::UnknownSubcategory));
                }
                q.subcategories = Some(subs);
            }
            q.categories = Some(found.iter().map(|(l, c)| format!("{}.{}", l.code, c.code)).collect());
        } else if let Some(sub) = get("subcategory") {
            let subs: Vec<String> = layers
                .iter()
                .flat_map(|l| {
                    l.categories.iter().filter_map(move |c| {
                        c.find_subcategory(sub).map(|s| format!("{}.{}.{}", l.code, c.code, s.code))
                    })
                })
                .collect();
            if subs.is_empty() {
                c.push(unknown("subcategory", sub, layer, ErrorCode::UnknownSubcategory));
            }
            q.subcategories = Some(subs);
        }
        if let Some(s) = get("sortBy") {
            q.sort = c.take(sort_key(s)).unwrap_or(q.sort);
            // An explicit name sort reads best A→Z unless told otherwise.
            if q.sort == SortKey::Name || q.sort == SortKey::Layer || q.sort == SortKey::RegisteredBy {
                q.order = SortOrder::Asc;
            }
        }
        if let Some(o) = get("sortOrder") {
            q.order = c.take(sort_order(o)).unwrap_or(q.order);
        }
        if let Some(p) = get("page") {
            q.page = c.take(whole("page", p, 1, 1_000_000)).unwrap_or(q.page);
        }
        if let Some(l) = get("limit") {
            q.limit = c.take(whole("limit", l, 1, LIST_LIMIT_MAX)).unwrap_or(q.limit);
        }
        c.finish()?;
        Ok(q)
    }

    pub fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.limit)
    }
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

fn sort_key(s: &str) -> Result<SortKey, FieldError> {
    SORT_KEYS.iter().find(|(k, _)| k.eq_ignore_ascii_case(s)).map(|(_, v)| *v).ok_or_else(|| {
        let keys: Vec<_> = SORT_KEYS.iter().map(|(k, _)| *k).collect();
        FieldError::new("sortBy", ErrorCode::InvalidChoice, format!("sortBy must be one of {}", keys.join(", ")))
            .with_details(json!({ "validChoices": keys }))
    })
}

fn sort_order(s: &str) -> Result<SortOrder, FieldError> {
    match s.to_ascii_lowercase().as_str() {
        "asc" | "ascending" | "1" => Ok(SortOrder::Asc),
        "desc" | "descending" | "-1" => Ok(SortOrder::Desc),
        _ => Err(FieldError::new("sortOrder", ErrorCode::InvalidChoice, "sortOrder must be asc or desc")
            .with_details(json!({ "validChoices": ["asc", "desc"] }))),
    }
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

    fn q(pairs: &[(&str, &str)]) -> Result<ListQuery, Invalid> {
        ListQuery::parse(&pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>())
    }

    #[test]
    fn defaults_newest_first_ten_per_page() {
        let d = q(&[("unknownParam", "x")]).unwrap();
        assert_eq!((d.sort, d.order, d.page, d.limit), (SortKey::CreatedAt, SortOrder::Desc, 1, 10));
    }

    #[test]
    fn filters_by_names_or_codes() {
        let by_name = q(&[("layer", "L"), ("category", "Casual"), ("subcategory", "Athleisure")]).unwrap();
        let by_code = q(&[("layer", "l"), ("category", "CAS"), ("subcategory", "004")]).unwrap();
        assert_eq!(by_name, by_code);
        assert_eq!(by_name.subcategories, Some(vec!["L.CAS.ATL".to_owned()]));
        let pop = q(&[("category", "Pop")]).unwrap();
        assert!(pop.categories.unwrap().contains(&"G.POP".to_owned()));
    }

    #[test]
    fn refuses_bad_values() {
        for (k, v, code) in [
            ("limit", "0", ErrorCode::OutOfRange),
            ("limit", "1001", ErrorCode::OutOfRange),
            ("page", "0", ErrorCode::OutOfRange),
            ("sortBy", "colour", ErrorCode::InvalidChoice),
            ("sortOrder", "up", ErrorCode::InvalidChoice),
            ("layer", "Z", ErrorCode::UnknownLayer),
            ("category", "Nope", ErrorCode::UnknownCategory),
        ] {
            assert_eq!(q(&[(k, v)]).unwrap_err().first().code, code, "{k}={v}");
        }
        assert_eq!(q(&[("search", &"x".repeat(201))]).unwrap_err().first().code, ErrorCode::TooLong);
        assert_eq!(q(&[("limit", "1000")]).unwrap().limit, 1000);
    }
}
