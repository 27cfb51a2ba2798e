//! Public holidays per country: the configurable part of working-day calendars.

use baladiya_domain::calendar::WorkCalendar;
use baladiya_domain::country::Country;
use chrono::NaiveDate;

use crate::{Store, StoreError, on_pool};

impl Store {
    /// Adds (or renames) a holiday.
    pub async fn put_holiday(
        &self,
        country: Country,
        day: NaiveDate,
        name_ar: &str,
        name_en: &str,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO holidays (country, day, name_ar, name_en) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (country, day) DO UPDATE SET name_ar = excluded.name_ar, name_en = excluded.name_en",
            )
            .bind(country.code())
            .bind(day)
            .bind(name_ar)
            .bind(name_en)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Holidays of a country: `(day, name_ar, name_en)`, by date.
    pub async fn holidays(
        &self,
        country: Country,
    ) -> Result<Vec<(NaiveDate, String, String)>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as("SELECT day, name_ar, name_en FROM holidays WHERE country = $1 ORDER BY day")
                .bind(country.code())
                .fetch_all(pool)
                .await?
        }))
    }

    /// The working-day calendar of a country: its weekend and its holidays.
    pub async fn calendar(&self, country: Country) -> Result<WorkCalendar, StoreError> {
        let days = self
            .holidays(country)
            .await?
            .into_iter()
            .map(|(day, _, _)| day);
        Ok(WorkCalendar::new(country.weekend(), days))
    }
}
