//! Arabic-aware text matching for search.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_spellings_of_the_same_word() {
        assert_eq!(normalize_arabic("رُخْصَة"), normalize_arabic("رخصه"));
        assert_eq!(normalize_arabic("إشغال"), normalize_arabic("اشغال"));
        assert_eq!(normalize_arabic("مبنى"), normalize_arabic("مبني"));
        assert_eq!(normalize_arabic("تـرخـيص"), "ترخيص");
        assert_eq!(normalize_arabic("Shop LICENSE"), "shop license");
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
}
