//! An asset as a row: the document, the columns derived from it (in `COLUMNS` order), and its
//! postings.

use nna_domain::Asset;
use nna_domain::ports::StoreError;
use nna_domain::search::{Order, index_terms, position};
use rusqlite::ToSql;

pub(super) const COLUMNS: &str = "id, hfn, mfa, layer, category_path, subcategory_path, revision, \
                                  pos_created, pos_updated, pos_name, pos_owner, doc";
pub(super) const PLACEHOLDERS: &str = "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12";

pub(super) struct Row {
    pub id: String,
    pub hfn: String,
    pub mfa: Option<String>,
    layer: String,
    category_path: Option<String>,
    subcategory_path: Option<String>,
    revision: i64,
    pub pos_created: String,
    pos_updated: String,
    pos_name: String,
    pos_owner: String,
    doc: String,
    pub terms: Vec<String>,
}

impl Row {
    pub fn of(asset: &Asset) -> Result<Self, StoreError> {
        let placement = asset.placement();
        Ok(Self {
            id: asset.id.to_string(),
            hfn: asset.hfn_key().as_str().to_owned(),
            mfa: asset.mfa_key().map(|m| m.as_str().to_owned()),
            layer: asset.layer().to_string(),
            category_path: placement.map(|p| p.category_path()),
            subcategory_path: placement.map(|p| p.code_path()),
            revision: revision(asset.revision)?,
            pos_created: position(asset, Order::Created),
            pos_updated: position(asset, Order::Updated),
            pos_name: position(asset, Order::Name),
            pos_owner: position(asset, Order::Owner),
            doc: serde_json::to_string(&&asset)
                .map_err(|e| StoreError::internal(format!("encoding asset {}: {e}", asset.id)))?,
            terms: index_terms(asset).into_iter().map(|t| t.as_str().to_owned()).collect(),
        })
    }

    /// The values for `COLUMNS`, in order.
    pub fn values(&self) -> [&dyn ToSql; 12] {
        [
            &self.id,
            &self.hfn,
            &self.mfa,
            &self.layer,
            &self.category_path,
            &self.subcategory_path,
            &self.revision,
            &self.pos_created,
            &self.pos_updated,
            &self.pos_name,
            &self.pos_owner,
            &self.doc,
        ]
    }
}

pub(super) fn revision(r: u64) -> Result<i64, StoreError> {
    i64::try_from(r).map_err(|_| StoreError::internal(format!("revision {r} is out of range")))
}

pub(super) fn decode(id: &str, doc: &str) -> Result<Asset, StoreError> {
    Asset::read(doc).map_err(|e| StoreError::corrupt(id.to_owned(), e))
}
