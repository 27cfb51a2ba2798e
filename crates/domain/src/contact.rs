//! Contact details other than phone numbers.

/// An e-mail address: `local@domain`, no spaces, at most 254 characters,
/// a domain with a dot. Deliverability is the mail server's to decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let text = text.trim();
        let Some((local, domain)) = text.rsplit_once('@') else {
            return Err("email-invalid");
        };
        let ok = text.len() <= 254
            && !local.is_empty()
            && local.len() <= 64
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !text.chars().any(|c| c.is_whitespace() || c.is_control())
            && !local.contains('@');
        if ok {
            Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
        } else {
            Err("email-invalid")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_lowercases_the_domain() {
        assert_eq!(
            EmailAddress::parse(" Sara@Example.EG ").map(|e| e.0),
            Ok("Sara@example.eg".into())
        );
        for bad in [
            "",
            "sara",
            "sara@",
            "@x.eg",
            "sara@eg",
            "sa ra@x.eg",
            "sara@x.eg.",
            "a@b@x.eg",
        ] {
            assert_eq!(EmailAddress::parse(bad), Err("email-invalid"), "{bad}");
        }
    }
}
