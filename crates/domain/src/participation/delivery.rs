//! The delivery of a decided project as staff report it: its status, how
//! far along it is, its budget line allocated and spent, and a public
//! note — valid once it exists.

use crate::FieldError;
use crate::text::{CONTROL_CHARACTERS, has_forbidden_chars};

/// Where a decided project is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    Planned,
    InProgress,
    Delivered,
    Cancelled,
}

impl DeliveryStatus {
    pub const ALL: [DeliveryStatus; 4] = [
        DeliveryStatus::Planned,
        DeliveryStatus::InProgress,
        DeliveryStatus::Delivered,
        DeliveryStatus::Cancelled,
    ];

    /// Its stable name, also its translation key's end (`delivery-status-…`).
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Planned => "planned",
            DeliveryStatus::InProgress => "in_progress",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<DeliveryStatus> {
        DeliveryStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A delivery report, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub status: DeliveryStatus,
    /// Percent done.
    pub progress: i64,
    pub allocated: i64,
    pub spent: i64,
    pub note: String,
}

impl Delivery {
    /// The fields as typed, or each one's error: `delivery-status-invalid`,
    /// `delivery-progress-invalid` (0 to 100; 100 once delivered),
    /// `delivery-amount` (whole, not negative), `delivery-note-too-long`
    /// (up to 2,000 characters, public).
    pub fn parse(
        status: &str,
        progress: &str,
        allocated: &str,
        spent: &str,
        note: &str,
    ) -> Result<Delivery, Vec<FieldError>> {
        let mut errors = Vec::new();
        let status = DeliveryStatus::parse(status.trim());
        if status.is_none() {
            errors.push(FieldError::new("status", "delivery-status-invalid"));
        }
        let progress = super::typed_whole(progress).filter(|p| *p <= 100);
        let delivered_whole = !(status == Some(DeliveryStatus::Delivered) && progress != Some(100));
        if progress.is_none() || !delivered_whole {
            errors.push(FieldError::new("progress", "delivery-progress-invalid"));
        }
        let allocated = super::typed_whole(allocated);
        if allocated.is_none() {
            errors.push(FieldError::new("allocated", "delivery-amount"));
        }
        let spent = super::typed_whole(spent);
        if spent.is_none() {
            errors.push(FieldError::new("spent", "delivery-amount"));
        }
        let note = note.trim().to_owned();
        if has_forbidden_chars(&note) {
            errors.push(FieldError::new("note", CONTROL_CHARACTERS));
        } else if note.chars().count() > 2_000 {
            errors.push(FieldError::new("note", "delivery-note-too-long"));
        }
        match (status, progress, allocated, spent) {
            (Some(status), Some(progress), Some(allocated), Some(spent)) if errors.is_empty() => {
                Ok(Delivery {
                    status,
                    progress,
                    allocated,
                    spent,
                    note,
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delivery_report_is_checked() {
        let ok = Delivery::parse("in_progress", "٦٠", "1,200,000", "700000", "الرصف جارٍ")
            .expect("valid");
        assert_eq!(
            (ok.progress, ok.allocated, ok.spent),
            (60, 1_200_000, 700_000)
        );
        let codes: Vec<&str> = Delivery::parse("done", "120", "-5", "x", "")
            .expect_err("invalid")
            .iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(
            codes,
            [
                "delivery-status-invalid",
                "delivery-progress-invalid",
                "delivery-amount",
                "delivery-amount"
            ]
        );
        assert_eq!(
            Delivery::parse("delivered", "90", "1", "1", "").map_err(|e| e[0].field.clone()),
            Err("progress".to_owned()),
            "a delivered project is done"
        );
    }
}
