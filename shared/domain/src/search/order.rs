//! Orders a listing can take, and each asset's position in them as one string that compares the
//! way the order runs. Stores keep these strings as their sort keys, so every store breaks ties
//! the same way: by creation time, then id (ids are time-ordered).

use crate::asset::Asset;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Order {
    Created,
    Updated,
    Name,
    Owner,
}

impl Order {
    pub const ALL: [Order; 4] = [Self::Created, Self::Updated, Self::Name, Self::Owner];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Ascending,
    Descending,
}

impl Direction {
    /// Whether position `a` comes before position `b` walking this way.
    pub fn precedes(self, a: &str, b: &str) -> bool {
        match self {
            Self::Ascending => a < b,
            Self::Descending => a > b,
        }
    }
}

fn created(asset: &Asset) -> String {
    format!("{:013}#{}", asset.created_at.millis().max(0), asset.id)
}

/// The name as it sorts: under the asset's deepest place, so `<place>.` begins the position of
/// everything in that place and nothing else (a store may list a place by that prefix alone).
/// An HFN already begins with its subcategory; any other name is put after `<place>.!`, which
/// sorts before the place's numbered names.
fn name_in_place(asset: &Asset) -> String {
    let hfn = asset.hfn_key().as_str().to_owned();
    let Some(deepest) = super::Scope::of(asset).pop() else { return hfn };
    let numbered = deepest.level == super::Level::Subcategory
        && hfn.strip_prefix(deepest.value.as_str()).is_some_and(|rest| rest.starts_with('.'));
    if numbered { hfn } else { format!("{}.!{hfn}", deepest.value) }
}

/// The asset's position in `order`: ascending string order is ascending order.
pub fn position(asset: &Asset, order: Order) -> String {
    match order {
        Order::Created => created(asset),
        Order::Updated => format!("{:013}#{}", asset.updated_at.millis().max(0), asset.id),
        Order::Name => format!("{}#{}", name_in_place(asset), created(asset)),
        Order::Owner => format!("{}#{}", asset.registered_by.as_deref().unwrap_or("").to_lowercase(), created(asset)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn asset(layer: &str, category: &str, subcategory: &str, name: &str) -> Asset {
        Asset::load(json!({"id": "a1", "layer": layer, "category": category, "subcategory": subcategory,
            "name": name, "nna_address": "", "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"}))
        .unwrap()
    }

    #[test]
    fn a_name_sorts_under_its_place() {
        let numbered = position(&asset("L", "Casual", "Athleisure", "L.CAS.ATL.001"), Order::Name);
        assert!(numbered.starts_with("L.CAS.ATL.001#"), "{numbered}");
        // A name that is not its subcategory's HFN sorts first in the place, never in another one.
        let other = position(&asset("L", "Casual", "Athleisure", "L.CAS.BAS.007"), Order::Name);
        assert!(other.starts_with("L.CAS.ATL.!L.CAS.BAS.007#"), "{other}");
        assert!(!other.starts_with("L.CAS.BAS."));
        let unplaced = position(&asset("L", "Vintage", "Unknown", "L.CAS.ATL.002"), Order::Name);
        assert!(unplaced.starts_with("L.!L.CAS.ATL.002#") && !unplaced.starts_with("L.CAS."), "{unplaced}");
    }
}
