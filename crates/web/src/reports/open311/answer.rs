//! Answers as the specification writes them: one document tree written as
//! JSON or as XML, so the formats cannot drift, and the error array with
//! one entry per problem.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use baladiya_app::AppError;
use baladiya_domain::ErrorCode;
use baladiya_domain::text::without_forbidden_chars;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use serde_json::Value;

use super::Format;
use crate::http::error::{WebError, status_of};
use crate::http::i18n::Tr;

/// An answer, written as JSON or as XML.
pub(super) enum Doc {
    /// A string, number, boolean or null.
    Scalar(Value),
    /// Named children, in order.
    Object(Vec<(&'static str, Doc)>),
    /// Items, each an XML element of this name.
    List(&'static str, Vec<Doc>),
}

pub(super) fn text(value: impl Into<String>) -> Doc {
    Doc::Scalar(Value::String(value.into()))
}

pub(super) fn opt_text(value: Option<impl Into<String>>) -> Doc {
    value.map_or(Doc::Scalar(Value::Null), text)
}

/// JSON is written straight from the tree.
impl serde::Serialize for Doc {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            Doc::Scalar(v) => v.serialize(serializer),
            Doc::Object(fields) => {
                let mut map = serializer.serialize_map(Some(fields.len()))?;
                for (k, v) in fields {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
            Doc::List(_, items) => serializer.collect_seq(items),
        }
    }
}

impl Doc {
    fn write_xml(&self, writer: &mut Writer<Vec<u8>>, name: &str) -> std::io::Result<()> {
        let element = writer.create_element(name);
        match self {
            Doc::Scalar(Value::Null) => {
                element.write_empty()?;
            }
            Doc::Scalar(v) => {
                let content = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                // Whatever was stored, the document stays well-formed XML.
                element.write_text_content(BytesText::new(&without_forbidden_chars(&content)))?;
            }
            Doc::Object(fields) => {
                element.write_inner_content(|w| {
                    fields.iter().try_for_each(|(k, v)| v.write_xml(w, k))
                })?;
            }
            Doc::List(item, items) => {
                element
                    .write_inner_content(|w| items.iter().try_for_each(|v| v.write_xml(w, item)))?;
            }
        }
        Ok(())
    }
}

fn xml(root: &str, doc: &Doc) -> Vec<u8> {
    let mut writer = Writer::new(Vec::new());
    let written = writer
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .and_then(|()| doc.write_xml(&mut writer, root));
    if let Err(error) = written {
        tracing::error!(%error, "writing XML");
    }
    writer.into_inner()
}

pub(super) fn respond(status: StatusCode, format: Format, root: &str, doc: Doc) -> Response {
    match format {
        Format::Json => (
            status,
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            serde_json::to_vec(&doc).unwrap_or_default(),
        )
            .into_response(),
        Format::Xml => (
            status,
            [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
            xml(root, &doc),
        )
            .into_response(),
    }
}

/// The specification's error array: one entry per problem.
pub(super) fn errors(status: StatusCode, format: Format, descriptions: Vec<String>) -> Response {
    let items = descriptions
        .into_iter()
        .map(|d| {
            Doc::Object(vec![
                ("code", Doc::Scalar(Value::from(status.as_u16()))),
                ("description", text(d)),
            ])
        })
        .collect();
    let mut response = respond(status, format, "errors", Doc::List("error", items));
    if status == StatusCode::TOO_MANY_REQUESTS {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("60"));
    }
    response
}

pub(super) fn error(status: StatusCode, format: Format, description: String) -> Response {
    errors(status, format, vec![description])
}

/// An application error as the specification's error array: invalid input
/// is `400` with one entry per field (`field: message`).
pub(super) fn app_error(tr: &Tr, format: Format, error: AppError) -> Response {
    let web = WebError::from(error);
    let status = match web.code {
        ErrorCode::InvalidInput => StatusCode::BAD_REQUEST,
        code => status_of(code),
    };
    let descriptions = if web.fields.is_empty() {
        vec![crate::http::error::message(tr, &web)]
    } else {
        web.fields
            .iter()
            .map(|f| format!("{}: {}", f.field, tr.t(f.code)))
            .collect()
    };
    errors(status, format, descriptions)
}
