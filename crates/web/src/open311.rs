//! Open311 GeoReport v2 at `/open311/v2/`, in JSON and XML: the service
//! list and service definitions (Baladiya's citizen-report categories).
//! Errors are the specification's error array, in the requested format.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use baladiya_domain::reports::ReportCategory;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::i18n::Tr;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/open311/v2/{file}", get(services))
        .route("/open311/v2/services/{file}", get(definition))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Xml,
}

/// Splits `name.json` / `name.xml`.
fn split_format(file: &str) -> Option<(&str, Format)> {
    let (name, ext) = file.rsplit_once('.')?;
    match ext {
        "json" => Some((name, Format::Json)),
        "xml" => Some((name, Format::Xml)),
        _ => None,
    }
}

#[derive(Deserialize)]
struct Jurisdiction {
    jurisdiction_id: Option<String>,
}

/// The jurisdiction this server answers for. Any other is refused.
const JURISDICTION: &str = "baladiya";

/// An XML element tree, enough for Open311's documents.
enum Node {
    Text(&'static str, String),
    Parent(&'static str, Vec<Node>),
}

fn write_node(writer: &mut Writer<Vec<u8>>, node: &Node) -> std::io::Result<()> {
    match node {
        Node::Text(name, text) => {
            writer
                .create_element(*name)
                .write_text_content(BytesText::new(text))?;
        }
        Node::Parent(name, children) => {
            writer.create_element(*name).write_inner_content(|w| {
                for child in children {
                    write_node(w, child)?;
                }
                Ok::<(), std::io::Error>(())
            })?;
        }
    }
    Ok(())
}

fn xml(root: &Node) -> Vec<u8> {
    let mut writer = Writer::new(Vec::new());
    let written = writer
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .and_then(|()| write_node(&mut writer, root));
    if let Err(error) = written {
        tracing::error!(%error, "writing XML");
    }
    writer.into_inner()
}

fn respond(status: StatusCode, format: Format, json_body: Value, xml_body: Node) -> Response {
    match format {
        Format::Json => (
            status,
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            json_body.to_string(),
        )
            .into_response(),
        Format::Xml => (
            status,
            [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
            xml(&xml_body),
        )
            .into_response(),
    }
}

/// The specification's error array.
fn error(status: StatusCode, format: Format, description: String) -> Response {
    let code = status.as_u16().to_string();
    respond(
        status,
        format,
        json!([{"code": status.as_u16(), "description": description}]),
        Node::Parent(
            "errors",
            vec![Node::Parent(
                "error",
                vec![
                    Node::Text("code", code),
                    Node::Text("description", description),
                ],
            )],
        ),
    )
}

/// The error answer for a `jurisdiction_id` this server does not serve.
fn wrong_jurisdiction(tr: &Tr, format: Format, j: &Jurisdiction) -> Option<Response> {
    match j.jurisdiction_id.as_deref() {
        None | Some(JURISDICTION) | Some("") => None,
        Some(_) => Some(error(
            StatusCode::NOT_FOUND,
            format,
            tr.t("open311-jurisdiction-unknown"),
        )),
    }
}

fn keywords(category: &ReportCategory) -> String {
    category.keywords.join(", ")
}

async fn services(
    State(state): State<AppState>,
    tr: Tr,
    Path(file): Path<String>,
    Query(j): Query<Jurisdiction>,
) -> Response {
    let Some(("services", format)) = split_format(&file) else {
        let format = split_format(&file).map_or(Format::Xml, |(_, f)| f);
        return error(StatusCode::NOT_FOUND, format, tr.t("not-found"));
    };
    if let Some(response) = wrong_jurisdiction(&tr, format, &j) {
        return response;
    }
    let lang = tr.lang();
    let categories = state.app.report_categories();
    let json_body = Value::Array(
        categories
            .iter()
            .map(|c| {
                json!({
                    "service_code": c.code,
                    "service_name": c.name.get(lang),
                    "description": c.description.get(lang),
                    "metadata": !c.attributes.is_empty(),
                    "type": "realtime",
                    "keywords": keywords(c),
                    "group": c.group,
                })
            })
            .collect(),
    );
    let xml_body = Node::Parent(
        "services",
        categories
            .iter()
            .map(|c| {
                Node::Parent(
                    "service",
                    vec![
                        Node::Text("service_code", c.code.clone()),
                        Node::Text("service_name", c.name.get(lang).to_owned()),
                        Node::Text("description", c.description.get(lang).to_owned()),
                        Node::Text("metadata", (!c.attributes.is_empty()).to_string()),
                        Node::Text("type", "realtime".into()),
                        Node::Text("keywords", keywords(c)),
                        Node::Text("group", c.group.clone()),
                    ],
                )
            })
            .collect(),
    );
    respond(StatusCode::OK, format, json_body, xml_body)
}

async fn definition(
    State(state): State<AppState>,
    tr: Tr,
    Path(file): Path<String>,
    Query(j): Query<Jurisdiction>,
) -> Response {
    let Some((code, format)) = split_format(&file) else {
        return error(StatusCode::NOT_FOUND, Format::Xml, tr.t("not-found"));
    };
    if let Some(response) = wrong_jurisdiction(&tr, format, &j) {
        return response;
    }
    let Some(category) = state
        .app
        .report_categories()
        .into_iter()
        .find(|c| c.code == code)
    else {
        return error(
            StatusCode::NOT_FOUND,
            format,
            tr.t("open311-service-unknown"),
        );
    };
    let lang = tr.lang();
    let attributes: Vec<Value> = category
        .attributes
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let mut v = json!({
                "variable": true,
                "code": a.code,
                "datatype": a.datatype.as_str(),
                "required": a.required,
                "datatype_description": Value::Null,
                "order": i + 1,
                "description": a.description.get(lang),
            });
            if a.datatype.is_list() {
                v["values"] = json!(
                    a.values
                        .iter()
                        .map(|(key, name)| json!({"key": key, "name": name.get(lang)}))
                        .collect::<Vec<_>>()
                );
            }
            v
        })
        .collect();
    let xml_attributes = category
        .attributes
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let mut children = vec![
                Node::Text("variable", "true".into()),
                Node::Text("code", a.code.clone()),
                Node::Text("datatype", a.datatype.as_str().into()),
                Node::Text("required", a.required.to_string()),
                Node::Text("datatype_description", String::new()),
                Node::Text("order", (i + 1).to_string()),
                Node::Text("description", a.description.get(lang).to_owned()),
            ];
            if a.datatype.is_list() {
                children.push(Node::Parent(
                    "values",
                    a.values
                        .iter()
                        .map(|(key, name)| {
                            Node::Parent(
                                "value",
                                vec![
                                    Node::Text("key", key.clone()),
                                    Node::Text("name", name.get(lang).to_owned()),
                                ],
                            )
                        })
                        .collect(),
                ));
            }
            Node::Parent("attribute", children)
        })
        .collect();
    respond(
        StatusCode::OK,
        format,
        json!({"service_code": category.code, "attributes": attributes}),
        Node::Parent(
            "service_definition",
            vec![
                Node::Text("service_code", category.code.clone()),
                Node::Parent("attributes", xml_attributes),
            ],
        ),
    )
}
