//! Tracking numbers (أرقام التتبع): `UNIT-YEAR-SEQUENCE-C`, such as
//! `EG-GZ-BDR-2026-000042-7`. The unit code and year make numbers unique
//! across a deployment (the sequence counts per unit and year); the check
//! character (ISO/IEC 7064 MOD 37,36 over the letters and digits) catches
//! every single mistyped character and most swapped neighbours, so a
//! mistyped number is refused rather than matched to someone else's.

use crate::org::UnitCode;

const M: u32 = 36;
const ALPHABET: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|a| *a == c).map(|p| p as u32)
}

/// The MOD 37,36 check character of the letters and digits of `text`.
fn check_char(text: &str) -> char {
    let mut p = M;
    for v in text.bytes().filter_map(value) {
        let mut s = (p + v) % M;
        if s == 0 {
            s = M;
        }
        p = (s * 2) % (M + 1);
    }
    char::from(ALPHABET[((M + 1 - p) % M) as usize])
}

/// A tracking number whose check character is right.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TrackingNumber(String);

impl TrackingNumber {
    pub fn new(unit: &UnitCode, year: i32, sequence: u64) -> Self {
        let body = format!("{unit}-{year}-{sequence:06}");
        let check = check_char(&body);
        Self(format!("{body}-{check}"))
    }

    /// Accepts what a person typed: case and surrounding spaces do not matter.
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let text = crate::country::western_digits(text.trim()).to_ascii_uppercase();
        let (body, check) = text.rsplit_once('-').ok_or("tracking-number-invalid")?;
        let mut parts = body.rsplitn(3, '-');
        let sequence = parts
            .next()
            .filter(|s| s.len() >= 6 && s.bytes().all(|b| b.is_ascii_digit()));
        let year = parts
            .next()
            .filter(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()));
        let unit = parts.next().map(UnitCode::parse);
        match (sequence, year, unit) {
            (Some(_), Some(_), Some(Ok(_))) if check.len() == 1 => {}
            _ => return Err("tracking-number-invalid"),
        }
        if !check.starts_with(check_char(body)) {
            return Err("tracking-number-check");
        }
        Ok(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for TrackingNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit() -> UnitCode {
        UnitCode::parse("EG-GZ-BDR").expect("code")
    }

    #[test]
    fn round_trips_and_ignores_case() {
        let number = TrackingNumber::new(&unit(), 2026, 42);
        assert!(number.as_str().starts_with("EG-GZ-BDR-2026-000042-"));
        assert_eq!(TrackingNumber::parse(number.as_str()), Ok(number.clone()));
        assert_eq!(
            TrackingNumber::parse(&number.as_str().to_lowercase()),
            Ok(number)
        );
    }

    #[test]
    fn every_single_substitution_is_caught() {
        let number = TrackingNumber::new(&unit(), 2026, 1234).to_string();
        let bytes = number.as_bytes();
        for (i, original) in bytes.iter().enumerate() {
            if *original == b'-' {
                continue;
            }
            for replacement in ALPHABET {
                if replacement == original {
                    continue;
                }
                let mut typo = bytes.to_vec();
                typo[i] = *replacement;
                let typo = String::from_utf8(typo).expect("ascii");
                assert!(TrackingNumber::parse(&typo).is_err(), "{typo} accepted");
            }
        }
    }

    #[test]
    fn swapped_digits_are_caught() {
        let number = TrackingNumber::new(&unit(), 2026, 123_456).to_string();
        let typo = number.replace("123456", "124356");
        assert_eq!(TrackingNumber::parse(&typo), Err("tracking-number-check"));
    }

    #[test]
    fn malformed_numbers_are_refused() {
        for bad in [
            "",
            "EG-GZ",
            "EG-GZ-BDR-26-000001-X",
            "EG-GZ-BDR-2026-01-X",
            "2026-000001-X",
        ] {
            assert!(TrackingNumber::parse(bad).is_err(), "{bad}");
        }
    }
}
