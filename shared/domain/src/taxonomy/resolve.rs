//! Turning what clients send (`Casual`, `CAS`, `004`, `4`, `stars_virtual_avatars`) into a place in
//! the taxonomy, or into an error that lists the valid choices.

use super::{Category, Layer, LayerCode, Subcategory, Taxonomy, TaxonomyPath};
use crate::error::{ErrorCode, FieldError};
use serde_json::json;

/// Case, surrounding blanks, spaces and hyphens do not matter: `Hip Hop` = `hip_hop` = `HIP-HOP`.
/// Digits-only input is a number: `004` = `4`.
pub fn normalize_key(s: &str) -> String {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return match s.parse::<u32>() {
            Ok(n) => format!("#{n}"),
            Err(_) => format!("#{s}"),
        };
    }
    s.chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

impl Taxonomy {
    /// A layer by letter (`L`), number (`3`) or name (`Looks`).
    pub fn find_layer(&self, input: &str) -> Option<&Layer> {
        let key = normalize_key(input);
        if let Some(code) = LayerCode::from_letter(input.trim()) {
            return Some(self.layer(code));
        }
        if let Some(n) = key.strip_prefix('#').and_then(|n| n.parse().ok()) {
            return LayerCode::from_number(n).map(|c| self.layer(c));
        }
        self.layers.iter().find(|l| normalize_key(&l.name) == key)
    }

    /// [`find_layer`](Self::find_layer), or the error that lists the valid layers.
    pub fn layer_named(&self, input: &str) -> Result<&Layer, FieldError> {
        self.find_layer(input).ok_or_else(|| unknown_layer(self, input))
    }

    /// Resolves the three parts an asset is filed under. The live taxonomy wins over aliases and
    /// remaps: v1.3 reuses some remapped numbers for live subcategories, so a remap only applies
    /// to input that names nothing live.
    pub fn resolve(&'static self, layer: &str, category: &str, subcategory: &str) -> Result<TaxonomyPath, FieldError> {
        let (layer, c, s) = self.locate(layer, category, subcategory)?;
        let category = &layer.categories[c];
        Ok(TaxonomyPath { layer, category, subcategory: &category.subcategories[s] })
    }

    /// The place with these numbers (`3`, `4`, `4`), as MFAs and stored addresses name it.
    pub fn by_numbers(&'static self, layer: LayerCode, category: u16, subcategory: u16) -> Option<TaxonomyPath> {
        let layer = self.layer(layer);
        let category = layer.category_by_number(category)?;
        let subcategory = category.subcategory_by_number(subcategory)?;
        Some(TaxonomyPath { layer, category, subcategory })
    }

    pub(super) fn locate(
        &self,
        layer: &str,
        category: &str,
        subcategory: &str,
    ) -> Result<(&Layer, usize, usize), FieldError> {
        let layer = self.layer_named(layer)?;
        let c = layer.category_position(category).ok_or_else(|| unknown_category(layer, category))?;
        let cat = &layer.categories[c];
        if let Some(s) = cat.index.get(&normalize_key(subcategory)) {
            return Ok((layer, c, s));
        }
        if let Some(s) = self.alias(layer.code, cat, subcategory) {
            return Ok((layer, c, s));
        }
        if let Some((c2, s2)) = self.remap(layer, cat, subcategory) {
            return Ok((layer, c2, s2));
        }
        Err(unknown_subcategory(layer, cat, subcategory))
    }

    fn alias(&self, layer: LayerCode, cat: &Category, input: &str) -> Option<usize> {
        let key = normalize_key(input);
        let alias = self.aliases.iter().find(|a| a.layer == layer && a.category_code == cat.code && a.key == key)?;
        cat.index.get(&normalize_key(&alias.subcategory_code))
    }

    fn remap(&self, layer: &Layer, cat: &Category, input: &str) -> Option<(usize, usize)> {
        let sub: u16 = normalize_key(input).strip_prefix('#')?.parse().ok()?;
        let remap = self.remaps.iter().find(|r| r.layer == layer.code && r.from == (cat.number, sub))?;
        let c = layer.index.get(&format!("#{}", remap.to.0))?;
        let s = layer.categories[c].index.get(&format!("#{}", remap.to.1))?;
        Some((c, s))
    }
}

impl Layer {
    /// A category by code, number or name. Older clients prefix names with the layer:
    /// `Stars_Virtual_Avatars`, `S.VAV`, `S_POP`.
    pub fn find_category(&self, input: &str) -> Option<&Category> {
        self.category_position(input).map(|i| &self.categories[i])
    }

    /// [`find_category`](Self::find_category), or the error that lists the layer's categories.
    pub fn category_named(&self, input: &str) -> Result<&Category, FieldError> {
        self.find_category(input).ok_or_else(|| unknown_category(self, input))
    }

    fn category_position(&self, input: &str) -> Option<usize> {
        let key = normalize_key(input);
        if let Some(i) = self.index.get(&key) {
            return Some(i);
        }
        let letter = self.code.letter().to_ascii_lowercase();
        let prefixes = [format!("{}_", normalize_key(&self.name)), format!("{letter}."), format!("{letter}_")];
        prefixes.iter().find_map(|p| key.strip_prefix(p.as_str()).and_then(|rest| self.index.get(&normalize_key(rest))))
    }
}

impl Category {
    /// A subcategory by code, number or name (aliases and remaps are the taxonomy's business).
    pub fn find_subcategory(&self, input: &str) -> Option<&Subcategory> {
        self.index.get(&normalize_key(input)).map(|i| &self.subcategories[i])
    }
}

fn choice(code: &str, number: u16, name: &str) -> serde_json::Value {
    json!({ "code": code, "numericCode": format!("{number:03}"), "name": name })
}

fn unknown_layer(t: &Taxonomy, input: &str) -> FieldError {
    let list: Vec<String> = t.layers.iter().map(|l| format!("{} ({})", l.code, l.name)).collect();
    let choices: Vec<_> =
        t.layers.iter().map(|l| json!({ "code": l.code, "number": l.number(), "name": l.name })).collect();
    FieldError::new(
        "layer",
        ErrorCode::UnknownLayer,
        format!("unknown layer {input:?}; valid layers: {}", list.join(", ")),
    )
    .with_details(json!({ "validChoices": choices }))
}

fn unknown_category(layer: &Layer, input: &str) -> FieldError {
    let list: Vec<String> = layer.categories.iter().map(|c| format!("{} ({})", c.code, c.name)).collect();
    let choices: Vec<_> = layer.categories.iter().map(|c| choice(&c.code, c.number, &c.name)).collect();
    FieldError::new(
        "category",
        ErrorCode::UnknownCategory,
        format!(
            "unknown category {input:?} in layer {} ({}); valid categories: {}",
            layer.code,
            layer.name,
            list.join(", ")
        ),
    )
    .with_details(json!({ "layer": layer.code, "validChoices": choices }))
}

fn unknown_subcategory(layer: &Layer, cat: &Category, input: &str) -> FieldError {
    let list: Vec<String> = cat.subcategories.iter().map(|s| format!("{} ({})", s.code, s.name)).collect();
    let choices: Vec<_> = cat.subcategories.iter().map(|s| choice(&s.code, s.number, &s.name)).collect();
    FieldError::new(
        "subcategory",
        ErrorCode::UnknownSubcategory,
        format!(
            "unknown subcategory {input:?} in {}.{} ({}); valid subcategories: {}",
            layer.code,
            cat.code,
            cat.name,
            list.join(", ")
        ),
    )
    .with_details(json!({ "layer": layer.code, "category": cat.code, "validChoices": choices }))
}
