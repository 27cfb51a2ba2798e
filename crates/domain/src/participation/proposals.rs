//! A citizen's proposal as submitted (valid once it exists), the
//! technical review a department gives it, a moderator's hiding, and
//! where a proposal stands against its process's support threshold.

use crate::FieldError;
use crate::text::{CONTROL_CHARACTERS, has_forbidden_chars};

/// What proposals are about (their translation keys end in these).
pub const CATEGORIES: [&str; 8] = [
    "roads",
    "lighting",
    "drainage",
    "green",
    "health",
    "education",
    "waste",
    "other",
];

/// The longest title and description, in characters.
pub const MAX_TITLE: usize = 140;
pub const MAX_DESCRIPTION: usize = 4_000;
/// The largest estimated cost, in whole units of the currency.
pub const MAX_COST: i64 = 1_000_000_000_000;

/// `text` trimmed, if its length in characters is within `range` and it
/// holds no forbidden character; otherwise the field's error is pushed.
fn checked_text(
    field: &str,
    text: &str,
    range: std::ops::RangeInclusive<usize>,
    code: &'static str,
    errors: &mut Vec<FieldError>,
) -> String {
    let text = text.trim();
    if has_forbidden_chars(text) {
        errors.push(FieldError::new(field, CONTROL_CHARACTERS));
    } else if !range.contains(&text.chars().count()) {
        errors.push(FieldError::new(field, code));
    }
    text.to_owned()
}

/// A whole amount above zero, as typed.
fn amount(text: &str) -> Option<i64> {
    super::typed_whole(text).filter(|c| *c > 0)
}

/// A proposal as a citizen (or staff, from reports) submits it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewProposal {
    pub title: String,
    pub description: String,
    pub category: &'static str,
    pub cost: i64,
    /// `(latitude, longitude)`, when placed on the map.
    pub place: Option<(f64, f64)>,
}

impl NewProposal {
    /// The fields as typed, or every field's error: `proposal-title`
    /// (5 to 140 characters), `proposal-description` (20 to 4,000),
    /// `proposal-category`, `proposal-cost` (a whole amount above zero),
    /// `proposal-place` (both coordinates, on Earth).
    pub fn parse(
        title: &str,
        description: &str,
        category: &str,
        cost: &str,
        latitude: &str,
        longitude: &str,
    ) -> Result<NewProposal, Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = checked_text("title", title, 5..=MAX_TITLE, "proposal-title", &mut errors);
        let description = checked_text(
            "description",
            description,
            20..=MAX_DESCRIPTION,
            "proposal-description",
            &mut errors,
        );
        let category = CATEGORIES.into_iter().find(|c| *c == category.trim());
        if category.is_none() {
            errors.push(FieldError::new("category", "proposal-category"));
        }
        let cost = amount(cost);
        if cost.is_none() {
            errors.push(FieldError::new("cost", "proposal-cost"));
        }
        let coordinate = |text: &str, limit: f64| {
            crate::country::western_digits(text.trim())
                .replace('٫', ".")
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && v.abs() <= limit)
        };
        let place = match (latitude.trim(), longitude.trim()) {
            ("", "") => Some(None),
            (lat, long) => coordinate(lat, 90.0).zip(coordinate(long, 180.0)).map(Some),
        };
        if place.is_none() {
            errors.push(FieldError::new("latitude", "proposal-place"));
        }
        match (category, cost, place) {
            (Some(category), Some(cost), Some(place)) if errors.is_empty() => Ok(NewProposal {
                title,
                description,
                category,
                cost,
                place,
            }),
            _ => Err(errors),
        }
    }
}

/// A department's technical review of a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Review {
    /// It can be done, at this estimated cost; the public reason says how.
    Feasible { cost: i64, reason: String },
    /// It cannot; the public reason says why. It stays listed with it.
    Unfeasible { reason: String },
}

impl Review {
    /// A review as staff gave it: `review-decision`, `review-reason`
    /// (10 to 2,000 characters, public), `review-cost` for a feasible one.
    pub fn parse(decision: &str, reason: &str, cost: &str) -> Result<Review, Vec<FieldError>> {
        let mut errors = Vec::new();
        let reason = checked_text("reason", reason, 10..=2_000, "review-reason", &mut errors);
        let review = match decision {
            "feasible" => match amount(cost) {
                Some(cost) => Some(Review::Feasible { cost, reason }),
                None => {
                    errors.push(FieldError::new("cost", "review-cost"));
                    None
                }
            },
            "unfeasible" => Some(Review::Unfeasible { reason }),
            _ => {
                errors.push(FieldError::new("decision", "review-decision"));
                None
            }
        };
        match review {
            Some(review) if errors.is_empty() => Ok(review),
            _ => Err(errors),
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Review::Feasible { .. } => "feasible",
            Review::Unfeasible { .. } => "unfeasible",
        }
    }
}

/// Where a proposal stands, as citizens read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Fewer supports than the threshold.
    CollectingSupports,
    /// The threshold reached: with the department for review.
    InReview,
    Feasible,
    Unfeasible,
    /// Hidden by a moderator (the reason is shown, not the proposal).
    Hidden,
}

impl Standing {
    /// From what is stored: the review (`submitted`, `feasible`,
    /// `unfeasible`), the supports and the threshold, and whether hidden.
    pub fn of(review: &str, supports: i64, threshold: i64, hidden: bool) -> Standing {
        match review {
            _ if hidden => Standing::Hidden,
            "feasible" => Standing::Feasible,
            "unfeasible" => Standing::Unfeasible,
            _ if supports >= threshold => Standing::InReview,
            _ => Standing::CollectingSupports,
        }
    }

    /// Its translation key's end (`proposal-standing-…`).
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::CollectingSupports => "collecting",
            Standing::InReview => "in-review",
            Standing::Feasible => "feasible",
            Standing::Unfeasible => "unfeasible",
            Standing::Hidden => "hidden",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proposal_is_checked_field_by_field() {
        let ok = NewProposal::parse(
            "تطهير مصرف سقارة",
            "المصرف مسدود منذ شهور ويغرق الشارع كلما أمطرت.",
            "drainage",
            "٩٠٠٬٠٠٠",
            "29.85",
            "31.25",
        )
        .expect("valid");
        assert_eq!(ok.cost, 900_000);
        assert_eq!(ok.place, Some((29.85, 31.25)));
        let codes: Vec<&str> = NewProposal::parse("abc", "short", "parks", "0", "95", "")
            .expect_err("invalid")
            .iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(
            codes,
            [
                "proposal-title",
                "proposal-description",
                "proposal-category",
                "proposal-cost",
                "proposal-place"
            ]
        );
    }

    #[test]
    fn a_review_gives_a_public_reason_and_a_cost_when_feasible() {
        assert_eq!(
            Review::parse("feasible", "Within the drainage plan for 2027.", "850000"),
            Ok(Review::Feasible {
                cost: 850_000,
                reason: "Within the drainage plan for 2027.".into()
            })
        );
        assert_eq!(
            Review::parse("feasible", "Within the plan.", "").map_err(|e| e[0].code),
            Err("review-cost")
        );
        assert!(Review::parse("unfeasible", "The land is privately owned.", "").is_ok());
        assert_eq!(
            Review::parse("maybe", "Some reason here.", "").map_err(|e| e[0].code),
            Err("review-decision")
        );
    }

    #[test]
    fn the_threshold_sends_a_proposal_to_review() {
        assert_eq!(
            Standing::of("submitted", 9, 10, false),
            Standing::CollectingSupports
        );
        assert_eq!(Standing::of("submitted", 10, 10, false), Standing::InReview);
        assert_eq!(
            Standing::of("unfeasible", 3, 10, false),
            Standing::Unfeasible
        );
        assert_eq!(Standing::of("feasible", 30, 10, true), Standing::Hidden);
    }
}
