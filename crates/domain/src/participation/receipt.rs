//! A ballot's receipt (إيصال التصويت): what the voter keeps to see that
//! their ballot was recorded and, after the count, that it was counted —
//! and to change it while voting is open. Twenty characters drawn at random
//! (100 bits) from Crockford's base 32 — digits and letters but I, L, O and
//! U, so none is mistaken for another — and a check character (Luhn mod
//! 32), shown in groups of four, such as `7JMS-PCCN-002X-NPGR-QB06-F`
//! (see the tests). What a person types back is read leniently (case,
//! spaces, dashes, Arabic-Indic digits, O for 0 and I or L for 1); a
//! mistyped receipt fails its check rather than matching someone else's.

use crate::FieldError;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const N: u32 = 32;
const BODY: usize = 20;

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|a| *a == c).map(|p| p as u32)
}

/// The Luhn mod 32 check character of `body` (every character in the
/// alphabet): it catches every single mistyped character and every swap of
/// two neighbours but one pair.
fn check_char(body: &str) -> char {
    let mut factor = 2;
    let mut sum = 0;
    for v in body.bytes().rev().filter_map(value) {
        let addend = factor * v;
        sum += addend / N + addend % N;
        factor = if factor == 2 { 1 } else { 2 };
    }
    char::from(ALPHABET[((N - sum % N) % N) as usize])
}

/// A receipt whose check character is right.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Receipt(String);

impl Receipt {
    /// A receipt made of 16 random bytes (the caller draws them from the
    /// operating system).
    pub fn from_random(bytes: [u8; 16]) -> Receipt {
        let mut n = u128::from_be_bytes(bytes);
        let mut body = String::with_capacity(BODY + 1);
        for _ in 0..BODY {
            body.push(char::from(ALPHABET[(n % u128::from(N)) as usize]));
            n /= u128::from(N);
        }
        let check = check_char(&body);
        body.push(check);
        Receipt(body)
    }

    /// What a voter typed or scanned back; `receipt-invalid` if it is not
    /// twenty-one characters of the alphabet, `receipt-check` if its check
    /// character is wrong.
    pub fn parse(text: &str) -> Result<Receipt, FieldError> {
        let wrong = |code| FieldError::new("receipt", code);
        let text: String = crate::country::ascii_digits(text)
            .to_ascii_uppercase()
            .chars()
            .map(|c| match c {
                'O' => '0',
                'I' | 'L' => '1',
                other => other,
            })
            .collect();
        if text.len() != BODY + 1 || !text.bytes().all(|b| ALPHABET.contains(&b)) {
            return Err(wrong("receipt-invalid"));
        }
        let (body, check) = text.split_at(BODY);
        if !check.starts_with(check_char(body)) {
            return Err(wrong("receipt-check"));
        }
        Ok(Receipt(text))
    }

    /// The twenty-one characters, without grouping: what is hashed and
    /// stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// In groups of four, as it is shown and printed.
impl std::fmt::Display for Receipt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let groups: Vec<&str> = self
            .0
            .as_bytes()
            .chunks(4)
            .filter_map(|c| std::str::from_utf8(c).ok())
            .collect();
        f.write_str(&groups.join("-"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receipt() -> Receipt {
        Receipt::from_random(*b"\x9a\x10\xfe\x33\x01\x77\xc4\x2d\x5e\x88\x00\xab\x19\x6c\xd2\x47")
    }

    #[test]
    fn a_receipt_reads_back_however_it_is_typed() {
        let r = receipt();
        assert_eq!(r.as_str().len(), 21);
        let shown = r.to_string();
        assert_eq!(shown.len(), 21 + 5, "{shown}");
        assert_eq!(Receipt::parse(&shown), Ok(r.clone()));
        assert_eq!(Receipt::parse(&shown.to_lowercase()), Ok(r.clone()));
        assert_eq!(
            Receipt::parse(&format!("  {}  ", shown.replace('-', " "))),
            Ok(r.clone())
        );
        // Arabic-Indic digits, as a phone's Arabic keyboard types them.
        let arabic: String = shown
            .chars()
            .map(|c| match c.to_digit(10) {
                Some(d) => char::from_u32(0x0660 + d).unwrap_or(c),
                None => c,
            })
            .collect();
        assert_eq!(Receipt::parse(&arabic), Ok(r.clone()));
        // O for zero, I or L for one, as people misread them.
        let misread = shown.replace('0', "O").replace('1', "l");
        assert_eq!(Receipt::parse(&misread), Ok(r));
    }

    #[test]
    fn the_example_in_the_documentation_is_a_receipt() {
        assert_eq!(receipt().to_string(), "7JMS-PCCN-002X-NPGR-QB06-F");
    }

    #[test]
    fn a_mistyped_receipt_fails_its_check() {
        let r = receipt().as_str().to_owned();
        for i in 0..r.len() {
            for c in ALPHABET.iter().map(|&b| char::from(b)) {
                if r.as_bytes()[i] == c as u8 {
                    continue;
                }
                let mut typed = r.clone();
                typed.replace_range(i..=i, &c.to_string());
                assert!(Receipt::parse(&typed).is_err(), "{typed} passed");
            }
        }
        // Neighbours swapped: caught unless they are equal.
        for i in 0..r.len() - 1 {
            let b = r.as_bytes();
            if b[i] == b[i + 1] {
                continue;
            }
            let mut swapped = b.to_vec();
            swapped.swap(i, i + 1);
            let swapped = String::from_utf8(swapped).unwrap_or_default();
            assert!(Receipt::parse(&swapped).is_err(), "{swapped} passed");
        }
        let code = |text: &str| Receipt::parse(text).map_err(|e| e.code);
        assert_eq!(code(""), Err("receipt-invalid"));
        assert_eq!(code(&r[..20]), Err("receipt-invalid"));
        assert_eq!(code(&format!("{r}X")), Err("receipt-invalid"));
        assert_eq!(code(&r.replace(&r[..1], "é")), Err("receipt-invalid"));
        assert_eq!(code(&r.replace(&r[..1], "U")), Err("receipt-invalid"));
    }

    #[test]
    fn different_bytes_make_different_receipts() {
        let a = Receipt::from_random([0; 16]);
        let b = Receipt::from_random([1; 16]);
        assert_ne!(a, b);
        assert!(Receipt::parse(a.as_str()).is_ok());
    }
}
