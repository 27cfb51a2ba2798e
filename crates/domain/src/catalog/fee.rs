//! Fees: a fixed amount, or a formula over form fields (such as area ×
//! rate) with a minimum and an optional maximum. Amounts are minor units.

use std::collections::BTreeMap;

use crate::catalog::FieldValue;

/// `rate` minor units per unit of the field's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeTerm {
    pub field: String,
    pub rate: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fee {
    Fixed(i64),
    Formula {
        base: i64,
        terms: Vec<FeeTerm>,
        minimum: i64,
        maximum: Option<i64>,
    },
}

impl Fee {
    /// The amount due for the given field values, in minor units. A
    /// term whose (optional) field is empty adds nothing. Fractions of a
    /// minor unit round half up.
    pub fn amount(&self, values: &BTreeMap<String, FieldValue>) -> i64 {
        match self {
            Fee::Fixed(amount) => *amount,
            Fee::Formula {
                base,
                terms,
                minimum,
                maximum,
            } => {
                let variable: f64 = terms
                    .iter()
                    .filter_map(|t| {
                        values
                            .get(&t.field)
                            .and_then(FieldValue::as_number)
                            .map(|v| v * t.rate as f64)
                    })
                    .sum();
                let total = base.saturating_add(variable.round() as i64).max(*minimum);
                maximum.map_or(total, |max| total.min(max))
            }
        }
    }
}

/// Parses an amount written in major units ("1500", "1500.5", "1500.50")
/// into minor units.
pub fn parse_amount(text: &str) -> Result<i64, &'static str> {
    let text = text.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || fraction.len() > 2
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return Err("amount-invalid");
    }
    let whole: i64 = whole.parse().map_err(|_| "amount-invalid")?;
    let fraction: i64 = format!("{fraction:0<2}")
        .parse()
        .map_err(|_| "amount-invalid")?;
    whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(fraction))
        .ok_or("amount-invalid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_to_minor_units() {
        assert_eq!(parse_amount("1500"), Ok(150_000));
        assert_eq!(parse_amount("1500.5"), Ok(150_050));
        assert_eq!(parse_amount("0.05"), Ok(5));
        for bad in ["", "1.234", "-1", "1,5", "abc", ".5"] {
            assert_eq!(parse_amount(bad), Err("amount-invalid"), "{bad}");
        }
    }

    #[test]
    fn formula_applies_rate_minimum_and_maximum() {
        let fee = Fee::Formula {
            base: 10_000,
            terms: vec![FeeTerm {
                field: "area".into(),
                rate: 500,
            }],
            minimum: 50_000,
            maximum: Some(1_000_000),
        };
        let with = |area: f64| BTreeMap::from([("area".to_owned(), FieldValue::Number(area))]);
        assert_eq!(fee.amount(&with(120.5)), 10_000 + 60_250);
        assert_eq!(fee.amount(&with(10.0)), 50_000, "minimum");
        assert_eq!(fee.amount(&with(100_000.0)), 1_000_000, "maximum");
        assert_eq!(fee.amount(&BTreeMap::new()), 50_000);
        assert_eq!(Fee::Fixed(25_000).amount(&with(1.0)), 25_000);
    }
}
