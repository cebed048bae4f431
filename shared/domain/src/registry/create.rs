use super::upload::StoredFile;
use super::{Registry, RegistryError};
use crate::address::Address;
use crate::asset::{AlbumArtField, Asset, MusicMetadata, Naming, Place};
use crate::auth::Caller;
use crate::error::{Collector, ErrorCode, FieldError, Invalid};
use crate::history::{Change, ChangeKind, through};
use crate::id::AssetId;
use crate::idempotency::IdempotencyClaim;
use crate::input::{ComponentRef, CreateAsset, NewAsset, Warning};
use crate::limits::BATCH_ITEMS;
use crate::ports::CreatePlan;
use crate::song_title;
use crate::taxonomy::LayerCode;
use crate::time::Timestamp;
use crate::upload::Upload;
use serde_json::{Map, Value};
use std::sync::Arc;

/// A create's asset, and whether it was made by an earlier request with the same key.
#[derive(Debug)]
pub struct Created {
    pub asset: Asset,
    pub replayed: bool,
    /// What the request sent that was not taken as the creator's words.
    pub warnings: Vec<Warning>,
}

/// One item of a batch: its position in the request and what became of it.
#[derive(Debug)]
pub struct BatchOutcome {
    pub index: usize,
    pub result: Result<Created, RegistryError>,
}

impl Registry {
    /// `registeredBy` is the caller's email, whatever the body said. With a key, the first create
    /// with it (from this caller) makes the asset; the same request again answers that asset
    /// (`replayed`), a different one is refused.
    pub async fn create(&self, caller: &Caller, request: CreateAsset) -> Result<Created, RegistryError> {
        self.create_through(caller, request, through::CREATE).await
    }

    async fn create_through(
        &self,
        caller: &Caller,
        request: CreateAsset,
        route: &str,
    ) -> Result<Created, RegistryError> {
        let warnings = request.warnings;
        let change = Change::new(ChangeKind::Created, caller.into(), route);
        let Some(keyed) = &request.keyed else {
            let asset = self.create_claiming(caller, request.asset, request.upload, None, &change).await?;
            return Ok(Created { asset, replayed: false, warnings });
        };
        let claim = IdempotencyClaim::new(caller, keyed, self.config().idempotency_lifetime);
        // A create that loses the key to a concurrent one reads what that one made.
        for _ in 0..3 {
            if let Some(earlier) = self.store.idempotency_record(&claim.key).await?
                && earlier.is_live(Timestamp::now())
            {
                if earlier.fingerprint != claim.fingerprint {
                    return Err(RegistryError::KeyReused);
                }
                let asset = self.get(&crate::address::AssetKey::Id(earlier.asset_id)).await?;
                return Ok(Created { asset, replayed: true, warnings });
            }
            let attempt = self.create_claiming(
                caller,
                request.asset.clone(),
                request.upload.clone(),
                Some(claim.clone()),
                &change,
            );
            match attempt.await {
                Err(RegistryError::KeyInUse) => continue,
                other => return other.map(|asset| Created { asset, replayed: false, warnings }),
            }
        }
        Err(RegistryError::KeyInUse)
    }

    async fn create_claiming(
        &self,
        caller: &Caller,
        mut new: NewAsset,
        upload: Option<Upload>,
        idempotency: Option<IdempotencyClaim>,
        change: &Change,
    ) -> Result<Asset, RegistryError> {
        new.registered_by = Some(caller.email.to_string());
        let components = self.components(&new.components).await?;
        let id = AssetId::generate();
        let file = self.store_file(&new.path, &id, upload, new.upload_key.clone()).await?;
        let path = new.path;
        let mut template = template(new, id, file.as_ref().map(|f| f.url.clone()), &components);
        self.prepare_new_art(&mut template);
        let parts: String = components.iter().map(|c| format!(":{}", c.naming.nna_address())).collect();
        let build = move |address: Address| {
            let mut asset = template.clone();
            asset.naming = Naming::given(&address, &parts);
            asset
        };
        let requires: Vec<AssetId> = components.iter().map(|c| c.id.clone()).collect();
        // The file went first: an asset never points at a missing file. A failed create removes
        // the copy again; a crash in between leaves an unreferenced file, never a broken asset.
        let upload = file.as_ref().and_then(|f| f.consumed_upload.clone());
        let created = self
            .store
            .create(CreatePlan { path, requires, build: Arc::new(build), idempotency, upload, change: change.clone() })
            .await;
        match (&created, &file) {
            (Err(_), Some(f)) => self.forget(&f.key).await,
            (Ok(_), Some(StoredFile { consumed_upload: Some(upload), .. })) => self.forget(upload).await,
            _ => {}
        }
        let created = created?;
        self.enqueue_art(&created, None).await;
        Ok(created)
    }

    /// Creates each item on its own: one bad item does not stop the others.
    pub async fn create_batch(
        &self,
        caller: &Caller,
        items: Vec<Result<CreateAsset, Invalid>>,
    ) -> Result<Vec<BatchOutcome>, RegistryError> {
        if items.len() > BATCH_ITEMS {
            return Err(FieldError::new(
                "items",
                ErrorCode::BatchTooLarge,
                format!("a batch holds at most {BATCH_ITEMS} assets; got {}", items.len()),
            )
            .into());
        }
        let mut out = Vec::with_capacity(items.len());
        for (index, item) in items.into_iter().enumerate() {
            let result = match item {
                Ok(request) => self.create_through(caller, request, through::BATCH).await,
                Err(invalid) => Err(invalid.into()),
            };
            out.push(BatchOutcome { index, result });
        }
        Ok(out)
    }

    /// Every component must exist, be of a layer composites are made of, and appear once.
    async fn components(&self, refs: &[ComponentRef]) -> Result<Vec<Asset>, RegistryError> {
        let mut c = Collector::default();
        let mut found: Vec<Asset> = Vec::with_capacity(refs.len());
        for r in refs {
            match self.store.get(&r.key).await? {
                None => c.push(
                    FieldError::new(
                        &r.field,
                        ErrorCode::ComponentNotFound,
                        format!("component {} does not exist", r.raw),
                    )
                    .with_details(serde_json::json!({ "component": r.raw })),
                ),
                Some(a) if !a.layer().code().is_some_and(LayerCode::can_be_component) => c.push(FieldError::new(
                    &r.field,
                    ErrorCode::ComponentLayer,
                    format!(
                        "{} is in layer {}; composites are made of layers G, S, L, M, W, B and P",
                        r.raw,
                        a.layer()
                    ),
                )),
                Some(a) if found.iter().any(|f| f.id == a.id) => c.push(FieldError::new(
                    &r.field,
                    ErrorCode::DuplicateComponent,
                    format!("{} names a component already listed", r.raw),
                )),
                Some(a) => found.push(a),
            }
        }
        c.finish()?;
        Ok(found)
    }
}

/// The new asset with everything but its address.
fn template(new: NewAsset, id: AssetId, file_url: Option<String>, components: &[Asset]) -> Asset {
    let now = Timestamp::now();
    let mut asset = Asset {
        id,
        place: Place::of(new.path),
        naming: Naming::stored(String::new(), String::new(), None),
        source: new.source,
        tags: Some(new.tags.unwrap_or_default()),
        description: new.description,
        training_data: new.training_data.map(Value::Object),
        rights: new.rights.map(Value::Object),
        components: Some(components.iter().map(|c| c.naming.nna_address().to_owned()).collect()),
        gcp_storage_url: file_url,
        copied_from: None,
        registered_by: new.registered_by,
        created_at: now,
        updated_at: now,
        metadata: new.metadata.map(Value::Object),
        status: None,
        curated_at: None,
        creator_description: new.creator_description,
        album_art: new.album_art.map(AlbumArtField::Art),
        ai_metadata: new.ai_metadata,
        music_metadata: new.music_metadata,
        revision: 1,
        migration: None,
        extra: Map::new(),
    };
    fill_song_data(&mut asset);
    asset
}

/// Songs whose creator did not say which song is which get song, album and artist read from
/// their own words.
pub(super) fn fill_song_data(asset: &mut Asset) {
    if !asset.is_song() {
        return;
    }
    let Some(words) = &asset.creator_description else { return };
    let music = asset.music_metadata.get_or_insert_with(MusicMetadata::default);
    if music.extracted_song_data.is_none() {
        music.extracted_song_data = Some(song_title::derive(words.as_str()));
    }
}
