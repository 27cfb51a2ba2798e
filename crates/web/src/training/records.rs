//! A trainee's record: one's own seats and certificates, a colleague's
//! record for those who oversee them, and a certificate with its QR code.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use baladiya_app::{AppError, Principal};
use baladiya_domain::ErrorCode;
use baladiya_domain::people::Permission;

use super::sessions::dates;
use crate::http::auth::Staff;
use crate::http::error::{WebError, page};
use crate::http::i18n::Tr;
use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/training/mine", get(my_training))
        .route("/staff/training/people/{username}", get(staff_record))
        .route("/staff/training/certificates/{code}", get(certificate))
}

#[derive(Debug)]
struct MySeat {
    course: String,
    dates: String,
    status: String,
}

#[derive(Debug)]
struct MyCertificate {
    code: String,
    course: String,
    issued: String,
    revoked: bool,
}

#[derive(Template)]
#[template(path = "training/staff_training_mine.html")]
struct MinePage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    /// The staff member's name when it is not the reader's own record.
    name: Option<String>,
    hours: String,
    /// The code the trainer scans at the door (the username), as a QR
    /// code; on the reader's own page only.
    attendance_qr: Option<(String, String)>,
    seats: Vec<MySeat>,
    certificates: Vec<MyCertificate>,
}

/// A staff member's own training: sessions, certificates and hours.
async fn my_training(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
) -> Result<Response, WebError> {
    let username = who.username.clone();
    record_page(&state, &tr, &who, &username).await
}

/// A staff member's training record, for those who oversee their unit.
async fn staff_record(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    Path(username): Path<String>,
) -> Result<Response, WebError> {
    record_page(&state, &tr, &who, &username).await
}

async fn record_page(
    state: &AppState,
    tr: &Tr,
    who: &Principal,
    username: &str,
) -> Result<Response, WebError> {
    let ar = tr.lang() == "ar";
    let record = state.app.training_record(who, username).await?;
    let seats = record
        .seats
        .into_iter()
        .map(|s| MySeat {
            course: if ar {
                s.course_name_ar
            } else {
                s.course_name_en
            },
            dates: dates(tr, s.first_day, s.last_day),
            status: tr.t(&format!("training-status-{}", s.status)),
        })
        .collect();
    let certificates = record
        .certificates
        .into_iter()
        .map(|c| MyCertificate {
            code: c.verification_code,
            course: if ar {
                c.course_name_ar
            } else {
                c.course_name_en
            },
            issued: tr.date(c.issued_on),
            revoked: c.revoked_at.is_some(),
        })
        .collect();
    Ok(page(
        MinePage {
            tr,
            user: Some(who),
            attendance_qr: if record.username == who.username {
                Some((
                    crate::shop::license::qr_svg(&record.username)?,
                    record.username.clone(),
                ))
            } else {
                None
            },
            name: (record.username != who.username).then_some(record.full_name),
            hours: tr.count("training-hours", "n", record.hours),
            seats,
            certificates,
        }
        .render(),
    ))
}

#[derive(Template)]
#[template(path = "training/training_certificate.html")]
struct CertificatePage<'a> {
    tr: &'a Tr,
    user: Option<&'a Principal>,
    holder: String,
    course_ar: String,
    course_en: String,
    center_ar: String,
    center_en: String,
    hours: String,
    dates: String,
    issued: String,
    code: String,
    revoked: bool,
    qr_svg: String,
    verify_url: String,
}

/// The printable, bilingual certificate with its QR code: for its holder
/// and the center's staff (anyone else verifies the code publicly).
async fn certificate(
    State(state): State<AppState>,
    tr: Tr,
    Staff(who): Staff,
    headers: axum::http::HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let check = state.app.verify_certificate(&code).await?;
    let c = check.certificate;
    let center = state
        .app
        .store
        .unit(c.center_unit_id)
        .await
        .map_err(AppError::from)?;
    if c.trainee_id != who.user_id && !who.access.can(Permission::ManageOrg, &center.path) {
        return Err(WebError::new(ErrorCode::NotFound));
    }
    let verify_url = format!(
        "{}/verify/{}",
        crate::http::client::base_url(&state, &headers),
        c.verification_code
    );
    Ok(page(
        CertificatePage {
            tr: &tr,
            user: Some(&who),
            holder: c.holder_name,
            course_ar: c.course_name_ar,
            course_en: c.course_name_en,
            center_ar: c.center_name_ar,
            center_en: c.center_name_en,
            hours: tr.count("training-hours", "n", c.hours),
            dates: dates(&tr, c.first_day, c.last_day),
            issued: tr.date(c.issued_on),
            qr_svg: crate::shop::license::qr_svg(&verify_url)?,
            code: c.verification_code,
            revoked: c.revoked_at.is_some(),
            verify_url,
        }
        .render(),
    ))
}
