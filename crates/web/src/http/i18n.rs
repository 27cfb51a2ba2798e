//! Translations with Project Fluent: Arabic (default, right-to-left) and
//! English. Every user-facing string lives in `locales/<lang>/*.ftl`; error
//! codes are their own message keys.

use std::sync::Arc;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::{LanguageIdentifier, langid};

/// A language Baladiya speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Ar,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ar => "ar",
            Lang::En => "en",
        }
    }

    pub fn parse(text: &str) -> Option<Lang> {
        match text.trim().to_ascii_lowercase().get(..2)? {
            "ar" => Some(Lang::Ar),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the first supported language of an `Accept-Language` header,
    /// honouring q-values.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut choices: Vec<(f32, Lang)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let lang = Lang::parse(pieces.next()?)?;
                let q = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                (q > 0.0).then_some((q, lang))
            })
            .collect();
        choices.sort_by(|a, b| b.0.total_cmp(&a.0));
        choices.first().map(|(_, lang)| *lang)
    }
}

/// `(language, file, text)` of every translation file, embedded.
macro_rules! sources {
    ($($lang:ident $file:literal),* $(,)?) => {
        &[$((Lang::$lang, $file, include_str!(concat!("../../locales/", $file)))),*]
    };
}

const SOURCES: &[(Lang, &str, &str)] = sources![
    Ar "ar/main.ftl",
    Ar "ar/errors.ftl",
    Ar "ar/shop.ftl",
    Ar "ar/reports.ftl",
    Ar "ar/indicators.ftl",
    Ar "ar/sensors.ftl",
    Ar "ar/process.ftl",
    Ar "ar/training.ftl",
    Ar "ar/account.ftl",
    Ar "ar/participation.ftl",
    En "en/main.ftl",
    En "en/errors.ftl",
    En "en/shop.ftl",
    En "en/reports.ftl",
    En "en/indicators.ftl",
    En "en/sensors.ftl",
    En "en/process.ftl",
    En "en/training.ftl",
    En "en/account.ftl",
    En "en/participation.ftl",
];

/// All translations, loaded once at start.
pub struct I18n {
    ar: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
    dates: crate::http::dates::Dates,
    digits: crate::http::dates::Digits,
}

impl std::fmt::Debug for I18n {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("I18n")
    }
}

impl I18n {
    /// Parses the embedded translation files. A syntax error in one is a
    /// bug caught by the tests, so it is reported, not ignored.
    pub fn load() -> Result<Self, String> {
        Self::load_with(crate::http::dates::Digits::default())
    }

    /// As [`I18n::load`], with dates written in `digits`.
    pub fn load_with(digits: crate::http::dates::Digits) -> Result<Self, String> {
        let mut ar = bundle(langid!("ar"));
        let mut en = bundle(langid!("en"));
        for (lang, name, source) in SOURCES {
            let resource = FluentResource::try_new((*source).to_owned())
                .map_err(|(_, errors)| format!("{name}: {errors:?}"))?;
            let target = match lang {
                Lang::Ar => &mut ar,
                Lang::En => &mut en,
            };
            target
                .add_resource(resource)
                .map_err(|errors| format!("{name}: {errors:?}"))?;
        }
        Ok(Self {
            ar,
            en,
            dates: crate::http::dates::Dates::new(digits)?,
            digits,
        })
    }

    fn bundle(&self, lang: Lang) -> &FluentBundle<FluentResource> {
        match lang {
            Lang::Ar => &self.ar,
            Lang::En => &self.en,
        }
    }

    pub fn has(&self, lang: Lang, key: &str) -> bool {
        self.bundle(lang).has_message(key)
    }

    /// The message `key` in `lang`. A missing key is logged and shown as
    /// the key itself, so a page never fails for want of a translation.
    pub fn message(&self, lang: Lang, key: &str, args: Option<&FluentArgs<'_>>) -> String {
        let bundle = self.bundle(lang);
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::warn!(key, lang = lang.code(), "missing translation");
            return key.to_owned();
        };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(key, ?errors, "translation formatting problem");
        }
        text.into_owned()
    }

    /// Every message key in a language's files.
    pub fn keys(lang: Lang) -> Vec<String> {
        SOURCES
            .iter()
            .filter(|(l, _, _)| *l == lang)
            .flat_map(|(_, _, source)| {
                source.lines().filter_map(|line| {
                    let (key, _) = line.split_once(" =")?;
                    (!key.starts_with([' ', '#']) && !key.is_empty()).then(|| key.to_owned())
                })
            })
            .collect()
    }
}

fn bundle(lang: LanguageIdentifier) -> FluentBundle<FluentResource> {
    let mut bundle = FluentBundle::new_concurrent(vec![lang]);
    // Names and numbers are placed inside sentences of the same direction
    // by the templates; isolation marks would only get in the way of copy-paste.
    bundle.set_use_isolating(false);
    bundle
}

/// The translator for one request: a language and the loaded messages.
#[derive(Debug, Clone)]
pub struct Tr {
    lang: Lang,
    i18n: Arc<I18n>,
}

impl Tr {
    pub fn new(lang: Lang, i18n: Arc<I18n>) -> Self {
        Self { lang, i18n }
    }

    pub fn lang(&self) -> &'static str {
        self.lang.code()
    }

    pub fn language(&self) -> Lang {
        self.lang
    }

    pub fn other_lang(&self) -> &'static str {
        match self.lang {
            Lang::Ar => "en",
            Lang::En => "ar",
        }
    }

    pub fn dir(&self) -> &'static str {
        match self.lang {
            Lang::Ar => "rtl",
            Lang::En => "ltr",
        }
    }

    pub fn t(&self, key: &str) -> String {
        self.i18n.message(self.lang, key, None)
    }

    /// A message with one text argument (a select expression may choose
    /// on it, such as a document's kind).
    pub fn t_with(&self, key: &str, name: &'static str, value: &str) -> String {
        let mut args = FluentArgs::new();
        args.set(name, FluentValue::from(value.to_owned()));
        self.i18n.message(self.lang, key, Some(&args))
    }

    /// A term whose wording differs by country (Fluent `$country`
    /// selector: `EG`, `SA`, or `other` when the country is not known),
    /// such as «رقم المحمول» in Egypt and «رقم الجوال» in Saudi Arabia.
    pub fn term(&self, key: &str, country: Option<baladiya_domain::country::Country>) -> String {
        self.t_with(key, "country", country.map_or("other", |c| c.code()))
    }

    /// A date as people read it in this language («6 ديسمبر 2026»).
    pub fn date(&self, date: chrono::NaiveDate) -> String {
        self.i18n.dates.gregorian(self.lang, date)
    }

    /// The same day in the Umm al-Qura Hijri calendar.
    pub fn hijri(&self, date: chrono::NaiveDate) -> String {
        self.i18n.dates.hijri(self.lang, date)
    }

    /// A message with one numeric argument (plural forms choose on it),
    /// its number in the deployment's digits.
    pub fn count(&self, key: &str, name: &'static str, n: i64) -> String {
        let mut args = FluentArgs::new();
        args.set(name, FluentValue::from(n));
        self.digits(&self.i18n.message(self.lang, key, Some(&args)))
    }

    /// `text` with its digits in the deployment's choice for Arabic pages
    /// (Arabic-Indic ٠-٩ when `digits = "arabic"`; codes and numbers
    /// people type back, such as tracking numbers, stay as they are).
    pub fn digits(&self, text: &str) -> String {
        if self.lang != Lang::Ar || self.i18n.digits != crate::http::dates::Digits::Arabic {
            return text.to_owned();
        }
        let chars: Vec<char> = text.chars().collect();
        let digit_at = |i: usize| chars.get(i).is_some_and(char::is_ascii_digit);
        chars
            .iter()
            .enumerate()
            .map(|(i, &c)| match c {
                '0'..='9' => char::from_u32(0x0660 + (c as u32 - '0' as u32)).unwrap_or(c),
                // The Arabic decimal and thousands separators between digits.
                '.' if i > 0 && digit_at(i - 1) && digit_at(i + 1) => '\u{066B}',
                ',' if i > 0 && digit_at(i - 1) && digit_at(i + 1) => '\u{066C}',
                _ => c,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deployment_may_write_arabic_indic_digits() {
        let arabic = Arc::new(I18n::load_with(crate::http::dates::Digits::Arabic).expect("load"));
        let tr = Tr::new(Lang::Ar, arabic.clone());
        assert_eq!(tr.digits("1,250.50 ج.م"), "١٬٢٥٠٫٥٠ ج.م");
        assert_eq!(tr.count("size-mb", "n", 5), "٥ ميجابايت");
        let english = Tr::new(Lang::En, arabic);
        assert_eq!(
            english.count("size-mb", "n", 5),
            "5 MB",
            "English keeps 0-9"
        );
        let western = Tr::new(Lang::Ar, Arc::new(I18n::load().expect("load")));
        assert_eq!(western.count("size-mb", "n", 5), "5 ميجابايت");
    }

    #[test]
    fn both_languages_have_the_same_keys() {
        let mut ar = I18n::keys(Lang::Ar);
        let mut en = I18n::keys(Lang::En);
        ar.sort();
        en.sort();
        assert!(ar.len() > 50, "keys found: {}", ar.len());
        assert_eq!(ar, en);
    }

    /// Every `tr.t("key")` and `tr.count("key", …)` in the templates and
    /// the code has a message in both languages.
    #[test]
    fn every_key_used_is_translated() {
        let i18n = I18n::load().expect("translations parse");
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        let mut dirs = vec![root.join("templates"), root.join("src")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).expect("dir").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if !path.ends_with("i18n.rs") {
                    files.push(path);
                }
            }
        }
        let mut used = 0;
        for file in files {
            let text = std::fs::read_to_string(&file).expect("read");
            for marker in ["tr.t(\"", "tr.count(\""] {
                for piece in text.split(marker).skip(1) {
                    let key: String = piece
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                        .collect();
                    if key.is_empty() || piece[key.len()..].starts_with('{') {
                        continue;
                    }
                    used += 1;
                    for lang in [Lang::Ar, Lang::En] {
                        assert!(
                            i18n.has(lang, &key),
                            "{key} ({}) used in {} is not translated",
                            lang.code(),
                            file.display()
                        );
                    }
                }
            }
        }
        assert!(used > 100, "found only {used} uses");
    }

    #[test]
    fn every_error_code_has_a_message_in_both_languages() {
        let i18n = I18n::load().expect("translations parse");
        for code in baladiya_domain::ErrorCode::ALL {
            for lang in [Lang::Ar, Lang::En] {
                assert!(
                    i18n.has(lang, code.as_str()),
                    "{} missing in {}",
                    code.as_str(),
                    lang.code()
                );
            }
        }
    }

    #[test]
    fn arabic_plurals_use_all_forms() {
        let tr = Tr::new(
            Lang::Ar,
            Arc::new(I18n::load().expect("translations parse")),
        );
        assert_eq!(
            tr.count("units-count", "count", 1),
            "تستطيع متابعة وحدة واحدة."
        );
        assert_eq!(tr.count("units-count", "count", 2), "تستطيع متابعة وحدتين.");
        assert_eq!(
            tr.count("units-count", "count", 5),
            "تستطيع متابعة 5 وحدات."
        );
        assert_eq!(
            tr.count("units-count", "count", 11),
            "تستطيع متابعة 11 وحدة."
        );
        assert_eq!(
            tr.count("units-count", "count", 100),
            "تستطيع متابعة 100 وحدة."
        );
        let en = Tr::new(
            Lang::En,
            Arc::new(I18n::load().expect("translations parse")),
        );
        assert_eq!(
            en.count("units-count", "count", 5),
            "You can follow 5 units."
        );
    }

    #[test]
    fn accept_language_honours_quality() {
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,ar;q=0.8"),
            Some(Lang::En)
        );
        assert_eq!(
            Lang::from_accept_language("fr;q=1, ar-EG;q=0.5, en;q=0.4"),
            Some(Lang::Ar)
        );
        assert_eq!(Lang::from_accept_language("fr, de"), None);
        assert_eq!(Lang::from_accept_language("en;q=0"), None);
    }
}
