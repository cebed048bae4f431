//! The one way a pass changes an asset: decide from the asset as it is, write on the revision
//! read, and when another writer got there first, read it again and decide again (at most
//! `MAX_TRIES` times; past that the item is left busy for the next run).

use crate::{Ops, OpsError};
use nna_domain::history::{Change, HistoryFiles};
use nna_domain::ports::StoreError;
use nna_domain::{Asset, AssetKey};

/// Lost races in a row before an item is left for the next run.
pub const MAX_TRIES: u32 = 5;

/// What a pass makes of an asset: write `next` (with what it learned, `W`), or leave it (`L`).
pub enum Decision<W, L> {
    Write(Box<Asset>, W),
    Leave(L),
}

/// How it ended.
pub enum Rewritten<W, L> {
    /// `next` was written over the asset as last read.
    Written {
        before: Box<Asset>,
        next: Box<Asset>,
        with: W,
    },
    Left {
        asset: Box<Asset>,
        with: L,
    },
    /// Deleted meanwhile.
    Gone,
    /// Lost `MAX_TRIES` races.
    Busy,
}

/// Decides and writes, re-reading after each lost race; `lost` hears of each. Each write's
/// history entry records it as `why`.
pub async fn rewrite<W, L>(
    ops: &Ops,
    why: &Change,
    mut asset: Asset,
    mut decide: impl FnMut(&Asset) -> Decision<W, L>,
    mut lost: impl FnMut(&Asset),
) -> Result<Rewritten<W, L>, OpsError> {
    for _ in 0..MAX_TRIES {
        let (next, with) = match decide(&asset) {
            Decision::Leave(with) => return Ok(Rewritten::Left { asset: Box::new(asset), with }),
            Decision::Write(next, with) => (next, with),
        };
        let files = HistoryFiles(ops.ports.files.as_deref());
        let entry = files.entry(why, &asset.id, Some(&asset), Some(&next), next.revision).await?;
        match ops.ports.store.replace(&asset, &next, &entry).await {
            Ok(()) => return Ok(Rewritten::Written { before: Box::new(asset), next, with }),
            Err(StoreError::Conflict) => {
                lost(&asset);
                match ops.ports.store.get(&AssetKey::Id(asset.id.clone())).await? {
                    Some(fresh) => asset = fresh,
                    None => return Ok(Rewritten::Gone),
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Rewritten::Busy)
}
