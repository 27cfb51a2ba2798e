//! Online payment of a fee through a gateway: what a gateway's callback
//! says, the exact text it signs, and whether it may settle a payment —
//! the amount and currency asked, once. Pure rules; the app layer checks
//! the signature (HMAC-SHA256 with the gateway's secret) and writes.

/// What the gateway says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatewayStatus {
    Paid,
    Failed,
}

impl GatewayStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            GatewayStatus::Paid => "paid",
            GatewayStatus::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Result<Self, &'static str> {
        match text {
            "paid" => Ok(GatewayStatus::Paid),
            "failed" => Ok(GatewayStatus::Failed),
            _ => Err("payment-status-unknown"),
        }
    }
}

/// A gateway's callback about one payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    /// Baladiya's reference of the payment.
    pub reference: String,
    pub status: GatewayStatus,
    pub amount_minor: i64,
    pub currency: String,
    /// The gateway's own transaction id (the receipt number).
    pub gateway_ref: String,
}

impl Callback {
    /// The text the gateway signs: every field, in order, `|`-separated.
    pub fn signed_text(&self) -> String {
        format!(
            "{}|{}|{}|{}|{}",
            self.reference,
            self.status.as_str(),
            self.amount_minor,
            self.currency,
            self.gateway_ref
        )
    }
}

/// A payment as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub amount_minor: i64,
    pub currency: String,
    /// `pending`, `paid` or `failed`.
    pub status: String,
    pub gateway_ref: Option<String>,
}

/// What a callback does to its payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settlement {
    /// The payment is settled now with the callback's status.
    Settle(GatewayStatus),
    /// The same callback again: nothing changes.
    Already,
}

/// Why a callback cannot settle its payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackRefusal {
    WrongAmount,
    WrongCurrency,
    /// The payment was settled otherwise before (another status or
    /// another transaction).
    Settled,
}

impl CallbackRefusal {
    pub fn code(self) -> &'static str {
        match self {
            CallbackRefusal::WrongAmount => "payment-wrong-amount",
            CallbackRefusal::WrongCurrency => "payment-wrong-currency",
            CallbackRefusal::Settled => "payment-settled",
        }
    }
}

/// Whether `callback` may settle `payment`.
pub fn judge(payment: &Payment, callback: &Callback) -> Result<Settlement, CallbackRefusal> {
    if callback.currency != payment.currency {
        return Err(CallbackRefusal::WrongCurrency);
    }
    if callback.amount_minor != payment.amount_minor {
        return Err(CallbackRefusal::WrongAmount);
    }
    match payment.status.as_str() {
        "pending" => Ok(Settlement::Settle(callback.status)),
        status
            if status == callback.status.as_str()
                && payment.gateway_ref.as_deref() == Some(callback.gateway_ref.as_str()) =>
        {
            Ok(Settlement::Already)
        }
        _ => Err(CallbackRefusal::Settled),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn callback(status: GatewayStatus, amount: i64, currency: &str) -> Callback {
        Callback {
            reference: "PAY-1".into(),
            status,
            amount_minor: amount,
            currency: currency.into(),
            gateway_ref: "GW-9".into(),
        }
    }

    fn pending() -> Payment {
        Payment {
            amount_minor: 15_000,
            currency: "EGP".into(),
            status: "pending".into(),
            gateway_ref: None,
        }
    }

    #[test]
    fn a_callback_settles_the_amount_asked_once() {
        let paid = callback(GatewayStatus::Paid, 15_000, "EGP");
        assert_eq!(paid.signed_text(), "PAY-1|paid|15000|EGP|GW-9");
        assert_eq!(
            judge(&pending(), &paid),
            Ok(Settlement::Settle(GatewayStatus::Paid))
        );
        let settled = Payment {
            status: "paid".into(),
            gateway_ref: Some("GW-9".into()),
            ..pending()
        };
        assert_eq!(judge(&settled, &paid), Ok(Settlement::Already), "a replay");
        assert_eq!(
            judge(&settled, &callback(GatewayStatus::Failed, 15_000, "EGP")),
            Err(CallbackRefusal::Settled)
        );
        let other_transaction = Callback {
            gateway_ref: "GW-10".into(),
            ..paid.clone()
        };
        assert_eq!(
            judge(&settled, &other_transaction),
            Err(CallbackRefusal::Settled)
        );
    }

    #[test]
    fn the_wrong_amount_or_currency_settles_nothing() {
        assert_eq!(
            judge(&pending(), &callback(GatewayStatus::Paid, 100, "EGP")),
            Err(CallbackRefusal::WrongAmount)
        );
        assert_eq!(
            judge(&pending(), &callback(GatewayStatus::Paid, 15_000, "SAR")),
            Err(CallbackRefusal::WrongCurrency)
        );
        assert_eq!(
            GatewayStatus::parse("refunded"),
            Err("payment-status-unknown")
        );
    }
}
