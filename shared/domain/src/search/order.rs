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

/// The asset's position in `order`: ascending string order is ascending order.
pub fn position(asset: &Asset, order: Order) -> String {
    match order {
        Order::Created => created(asset),
        Order::Updated => format!("{:013}#{}", asset.updated_at.millis().max(0), asset.id),
        Order::Name => format!("{}#{}", asset.hfn_key(), created(asset)),
        Order::Owner => format!("{}#{}", asset.registered_by.as_deref().unwrap_or("").to_lowercase(), created(asset)),
    }
}
