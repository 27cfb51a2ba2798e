//! Citizen-report categories (Open311 "services"): what a citizen can
//! report, which department handles it, the extra attributes asked
//! (Open311 service definitions), and how long resolution should take.

use crate::org::{BilingualName, DepartmentKind};

/// The data type of an extra attribute, as Open311 GeoReport v2 names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttributeType {
    String,
    Number,
    Datetime,
    Text,
    SingleValueList,
    MultiValueList,
}

impl AttributeType {
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        Ok(match text {
            "string" => AttributeType::String,
            "number" => AttributeType::Number,
            "datetime" => AttributeType::Datetime,
            "text" => AttributeType::Text,
            "singlevaluelist" => AttributeType::SingleValueList,
            "multivaluelist" => AttributeType::MultiValueList,
            _ => return Err("attribute-type-unknown"),
        })
    }

    /// The Open311 name.
    pub fn as_str(self) -> &'static str {
        match self {
            AttributeType::String => "string",
            AttributeType::Number => "number",
            AttributeType::Datetime => "datetime",
            AttributeType::Text => "text",
            AttributeType::SingleValueList => "singlevaluelist",
            AttributeType::MultiValueList => "multivaluelist",
        }
    }

    pub fn is_list(self) -> bool {
        matches!(
            self,
            AttributeType::SingleValueList | AttributeType::MultiValueList
        )
    }
}

/// One extra question of a category.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub code: String,
    pub datatype: AttributeType,
    pub required: bool,
    pub description: BilingualName,
    /// `(key, name)` of list values.
    pub values: Vec<(String, BilingualName)>,
    /// For numbers: the smallest and largest answer, and whether it must
    /// be whole (a count).
    pub range: NumberRange,
}

/// What a number answer may be. The default takes any finite number.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct NumberRange {
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub whole: bool,
}

impl NumberRange {
    /// The field code of what is wrong with `value`, if anything.
    pub fn check(&self, value: &str) -> Option<&'static str> {
        let Some(n) = value.parse::<f64>().ok().filter(|n| n.is_finite()) else {
            return Some("number-invalid");
        };
        if self.whole && n.fract() != 0.0 {
            return Some("number-not-whole");
        }
        let below = self.min.is_some_and(|min| n < min);
        let above = self.max.is_some_and(|max| n > max);
        (below || above).then_some("number-out-of-range")
    }
}

/// A kind of problem citizens report.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportCategory {
    pub code: String,
    pub name: BilingualName,
    pub description: BilingualName,
    /// A grouping for lists, such as `streets` or `environment`.
    pub group: String,
    pub department: DepartmentKind,
    pub keywords: Vec<String>,
    pub attributes: Vec<Attribute>,
    pub resolution_working_days: u32,
}

pub mod answers;
pub mod lifecycle;
pub mod location;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_whole_and_in_range() {
        let count = NumberRange {
            min: Some(1.0),
            max: Some(1000.0),
            whole: true,
        };
        assert_eq!(count.check("3"), None);
        assert_eq!(count.check("-1"), Some("number-out-of-range"));
        assert_eq!(count.check("3.5"), Some("number-not-whole"));
        assert_eq!(
            count.check("99999999999999999999"),
            Some("number-out-of-range")
        );
        assert_eq!(count.check("NaN"), Some("number-invalid"));
        assert_eq!(
            NumberRange::default().check("-2.5"),
            None,
            "any finite number by default"
        );
    }
}
