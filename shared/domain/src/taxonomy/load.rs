//! Builds the indexed taxonomy from the data file and refuses data that would make lookups
//! ambiguous: a missing layer, a number used twice, a code or name that two siblings share.

use super::{Alias, Category, KeyIndex, Layer, LayerCode, Remap, Subcategory, Taxonomy, resolve::normalize_key};
use serde::Deserialize;

#[derive(Deserialize)]
struct File {
    version: String,
    #[serde(rename = "lastUpdated")]
    last_updated: String,
    layers: Vec<FileLayer>,
    aliases: Vec<Link>,
    remaps: Vec<Link>,
}

#[derive(Deserialize)]
struct FileLayer {
    code: LayerCode,
    number: u8,
    name: String,
    categories: Vec<FileCategory>,
}

#[derive(Deserialize)]
struct FileCategory {
    number: u16,
    code: String,
    name: String,
    subcategories: Vec<(u16, String, String)>,
}

#[derive(Deserialize)]
struct Link {
    from: String,
    to: String,
}

pub(super) fn from_json(text: &str) -> Result<Taxonomy, String> {
    let file: File = serde_json::from_str(text).map_err(|e| format!("taxonomy JSON: {e}"))?;
    let mut layers = Vec::with_capacity(file.layers.len());
    for (expected, fl) in LayerCode::ALL.into_iter().zip(&file.layers) {
        if fl.code != expected || fl.number != expected.number() {
            return Err(format!("layer {} (number {}) is out of place; expected {expected}", fl.code, fl.number));
        }
    }
    if file.layers.len() != LayerCode::ALL.len() {
        return Err(format!("{} layers; taxonomy v1.3 has {}", file.layers.len(), LayerCode::ALL.len()));
    }
    for fl in file.layers {
        let mut categories = Vec::with_capacity(fl.categories.len());
        let mut index = KeyIndex::default();
        for (i, fc) in fl.categories.into_iter().enumerate() {
            let where_ = format!("{}.{}", fl.code, fc.code);
            index.insert(&[&fc.code, &fc.name], fc.number, i, &where_)?;
            let mut sub_index = KeyIndex::default();
            let mut subcategories = Vec::with_capacity(fc.subcategories.len());
            for (j, (number, code, name)) in fc.subcategories.into_iter().enumerate() {
                sub_index.insert(&[&code, &name], number, j, &format!("{where_}.{code}"))?;
                subcategories.push(Subcategory { number, code, name });
            }
            categories.push(Category {
                number: fc.number,
                code: fc.code,
                name: fc.name,
                subcategories,
                index: sub_index,
            });
        }
        layers.push(Layer { code: fl.code, name: fl.name, categories, index });
    }
    let mut taxonomy = Taxonomy {
        version: file.version,
        last_updated: file.last_updated,
        layers,
        aliases: Vec::new(),
        remaps: Vec::new(),
    };
    for link in &file.aliases {
        let alias =
            alias(&taxonomy, link).ok_or_else(|| format!("alias {} → {} does not resolve", link.from, link.to))?;
        taxonomy.aliases.push(alias);
    }
    for link in &file.remaps {
        let remap =
            remap(&taxonomy, link).ok_or_else(|| format!("remap {} → {} does not resolve", link.from, link.to))?;
        taxonomy.remaps.push(remap);
    }
    Ok(taxonomy)
}

impl KeyIndex {
    fn insert(&mut self, words: &[&str], number: u16, position: usize, where_: &str) -> Result<(), String> {
        let keys = words.iter().map(|w| normalize_key(w)).chain([format!("#{number}")]);
        for key in keys {
            if let Some(other) = self.0.insert(key.clone(), position)
                && other != position
            {
                return Err(format!("{where_}: key {key:?} is already taken by a sibling"));
            }
        }
        Ok(())
    }

    pub(super) fn get(&self, key: &str) -> Option<usize> {
        self.0.get(key).copied()
    }
}

/// `G.POP.SWIFT` → `G.POP.TSW`
fn alias(t: &Taxonomy, link: &Link) -> Option<Alias> {
    let [layer, category, key] = parts(&link.from)?;
    let [to_layer, to_category, to_sub] = parts(&link.to)?;
    let layer = LayerCode::from_letter(layer)?;
    if LayerCode::from_letter(to_layer)? != layer || to_category != category {
        return None;
    }
    let (l, c, s) = t.locate(&layer.to_string(), to_category, to_sub).ok()?;
    let category = &l.categories[c];
    Some(Alias {
        layer,
        category_code: category.code.clone(),
        key: normalize_key(key),
        subcategory_code: category.subcategories[s].code.clone(),
    })
}

/// `G.014.002` → `G.017.003`
fn remap(t: &Taxonomy, link: &Link) -> Option<Remap> {
    let [layer, c, s] = parts(&link.from)?;
    let [to_layer, tc, ts] = parts(&link.to)?;
    let layer = LayerCode::from_letter(layer)?;
    if LayerCode::from_letter(to_layer)? != layer {
        return None;
    }
    let (l, tc, ts) = t.locate(&layer.to_string(), tc, ts).ok()?;
    let category = &l.categories[tc];
    Some(Remap {
        layer,
        from: (c.parse().ok()?, s.parse().ok()?),
        to: (category.number, category.subcategories[ts].number),
    })
}

fn parts(s: &str) -> Option<[&str; 3]> {
    let mut it = s.split('.');
    let out = [it.next()?, it.next()?, it.next()?];
    it.next().is_none().then_some(out)
}
