//! An asset as a row: the document and the columns derived from it, in `COLUMNS` order.

use nna_domain::Asset;
use nna_domain::ports::StoreError;
use nna_domain::search::asset_terms;
use rusqlite::ToSql;

pub(super) const COLUMNS: &str = "id, hfn, mfa, layer, category_path, subcategory_path, name, registered_by, \
                                  created_at, updated_at, revision, search_text, doc";
pub(super) const PLACEHOLDERS: &str = "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13";

pub(super) struct Row {
    id: String,
    pub hfn: String,
    pub mfa: Option<String>,
    layer: String,
    category_path: Option<String>,
    subcategory_path: Option<String>,
    name: String,
    registered_by: Option<String>,
    created_at: i64,
    updated_at: i64,
    revision: i64,
    search_text: String,
    doc: String,
}

impl Row {
    pub fn of(asset: &Asset) -> Result<Self, StoreError> {
        let placement = asset.placement();
        let terms: Vec<String> = asset_terms(asset).into_iter().collect();
        Ok(Self {
            id: asset.id.to_string(),
            hfn: asset.hfn_key(),
            mfa: asset.mfa_key(),
            layer: asset.layer.clone(),
            category_path: placement.map(|p| format!("{}.{}", p.layer.code, p.category.code)),
            subcategory_path: placement.map(|p| p.code_path()),
            name: asset.name.clone(),
            registered_by: asset.registered_by.clone(),
            created_at: asset.created_at.millis(),
            updated_at: asset.updated_at.millis(),
            revision: revision(asset.revision)?,
            // Space-delimited on both sides so `LIKE '% term %'` matches whole terms.
            search_text: format!(" {} ", terms.join(" ")),
            doc: serde_json::to_string(asset)
                .map_err(|e| StoreError::Internal(format!("encoding asset {}: {e}", asset.id)))?,
        })
    }

    /// The values for `COLUMNS`, in order.
    pub fn values(&self) -> [&dyn ToSql; 13] {
        [
            &self.id,
            &self.hfn,
            &self.mfa,
            &self.layer,
            &self.category_path,
            &self.subcategory_path,
            &self.name,
            &self.registered_by,
            &self.created_at,
            &self.updated_at,
            &self.revision,
            &self.search_text,
            &self.doc,
        ]
    }
}

pub(super) fn revision(r: u64) -> Result<i64, StoreError> {
    i64::try_from(r).map_err(|_| StoreError::Internal(format!("revision {r} is out of range")))
}

pub(super) fn decode(id: &str, doc: &str) -> Result<Asset, StoreError> {
    serde_json::from_str(doc).map_err(|e| StoreError::Corrupt { id: id.to_owned(), reason: e.to_string() })
}
