//! Community participation: participatory budgets, their ballots and the
//! rules that count them.
//!
//! - [`phases`]: a participatory process's dated phases (information,
//!   proposals, supports, review, voting, results, implementation; any
//!   skipped), and which is under way on a given day.
//! - [`ballot`]: a budget's projects and how it is voted on — knapsack
//!   (spend up to the budget) or approval (choose up to N) — and a ballot
//!   that is valid once it exists.
//! - [`count`]: the two counting rules a budget declares before voting
//!   opens, computed exactly (rational numbers) as their published
//!   definitions and as `pabutools` computes them: greedy by votes, and the
//!   Method of Equal Shares.
//! - [`delivery`]: a decided project's delivery as staff report it
//!   (status, progress, its budget line allocated and spent, a public note).
//! - [`receipt`]: the code a voter keeps to check that their ballot was
//!   recorded and counted, and to change it while voting is open.
//! - [`voters`]: who may take part (any verified mobile number, a
//!   resident list, the counter only), through which channel, and the keys
//!   that make one person one vote whatever the channel.
//! - [`proposals`]: a citizen's proposal (valid once it exists), a
//!   department's technical review, and where a proposal stands against
//!   its process's support threshold.
//! - [`pabulib`]: the pabulib file format, read (within bounds) and
//!   written, so anyone can recount a published result.

pub mod ballot;
pub mod count;
pub mod delivery;
pub mod pabulib;
pub mod phases;
pub mod proposals;
pub mod receipt;
pub mod voters;

#[cfg(test)]
mod fuzz;

/// A whole amount of money as people type it — Arabic-Indic digits,
/// grouped with commas, spaces or dashes — from zero to a trillion; a minus
/// sign is refused, not dropped.
pub(crate) fn typed_whole(text: &str) -> Option<i64> {
    if text.contains(['-', '\u{2212}']) {
        return None;
    }
    crate::country::ascii_digits(text)
        .replace([',', '٬'], "")
        .parse::<i64>()
        .ok()
        .filter(|n| (0..=proposals::MAX_COST).contains(n))
}
