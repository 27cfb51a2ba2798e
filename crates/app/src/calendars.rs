//! The countries' working-day calendars, kept for a minute: every
//! submission computes its due date from one, and reading a country's
//! holidays from the database on each was the largest single cost of a
//! submission in the profile (see docs/benchmarks/). A holiday added here
//! is seen at once; one added by another process (`baladiya admin
//! holiday`, another server) within a minute.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use baladiya_domain::calendar::WorkCalendar;
use baladiya_domain::country::Country;

use crate::{App, AppError};

/// How long a calendar read from the database is used.
const FRESH_FOR: Duration = Duration::from_secs(60);

/// A calendar, and when it was read.
type Kept = (Instant, Arc<WorkCalendar>);

/// The calendars read, by country.
#[derive(Debug, Clone, Default)]
pub struct Calendars(Arc<RwLock<HashMap<Country, Kept>>>);

impl Calendars {
    /// Forgets them all (a holiday changed).
    pub(crate) fn forget(&self) {
        if let Ok(mut kept) = self.0.write() {
            kept.clear();
        }
    }
}

impl App {
    /// `country`'s working-day calendar: its weekend and its holidays.
    pub async fn calendar(&self, country: Country) -> Result<Arc<WorkCalendar>, AppError> {
        let kept = self.calendars.0.read().ok().and_then(|kept| {
            kept.get(&country)
                .filter(|(at, _)| at.elapsed() < FRESH_FOR)
                .map(|(_, calendar)| calendar.clone())
        });
        if let Some(calendar) = kept {
            return Ok(calendar);
        }
        let calendar = Arc::new(self.store.calendar(country).await?);
        if let Ok(mut kept) = self.calendars.0.write() {
            kept.insert(country, (Instant::now(), calendar.clone()));
        }
        Ok(calendar)
    }
}
