//! The published catalog in memory: the newest version of each service for
//! new applications, and every version applications were submitted under.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use baladiya_domain::catalog::Service;

use crate::catalog::{Catalog, parse_service};
use crate::{App, AppError};

/// A service version as stored: its row id and the checked service.
#[derive(Debug, Clone)]
pub struct Published {
    pub version_id: i64,
    pub service: Arc<Service>,
}

#[derive(Debug, Default)]
pub struct ServiceIndex {
    latest: BTreeMap<String, Published>,
    by_id: HashMap<i64, Arc<Service>>,
    synonyms: baladiya_domain::text::Synonyms,
}

pub type SharedIndex = Arc<RwLock<ServiceIndex>>;

impl App {
    /// Records every service version of `catalog` in the database (a
    /// published version may never change: editing one without a new
    /// version number is refused) and offers the newest of each.
    pub async fn publish_catalog(&self, catalog: &Catalog) -> Result<usize, AppError> {
        let now = self.now();
        let mut latest = BTreeMap::new();
        let mut by_id = HashMap::new();
        for published in &catalog.services {
            let service = &published.service;
            let id = self
                .store
                .publish_service_version(
                    service.code.as_str(),
                    i64::from(service.version),
                    service.country.code(),
                    &published.digest,
                    &published.source,
                    now,
                )
                .await
                .map_err(|e| match e {
                    baladiya_store::StoreError::Conflict(_) => AppError::Internal(format!(
                        "{}: {} version {} was published with different content; give the changed file a new version number",
                        published.file.display(),
                        service.code,
                        service.version
                    )),
                    other => other.into(),
                })?;
            let shared = Arc::new(service.clone());
            by_id.insert(id, shared.clone());
            let entry = latest.entry(service.code.to_string()).or_insert(Published {
                version_id: id,
                service: shared.clone(),
            });
            if service.version > entry.service.version {
                *entry = Published {
                    version_id: id,
                    service: shared,
                };
            }
        }
        let count = latest.len();
        let mut index = self
            .services
            .write()
            .map_err(|_| AppError::Internal("catalog lock".into()))?;
        index.latest = latest;
        index.by_id.extend(by_id);
        index.synonyms = baladiya_domain::text::Synonyms::new(&catalog.synonyms);
        Ok(count)
    }

    /// The published services that answer `query` (every word, a derived
    /// form or a synonym of it, in the name, description, category or
    /// code), best first: a word in the name counts three times one in
    /// the description. All of them, by name, without a query.
    pub fn search_services(&self, query: Option<&str>) -> Vec<Published> {
        let Ok(index) = self.services.read() else {
            return Vec::new();
        };
        let mut found: Vec<(u32, Published)> = index
            .latest
            .values()
            .filter_map(|p| {
                let s = &p.service;
                let score = match query.filter(|q| !q.trim().is_empty()) {
                    None => Some(0),
                    Some(q) => index.synonyms.score(
                        &[
                            (s.name.ar(), 3),
                            (s.name.en(), 3),
                            (s.description.ar(), 1),
                            (s.description.en(), 1),
                            (s.category.as_str(), 1),
                            (s.code.as_str(), 1),
                        ],
                        q,
                    ),
                };
                Some((score?, p.clone()))
            })
            .collect();
        found.sort_by_key(|f| std::cmp::Reverse(f.0));
        found.into_iter().map(|(_, p)| p).collect()
    }

    /// The newest version of every service, by code.
    pub fn services(&self) -> Vec<Published> {
        self.services
            .read()
            .map(|index| index.latest.values().cloned().collect())
            .unwrap_or_default()
    }

    pub fn service(&self, code: &str) -> Option<Published> {
        self.services
            .read()
            .ok()
            .and_then(|index| index.latest.get(&code.trim().to_ascii_uppercase()).cloned())
    }

    /// The service version an application was submitted under (loaded from
    /// the database if this server has not seen it).
    pub async fn service_version(&self, id: i64) -> Result<Arc<Service>, AppError> {
        if let Some(found) = self
            .services
            .read()
            .ok()
            .and_then(|index| index.by_id.get(&id).cloned())
        {
            return Ok(found);
        }
        let source = self.store.service_version_source(id).await?;
        let service =
            parse_service(std::path::Path::new("(stored)"), &source).map_err(|problems| {
                AppError::Internal(format!(
                    "stored service version {id} does not parse: {problems:?}"
                ))
            })?;
        let service = Arc::new(service);
        if let Ok(mut index) = self.services.write() {
            index.by_id.insert(id, service.clone());
        }
        Ok(service)
    }
}
