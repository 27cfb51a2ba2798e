//! Citizens' sign-in with a one-time code sent to their mobile number:
//! how long a code lives, how many tries it allows, and what a try
//! means. Pure rules; the app layer makes codes, sends them and keeps
//! their hashes.

use chrono::{DateTime, Duration, Utc};

use crate::country::{Country, MobileNumber};

/// A mobile number of any country profile: local forms are read by their
/// prefix (`01…` Egypt, `05…` Saudi Arabia), international ones by their
/// calling code.
pub fn any_mobile(input: &str) -> Result<MobileNumber, &'static str> {
    let mut first = None;
    for country in [Country::Egypt, Country::SaudiArabia] {
        match MobileNumber::parse(country, input) {
            Ok(number) => return Ok(number),
            Err(code) => {
                first.get_or_insert(code);
            }
        }
    }
    Err(match first {
        Some("phone-not-digits") => "phone-not-digits",
        _ => "phone-not-mobile",
    })
}

/// How codes behave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodePolicy {
    /// Digits in a code.
    pub digits: u32,
    /// How long a code may be used after it is sent.
    pub lifetime: Duration,
    /// Wrong tries a code allows before it is spent.
    pub tries: u32,
}

impl Default for CodePolicy {
    fn default() -> Self {
        Self {
            digits: 6,
            lifetime: Duration::minutes(10),
            tries: 5,
        }
    }
}

/// A code as kept: when it stops working, how many wrong tries it had,
/// whether it was used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssuedCode {
    pub expires_at: DateTime<Utc>,
    pub wrong_tries: u32,
    pub used: bool,
}

/// Why a code was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeRefusal {
    /// Wrong; `left` more tries.
    Wrong {
        left: u32,
    },
    /// Wrong, and that was its last try: a new code is needed.
    Spent,
    Expired,
    /// Already signed in with it once.
    Used,
}

impl CodeRefusal {
    pub fn code(self) -> &'static str {
        match self {
            CodeRefusal::Wrong { .. } => "code-wrong",
            CodeRefusal::Spent => "code-spent",
            CodeRefusal::Expired => "code-expired",
            CodeRefusal::Used => "code-used",
        }
    }
}

impl CodePolicy {
    /// Whether the entered code may sign in: `matches` says if it is the
    /// code sent (compared by the caller in constant time).
    pub fn judge(
        &self,
        code: &IssuedCode,
        matches: bool,
        now: DateTime<Utc>,
    ) -> Result<(), CodeRefusal> {
        if code.used {
            return Err(CodeRefusal::Used);
        }
        if now >= code.expires_at {
            return Err(CodeRefusal::Expired);
        }
        if code.wrong_tries >= self.tries {
            return Err(CodeRefusal::Spent);
        }
        if matches {
            return Ok(());
        }
        let left = self.tries - code.wrong_tries - 1;
        Err(if left == 0 {
            CodeRefusal::Spent
        } else {
            CodeRefusal::Wrong { left }
        })
    }

    /// A code's text from random bytes: `digits` decimal digits, each
    /// byte read modulo 10 from values under 250 (no bias); `None` when
    /// the bytes run out before.
    pub fn code_from(&self, random: &[u8]) -> Option<String> {
        let digits: String = random
            .iter()
            .filter(|b| **b < 250)
            .take(self.digits as usize)
            .map(|b| char::from(b'0' + b % 10))
            .collect();
        (digits.len() == self.digits as usize).then_some(digits)
    }

    /// A code as people type it: Arabic-Indic digits and spaces allowed.
    pub fn normalize(&self, typed: &str) -> String {
        crate::country::ascii_digits(typed)
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + minute * 60, 0).expect("time")
    }

    #[test]
    fn a_code_works_once_within_its_life_and_its_tries() {
        let policy = CodePolicy::default();
        let fresh = IssuedCode {
            expires_at: at(10),
            wrong_tries: 0,
            used: false,
        };
        assert_eq!(policy.judge(&fresh, true, at(9)), Ok(()));
        assert_eq!(
            policy.judge(&fresh, true, at(10)),
            Err(CodeRefusal::Expired)
        );
        assert_eq!(
            policy.judge(
                &IssuedCode {
                    used: true,
                    ..fresh
                },
                true,
                at(1)
            ),
            Err(CodeRefusal::Used)
        );
        assert_eq!(
            policy.judge(&fresh, false, at(1)),
            Err(CodeRefusal::Wrong { left: 4 })
        );
        let last = IssuedCode {
            wrong_tries: 4,
            ..fresh
        };
        assert_eq!(policy.judge(&last, false, at(1)), Err(CodeRefusal::Spent));
        assert_eq!(
            policy.judge(
                &IssuedCode {
                    wrong_tries: 5,
                    ..fresh
                },
                true,
                at(1)
            ),
            Err(CodeRefusal::Spent),
            "even the right code, once spent"
        );
    }

    #[test]
    fn codes_are_digits_without_bias_and_typed_any_way() {
        let policy = CodePolicy::default();
        assert_eq!(
            policy
                .code_from(&[0, 255, 9, 19, 249, 250, 7, 8, 1])
                .as_deref(),
            Some("099978")
        );
        assert_eq!(policy.code_from(&[251, 252]), None);
        assert_eq!(policy.normalize(" ١٢٣ ٤٥٦ "), "123456");
    }

    #[test]
    fn mobile_numbers_of_either_country() {
        assert_eq!(
            any_mobile("01012345678").map(|m| m.as_e164().to_owned()),
            Ok("+201012345678".into())
        );
        assert_eq!(
            any_mobile("0501234567").map(|m| m.as_e164().to_owned()),
            Ok("+966501234567".into())
        );
        assert_eq!(
            any_mobile("+966 50 123 4567").map(|m| m.as_e164().to_owned()),
            Ok("+966501234567".into())
        );
        assert!(any_mobile("0223456789").is_err(), "a landline");
        assert_eq!(any_mobile("hello"), Err("phone-not-digits"));
    }
}
