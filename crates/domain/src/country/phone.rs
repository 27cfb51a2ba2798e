//! Mobile numbers of the country profiles, stored in E.164 form.

use super::{Country, digits::ascii_digits};

/// A mobile number valid for its country, kept as E.164 (`+201012345678`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MobileNumber {
    e164: String,
}

impl MobileNumber {
    /// Accepts the ways people write numbers: local (`01012345678`,
    /// `0501234567`), international (`+20…`, `0020…`, `966…`), with spaces,
    /// dashes or Arabic-Indic digits.
    pub fn parse(country: Country, input: &str) -> Result<Self, &'static str> {
        let mut text = ascii_digits(input);
        if let Some(rest) = text.strip_prefix('+') {
            text = rest.to_owned();
        } else if let Some(rest) = text.strip_prefix("00") {
            text = rest.to_owned();
        } else if let Some(rest) = text.strip_prefix('0') {
            text = format!("{}{rest}", country.calling_code());
        }
        if !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err("phone-not-digits");
        }
        let national = text
            .strip_prefix(country.calling_code())
            .ok_or("phone-wrong-country")?;
        let valid = match country {
            // 10 Vodafone, 11 e&, 12 Orange, 15 WE; then 8 digits.
            Country::Egypt => {
                national.len() == 10 && matches!(&national[..2], "10" | "11" | "12" | "15")
            }
            // 5X then 7 digits.
            Country::SaudiArabia => national.len() == 9 && national.starts_with('5'),
        };
        if !valid {
            return Err("phone-not-mobile");
        }
        Ok(Self {
            e164: format!("+{text}"),
        })
    }

    pub fn as_e164(&self) -> &str {
        &self.e164
    }

    /// The number as people of `country` write it (`01012345678`), if it
    /// is one of that country's.
    pub fn local_in(&self, country: Country) -> Option<String> {
        self.e164
            .strip_prefix('+')
            .and_then(|n| n.strip_prefix(country.calling_code()))
            .map(|national| format!("0{national}"))
    }

    /// Hides all but the last three digits.
    pub fn masked(&self) -> String {
        let keep = &self.e164[self.e164.len() - 3..];
        format!("{}•••••{keep}", &self.e164[..4])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn egyptian_forms_all_become_e164() {
        for input in [
            "01012345678",
            "+20 101 234 5678",
            "00201012345678",
            "٠١٠١٢٣٤٥٦٧٨",
        ] {
            let phone = MobileNumber::parse(Country::Egypt, input).expect(input);
            assert_eq!(phone.as_e164(), "+201012345678");
            assert_eq!(
                phone.local_in(Country::Egypt).as_deref(),
                Some("01012345678")
            );
            assert_eq!(phone.local_in(Country::SaudiArabia), None);
        }
    }

    #[test]
    fn saudi_forms_all_become_e164() {
        for input in ["0501234567", "+966 50 123 4567", "00966501234567"] {
            let phone = MobileNumber::parse(Country::SaudiArabia, input).expect(input);
            assert_eq!(phone.as_e164(), "+966501234567");
        }
    }

    #[test]
    fn refuses_landlines_foreign_and_garbage() {
        assert_eq!(
            MobileNumber::parse(Country::Egypt, "0223456789"),
            Err("phone-not-mobile")
        );
        assert_eq!(
            MobileNumber::parse(Country::Egypt, "0131234567"),
            Err("phone-not-mobile")
        );
        assert_eq!(
            MobileNumber::parse(Country::Egypt, "+966501234567"),
            Err("phone-wrong-country")
        );
        assert_eq!(
            MobileNumber::parse(Country::SaudiArabia, "0112345678"),
            Err("phone-not-mobile")
        );
        assert_eq!(
            MobileNumber::parse(Country::SaudiArabia, "05x1234567"),
            Err("phone-not-digits")
        );
    }
}
