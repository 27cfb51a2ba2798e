//! The Saudi 10-digit identity number: national ID (starts with 1) or
//! resident iqama (starts with 2); the last digit is a Luhn check digit.

use super::digits::ascii_digits;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaudiIdHolder {
    Citizen,
    Resident,
}

/// A valid Saudi identity number. It can only be made by [`SaudiId::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaudiId {
    digits: String,
}

impl SaudiId {
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let digits = ascii_digits(input);
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err("saudi-id-not-digits");
        }
        if digits.len() != 10 {
            return Err("saudi-id-length");
        }
        if !matches!(digits.as_bytes()[0], b'1' | b'2') {
            return Err("saudi-id-type");
        }
        if !luhn_sum(&digits).is_multiple_of(10) {
            return Err("saudi-id-check-digit");
        }
        Ok(Self { digits })
    }

    pub fn as_str(&self) -> &str {
        &self.digits
    }

    pub fn holder(&self) -> SaudiIdHolder {
        if self.digits.starts_with('1') {
            SaudiIdHolder::Citizen
        } else {
            SaudiIdHolder::Resident
        }
    }

    pub fn masked(&self) -> String {
        format!("******{}", &self.digits[6..])
    }

    /// Makes a valid ID for demo data and tests: computes the check digit.
    pub fn with_check_digit(first9: &str) -> Option<String> {
        if first9.len() != 9 || !first9.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let sum = luhn_sum(&format!("{first9}0"));
        Some(format!("{first9}{}", (10 - sum % 10) % 10))
    }
}

/// Luhn: from the right, every second digit is doubled (digits of the
/// product added); a valid number sums to a multiple of ten.
fn luhn_sum(digits: &str) -> u32 {
    digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let twice = d * 2;
                twice / 10 + twice % 10
            } else {
                d
            }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citizen_and_resident_ids_parse() {
        let citizen = SaudiId::with_check_digit("101234567").expect("9 digits");
        let resident = SaudiId::with_check_digit("234567891").expect("9 digits");
        assert_eq!(
            SaudiId::parse(&citizen).map(|i| i.holder()),
            Ok(SaudiIdHolder::Citizen)
        );
        assert_eq!(
            SaudiId::parse(&resident).map(|i| i.holder()),
            Ok(SaudiIdHolder::Resident)
        );
    }

    #[test]
    fn luhn_matches_the_textbook_example() {
        // 79927398713 is the classic Luhn example.
        assert_eq!(luhn_sum("79927398713") % 10, 0);
        assert_ne!(luhn_sum("79927398710") % 10, 0);
    }

    #[test]
    fn refuses_mistakes() {
        let good = SaudiId::with_check_digit("101234567").expect("9 digits");
        let mut bad = good.clone();
        let last = bad.pop().expect("digit");
        bad.push(if last == '9' {
            '0'
        } else {
            char::from(last as u8 + 1)
        });
        assert_eq!(SaudiId::parse(&bad), Err("saudi-id-check-digit"));
        assert_eq!(SaudiId::parse("123"), Err("saudi-id-length"));
        assert_eq!(SaudiId::parse("3012345678"), Err("saudi-id-type"));
        assert_eq!(SaudiId::parse("10123x5678"), Err("saudi-id-not-digits"));
    }
}
