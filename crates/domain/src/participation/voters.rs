//! Who may take part in a process, through which channel, and the keys
//! that make one person one vote whatever the channel.
//!
//! A voter is known by one or two keys: their national ID and their
//! mobile number. The ballot box keeps a keyed hash of each key of each
//! voter (never the keys), so a second vote by the same ID or the same
//! number — on the web, at a counter, or both at once — finds it taken.

use crate::FieldError;
use crate::country::{MobileNumber, PersonalId};

/// Who may take part in a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eligibility {
    /// Anyone with a mobile number verified by a one-time code (online),
    /// or who gives one at a counter after showing their ID card.
    Mobile,
    /// The residents the unit imported (national IDs, kept as keyed
    /// hashes): online with their ID number and a verified mobile number,
    /// or at a counter with their ID card.
    Residents,
    /// Only in person, at a technology center's counter, with an ID card.
    Counter,
}

impl Eligibility {
    pub const ALL: [Eligibility; 3] = [
        Eligibility::Mobile,
        Eligibility::Residents,
        Eligibility::Counter,
    ];

    /// Its stable name, also its translation key's end
    /// (`participation-eligibility-…`).
    pub fn as_str(self) -> &'static str {
        match self {
            Eligibility::Mobile => "mobile",
            Eligibility::Residents => "residents",
            Eligibility::Counter => "counter",
        }
    }

    pub fn parse(text: &str) -> Option<Eligibility> {
        Eligibility::ALL.into_iter().find(|e| e.as_str() == text)
    }

    /// Whether a person may take part online.
    pub fn online(self) -> bool {
        self != Eligibility::Counter
    }
}

/// How a vote reached the ballot box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// The citizen's own phone or computer.
    Web,
    /// A clerk at a technology center, after checking an ID card.
    Counter,
}

impl Channel {
    pub const ALL: [Channel; 2] = [Channel::Web, Channel::Counter];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Counter => "counter",
        }
    }

    pub fn parse(text: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

/// A person about to take part, known by the keys their channel proved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voter {
    national_id: Option<String>,
    mobile: Option<String>,
    channel: Channel,
}

impl Voter {
    /// A citizen signed in with a verified mobile number, who typed their
    /// national ID when the process needs one. Refused when the process is
    /// only at the counter (`voting-counter-only`) or needs an ID that is
    /// missing (`voter-national-id-required` on `national_id`).
    pub fn online(
        eligibility: Eligibility,
        mobile: &MobileNumber,
        national_id: Option<&PersonalId>,
    ) -> Result<Voter, FieldError> {
        match eligibility {
            Eligibility::Counter => Err(FieldError::new("choices", "voting-counter-only")),
            Eligibility::Residents if national_id.is_none() => {
                Err(FieldError::new("national_id", "voter-national-id-required"))
            }
            Eligibility::Residents => Ok(Voter {
                national_id: national_id.map(|id| id.as_str().to_owned()),
                mobile: Some(mobile.as_e164().to_owned()),
                channel: Channel::Web,
            }),
            Eligibility::Mobile => Ok(Voter {
                national_id: None,
                mobile: Some(mobile.as_e164().to_owned()),
                channel: Channel::Web,
            }),
        }
    }

    /// A walk-in citizen whose ID card a clerk checked; their mobile
    /// number is needed when the process admits people by mobile number
    /// (`voter-mobile-required` on `mobile`), so that a vote online with
    /// that number and one at the counter are the same person's.
    pub fn at_counter(
        eligibility: Eligibility,
        national_id: &PersonalId,
        mobile: Option<&MobileNumber>,
    ) -> Result<Voter, FieldError> {
        if eligibility == Eligibility::Mobile && mobile.is_none() {
            return Err(FieldError::new("mobile", "voter-mobile-required"));
        }
        Ok(Voter {
            national_id: Some(national_id.as_str().to_owned()),
            mobile: mobile.map(|m| m.as_e164().to_owned()),
            channel: Channel::Counter,
        })
    }

    pub fn channel(&self) -> Channel {
        self.channel
    }

    /// The key a resident list is checked against (their national ID).
    pub fn resident_key(&self) -> Option<String> {
        self.national_id.as_ref().map(|id| format!("id:{id}"))
    }

    /// Every key this voter is known by, each to be hashed and held once
    /// per slot: `id:<national ID>`, `mobile:<E.164>`.
    pub fn keys(&self) -> Vec<String> {
        self.resident_key()
            .into_iter()
            .chain(self.mobile.as_ref().map(|m| format!("mobile:{m}")))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::country::Country;

    fn mobile() -> MobileNumber {
        MobileNumber::parse(Country::Egypt, "01001234567").expect("a mobile number")
    }

    fn national_id() -> PersonalId {
        let text = crate::country::EgyptianNationalId::with_check_digit("2900115210123")
            .expect("13 digits");
        PersonalId::parse(
            Country::Egypt,
            &text,
            chrono::NaiveDate::from_ymd_opt(2026, 12, 7).expect("a day"),
        )
        .expect("an ID")
    }

    #[test]
    fn a_person_is_known_by_the_same_keys_online_and_at_the_counter() {
        let online = Voter::online(Eligibility::Mobile, &mobile(), None).expect("a voter");
        assert_eq!(online.keys(), ["mobile:+201001234567"]);
        let counter = Voter::at_counter(Eligibility::Mobile, &national_id(), Some(&mobile()))
            .expect("a voter");
        assert!(counter.keys().contains(&"mobile:+201001234567".to_owned()));
        let resident = Voter::online(Eligibility::Residents, &mobile(), Some(&national_id()))
            .expect("a voter");
        let walk_in =
            Voter::at_counter(Eligibility::Residents, &national_id(), None).expect("a voter");
        assert_eq!(resident.resident_key(), walk_in.resident_key());
        assert_eq!(walk_in.keys(), [resident.keys()[0].clone()]);
    }

    #[test]
    fn each_process_admits_its_own_channels() {
        assert_eq!(
            Voter::online(Eligibility::Counter, &mobile(), Some(&national_id()))
                .map_err(|e| e.code),
            Err("voting-counter-only")
        );
        assert_eq!(
            Voter::online(Eligibility::Residents, &mobile(), None).map_err(|e| e.field),
            Err("national_id".to_owned())
        );
        assert_eq!(
            Voter::at_counter(Eligibility::Mobile, &national_id(), None).map_err(|e| e.code),
            Err("voter-mobile-required")
        );
        for e in Eligibility::ALL {
            assert_eq!(Eligibility::parse(e.as_str()), Some(e));
        }
    }
}
