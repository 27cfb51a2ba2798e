//! Amounts of money in a country's currency, in minor units
//! (piastres, halalas) so that sums never round.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Currency {
    #[serde(rename = "EGP")]
    Egp,
    #[serde(rename = "SAR")]
    Sar,
}

impl Currency {
    pub const ALL: [Currency; 2] = [Currency::Egp, Currency::Sar];

    pub fn parse(code: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|c| c.code() == code)
            .ok_or("currency-unknown")
    }

    /// ISO 4217 code.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Egp => "EGP",
            Currency::Sar => "SAR",
        }
    }

    /// Symbol as written in Arabic text.
    pub fn symbol_ar(self) -> &'static str {
        match self {
            Currency::Egp => "ج.م",
            Currency::Sar => "ر.س",
        }
    }
}

/// An amount in minor units (1/100 of the currency).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub currency: Currency,
    pub minor: i64,
}

impl Money {
    pub fn new(currency: Currency, minor: i64) -> Self {
        Self { currency, minor }
    }

    /// `Some(sum)` when both amounts share a currency.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        (self.currency == other.currency)
            .then(|| self.minor.checked_add(other.minor))
            .flatten()
            .map(|minor| Money::new(self.currency, minor))
    }
}

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        write!(
            f,
            "{sign}{}.{:02} {}",
            abs / 100,
            abs % 100,
            self.currency.code()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_only_the_same_currency_and_prints_two_decimals() {
        let a = Money::new(Currency::Egp, 150_050);
        assert_eq!(a.to_string(), "1500.50 EGP");
        assert_eq!(
            a.checked_add(Money::new(Currency::Egp, 50))
                .map(|m| m.minor),
            Some(150_100)
        );
        assert_eq!(a.checked_add(Money::new(Currency::Sar, 1)), None);
        assert_eq!(Money::new(Currency::Sar, -5).to_string(), "-0.05 SAR");
    }
}
