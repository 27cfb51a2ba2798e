//! Help and contact (`help.toml` in the catalog): each unit's one-window
//! technology center — its phone, e-mail, address and opening hours — and
//! the answers to questions citizens ask about a service (or about every
//! service). The service page shows both, the tracking page the center of
//! the application's unit (or of the nearest unit above it with one).

use std::path::Path;

use baladiya_domain::contact::EmailAddress;
use baladiya_domain::country::western_digits;
use baladiya_domain::org::{BilingualName, OrgUnit};
use serde::Deserialize;

use crate::catalog::CatalogProblem;
use crate::{App, AppError};

/// A telephone line as written for people and as dialled (`tel:`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneLine {
    pub shown: String,
    pub dial: String,
}

impl PhoneLine {
    /// Digits (Western or Arabic-Indic) with spaces and dashes, an optional
    /// leading `+`; 5 to 15 digits (hotlines such as 19468 included).
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let shown = western_digits(text.trim());
        let (plus, rest) = match shown.strip_prefix('+') {
            Some(rest) => ("+", rest),
            None => ("", shown.as_str()),
        };
        if !rest
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
        {
            return Err("phone-not-digits");
        }
        let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
        if !(5..=15).contains(&digits.len()) {
            return Err("phone-not-digits");
        }
        Ok(Self {
            dial: format!("{plus}{digits}"),
            shown,
        })
    }
}

/// A text in both languages, each at most 1,000 characters (an answer may
/// be a paragraph; a name is kept to 200 by [`BilingualName`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bilingual {
    ar: String,
    en: String,
}

impl Bilingual {
    pub fn parse(ar: &str, en: &str) -> Result<Self, &'static str> {
        let (ar, en) = (ar.trim(), en.trim());
        if ar.is_empty() || en.is_empty() {
            Err("required")
        } else if ar.chars().count() > 1000 || en.chars().count() > 1000 {
            Err("too-long")
        } else {
            Ok(Self {
                ar: ar.to_owned(),
                en: en.to_owned(),
            })
        }
    }

    /// The text in `lang` ("ar" or "en").
    pub fn get(&self, lang: &str) -> &str {
        if lang == "en" { &self.en } else { &self.ar }
    }
}

/// A unit's technology center, where citizens ask.
#[derive(Debug, Clone, PartialEq)]
pub struct Center {
    /// The unit's code.
    pub unit: String,
    pub name: BilingualName,
    pub phone: Option<PhoneLine>,
    pub email: Option<EmailAddress>,
    pub address: Bilingual,
    pub hours: Bilingual,
}

/// A question citizens ask, with its answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// The services it is about; none means every service.
    pub services: Vec<String>,
    pub question: Bilingual,
    pub answer: Bilingual,
}

/// The catalog's help and contacts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Help {
    pub centers: Vec<Center>,
    pub questions: Vec<Question>,
}

impl Help {
    /// The questions about `service`: its own first, then the general ones.
    pub fn questions_for(&self, service: &str) -> Vec<&Question> {
        let (own, general): (Vec<&Question>, Vec<&Question>) = self
            .questions
            .iter()
            .filter(|q| q.services.is_empty() || q.services.iter().any(|s| s == service))
            .partition(|q| !q.services.is_empty());
        own.into_iter().chain(general).collect()
    }

    pub fn center_of(&self, unit: &str) -> Option<&Center> {
        self.centers.iter().find(|c| c.unit == unit)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    centers: Vec<RawCenter>,
    #[serde(default)]
    questions: Vec<RawQuestion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCenter {
    unit: String,
    name: RawText,
    phone: Option<String>,
    email: Option<String>,
    address: RawText,
    hours: RawText,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    #[serde(default)]
    services: Vec<String>,
    question: RawText,
    answer: RawText,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawText {
    ar: String,
    en: String,
}

/// Reads a help file; `services` are the catalog's service codes (a
/// question about another is a mistake). Every problem is reported with
/// its place.
pub fn parse_help(file: &Path, text: &str, services: &[&str]) -> Result<Help, Vec<CatalogProblem>> {
    let problem = |field: String, code: &'static str| CatalogProblem {
        file: file.to_owned(),
        line: 0,
        field,
        code,
        detail: String::new(),
    };
    let parsed: File = toml::from_str(text)
        .map_err(|e| vec![CatalogProblem::syntax(file, text, "", "help-invalid", &e)])?;
    let mut problems = Vec::new();
    let mut text_of = |raw: &RawText, field: String| {
        Bilingual::parse(&raw.ar, &raw.en)
            .map_err(|code| problems.push(problem(field, code)))
            .ok()
    };
    let mut centers = Vec::new();
    let mut wrong = Vec::new();
    for (i, raw) in parsed.centers.iter().enumerate() {
        let at = |f: &str| format!("centers[{i}].{f}");
        let name = BilingualName::parse(&raw.name.ar, &raw.name.en)
            .map_err(|p| wrong.push((at("name"), p.first().map_or("required", |p| p.1))))
            .ok();
        let address = text_of(&raw.address, at("address"));
        let hours = text_of(&raw.hours, at("hours"));
        let phone = raw.phone.as_deref().map(PhoneLine::parse).transpose();
        let email = raw.email.as_deref().map(EmailAddress::parse).transpose();
        match (name, address, hours, phone, email) {
            (Some(name), Some(address), Some(hours), Ok(phone), Ok(email)) => {
                centers.push(Center {
                    unit: raw.unit.clone(),
                    name,
                    phone,
                    email,
                    address,
                    hours,
                });
            }
            (_, _, _, Err(code), _) => wrong.push((at("phone"), code)),
            (_, _, _, _, Err(code)) => wrong.push((at("email"), code)),
            _ => {}
        }
        if parsed.centers[..i].iter().any(|c| c.unit == raw.unit) {
            wrong.push((at("unit"), "help-center-twice"));
        }
    }
    let mut questions = Vec::new();
    for (i, raw) in parsed.questions.iter().enumerate() {
        let question = text_of(&raw.question, format!("questions[{i}].question"));
        let answer = text_of(&raw.answer, format!("questions[{i}].answer"));
        for (j, code) in raw.services.iter().enumerate() {
            if !services.contains(&code.as_str()) {
                wrong.push((format!("questions[{i}].services[{j}]"), "service-unknown"));
            }
        }
        if let (Some(question), Some(answer)) = (question, answer) {
            questions.push(Question {
                services: raw.services.clone(),
                question,
                answer,
            });
        }
    }
    problems.extend(wrong.into_iter().map(|(field, code)| problem(field, code)));
    if problems.is_empty() {
        Ok(Help { centers, questions })
    } else {
        Err(problems)
    }
}

impl App {
    /// The technology center citizens of `unit` ask at: its own, or that
    /// of the nearest unit above it with one.
    pub async fn help_center(&self, unit: &OrgUnit) -> Result<Option<Center>, AppError> {
        let help = self.help();
        if help.centers.is_empty() {
            return Ok(None);
        }
        let units = self.store.all_units().await?;
        Ok(unit
            .path
            .ids()
            .iter()
            .rev()
            .filter_map(|id| units.iter().find(|u| u.id == *id))
            .find_map(|u| help.center_of(u.code.as_str()).cloned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_lines_as_people_write_them() {
        let line = PhoneLine::parse("٠٢ ٣٨٥٠-١٢٣٤").expect("valid");
        assert_eq!(line.dial, "0238501234");
        assert_eq!(line.shown, "02 3850-1234");
        assert_eq!(
            PhoneLine::parse("+966 13 123 4567").expect("valid").dial,
            "+966131234567"
        );
        assert_eq!(PhoneLine::parse("19468").expect("a hotline").dial, "19468");
        assert!(PhoneLine::parse("call us").is_err());
        assert!(PhoneLine::parse("123").is_err());
    }

    #[test]
    fn a_file_with_mistakes_names_each_one() {
        let text = r#"
[[centers]]
unit = "EG-GZ-BDR"
name = { ar = "المركز التكنولوجي", en = "Technology center" }
phone = "not a phone"
email = "nowhere"
address = { ar = "البدرشين", en = "Badrashin" }
hours = { ar = "", en = "" }

[[questions]]
services = ["EG-NOTHING"]
question = { ar = "سؤال؟", en = "A question?" }
answer = { ar = "جواب.", en = "An answer." }
"#;
        let problems =
            parse_help(Path::new("help.toml"), text, &["EG-SHOP-LICENSE"]).expect_err("mistakes");
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert!(fields.contains(&"centers[0].hours"), "{fields:?}");
        assert!(fields.contains(&"questions[0].services[0]"), "{fields:?}");
    }

    #[test]
    fn a_services_own_questions_come_before_the_general_ones() {
        let q = |services: &[&str], text: &str| Question {
            services: services.iter().map(|s| (*s).to_owned()).collect(),
            question: Bilingual::parse(text, text).expect("text"),
            answer: Bilingual::parse(text, text).expect("text"),
        };
        let help = Help {
            centers: Vec::new(),
            questions: vec![
                q(&[], "general"),
                q(&["A"], "about A"),
                q(&["B"], "about B"),
            ],
        };
        let asked: Vec<&str> = help
            .questions_for("A")
            .iter()
            .map(|q| q.question.get("ar"))
            .collect();
        assert_eq!(asked, ["about A", "general"]);
    }
}
