//! A session's roster: unit heads nominate their staff within their
//! unit's quota, the center accepts (or wait-lists, when the seats are
//! taken) or declines, and a withdrawal frees the seat for the first on
//! the wait list. No trainee is booked into two sessions that share a day.

use std::collections::BTreeMap;

use super::course::SessionDates;
use crate::ErrorCode;

/// Where a trainee stands on a session's roster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SeatStatus {
    Nominated,
    Accepted,
    WaitListed,
    Declined,
    Withdrawn,
}

impl SeatStatus {
    pub const ALL: [SeatStatus; 5] = [
        SeatStatus::Nominated,
        SeatStatus::Accepted,
        SeatStatus::WaitListed,
        SeatStatus::Declined,
        SeatStatus::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SeatStatus::Nominated => "nominated",
            SeatStatus::Accepted => "accepted",
            SeatStatus::WaitListed => "wait_listed",
            SeatStatus::Declined => "declined",
            SeatStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(text: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or("training-seat-status-unknown")
    }

    /// Still on the roster (counts against the quota and for overlaps).
    pub fn is_live(self) -> bool {
        matches!(
            self,
            SeatStatus::Nominated | SeatStatus::Accepted | SeatStatus::WaitListed
        )
    }
}

/// One trainee's place on the roster, in nomination order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seat {
    pub trainee: i64,
    /// The unit whose quota the nomination counts against.
    pub unit: i64,
    pub status: SeatStatus,
}

/// Why a roster change is refused. Each is a stable error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EnrolmentError {
    #[error("the unit's seats on this session are all nominated")]
    OverQuota,
    #[error("the unit has no seats on this session")]
    NoQuota,
    #[error("this trainee is already on the roster")]
    AlreadyNominated,
    #[error("this trainee is booked in a session on the same days")]
    Overlap,
    #[error("this trainee is not on the roster")]
    NotOnRoster,
    #[error("this change does not apply to the trainee's place now")]
    WrongStatus,
}

impl EnrolmentError {
    pub fn code(self) -> ErrorCode {
        match self {
            EnrolmentError::OverQuota => ErrorCode::TrainingOverQuota,
            EnrolmentError::NoQuota => ErrorCode::TrainingNoQuota,
            EnrolmentError::AlreadyNominated => ErrorCode::TrainingAlreadyNominated,
            EnrolmentError::Overlap => ErrorCode::TrainingOverlap,
            EnrolmentError::NotOnRoster => ErrorCode::TrainingNotOnRoster,
            EnrolmentError::WrongStatus => ErrorCode::TrainingWrongStatus,
        }
    }
}

/// A session's seats, quotas and roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roster {
    capacity: u32,
    /// Seats per unit; empty: any unit may nominate up to the capacity.
    quotas: BTreeMap<i64, u32>,
    seats: Vec<Seat>,
}

impl Roster {
    pub fn new(capacity: u32, quotas: BTreeMap<i64, u32>, seats: Vec<Seat>) -> Self {
        Self {
            capacity,
            quotas,
            seats,
        }
    }

    pub fn seats(&self) -> &[Seat] {
        &self.seats
    }

    /// Accepted trainees.
    pub fn taken(&self) -> u32 {
        self.count(|s| s.status == SeatStatus::Accepted)
    }

    fn count(&self, which: impl Fn(&Seat) -> bool) -> u32 {
        self.seats.iter().filter(|s| which(s)).count() as u32
    }

    /// Seats `unit` may still nominate for.
    pub fn quota_left(&self, unit: i64) -> u32 {
        let quota = if self.quotas.is_empty() {
            self.capacity
        } else {
            self.quotas.get(&unit).copied().unwrap_or(0)
        };
        quota.saturating_sub(self.count(|s| s.unit == unit && s.status.is_live()))
    }

    /// `unit` nominates `trainee` for a session on `dates`; `booked` are
    /// the dates of the other sessions the trainee is live on.
    pub fn nominate(
        &mut self,
        trainee: i64,
        unit: i64,
        dates: &SessionDates,
        booked: &[SessionDates],
    ) -> Result<(), EnrolmentError> {
        if self
            .seats
            .iter()
            .any(|s| s.trainee == trainee && s.status.is_live())
        {
            return Err(EnrolmentError::AlreadyNominated);
        }
        if booked.iter().any(|other| other.overlaps(dates)) {
            return Err(EnrolmentError::Overlap);
        }
        if !self.quotas.is_empty() && !self.quotas.contains_key(&unit) {
            return Err(EnrolmentError::NoQuota);
        }
        if self.quota_left(unit) == 0 {
            return Err(EnrolmentError::OverQuota);
        }
        self.seats.retain(|s| s.trainee != trainee);
        self.seats.push(Seat {
            trainee,
            unit,
            status: SeatStatus::Nominated,
        });
        Ok(())
    }

    fn seat(&mut self, trainee: i64) -> Result<&mut Seat, EnrolmentError> {
        self.seats
            .iter_mut()
            .find(|s| s.trainee == trainee)
            .ok_or(EnrolmentError::NotOnRoster)
    }

    /// The center accepts a nomination: a seat if one is free, else the
    /// wait list. Returns where the trainee stands.
    pub fn accept(&mut self, trainee: i64) -> Result<SeatStatus, EnrolmentError> {
        let full = self.taken() >= self.capacity;
        let seat = self.seat(trainee)?;
        if seat.status != SeatStatus::Nominated {
            return Err(EnrolmentError::WrongStatus);
        }
        seat.status = if full {
            SeatStatus::WaitListed
        } else {
            SeatStatus::Accepted
        };
        Ok(seat.status)
    }

    /// The center declines a nomination or a place on the wait list.
    pub fn decline(&mut self, trainee: i64) -> Result<(), EnrolmentError> {
        let seat = self.seat(trainee)?;
        if !matches!(seat.status, SeatStatus::Nominated | SeatStatus::WaitListed) {
            return Err(EnrolmentError::WrongStatus);
        }
        seat.status = SeatStatus::Declined;
        Ok(())
    }

    /// The trainee (or their unit) withdraws. A seat freed goes to the
    /// first on the wait list, whose id is returned.
    pub fn withdraw(&mut self, trainee: i64) -> Result<Option<i64>, EnrolmentError> {
        let seat = self.seat(trainee)?;
        if !seat.status.is_live() {
            return Err(EnrolmentError::WrongStatus);
        }
        let freed = seat.status == SeatStatus::Accepted;
        seat.status = SeatStatus::Withdrawn;
        if !freed {
            return Ok(None);
        }
        let next = self
            .seats
            .iter_mut()
            .find(|s| s.status == SeatStatus::WaitListed);
        Ok(next.map(|s| {
            s.status = SeatStatus::Accepted;
            s.trainee
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn dates(first: u32, last: u32) -> SessionDates {
        let d = |n| NaiveDate::from_ymd_opt(2026, 3, n).expect("day");
        SessionDates::new(d(first), d(last)).expect("dates")
    }

    const GIZA: i64 = 1;
    const RIYADH: i64 = 2;

    #[test]
    fn quotas_seats_wait_list_and_withdrawal() {
        let week = dates(1, 5);
        let mut roster = Roster::new(2, BTreeMap::from([(GIZA, 2), (RIYADH, 1)]), Vec::new());
        roster.nominate(10, GIZA, &week, &[]).expect("within quota");
        roster.nominate(11, GIZA, &week, &[]).expect("within quota");
        assert_eq!(
            roster.nominate(12, GIZA, &week, &[]),
            Err(EnrolmentError::OverQuota)
        );
        assert_eq!(
            roster.nominate(13, 99, &week, &[]),
            Err(EnrolmentError::NoQuota)
        );
        assert_eq!(
            roster.nominate(10, GIZA, &week, &[]),
            Err(EnrolmentError::AlreadyNominated)
        );
        assert_eq!(
            roster.nominate(20, RIYADH, &week, &[dates(5, 6)]),
            Err(EnrolmentError::Overlap),
            "booked on the 5th elsewhere"
        );
        roster
            .nominate(20, RIYADH, &week, &[dates(6, 7)])
            .expect("no overlap");
        assert_eq!(roster.accept(10), Ok(SeatStatus::Accepted));
        assert_eq!(roster.accept(20), Ok(SeatStatus::Accepted));
        assert_eq!(roster.accept(11), Ok(SeatStatus::WaitListed), "two seats");
        assert_eq!(roster.accept(11), Err(EnrolmentError::WrongStatus));
        assert_eq!(roster.taken(), 2);
        // A withdrawal frees the seat for the wait list.
        assert_eq!(roster.withdraw(10), Ok(Some(11)));
        assert_eq!(roster.taken(), 2);
        assert_eq!(
            roster.quota_left(GIZA),
            1,
            "the withdrawn seat is the unit's again"
        );
        assert_eq!(roster.withdraw(10), Err(EnrolmentError::WrongStatus));
        // Renominated after withdrawing: one place, not two.
        roster.nominate(10, GIZA, &week, &[]).expect("again");
        assert_eq!(roster.seats().iter().filter(|s| s.trainee == 10).count(), 1);
        roster.decline(10).expect("declined");
        assert_eq!(roster.withdraw(20), Ok(None), "nobody waiting");
        assert_eq!(roster.decline(99), Err(EnrolmentError::NotOnRoster));
    }

    #[test]
    fn without_quotas_any_unit_nominates_up_to_the_capacity() {
        let mut roster = Roster::new(1, BTreeMap::new(), Vec::new());
        roster.nominate(1, GIZA, &dates(1, 1), &[]).expect("first");
        assert_eq!(
            roster.nominate(2, GIZA, &dates(1, 1), &[]),
            Err(EnrolmentError::OverQuota)
        );
        roster
            .nominate(3, RIYADH, &dates(1, 1), &[])
            .expect("another unit");
        assert_eq!(SeatStatus::parse("wait_listed"), Ok(SeatStatus::WaitListed));
    }
}
