//! Certificates of completed training: issued by the center to every
//! trainee who completed a session by its course's rule, signed with the
//! deployment's Ed25519 key (the license machinery's), verifiable by
//! anyone with the code, revocable with a reason.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDate;
use ed25519_dalek::{Signature, Signer, Verifier};
use serde_json::json;

use baladiya_domain::people::Permission;
use baladiya_domain::training::course::Completion;
use baladiya_store::{CertificateRecord, NewCertificate, NewEvent};

use crate::issuance::random_code;
use crate::{App, AppError, Principal};

/// The exact text that is signed for a certificate.
pub fn certificate_text(
    code: &str,
    course: &str,
    holder: &str,
    hours: i64,
    issued: NaiveDate,
) -> String {
    format!("baladiya-training-certificate/v1|{code}|{course}|{holder}|{hours}|{issued}")
}

/// What a check of a certificate's code shows.
#[derive(Debug, Clone)]
pub struct CertificateCheck {
    pub certificate: CertificateRecord,
    /// `valid` or `revoked`.
    pub status: &'static str,
    pub signature_valid: bool,
}

impl App {
    async fn center_manager(&self, who: &Principal, center_unit: i64) -> Result<(), AppError> {
        let path = self.store.unit(center_unit).await?.path;
        who.access.require(Permission::ManageOrg, &path)?;
        Ok(())
    }

    /// Issues a certificate to every trainee of the session who completed
    /// it and has none yet; returns how many were issued.
    pub async fn issue_certificates(
        &self,
        who: &Principal,
        session_id: i64,
    ) -> Result<u64, AppError> {
        let session = self.session_of(session_id).await?;
        self.center_manager(who, session.center_unit_id).await?;
        let today = self.today_in(self.store.unit(session.center_unit_id).await?.country());
        let key = self.signing_key().await?;
        let mut certificates = Vec::new();
        for outcome in self.session_outcomes(session_id).await? {
            if outcome.completion != Completion::Completed {
                continue;
            }
            let holder = self.store.user(outcome.trainee_id).await?.full_name;
            let code = random_code()?;
            let text = certificate_text(&code, &session.course_code, &holder, session.hours, today);
            certificates.push(NewCertificate {
                trainee_id: outcome.trainee_id,
                signature: URL_SAFE_NO_PAD.encode(key.sign(text.as_bytes()).to_bytes()),
                verification_code: code,
                holder_name: holder,
                hours: session.hours,
                issued_on: today,
            });
        }
        let event = NewEvent {
            at: self.now(),
            actor_id: Some(who.user_id),
            action: "training.certified",
            entity: "training_session",
            entity_id: session_id,
            unit_id: Some(session.center_unit_id),
            detail: json!({"trainees": certificates.iter().map(|c| c.trainee_id).collect::<Vec<_>>()}),
        };
        Ok(self
            .store
            .insert_certificates(session_id, &certificates, &event)
            .await?)
    }

    /// The public check of a certificate's code.
    pub async fn verify_certificate(&self, code: &str) -> Result<CertificateCheck, AppError> {
        let code = code.trim().to_ascii_uppercase();
        let certificate = self
            .store
            .certificate(&code)
            .await?
            .ok_or(AppError::NotFound)?;
        let text = certificate_text(
            &certificate.verification_code,
            &certificate.course_code,
            &certificate.holder_name,
            certificate.hours,
            certificate.issued_on,
        );
        let key = self.signing_key().await?.verifying_key();
        let signature_valid = URL_SAFE_NO_PAD
            .decode(&certificate.signature)
            .ok()
            .and_then(|bytes| Signature::from_slice(&bytes).ok())
            .is_some_and(|sig| key.verify(text.as_bytes(), &sig).is_ok());
        Ok(CertificateCheck {
            status: if certificate.revoked_at.is_some() {
                "revoked"
            } else {
                "valid"
            },
            signature_valid,
            certificate,
        })
    }

    /// The center revokes a certificate, with a reason.
    pub async fn revoke_certificate(
        &self,
        who: &Principal,
        code: &str,
        reason: &str,
    ) -> Result<(), AppError> {
        if reason.trim().is_empty() {
            return Err(AppError::field("reason", "required"));
        }
        let certificate = self
            .store
            .certificate(&code.trim().to_ascii_uppercase())
            .await?
            .ok_or(AppError::NotFound)?;
        self.center_manager(who, certificate.center_unit_id).await?;
        let event = NewEvent {
            at: self.now(),
            actor_id: Some(who.user_id),
            action: "training.certificate_revoked",
            entity: "training_session",
            entity_id: certificate.session_id,
            unit_id: Some(certificate.center_unit_id),
            detail: json!({"code": certificate.verification_code, "reason": reason}),
        };
        self.store
            .revoke_certificate(
                &certificate.verification_code,
                reason.trim(),
                self.now(),
                &event,
            )
            .await?;
        Ok(())
    }
}
