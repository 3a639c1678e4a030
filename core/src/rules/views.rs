//! `non-concurrent-refresh`: refreshing an existing materialized view
//! without `.concurrently()`.
//!
//! A plain `REFRESH MATERIALIZED VIEW` takes an ACCESS EXCLUSIVE lock on the
//! view until the query has run again: every read of the view waits that
//! long. `.concurrently()` computes the new rows aside and merges them, and
//! readers go on reading the old ones; it needs a unique index on the view
//! (without a WHERE clause), which the replay checks (`unknown-index`). A
//! materialized view created in the same migration has no reader yet.

use super::{Finding, OpCheck};
use crate::diagnostic::Rule;
use crate::model::Op;

pub(super) fn check(cx: &OpCheck<'_>, out: &mut Vec<Finding>) {
    let Op::RefreshMaterializedView {
        name,
        concurrently: false,
    } = cx.op
    else {
        return;
    };
    if !cx.before.views.get(&**name).is_some_and(|v| v.materialized) {
        return;
    }
    out.push(Finding::new(
        Rule::NonConcurrentRefresh,
        format!(
            "refreshing materialized view `{name}` without CONCURRENTLY locks it against every read until its query has run again"
        ),
        format!(
            "refresh it with .concurrently() (it needs a unique index on `{name}` without a WHERE clause: create one in an earlier migration), or wrap the op in op.safety_assured(\"why a blocked read is fine\", |op| {{ .. }})"
        ),
    ));
}
