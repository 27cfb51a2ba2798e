//! JSON shapes of applications and services, shared by the API handlers.

use baladiya_app::applications::ApplicationView;
use baladiya_domain::catalog::{Fee, FieldKind, Service};
use serde::Serialize;
use serde_json::{Value, json};

/// Major units as text with two decimals: `1500.50`.
/// A file's size as people read it in the page's language: kilobytes
/// under a megabyte, else megabytes, rounded up («5 ميجابايت», «5 MB»).
pub fn file_size(tr: &crate::http::i18n::Tr, bytes: i64) -> String {
    const KB: i64 = 1024;
    if bytes < KB * KB {
        tr.count("size-kb", "n", (bytes + KB - 1) / KB)
    } else {
        tr.count("size-mb", "n", (bytes + KB * KB - 1) / (KB * KB))
    }
}

pub fn amount(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, (minor % 100).abs())
}

pub fn service_summary(service: &Service) -> Value {
    json!({
        "code": service.code.as_str(),
        "version": service.version,
        "country": service.country.code(),
        "category": service.category,
        "name_ar": service.name.ar(),
        "name_en": service.name.en(),
        "sla_working_days": service.sla_working_days,
        "currency": service.currency().code(),
    })
}

pub fn service_detail(service: &Service) -> Value {
    let mut v = service_summary(service);
    let fee = service.fee.as_ref().map(|fee| match fee {
        Fee::Fixed(minor) => json!({"kind": "fixed", "amount": amount(*minor)}),
        Fee::Formula { base, terms, minimum, maximum } => json!({
            "kind": "formula",
            "base": amount(*base),
            "terms": terms.iter().map(|t| json!({"field": t.field, "rate": amount(t.rate)})).collect::<Vec<_>>(),
            "minimum": amount(*minimum),
            "maximum": maximum.map(amount),
        }),
    });
    v["description_ar"] = json!(service.description.ar());
    v["description_en"] = json!(service.description.en());
    v["legal_basis_ar"] = json!(service.legal_basis.ar());
    v["legal_basis_en"] = json!(service.legal_basis.en());
    v["applicants"] = json!(
        service
            .applicants
            .iter()
            .map(|a| a.as_str())
            .collect::<Vec<_>>()
    );
    v["fee"] = fee.unwrap_or(Value::Null);
    v["documents"] = json!(
        service
            .documents
            .iter()
            .map(|d| json!({
                "code": d.code, "name_ar": d.name.ar(), "name_en": d.name.en(),
                "mandatory": d.mandatory, "types": d.types, "max_bytes": d.max_bytes,
            }))
            .collect::<Vec<_>>()
    );
    v["fields"] = json!(service.fields.iter().map(|f| {
        let mut field = json!({
            "code": f.code, "kind": f.kind.name(), "required": f.required,
            "label_ar": f.label.ar(), "label_en": f.label.en(),
        });
        match &f.kind {
            FieldKind::Number { min, max, integer } => {
                field["min"] = json!(min);
                field["max"] = json!(max);
                field["integer"] = json!(integer);
            }
            FieldKind::Area { min, max } => {
                field["min"] = json!(min);
                field["max"] = json!(max);
            }
            FieldKind::Choice { options } => {
                field["options"] = json!(options.iter().map(|o| json!({"value": o.value, "ar": o.label.ar(), "en": o.label.en()})).collect::<Vec<_>>());
            }
            FieldKind::Text { max_chars } => field["max_chars"] = json!(max_chars),
            _ => {}
        }
        field
    }).collect::<Vec<_>>());
    v["steps"] = json!(service.procedure.steps().iter().map(|s| json!({
        "code": s.code, "kind": s.kind.name(), "name_ar": s.name.ar(), "name_en": s.name.en(),
        "role": s.role.as_str(),
        "departments": s.kind.departments().iter().map(|d| d.as_str()).collect::<Vec<_>>(),
        "sla_working_days": s.sla_working_days,
        "actions": s.actions.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
    })).collect::<Vec<_>>());
    v
}

#[derive(Serialize)]
struct HistoryLine<'a> {
    at: chrono::DateTime<chrono::Utc>,
    action: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    actor: Option<&'a str>,
    comment: Option<String>,
    department: Option<String>,
}

/// An application as JSON. `for_staff` adds who acted, the version and
/// the form; the applicant's view leaves staff names out.
pub fn application(view: &ApplicationView, for_staff: bool, today: chrono::NaiveDate) -> Value {
    let r = &view.record;
    let step = view.current_step();
    let history: Vec<HistoryLine<'_>> = view
        .history
        .iter()
        .map(|h| {
            let detail: Value = serde_json::from_str(&h.detail).unwrap_or_default();
            HistoryLine {
                at: h.at,
                action: h.action.strip_prefix("application.").unwrap_or(&h.action),
                actor: if for_staff {
                    h.actor_name.as_deref()
                } else {
                    None
                },
                comment: detail["comment"]
                    .as_str()
                    .filter(|c| !c.is_empty())
                    .map(str::to_owned),
                department: detail["department"].as_str().map(str::to_owned),
            }
        })
        .collect();
    let status = view.status();
    let mut v = json!({
        "tracking_number": r.tracking_number,
        "service": {"code": view.service.code.as_str(), "version": view.service.version,
                     "name_ar": view.service.name.ar(), "name_en": view.service.name.en()},
        "unit": {"code": view.unit.code.as_str(), "name_ar": view.unit.name.ar(), "name_en": view.unit.name.en()},
        "status": status.as_str(),
        "channel": r.channel,
        "current_step": if status.is_final() { Value::Null } else { step.map_or(Value::Null, |s| json!({
            "index": r.step, "code": s.code, "kind": s.kind.name(),
            "name_ar": s.name.ar(), "name_en": s.name.en(), "role": s.role.as_str(),
            "pending_departments": r.pending_departments.split(',').filter(|d| !d.is_empty()).collect::<Vec<_>>(),
            "approved_departments": view.approvals().iter().map(|d| d.as_str()).collect::<Vec<_>>(),
            "actions": s.actions.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
            "due_on": r.step_due_on,
        })) },
        "fee": r.fee_minor.map(|m| json!({"amount": amount(m), "currency": r.currency})),
        "receipt_number": r.receipt_number,
        "submitted_at": r.submitted_at,
        "due_on": r.due_on,
        "overdue": !status.is_final() && status != baladiya_domain::workflow::Status::Returned && r.due_on < today,
        "completed_at": r.completed_at,
        "rating": r.rating,
        "history": history,
        "documents": view.documents.iter().map(|(code, name, kind, size)| json!({
            "code": code, "file_name": name, "type": kind, "size_bytes": size,
        })).collect::<Vec<_>>(),
        "license": view.issuance.as_ref().map(|i| json!({
            "verification_code": i.verification_code,
            "issued_on": i.issued_on,
            "valid_until": i.valid_until,
            "revoked": i.revoked_at.is_some(),
        })),
        "return_request": view.return_request().map(|r| json!({
            "reason": r.reason,
            "documents": r.documents,
        })),
    });
    if for_staff {
        v["version"] = json!(r.version);
        v["applicant"] = json!({
            "kind": r.applicant_kind, "name": r.applicant_name,
            "id_number": r.applicant_id_number, "phone": r.applicant_phone,
        });
        v["form"] = serde_json::from_str(&r.form).unwrap_or_default();
    }
    v
}
