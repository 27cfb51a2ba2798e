//! The service list and a service's definition (its attributes), from
//! the catalog's report categories.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::Format;
use super::answer::{Doc, error, respond, text};
use super::params::resource;
use crate::http::i18n::Tr;
use crate::http::state::AppState;

pub(super) fn services(state: &AppState, tr: &Tr, format: Format) -> Response {
    let lang = tr.lang();
    let items = state
        .app
        .report_categories()
        .iter()
        .map(|c| {
            Doc::Object(vec![
                ("service_code", text(&c.code)),
                ("service_name", text(c.name.get(lang))),
                ("description", text(c.description.get(lang))),
                (
                    "metadata",
                    Doc::Scalar(Value::Bool(!c.attributes.is_empty())),
                ),
                ("type", text("realtime")),
                ("keywords", text(c.keywords.join(", "))),
                ("group", text(&c.group)),
            ])
        })
        .collect();
    respond(
        StatusCode::OK,
        format,
        "services",
        Doc::List("service", items),
    )
}

/// `GET /open311/v2/services/{code}.{json|xml}`: a service definition.
pub(super) async fn definition(
    State(state): State<AppState>,
    tr: Tr,
    Path(file): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let (code, format) = match resource(&tr, &file, &params) {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let Some(category) = state.app.report_category(code) else {
        return error(
            StatusCode::NOT_FOUND,
            format,
            tr.t("open311-service-unknown"),
        );
    };
    let lang = tr.lang();
    let attributes = category
        .attributes
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let mut fields = vec![
                ("variable", Doc::Scalar(Value::Bool(true))),
                ("code", text(&a.code)),
                ("datatype", text(a.datatype.as_str())),
                ("required", Doc::Scalar(Value::Bool(a.required))),
                ("datatype_description", Doc::Scalar(Value::Null)),
                ("order", Doc::Scalar(Value::from(i + 1))),
                ("description", text(a.description.get(lang))),
            ];
            if a.datatype.is_list() {
                let values = a
                    .values
                    .iter()
                    .map(|(key, name)| {
                        Doc::Object(vec![("key", text(key)), ("name", text(name.get(lang)))])
                    })
                    .collect();
                fields.push(("values", Doc::List("value", values)));
            }
            Doc::Object(fields)
        })
        .collect();
    respond(
        StatusCode::OK,
        format,
        "service_definition",
        Doc::Object(vec![
            ("service_code", text(&category.code)),
            ("attributes", Doc::List("attribute", attributes)),
        ]),
    )
}
