//! The Egyptian 14-digit national ID (الرقم القومي).
//!
//! Layout: `C YYMMDD GG SSSS K` — century digit (2 = 1900s, 3 = 2000s),
//! birth date, the governorate of birth registration, a sequence whose last
//! digit is odd for men and even for women, and a check digit.
//!
//! The check digit is the weighted mod-11 scheme used by Egyptian
//! e-government forms: weights 2,7,6,5,4,3,2,7,6,5,4,3,2 over the first 13
//! digits and `check = (11 - sum % 11) % 10`.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::digits::ascii_digits;

/// A governorate of birth registration as coded in the national ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Governorate {
    pub code: u8,
    pub name_ar: &'static str,
    pub name_en: &'static str,
}

/// The official governorate codes of the national ID (88 = born abroad).
pub const EGYPT_GOVERNORATES: &[Governorate] = &[
    gov(1, "القاهرة", "Cairo"),
    gov(2, "الإسكندرية", "Alexandria"),
    gov(3, "بورسعيد", "Port Said"),
    gov(4, "السويس", "Suez"),
    gov(11, "دمياط", "Damietta"),
    gov(12, "الدقهلية", "Dakahlia"),
    gov(13, "الشرقية", "Sharqia"),
    gov(14, "القليوبية", "Qalyubia"),
    gov(15, "كفر الشيخ", "Kafr El Sheikh"),
    gov(16, "الغربية", "Gharbia"),
    gov(17, "المنوفية", "Monufia"),
    gov(18, "البحيرة", "Beheira"),
    gov(19, "الإسماعيلية", "Ismailia"),
    gov(21, "الجيزة", "Giza"),
    gov(22, "بني سويف", "Beni Suef"),
    gov(23, "الفيوم", "Fayoum"),
    gov(24, "المنيا", "Minya"),
    gov(25, "أسيوط", "Asyut"),
    gov(26, "سوهاج", "Sohag"),
    gov(27, "قنا", "Qena"),
    gov(28, "أسوان", "Aswan"),
    gov(29, "الأقصر", "Luxor"),
    gov(31, "البحر الأحمر", "Red Sea"),
    gov(32, "الوادي الجديد", "New Valley"),
    gov(33, "مطروح", "Matrouh"),
    gov(34, "شمال سيناء", "North Sinai"),
    gov(35, "جنوب سيناء", "South Sinai"),
    gov(88, "خارج الجمهورية", "Born abroad"),
];

const fn gov(code: u8, name_ar: &'static str, name_en: &'static str) -> Governorate {
    Governorate {
        code,
        name_ar,
        name_en,
    }
}

const WEIGHTS: [u32; 13] = [2, 7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

/// Sex as recorded in the national ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Sex {
    Male,
    Female,
}

/// A valid Egyptian national ID. It can only be made by [`EgyptianNationalId::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EgyptianNationalId {
    digits: String,
    birth_date: NaiveDate,
    governorate: Governorate,
}

impl EgyptianNationalId {
    /// Parses what a person typed (Arabic-Indic digits and spaces allowed).
    /// `today` bounds the birth date: nobody is born in the future.
    pub fn parse(input: &str, today: NaiveDate) -> Result<Self, &'static str> {
        let digits = ascii_digits(input);
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err("national-id-not-digits");
        }
        if digits.len() != 14 {
            return Err("national-id-length");
        }
        let d: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
        let century = match d[0] {
            2 => 1900,
            3 => 2000,
            _ => return Err("national-id-century"),
        };
        let year = century + (d[1] * 10 + d[2]) as i32;
        let birth_date = NaiveDate::from_ymd_opt(year, d[3] * 10 + d[4], d[5] * 10 + d[6])
            .filter(|date| *date <= today)
            .ok_or("national-id-birth-date")?;
        let code = (d[7] * 10 + d[8]) as u8;
        let governorate = *EGYPT_GOVERNORATES
            .iter()
            .find(|g| g.code == code)
            .ok_or("national-id-governorate")?;
        let sum: u32 = d[..13].iter().zip(WEIGHTS).map(|(x, w)| x * w).sum();
        if (11 - sum % 11) % 10 != d[13] {
            return Err("national-id-check-digit");
        }
        Ok(Self {
            digits,
            birth_date,
            governorate,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.digits
    }

    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }

    pub fn governorate(&self) -> Governorate {
        self.governorate
    }

    pub fn sex(&self) -> Sex {
        if (self.digits.as_bytes()[12] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// Age in whole years on `today`.
    pub fn age_on(&self, today: NaiveDate) -> u32 {
        today.years_since(self.birth_date).unwrap_or(0)
    }

    /// Shows only the last four digits, for receipts and public pages.
    pub fn masked(&self) -> String {
        format!("**********{}", &self.digits[10..])
    }

    /// Makes a valid ID for demo data and tests: computes the check digit.
    pub fn with_check_digit(first13: &str) -> Option<String> {
        if first13.len() != 13 || !first13.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let sum: u32 = first13
            .bytes()
            .zip(WEIGHTS)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        Some(format!("{first13}{}", (11 - sum % 11) % 10))
    }

    /// Year the holder was born, for statistics.
    pub fn birth_year(&self) -> i32 {
        self.birth_date.year()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
    }

    fn valid(first13: &str) -> String {
        EgyptianNationalId::with_check_digit(first13).expect("13 digits")
    }

    #[test]
    fn parses_a_valid_id_and_reads_its_parts() {
        let text = valid("2900115210123");
        let id = EgyptianNationalId::parse(&text, today()).expect("valid");
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1990, 1, 15).expect("date")
        );
        assert_eq!(id.governorate().name_en, "Giza");
        assert_eq!(id.sex(), Sex::Male);
        assert_eq!(id.age_on(today()), 36);
        assert!(id.masked().ends_with(&text[10..]));
    }

    #[test]
    fn accepts_arabic_indic_digits() {
        let text = valid("3050708011235");
        let arabic: String = text
            .chars()
            .map(|c| char::from_u32(0x0660 + c.to_digit(10).expect("digit")).expect("char"))
            .collect();
        let id = EgyptianNationalId::parse(&arabic, today()).expect("valid");
        assert_eq!(id.as_str(), text);
        assert_eq!(id.sex(), Sex::Male);
    }

    #[test]
    fn refuses_each_kind_of_mistake_with_its_own_code() {
        let good = valid("2900115210123");
        let mut wrong_check = good.clone();
        let last = wrong_check.pop().expect("digit");
        wrong_check.push(if last == '9' {
            '0'
        } else {
            char::from(last as u8 + 1)
        });
        let cases = [
            ("2900115", "national-id-length"),
            ("29001152101x3", "national-id-not-digits"),
            (&*valid("1900115210123"), "national-id-century"),
            (&*valid("2900230210123"), "national-id-birth-date"),
            (&*valid("3301201210123"), "national-id-birth-date"),
            (&*valid("2900115990123"), "national-id-governorate"),
            (&*wrong_check, "national-id-check-digit"),
        ];
        for (input, code) in cases {
            assert_eq!(
                EgyptianNationalId::parse(input, today()),
                Err(code),
                "{input}"
            );
        }
    }
}
