//! The administration's JSON API under `/api/v1`: staff API tokens and
//! who they belong to, org units, staff users and the roles granted them.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use baladiya_app::admin::UnitForm;
use baladiya_domain::org::{Department, OrgUnit};
use baladiya_store::SessionKind;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::http::auth::ApiUser;
use crate::http::client::Client;
use crate::http::error::WebError;
use crate::http::json::ApiJson;
use crate::http::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/token", post(create_token).delete(revoke_token))
        .route("/me", get(me))
        .route("/units", get(list_units).post(create_unit))
        .route("/units/{code}", get(unit))
        .route("/users", post(create_user))
        .route("/users/{username}/grants", post(grant_role))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Credentials {
    username: String,
    password: String,
}

#[derive(Serialize)]
struct TokenBody {
    token: String,
    token_type: &'static str,
    expires_at: DateTime<Utc>,
}

async fn create_token(
    State(state): State<AppState>,
    Client(client): Client,
    ApiJson(credentials): ApiJson<Credentials>,
) -> Result<impl IntoResponse, WebError> {
    let session = state
        .app
        .login(
            &credentials.username,
            &credentials.password,
            SessionKind::Bearer,
            &client,
        )
        .await?;
    let body = TokenBody {
        token: session.token,
        token_type: "Bearer",
        expires_at: session.expires_at,
    };
    Ok((StatusCode::CREATED, Json(body)))
}

async fn revoke_token(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    ApiUser(_): ApiUser,
) -> Result<StatusCode, WebError> {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .map(|(_, t)| t.trim().to_owned())
        .unwrap_or_default();
    state.app.logout(&token).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize)]
struct GrantBody {
    role: &'static str,
    unit_id: i64,
    department: Option<&'static str>,
}

#[derive(Serialize)]
struct MeBody {
    id: i64,
    username: String,
    full_name: String,
    grants: Vec<GrantBody>,
}

async fn me(ApiUser(who): ApiUser) -> Json<MeBody> {
    Json(MeBody {
        id: who.user_id,
        grants: who
            .access
            .grants()
            .iter()
            .map(|g| GrantBody {
                role: g.role.as_str(),
                unit_id: g.unit.unit_id(),
                department: g.department.map(|d| d.as_str()),
            })
            .collect(),
        username: who.username,
        full_name: who.full_name,
    })
}

#[derive(Serialize)]
struct UnitBody {
    id: i64,
    code: String,
    kind: &'static str,
    country: &'static str,
    name_ar: String,
    name_en: String,
    parent_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    departments: Option<Vec<DepartmentBody>>,
}

#[derive(Serialize)]
struct DepartmentBody {
    id: i64,
    kind: &'static str,
    name_ar: String,
    name_en: String,
}

impl UnitBody {
    fn new(unit: OrgUnit, departments: Option<Vec<Department>>) -> Self {
        Self {
            id: unit.id,
            code: unit.code.to_string(),
            kind: unit.kind.as_str(),
            country: unit.country().code(),
            name_ar: unit.name.ar().to_owned(),
            name_en: unit.name.en().to_owned(),
            parent_id: unit.parent_id,
            departments: departments.map(|list| {
                list.into_iter()
                    .map(|d| DepartmentBody {
                        id: d.id,
                        kind: d.kind.as_str(),
                        name_ar: d.name.ar().to_owned(),
                        name_en: d.name.en().to_owned(),
                    })
                    .collect()
            }),
        }
    }
}

async fn list_units(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
) -> Result<Json<Vec<UnitBody>>, WebError> {
    let units = state.app.visible_units(&who).await?;
    Ok(Json(
        units.into_iter().map(|u| UnitBody::new(u, None)).collect(),
    ))
}

async fn unit(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(code): Path<String>,
) -> Result<Json<UnitBody>, WebError> {
    let found = state.app.unit_for(&who, &code).await?;
    Ok(Json(UnitBody::new(found.unit, Some(found.departments))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewUnitBody {
    code: String,
    kind: String,
    name_ar: String,
    name_en: String,
    parent: Option<String>,
}

async fn create_unit(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<NewUnitBody>,
) -> Result<impl IntoResponse, WebError> {
    let form = UnitForm {
        code: body.code,
        kind: body.kind,
        name_ar: body.name_ar,
        name_en: body.name_en,
        parent_code: body.parent,
    };
    let unit = state.app.create_unit(Some(&who), &form).await?;
    Ok((StatusCode::CREATED, Json(UnitBody::new(unit, None))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewUserBody {
    username: String,
    full_name: String,
    password: String,
}

#[derive(Serialize)]
struct CreatedUser {
    id: i64,
    username: String,
}

async fn create_user(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<NewUserBody>,
) -> Result<impl IntoResponse, WebError> {
    let id = state
        .app
        .create_user(Some(&who), &body.username, &body.full_name, &body.password)
        .await?;
    let username = body.username.trim().to_ascii_lowercase();
    Ok((StatusCode::CREATED, Json(CreatedUser { id, username })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GrantRequest {
    role: String,
    unit: String,
    department: Option<String>,
}

async fn grant_role(
    State(state): State<AppState>,
    ApiUser(who): ApiUser,
    Path(username): Path<String>,
    ApiJson(body): ApiJson<GrantRequest>,
) -> Result<StatusCode, WebError> {
    state
        .app
        .grant_role(
            Some(&who),
            &username,
            &body.role,
            &body.unit,
            body.department.as_deref(),
        )
        .await?;
    Ok(StatusCode::CREATED)
}
