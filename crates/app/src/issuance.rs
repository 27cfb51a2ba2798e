//! Issued licenses and permits: a short verification code, signed with the
//! server's Ed25519 key so that a printed license cannot be forged, and a
//! public check that reveals no personal data.

use baladiya_domain::catalog::Service;
use baladiya_store::{ApplicationRecord, NewEvent, NewIssuance};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, NaiveDate};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde_json::json;

use crate::applications::mask_name;
use crate::{App, AppError, Principal};

const KEY_NAME: &str = "license-signing-ed25519";
/// Letters and digits that cannot be confused when read aloud or typed.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// What a public check of a verification code shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub code: String,
    /// The application it ends (never shown: its tracking number is the
    /// applicant's).
    pub application_id: i64,
    pub service_code: String,
    pub service_ar: String,
    pub service_en: String,
    pub holder_masked: String,
    pub unit_ar: String,
    pub unit_en: String,
    pub issued_on: NaiveDate,
    pub valid_until: NaiveDate,
    /// `valid`, `expired` or `revoked`.
    pub status: &'static str,
    pub signature: String,
    pub signature_valid: bool,
}

/// An issued document as its page shows it.
#[derive(Debug, Clone)]
pub struct IssuedView {
    pub verification: Verification,
    pub application: crate::applications::ApplicationView,
    /// The name of the staff member who issued it.
    pub signatory: Option<String>,
}

/// The exact text that is signed for a license.
pub fn signed_text(
    code: &str,
    service: &str,
    tracking: &str,
    holder: &str,
    issued: NaiveDate,
    until: NaiveDate,
) -> String {
    format!("baladiya-license/v1|{code}|{service}|{tracking}|{holder}|{issued}|{until}")
}

pub(crate) fn random_code() -> Result<String, AppError> {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
    let chars: String = bytes
        .iter()
        .map(|b| char::from(CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()]))
        .collect();
    Ok(format!("{}-{}-{}", &chars[..4], &chars[4..8], &chars[8..]))
}

impl App {
    /// The signing key shared by all servers of this deployment (made on first use).
    pub(crate) async fn signing_key(&self) -> Result<SigningKey, AppError> {
        let secret = self
            .store
            .server_key(
                KEY_NAME,
                || {
                    let mut seed = [0u8; 32];
                    let _ = getrandom::fill(&mut seed);
                    hex::encode(seed)
                },
                self.now(),
            )
            .await?;
        let bytes: [u8; 32] = hex::decode(&secret)
            .ok()
            .and_then(|b| b.try_into().ok())
            .filter(|b: &[u8; 32]| b.iter().any(|x| *x != 0))
            .ok_or_else(|| AppError::Internal("stored signing key is invalid".into()))?;
        Ok(SigningKey::from_bytes(&bytes))
    }

    /// The public key that verifies license signatures (base64url).
    pub async fn verifying_key(&self) -> Result<String, AppError> {
        Ok(URL_SAFE_NO_PAD.encode(self.signing_key().await?.verifying_key().as_bytes()))
    }

    pub(crate) async fn new_issuance(
        &self,
        record: &ApplicationRecord,
        service: &Service,
        today: NaiveDate,
    ) -> Result<NewIssuance, AppError> {
        let code = random_code()?;
        let holder = mask_name(&record.applicant_name);
        let until = today + Duration::days(365);
        let text = signed_text(
            &code,
            service.code.as_str(),
            &record.tracking_number,
            &holder,
            today,
            until,
        );
        let signature = self.signing_key().await?.sign(text.as_bytes());
        Ok(NewIssuance {
            verification_code: code,
            signature: URL_SAFE_NO_PAD.encode(signature.to_bytes()),
            holder_masked: holder,
            issued_on: today,
            valid_until: until,
        })
    }

    /// The public check of a verification code.
    pub async fn verify(&self, code: &str) -> Result<Verification, AppError> {
        let code = code.trim().to_ascii_uppercase();
        let issuance = self
            .store
            .issuance_by_code(&code)
            .await?
            .ok_or(crate::AppError::NotFound)?;
        let record = self
            .store
            .application_by_id(issuance.application_id)
            .await?;
        let service = self.service_version(record.service_version_id).await?;
        let unit = self.store.unit(record.unit_id).await?;
        let text = signed_text(
            &code,
            service.code.as_str(),
            &record.tracking_number,
            &issuance.holder_masked,
            issuance.issued_on,
            issuance.valid_until,
        );
        let key: VerifyingKey = self.signing_key().await?.verifying_key();
        let signature_valid = URL_SAFE_NO_PAD
            .decode(&issuance.signature)
            .ok()
            .and_then(|b| Signature::from_slice(&b).ok())
            .is_some_and(|sig| key.verify(text.as_bytes(), &sig).is_ok());
        let today = self.today_in(service.country);
        let status = if issuance.revoked_at.is_some() {
            "revoked"
        } else if issuance.valid_until < today {
            "expired"
        } else {
            "valid"
        };
        Ok(Verification {
            code,
            application_id: record.id,
            service_code: service.code.to_string(),
            service_ar: service.name.ar().to_owned(),
            service_en: service.name.en().to_owned(),
            holder_masked: issuance.holder_masked,
            unit_ar: unit.name.ar().to_owned(),
            unit_en: unit.name.en().to_owned(),
            issued_on: issuance.issued_on,
            valid_until: issuance.valid_until,
            status,
            signature: issuance.signature,
            signature_valid,
        })
    }

    /// An issued document with the application it ends and who signed it,
    /// for its printable page. The caller decides whose copy it is: the
    /// public one masks the holder.
    pub async fn issued(&self, code: &str) -> Result<IssuedView, AppError> {
        let verification = self.verify(code).await?;
        let record = self
            .store
            .application_by_id(verification.application_id)
            .await?;
        let application = self.view_of(record).await?;
        let signatory = application
            .history
            .iter()
            .rev()
            .find(|h| h.action == "application.issue")
            .and_then(|h| h.actor_name.clone());
        Ok(IssuedView {
            verification,
            application,
            signatory,
        })
    }

    /// The holder's own copy: asked with the same proof as tracking.
    pub async fn issued_to_holder(
        &self,
        code: &str,
        tracking: &str,
        proof: &str,
        client: &str,
    ) -> Result<IssuedView, AppError> {
        let view = self
            .application_for_applicant(tracking, proof, client)
            .await?;
        let theirs = view
            .issuance
            .as_ref()
            .is_some_and(|i| i.verification_code.eq_ignore_ascii_case(code.trim()));
        if !theirs {
            return Err(AppError::NotFound);
        }
        self.issued(code).await
    }

    /// Revokes an issued license, with a reason. Unit heads of the
    /// application's unit (or above) may do this.
    pub async fn revoke(
        &self,
        who: &Principal,
        tracking: &str,
        reason: &str,
    ) -> Result<(), AppError> {
        let view = self.application_for(who, tracking).await?;
        let path = &view.unit.path;
        if !who
            .access
            .can(baladiya_domain::people::Permission::ViewOversight, path)
            || !who
                .access
                .has_anywhere(baladiya_domain::people::Permission::ProcessApplications)
        {
            return Err(baladiya_domain::access::Denied {
                permission: baladiya_domain::people::Permission::ProcessApplications,
            }
            .into());
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AppError::field("reason", "reason-required"));
        }
        if view.issuance.is_none() {
            return Err(AppError::Conflict(
                baladiya_domain::ErrorCode::ActionNotAllowedNow,
            ));
        }
        let event = NewEvent {
            at: self.now(),
            actor_id: Some(who.user_id),
            action: "application.revoked",
            entity: "application",
            entity_id: view.record.id,
            unit_id: Some(view.record.unit_id),
            detail: json!({"reason": reason}),
        };
        self.store
            .revoke_issuance(view.record.id, reason, &event)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_short_and_unambiguous() {
        let code = random_code().expect("code");
        assert_eq!(code.len(), 14);
        assert!(
            code.chars()
                .all(|c| c == '-' || CODE_ALPHABET.contains(&(c as u8)))
        );
        assert_ne!(code, random_code().expect("code"));
    }

    #[test]
    fn a_changed_license_fails_the_signature() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).expect("date");
        let text = signed_text(
            "ABCD-EFGH-JKLM",
            "EG-SHOP-LICENSE",
            "EG-GZ-BDR-2026-000001-X",
            "م*** ع***",
            d(1, 1),
            d(12, 31),
        );
        let signature = key.sign(text.as_bytes());
        assert!(
            key.verifying_key()
                .verify(text.as_bytes(), &signature)
                .is_ok()
        );
        let forged = signed_text(
            "ABCD-EFGH-JKLM",
            "EG-SHOP-LICENSE",
            "EG-GZ-BDR-2026-000001-X",
            "م*** ع***",
            d(1, 1),
            d(12, 31).succ_opt().expect("date"),
        );
        assert!(
            key.verifying_key()
                .verify(forged.as_bytes(), &signature)
                .is_err()
        );
    }
}
