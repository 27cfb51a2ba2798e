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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub code: String,
    pub datatype: AttributeType,
    pub required: bool,
    pub description: BilingualName,
    /// `(key, name)` of list values.
    pub values: Vec<(String, BilingualName)>,
}

/// A kind of problem citizens report.
#[derive(Debug, Clone, PartialEq, Eq)]
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
