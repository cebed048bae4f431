//! An asset's history as answered.

use nna_domain::AssetId;
use nna_domain::history::Entry;
use nna_domain::registry::HistoryPage;
use serde::Serialize;
use utoipa::ToSchema;

/// What the migration keeps on an item for its rollback: in the history as in the store, never
/// answered (as the asset's own answer leaves it out).
const UNANSWERED: &str = "_migration";

/// A page of an asset's history, newest first.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HistoryView {
    asset_id: AssetId,
    /// The asset's latest revision (a deleted asset's: its delete's).
    latest_revision: u64,
    entries: Vec<Entry>,
    /// Where the next page starts (`cursor=`); `null` on the last page.
    next_cursor: Option<String>,
    has_more: bool,
}

impl HistoryView {
    pub fn of(page: HistoryPage) -> Self {
        let entries = page
            .entries
            .into_iter()
            .map(|mut e| {
                e.fields.retain(|f| f != UNANSWERED);
                if let Some(changes) = &mut e.changes {
                    changes.retain(|c| c.field != UNANSWERED);
                }
                e
            })
            .collect();
        Self {
            asset_id: page.asset_id,
            latest_revision: page.latest,
            entries,
            has_more: page.next_cursor.is_some(),
            next_cursor: page.next_cursor,
        }
    }
}
