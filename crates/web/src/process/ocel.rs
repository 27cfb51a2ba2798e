//! OCEL 2.0 (JSON): the same history as objects and the events that touch
//! them — applications, their documents, payments and issued documents —
//! for object-centric process mining. Written in two passes over the
//! cases (objects, then events), a page at a time, so it never holds the
//! whole log.

use std::collections::BTreeSet;
use std::io::Write;

use baladiya_app::process::Case;
use baladiya_domain::process::Lifecycle;
use serde_json::{Value, json};

/// Writes one OCEL 2.0 JSON log.
#[derive(Debug)]
pub struct OcelWriter<W: Write> {
    out: W,
    first: bool,
    event_types: BTreeSet<String>,
}

const STATIC: &str = "1970-01-01T00:00:00Z";

fn time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn attribute(name: &str, value: impl Into<Value>) -> Value {
    json!({"name": name, "time": STATIC, "value": value.into()})
}

impl<W: Write> OcelWriter<W> {
    pub fn new(mut out: W) -> std::io::Result<Self> {
        out.write_all(b"{\"objects\":[")?;
        Ok(Self {
            out,
            first: true,
            event_types: BTreeSet::new(),
        })
    }

    fn item(&mut self, value: &Value) -> std::io::Result<()> {
        if !self.first {
            self.out.write_all(b",\n")?;
        }
        self.first = false;
        serde_json::to_writer(&mut self.out, value)?;
        Ok(())
    }

    /// First pass: the objects of one case.
    pub fn objects(&mut self, case: &Case) -> std::io::Result<()> {
        let mut relationships = Vec::new();
        for (id, code, _) in &case.documents {
            let document = format!("document-{id}");
            self.item(&json!({
                "id": document, "type": "document",
                "attributes": [attribute("code", code.as_str())],
            }))?;
            relationships.push(json!({"objectId": document, "qualifier": "document"}));
        }
        if let Some(receipt) = &case.receipt_number {
            let payment = format!("payment-{}-{receipt}", case.tracking_number);
            let mut attributes = vec![attribute("receipt_number", receipt.as_str())];
            if let Some(fee) = case.fee_minor {
                attributes.push(attribute("amount", fee as f64 / 100.0));
                attributes.push(attribute("currency", case.currency.as_str()));
            }
            self.item(&json!({"id": payment, "type": "payment", "attributes": attributes}))?;
            relationships.push(json!({"objectId": payment, "qualifier": "payment"}));
        }
        if let Some(code) = &case.license {
            let license = format!("license-{code}");
            self.item(&json!({
                "id": license, "type": "license",
                "attributes": [attribute("verification_code", code.as_str())],
            }))?;
            relationships.push(json!({"objectId": license, "qualifier": "issued document"}));
        }
        self.item(&json!({
            "id": case.tracking_number,
            "type": "application",
            "attributes": [
                attribute("service", case.service_code.as_str()),
                attribute("service_version", case.service_version),
                attribute("unit", case.unit_code.as_str()),
                attribute("channel", case.channel.as_str()),
                attribute("outcome", case.outcome.as_str()),
            ],
            "relationships": relationships,
        }))
    }

    /// Between the passes.
    /// What was written so far (to take it away a page at a time).
    pub fn buffer(&mut self) -> &mut W {
        &mut self.out
    }

    pub fn start_events(&mut self) -> std::io::Result<()> {
        self.out.write_all(b"],\n\"events\":[")?;
        self.first = true;
        Ok(())
    }

    /// Second pass: the events of one case (each activity once, at its
    /// completion), with the objects each touches.
    pub fn events(&mut self, case: &Case) -> std::io::Result<()> {
        let done = case
            .events
            .iter()
            .filter(|e| e.lifecycle == Lifecycle::Complete);
        for (n, event) in done.enumerate() {
            let mut relationships =
                vec![json!({"objectId": case.tracking_number, "qualifier": "application"})];
            if matches!(event.activity.as_str(), "submitted" | "resubmitted") {
                for (id, _, at) in &case.documents {
                    if (*at - event.at).num_seconds().abs() <= 5 {
                        relationships.push(
                            json!({"objectId": format!("document-{id}"), "qualifier": "document"}),
                        );
                    }
                }
            }
            if event.activity.ends_with("/record_payment")
                && let Some(receipt) = &case.receipt_number
            {
                relationships.push(json!({
                    "objectId": format!("payment-{}-{receipt}", case.tracking_number),
                    "qualifier": "payment",
                }));
            }
            if event.activity.ends_with("/issue")
                && let Some(code) = &case.license
            {
                relationships.push(
                    json!({"objectId": format!("license-{code}"), "qualifier": "issued document"}),
                );
            }
            self.event_types.insert(event.activity.clone());
            self.item(&json!({
                "id": format!("{}-{n}", case.tracking_number),
                "type": event.activity,
                "time": time(event.at),
                "attributes": [
                    {"name": "resource", "value": event.resource},
                    {"name": "role", "value": event.role},
                ],
                "relationships": relationships,
            }))?;
        }
        Ok(())
    }

    /// Ends the log with its types; returns the output.
    pub fn finish(mut self) -> std::io::Result<W> {
        let object_types = json!([
            {"name": "application", "attributes": [
                {"name": "service", "type": "string"},
                {"name": "service_version", "type": "integer"},
                {"name": "unit", "type": "string"},
                {"name": "channel", "type": "string"},
                {"name": "outcome", "type": "string"},
            ]},
            {"name": "document", "attributes": [{"name": "code", "type": "string"}]},
            {"name": "payment", "attributes": [
                {"name": "receipt_number", "type": "string"},
                {"name": "amount", "type": "float"},
                {"name": "currency", "type": "string"},
            ]},
            {"name": "license", "attributes": [{"name": "verification_code", "type": "string"}]},
        ]);
        let event_types: Vec<Value> = self
            .event_types
            .iter()
            .map(|name| {
                json!({"name": name, "attributes": [
                    {"name": "resource", "type": "string"},
                    {"name": "role", "type": "string"},
                ]})
            })
            .collect();
        self.out.write_all(b"],\n\"objectTypes\":")?;
        serde_json::to_writer(&mut self.out, &object_types)?;
        self.out.write_all(b",\n\"eventTypes\":")?;
        serde_json::to_writer(&mut self.out, &event_types)?;
        self.out.write_all(b"}\n")?;
        Ok(self.out)
    }
}
