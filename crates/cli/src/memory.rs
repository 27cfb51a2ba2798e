//! Giving back the memory a burst of traffic leaves with the allocator.
//!
//! glibc keeps what a thread freed in that thread's arena and returns pages
//! to the system only from the top of a heap: after a burst, megabytes that
//! nothing uses stay resident below the allocations that live on.
//! `malloc_trim(0)` gives every arena's free pages back.

use std::time::Duration;

/// How often: a walk of the arenas' free lists, cheap when there is little
/// to give back.
const EVERY: Duration = Duration::from_secs(10);

/// Gives freed memory back to the system every [`EVERY`], for ever.
pub async fn give_back_freed_memory() {
    let mut tick = tokio::time::interval(EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tick.tick().await;
        trim();
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn trim() {
    // SAFETY: `malloc_trim` takes no pointer and touches only the
    // allocator's own free lists, each under its arena's lock.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Other allocators (musl's, the other systems') give large blocks back
/// themselves.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim() {}
