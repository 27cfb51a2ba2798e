//! The local-development training center: courses and their completion
//! rules, sessions of the annual plan with seats and quotas, nominations
//! and enrolment, attendance, tests and evaluations, training needs and the
//! center's figures. Pure rules; the app
//! layer loads a session's roster, asks these, and saves the result with
//! its event in one transaction.

pub mod assessment;
pub mod course;
pub mod enrolment;
pub mod needs;
pub mod report;
