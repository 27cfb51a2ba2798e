//! Paying a fee online: the citizen starts a payment of the application
//! waiting at its payment step; the gateway (any with the common shape:
//! create a payment, redirect the payer, call back signed) takes the
//! money; its callback — HMAC-SHA256-signed, the amount and currency
//! checked, idempotent — records the payment on the application exactly
//! once. Every callback is kept for reconciliation.

use baladiya_domain::ErrorCode;
use baladiya_domain::catalog::{Service, StepKind};
use baladiya_domain::payments::{
    Callback, CallbackRefusal, GatewayStatus, Payment, Settlement, judge,
};
use baladiya_domain::people::Permission;
use baladiya_store::{CallbackRecord, PaymentRecord};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

use crate::applications::{ActionRequest, Actor};
use crate::{App, AppError, Principal};

/// The payment gateway a deployment uses.
#[derive(Debug, Clone)]
pub struct GatewayConfig {
    /// Where payments are created (`POST {api_url}/payments`).
    pub api_url: String,
    pub api_key: String,
    /// The secret both sides sign callbacks with.
    pub secret: String,
    /// Where the gateway calls back and sends the payer back to: the
    /// deployment's own address (`public_url`), never one a request
    /// names in its `Host` header.
    pub return_base: String,
}

/// A payment started: its reference, and the gateway's page to send the
/// payer to.
#[derive(Debug, Clone)]
pub struct Started {
    pub reference: String,
    pub redirect_url: String,
}

/// What the gateway answers a new payment with.
#[derive(Debug, Deserialize)]
struct Created {
    redirect_url: String,
}

/// Whether an application of `service` with this status and step waits
/// at a payment step for its fee.
pub(crate) fn waits_for_fee(service: &Service, status: &str, step: i64) -> bool {
    status == "in_progress"
        && service
            .procedure
            .step(step as usize)
            .is_some_and(|s| matches!(s.kind, StepKind::Payment { .. }))
}

/// The signature of a callback's text with `secret`, hex-encoded.
pub fn sign(secret: &str, text: &str) -> Result<String, AppError> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .map_err(|e| AppError::Internal(format!("HMAC key: {e}")))?;
    mac.update(text.as_bytes());
    Ok(hex::encode(mac.finalize().into_bytes()))
}

/// Calls a merchant back as a gateway does: the callback as JSON,
/// signed in `X-Signature`. Returns the merchant's HTTP status.
pub async fn call_back(url: &str, secret: &str, callback: &Callback) -> Result<u16, AppError> {
    let answer = crate::http::client(std::time::Duration::from_secs(15))?
        .post(url)
        .header("x-signature", sign(secret, &callback.signed_text())?)
        .json(&serde_json::json!({
            "reference": callback.reference,
            "status": callback.status.as_str(),
            "amount_minor": callback.amount_minor,
            "currency": callback.currency,
            "gateway_ref": callback.gateway_ref,
        }))
        .send()
        .await
        .map_err(|e| AppError::Internal(format!("callback to {url}: {e}")))?;
    Ok(answer.status().as_u16())
}

/// The payments and callbacks the reconciliation report shows.
#[derive(Debug, Clone)]
pub struct Reconciliation {
    pub paid: Vec<PaymentRecord>,
    /// What the gateway reported that Baladiya did not record.
    pub unrecorded: Vec<CallbackRecord>,
}

impl App {
    fn gateway(&self) -> Result<&GatewayConfig, AppError> {
        self.settings
            .gateway
            .as_ref()
            .ok_or(AppError::Conflict(ErrorCode::ActionNotAllowedNow))
    }

    /// Starts paying the fee of `tracking` (filed with `mobile`, the
    /// signed-in citizen's number), waiting at its payment step: a new
    /// pending payment, created at the gateway.
    pub async fn start_payment(&self, mobile: &str, tracking: &str) -> Result<Started, AppError> {
        let record = self.record(tracking).await?;
        if record.applicant_phone != mobile {
            return Err(AppError::NotFound);
        }
        let service = self.service_version(record.service_version_id).await?;
        let amount = record
            .fee_minor
            .filter(|_| waits_for_fee(&service, &record.status, record.step))
            .ok_or(AppError::Conflict(ErrorCode::ActionNotAllowedNow))?;
        let gateway = self.gateway()?;
        let base = gateway.return_base.trim_end_matches('/');
        let reference = format!("PAY-{}", &crate::auth::random_token()?[..20].to_uppercase());
        self.store
            .create_payment(&reference, record.id, amount, &record.currency, self.now())
            .await?;
        let created: Created = crate::http::client(std::time::Duration::from_secs(15))?
            .post(format!(
                "{}/payments",
                gateway.api_url.trim_end_matches('/')
            ))
            .bearer_auth(&gateway.api_key)
            .json(&serde_json::json!({
                "reference": reference,
                "amount_minor": amount,
                "currency": record.currency,
                "description": format!("{} {}", service.name.ar(), record.tracking_number),
                "return_url": format!("{base}/payments/{reference}"),
                "callback_url": format!("{base}/api/v1/payments/callback"),
            }))
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| AppError::Internal(format!("payment gateway: {e}")))?
            .json()
            .await
            .map_err(|e| AppError::Internal(format!("payment gateway answer: {e}")))?;
        Ok(Started {
            reference,
            redirect_url: created.redirect_url,
        })
    }

    /// Takes a gateway's callback: signed with the shared secret, for a
    /// known payment, the amount and currency asked; the first settles the
    /// payment and records it on the application (its workflow moves on
    /// once), the same again changes nothing (`already`). Returns the
    /// verdict kept in the callback log.
    pub async fn payment_callback(
        &self,
        callback: &Callback,
        signature: &str,
    ) -> Result<&'static str, AppError> {
        let expected = sign(&self.gateway()?.secret, &callback.signed_text())?;
        if !crate::auth::same_secret(&expected, &signature.trim().to_ascii_lowercase()) {
            return Err(AppError::Conflict(ErrorCode::SignatureInvalid));
        }
        let verdict = self.settle(callback).await;
        let logged = match &verdict {
            Ok(v) => *v,
            Err(AppError::NotFound) => "unknown-payment",
            Err(AppError::Invalid(fields)) => fields.first().map_or("invalid", |f| f.code),
            Err(AppError::Conflict(code)) => code.as_str(),
            Err(_) => "failed",
        };
        self.store
            .log_callback(&CallbackRecord {
                reference: callback.reference.clone(),
                status: callback.status.as_str().to_owned(),
                amount_minor: callback.amount_minor,
                currency: callback.currency.clone(),
                gateway_ref: callback.gateway_ref.clone(),
                verdict: logged.to_owned(),
                received_at: self.now(),
            })
            .await?;
        verdict
    }

    async fn settle(&self, callback: &Callback) -> Result<&'static str, AppError> {
        let payment = self
            .store
            .payment(&callback.reference)
            .await?
            .ok_or(AppError::NotFound)?;
        let kept = Payment {
            amount_minor: payment.amount_minor,
            currency: payment.currency.clone(),
            status: payment.status.clone(),
            gateway_ref: payment.gateway_ref.clone(),
        };
        match judge(&kept, callback) {
            Err(CallbackRefusal::Settled) => Err(AppError::Conflict(ErrorCode::PaymentSettled)),
            Err(refusal) => Err(AppError::field("amount_minor", refusal.code())),
            Ok(Settlement::Already) => {
                // A retry of the callback that settled it: the application
                // is recorded too, if a crash came between the two.
                if payment.status == "paid" {
                    self.record_paid(&payment, &callback.gateway_ref).await?;
                }
                Ok("already")
            }
            Ok(Settlement::Settle(status)) => {
                // The payment row is the one guard: only the callback that
                // moves it from pending settles it, and only a payment
                // settled as paid is recorded on its application.
                let first = self
                    .store
                    .settle_payment(
                        &callback.reference,
                        status.as_str(),
                        &callback.gateway_ref,
                        self.now(),
                    )
                    .await?;
                if !first {
                    // Another callback settled it meanwhile: the same one
                    // (a twin) changes nothing; any other is kept for
                    // reconciliation.
                    let now = self
                        .store
                        .payment(&callback.reference)
                        .await?
                        .ok_or(AppError::NotFound)?;
                    return if now.status == status.as_str()
                        && now.gateway_ref.as_deref() == Some(callback.gateway_ref.as_str())
                    {
                        Ok("already")
                    } else {
                        Err(AppError::Conflict(ErrorCode::PaymentSettled))
                    };
                }
                if status == GatewayStatus::Paid {
                    self.record_paid(&payment, &callback.gateway_ref).await?;
                }
                Ok("recorded")
            }
        }
    }

    /// Records the payment on its application's payment step, once: a
    /// concurrent twin finds the step already recorded with this receipt.
    async fn record_paid(
        &self,
        payment: &PaymentRecord,
        gateway_ref: &str,
    ) -> Result<(), AppError> {
        let record = self.record(&payment.tracking_number).await?;
        if record.receipt_number.as_deref() == Some(gateway_ref) {
            return Ok(());
        }
        let request = ActionRequest {
            action: "record_payment".into(),
            department: None,
            comment: String::new(),
            receipt_number: Some(gateway_ref.to_owned()),
            expected_version: record.version,
            to_correct: Vec::new(),
        };
        match self
            .act_as(Actor::Gateway, &payment.tracking_number, &request)
            .await
        {
            Ok(()) => Ok(()),
            Err(error) => {
                // A twin recorded it first: fine. Recorded with another
                // transaction (a second charge, or paid at the counter
                // meanwhile): refused, and kept for reconciliation.
                let now = self.record(&payment.tracking_number).await?;
                match now.receipt_number.as_deref() {
                    Some(receipt) if receipt == gateway_ref => Ok(()),
                    Some(_) => Err(AppError::Conflict(ErrorCode::PaymentSettled)),
                    None => Err(error),
                }
            }
        }
    }

    /// A payment by its reference (a random, unguessable code).
    pub async fn payment(&self, reference: &str) -> Result<PaymentRecord, AppError> {
        self.store
            .payment(reference)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// The reconciliation report, for those who oversee units.
    pub async fn reconciliation(&self, who: &Principal) -> Result<Reconciliation, AppError> {
        if !who.access.has_anywhere(Permission::ViewOversight) {
            return Err(baladiya_domain::access::Denied {
                permission: Permission::ViewOversight,
            }
            .into());
        }
        Ok(Reconciliation {
            paid: self.store.paid_payments().await?,
            unrecorded: self.store.unreconciled_callbacks().await?,
        })
    }
}
