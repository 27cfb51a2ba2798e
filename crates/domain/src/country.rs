//! Country profiles: what differs between an Egyptian and a Saudi
//! deployment (identity numbers, phone numbers, currency, weekend).

mod digits;
mod egypt;
mod money;
mod phone;
mod saudi;

use chrono::Weekday;
use serde::{Deserialize, Serialize};

pub use digits::{ascii_digits, western_digits};
pub use egypt::{EGYPT_GOVERNORATES, EgyptianNationalId, Governorate};
pub use money::{Currency, Money};
pub use phone::MobileNumber;
pub use saudi::{SaudiId, SaudiIdHolder};

/// A country Baladiya has a profile for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Country {
    #[serde(rename = "EG")]
    Egypt,
    #[serde(rename = "SA")]
    SaudiArabia,
}

impl Country {
    pub const ALL: [Country; 2] = [Country::Egypt, Country::SaudiArabia];

    /// ISO 3166-1 alpha-2 code.
    pub fn code(self) -> &'static str {
        match self {
            Country::Egypt => "EG",
            Country::SaudiArabia => "SA",
        }
    }

    pub fn parse(code: &str) -> Result<Self, &'static str> {
        match code.trim().to_ascii_uppercase().as_str() {
            "EG" => Ok(Country::Egypt),
            "SA" => Ok(Country::SaudiArabia),
            _ => Err("country-unknown"),
        }
    }

    pub fn currency(self) -> Currency {
        match self {
            Country::Egypt => Currency::Egp,
            Country::SaudiArabia => Currency::Sar,
        }
    }

    /// Both countries rest on Friday and Saturday.
    pub fn weekend(self) -> &'static [Weekday] {
        &[Weekday::Fri, Weekday::Sat]
    }

    /// Offset of local (standard) time from UTC, used to decide which
    /// calendar day it is for SLAs. Summer time is not applied.
    pub fn utc_offset_hours(self) -> i32 {
        match self {
            Country::Egypt => 2,
            Country::SaudiArabia => 3,
        }
    }

    /// International dialling code, without the `+`.
    pub fn calling_code(self) -> &'static str {
        match self {
            Country::Egypt => "20",
            Country::SaudiArabia => "966",
        }
    }
}

/// A personal identity number of either country, as a form field accepts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersonalId {
    Egyptian(EgyptianNationalId),
    Saudi(SaudiId),
}

impl PersonalId {
    pub fn parse(
        country: Country,
        input: &str,
        today: chrono::NaiveDate,
    ) -> Result<Self, &'static str> {
        match country {
            Country::Egypt => EgyptianNationalId::parse(input, today).map(PersonalId::Egyptian),
            Country::SaudiArabia => SaudiId::parse(input).map(PersonalId::Saudi),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            PersonalId::Egyptian(id) => id.as_str(),
            PersonalId::Saudi(id) => id.as_str(),
        }
    }
}
