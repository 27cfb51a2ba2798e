//! Dates as people read them, from CLDR data through ICU4X: Arabic month
//! names («6 ديسمبر 2026»), English ones («6 December 2026»), and the
//! Umm al-Qura Hijri date that Saudi documents carry beside the Gregorian
//! one. Digits are Western or Arabic-Indic by the deployment's choice.

use chrono::{Datelike, NaiveDate};
use icu_datetime::DateTimeFormatter;
use icu_datetime::fieldsets::YMD;
use icu_datetime::input::Date;
use icu_locale_core::Locale;

use crate::http::i18n::Lang;

/// The digits of numbers in dates: `western` (0-9, the default) or
/// `arabic` (Arabic-Indic ٠-٩), set per deployment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Digits {
    #[default]
    Western,
    Arabic,
}

/// One formatter per language and calendar, made once at start.
pub struct Dates {
    ar: DateTimeFormatter<YMD>,
    en: DateTimeFormatter<YMD>,
    hijri_ar: DateTimeFormatter<YMD>,
    hijri_en: DateTimeFormatter<YMD>,
}

impl std::fmt::Debug for Dates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Dates")
    }
}

impl Dates {
    pub fn new(digits: Digits) -> Result<Self, String> {
        let numbers = match digits {
            Digits::Western => "latn",
            Digits::Arabic => "arab",
        };
        let make = |tag: String| -> Result<DateTimeFormatter<YMD>, String> {
            let locale: Locale = tag.parse().map_err(|e| format!("{tag}: {e:?}"))?;
            DateTimeFormatter::try_new(locale.into(), YMD::long())
                .map_err(|e| format!("{tag}: {e}"))
        };
        Ok(Self {
            ar: make(format!("ar-EG-u-nu-{numbers}"))?,
            en: make("en-GB".to_owned())?,
            hijri_ar: make(format!("ar-SA-u-ca-islamic-umalqura-nu-{numbers}"))?,
            hijri_en: make("en-GB-u-ca-islamic-umalqura".to_owned())?,
        })
    }

    /// A Gregorian date in `lang`.
    pub fn gregorian(&self, lang: Lang, date: NaiveDate) -> String {
        let formatter = match lang {
            Lang::Ar => &self.ar,
            Lang::En => &self.en,
        };
        format_with(formatter, date)
    }

    /// The same day in the Umm al-Qura calendar, in `lang`.
    pub fn hijri(&self, lang: Lang, date: NaiveDate) -> String {
        let formatter = match lang {
            Lang::Ar => &self.hijri_ar,
            Lang::En => &self.hijri_en,
        };
        format_with(formatter, date)
    }
}

fn format_with(formatter: &DateTimeFormatter<YMD>, date: NaiveDate) -> String {
    let month = u8::try_from(date.month()).unwrap_or(1);
    let day = u8::try_from(date.day()).unwrap_or(1);
    match Date::try_new_iso(date.year(), month, day) {
        Ok(iso) => formatter.format(&iso).to_string(),
        Err(_) => date.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_people_write_them() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 6).expect("date");
        let western = Dates::new(Digits::Western).expect("data");
        assert_eq!(western.gregorian(Lang::Ar, day), "6 ديسمبر 2026");
        assert_eq!(western.gregorian(Lang::En, day), "6 December 2026");
        // 6 December 2026 is 26 Jumada II 1448 in the Umm al-Qura calendar.
        let hijri = western.hijri(Lang::Ar, day);
        assert!(hijri.contains("1448") && hijri.contains("جمادى"), "{hijri}");
        let arabic = Dates::new(Digits::Arabic).expect("data");
        assert_eq!(arabic.gregorian(Lang::Ar, day), "٦ ديسمبر ٢٠٢٦");
        assert_eq!(arabic.gregorian(Lang::En, day), "6 December 2026");
    }
}
