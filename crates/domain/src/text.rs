//! Arabic-aware text matching for search, redaction of contact details
//! from text the public will read, and the characters no text may hold.

/// The field-error code of text holding a forbidden character.
pub const CONTROL_CHARACTERS: &str = "control-characters";

/// Whether `c` may never appear in text Baladiya accepts: NUL and the other
/// C0 control characters (tab, line feed and carriage return are fine),
/// and the non-characters U+FFFE and U+FFFF. PostgreSQL cannot store NUL,
/// and XML 1.0 forbids all of them, so one stored character would make an
/// Open311 XML listing unreadable for every client.
pub fn is_forbidden_char(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// Whether `text` holds a character of [`is_forbidden_char`].
pub fn has_forbidden_chars(text: &str) -> bool {
    text.chars().any(is_forbidden_char)
}

/// `text` without the characters of [`is_forbidden_char`], for output that
/// must stay well-formed whatever an older version stored.
pub fn without_forbidden_chars(text: &str) -> std::borrow::Cow<'_, str> {
    if has_forbidden_chars(text) {
        text.chars().filter(|c| !is_forbidden_char(*c)).collect()
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Folds the ways one Arabic word can be written into one form, so that a
/// search finds "رخصة" when "رخصه" or "رُخْصَة" is typed: diacritics and
/// tatweel are dropped; أ إ آ ٱ become ا; ة becomes ه; ى becomes ي; ؤ ئ
/// become و ي; Latin letters are lower-cased.
pub fn normalize_arabic(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}'))
        .map(|c| match c {
            'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
            'ة' => 'ه',
            'ى' => 'ي',
            'ؤ' => 'و',
            'ئ' => 'ي',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether every word of `query` occurs in `haystack`, both normalized.
pub fn matches_all_words(haystack: &str, query: &str) -> bool {
    let haystack = normalize_arabic(haystack);
    normalize_arabic(query)
        .split_whitespace()
        .all(|word| haystack.contains(word))
}

/// A light stem of one normalized word (see [`normalize_arabic`]): the
/// article and a leading conjunction or preposition go (ال، وال، بال،
/// كال، فال، لل), then a plural or feminine ending (ات، ون، ين، ان، ه،
/// يه), then the تفعيل pattern of a verbal noun gives its three radicals
/// (ترخيص → رخص, as رخصة → رخص), keeping at least three letters. Latin
/// words lose a plural s.
pub fn stem(word: &str) -> String {
    let mut w: Vec<char> = word.chars().collect();
    if w.iter().all(char::is_ascii_alphanumeric) {
        let text: String = w.iter().collect();
        return match text.strip_suffix('s') {
            Some(stem) if stem.len() >= 3 => stem.to_owned(),
            _ => text,
        };
    }
    for prefix in ["وال", "بال", "كال", "فال", "لل", "ال"] {
        let p: Vec<char> = prefix.chars().collect();
        if w.len() >= p.len() + 3 && w.starts_with(&p) {
            w.drain(..p.len());
            break;
        }
    }
    for suffix in ["يه", "ات", "ون", "ين", "ان", "ه"] {
        let x: Vec<char> = suffix.chars().collect();
        if w.len() >= x.len() + 3 && w.ends_with(&x) {
            w.truncate(w.len() - x.len());
            break;
        }
    }
    // تفعيل: ت + C1 C2 + ي + C3.
    if w.len() == 5 && w[0] == 'ت' && w[3] == 'ي' {
        w = vec![w[1], w[2], w[4]];
    }
    w.into_iter().collect()
}

/// Groups of words a citizen may type for the same thing (رخصة / ترخيص /
/// تصريح / إذن / license / permit), kept as data in the catalog
/// (`search-synonyms.toml`): a word of a group finds the others.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Synonyms {
    /// Each group's words, stemmed.
    groups: Vec<Vec<String>>,
}

impl Synonyms {
    pub fn new(groups: &[Vec<String>]) -> Synonyms {
        Synonyms {
            groups: groups
                .iter()
                .map(|g| g.iter().map(|w| stem(&normalize_arabic(w))).collect())
                .collect(),
        }
    }

    /// The stems a query word stands for: its own and its synonyms'.
    fn variants(&self, word: &str) -> Vec<String> {
        let own = stem(word);
        let mut all = vec![own.clone()];
        for group in self.groups.iter().filter(|g| g.contains(&own)) {
            all.extend(group.iter().cloned());
        }
        all
    }

    /// How well `fields` (each with its weight, such as 3 for a name and
    /// 1 for a description) answer `query`: `None` unless every query
    /// word (or a synonym, or a derived form) occurs in some field; else
    /// the sum of the weights of the fields each word occurs in.
    pub fn score(&self, fields: &[(&str, u32)], query: &str) -> Option<u32> {
        let fields: Vec<(Vec<String>, String, u32)> = fields
            .iter()
            .map(|(text, weight)| {
                let text = normalize_arabic(text);
                let stems = text
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .map(stem)
                    .collect();
                (stems, text, *weight)
            })
            .collect();
        let mut total = 0;
        for word in normalize_arabic(query).split_whitespace() {
            let variants = self.variants(word);
            let score: u32 = fields
                .iter()
                .filter(|(stems, text, _)| {
                    text.contains(word) || variants.iter().any(|v| stems.contains(v))
                })
                .map(|(_, _, weight)| weight)
                .sum();
            if score == 0 {
                return None;
            }
            total += score;
        }
        Some(total)
    }
}

/// What replaces a redacted phone number or e-mail address.
pub const REDACTED: &str = "[…]";

/// Hides what looks like a phone number (seven or more digits, Arabic-Indic
/// included, with spaces, dashes or a plus between) or an e-mail address in
/// free text a reporter wrote, before the public sees it.
pub fn redact_contacts(text: &str) -> String {
    let is_digit = |c: char| c.is_ascii_digit() || ('٠'..='٩').contains(&c);
    let has_at = text.contains('@');
    // Without an '@' or seven digits there is nothing to hide: most
    // descriptions, copied once (a search writes a thousand of them).
    if !has_at && text.chars().filter(|c| is_digit(*c)).nth(6).is_none() {
        return text.to_owned();
    }
    let text = if has_at {
        text.split(' ')
            .map(|w| {
                if w.contains('@') && w.rsplit('@').next().is_some_and(|d| d.contains('.')) {
                    REDACTED
                } else {
                    w
                }
            })
            .collect::<Vec<&str>>()
            .join(" ")
    } else {
        text.to_owned()
    };
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let mut digits = 0;
    let flush = |out: &mut String, run: &mut String, digits: &mut usize| {
        if *digits >= 7 {
            let kept = run.len() - run.trim_end().len();
            out.push_str(REDACTED);
            out.push_str(&run[run.len() - kept..]);
        } else {
            out.push_str(run);
        }
        run.clear();
        *digits = 0;
    };
    for c in text.chars() {
        if is_digit(c) {
            run.push(c);
            digits += 1;
        } else if c == '+' || (!run.is_empty() && matches!(c, ' ' | '-' | '(' | ')')) {
            run.push(c);
        } else {
            flush(&mut out, &mut run, &mut digits);
            out.push(c);
        }
    }
    flush(&mut out, &mut run, &mut digits);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_forbidden_but_layout_is_fine() {
        for bad in [
            "a\u{0}b",
            "\u{1}",
            "x\u{B}",
            "\u{C}",
            "\u{1B}[31m",
            "\u{FFFE}",
            "\u{FFFF}",
        ] {
            assert!(has_forbidden_chars(bad), "{bad:?}");
        }
        for good in [
            "سطر\nسطر",
            "a\tb\r\n",
            "\u{200F}rtl mark",
            "emoji 🚧",
            "\u{7F}",
        ] {
            assert!(!has_forbidden_chars(good), "{good:?}");
        }
        assert_eq!(without_forbidden_chars("x\u{1}y\u{FFFE}"), "xy");
    }

    #[test]
    fn folds_spellings_of_the_same_word() {
        assert_eq!(normalize_arabic("رُخْصَة"), normalize_arabic("رخصه"));
        assert_eq!(normalize_arabic("إشغال"), normalize_arabic("اشغال"));
        assert_eq!(normalize_arabic("مبنى"), normalize_arabic("مبني"));
        assert_eq!(normalize_arabic("تـرخـيص"), "ترخيص");
        assert_eq!(normalize_arabic("Shop LICENSE"), "shop license");
    }

    #[test]
    fn derived_forms_and_synonyms_are_found() {
        let n = |w: &str| stem(&normalize_arabic(w));
        assert_eq!(n("رخصة"), n("ترخيص"));
        assert_eq!(n("الرخصة"), "رخص");
        assert_eq!(n("المحلات"), "محل");
        assert_eq!(n("licenses"), "license");
        let synonyms = Synonyms::new(&[
            vec!["رخصة".into(), "ترخيص".into(), "تصريح".into(), "إذن".into()],
            vec!["شهادة".into(), "إفادة".into()],
        ]);
        let building = [("ترخيص بناء", 3), ("ترخيص إقامة مبنى جديد على قطعة أرض", 1)];
        assert!(synonyms.score(&building, "رخصة بناء").is_some());
        assert!(synonyms.score(&building, "تصريح بناء").is_some());
        assert!(synonyms.score(&building, "رخصة هدم").is_none());
        let certificate = [("شهادة بيان صلاحية الموقع", 3)];
        assert!(synonyms.score(&certificate, "إفادة").is_some());
        // A word in the name counts more than one in the description.
        let named = synonyms.score(&[("رخصة محل", 3), ("", 1)], "محل");
        let described = synonyms.score(&[("تجديد", 3), ("رخصة محل", 1)], "محل");
        assert!(named > described);
    }

    #[test]
    fn every_word_must_match() {
        let name = "ترخيص محل عام Public shop license";
        assert!(!matches_all_words(name, "رخصه محل"), "رخصه is not in ترخيص");
        assert!(!matches_all_words(name, "ترخيص المحل"));
        assert!(matches_all_words(name, "ترخيص محل"));
        assert!(matches_all_words(name, "SHOP"));
        assert!(matches_all_words(name, "تَرْخِيص عَام"));
    }

    #[test]
    fn contact_details_are_redacted_and_other_numbers_kept() {
        assert_eq!(
            redact_contacts("عمود مطفأ أمام رقم 12، اتصلوا بي على 0101 234 5678 شكرا"),
            "عمود مطفأ أمام رقم 12، اتصلوا بي على […] شكرا"
        );
        assert_eq!(
            redact_contacts("call +966-50-123-4567 or sara@example.com please"),
            "call […] or […] please"
        );
        assert_eq!(redact_contacts("٠١٠١٢٣٤٥٦٧٨"), "[…]");
        assert_eq!(
            redact_contacts("pole 1234 near house 56, since 2026"),
            "pole 1234 near house 56, since 2026"
        );
        // The short way (no '@', under seven digits) and an address alone.
        assert_eq!(
            redact_contacts("حفرة كبيرة أمام المدرسة 3"),
            "حفرة كبيرة أمام المدرسة 3"
        );
        assert_eq!(redact_contacts("write to sara@example.com"), "write to […]");
        assert_eq!(redact_contacts("room 12@3"), "room 12@3");
    }
}
