//! Sensors: credentials of the devices and integrators that write to the
//! SensorThings API (and publish over MQTT).

use baladiya_domain::ErrorCode;
use sha2::{Digest, Sha256};

use crate::{App, AppError};

fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

impl App {
    /// Issues a credential for a device or an integrator (or a new secret
    /// for an existing one): returns its secret, shown once (only its hash
    /// is kept).
    pub async fn issue_sensor_credential(&self, username: &str) -> Result<String, AppError> {
        let username = username.trim();
        let valid = !username.is_empty()
            && username.len() <= 64
            && username
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !valid {
            return Err(AppError::field("username", "username-characters"));
        }
        let secret = crate::auth::random_token()?;
        self.store
            .sta_add_credential(username, &secret_hash(&secret), self.now())
            .await?;
        Ok(secret)
    }

    /// Revokes a device's credential (`not-found` if it has none).
    pub async fn revoke_sensor_credential(&self, username: &str) -> Result<(), AppError> {
        if self
            .store
            .sta_revoke_credential(username.trim(), self.now())
            .await?
        {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// The writer a credential names: `username` and `secret` as HTTP Basic
    /// sends them, or the secret alone as a bearer token (`username`
    /// None). `unauthenticated` otherwise.
    pub async fn sensor_writer(
        &self,
        username: Option<&str>,
        secret: &str,
    ) -> Result<String, AppError> {
        let found = self
            .store
            .sta_credential(&secret_hash(secret.trim()))
            .await?;
        match found {
            Some(name) if username.is_none_or(|u| u == name) => Ok(name),
            _ => Err(AppError::Conflict(ErrorCode::Unauthenticated)),
        }
    }
}
