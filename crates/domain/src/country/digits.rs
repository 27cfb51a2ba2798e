/// Turns a person's typing into ASCII digits: Arabic-Indic (٠١٢…) and
/// Eastern Arabic-Indic (۰۱۲…) digits become 0–9; spaces and dashes, which
/// people type to group digits, are dropped. Anything else is kept as it is
/// so that the caller's check refuses it.
pub fn ascii_digits(input: &str) -> String {
    western_digits(
        &input
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '\u{00a0}' | '\u{200f}' | '\u{200e}'))
            .collect::<String>(),
    )
}

/// Arabic-Indic and Eastern Arabic-Indic digits become 0–9; nothing else changes.
pub fn western_digits(input: &str) -> String {
    input
        .chars()
        .map(|c| match c {
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            '\u{06f0}'..='\u{06f9}' => char::from(b'0' + (c as u32 - 0x06f0) as u8),
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_indic_digits_become_ascii() {
        assert_eq!(ascii_digits(" ٢٩٠٠١ - ۱۲ "), "2900112");
        assert_eq!(ascii_digits("12a"), "12a");
    }
}
