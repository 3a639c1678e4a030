//! The corpus: one application's history, as its team would write it.
//! [`APP`] is the PostgreSQL history of a marketplace (accounts,
//! organisations, content, commerce, payments, audit, search); [`PORTABLE`]
//! is a smaller history of the same application's support desk, kept to
//! what MariaDB and SQLite have too, and [`PORTABLE_KEYS`] its other line,
//! which PostgreSQL and SQLite run. Each migration also exists as the
//! plain SQL a team would have written for PostgreSQL by hand (the `.sql`
//! file next to each group, `-- <revision> up` / `-- <revision> down`),
//! which `tests/tests/corpus.rs` applies with `psql` and compares with
//! godwit's result through `pg_dump`. [`kinds`] lists what the corpus
//! covers of the DSL.

pub mod accounts;
pub mod commerce;
pub mod content;
pub mod customers;
pub mod desk;
pub mod desk_views;
pub mod growth;
mod kinds;
pub mod objects;
pub mod platform;

pub use kinds::{kinds, vocabulary_kinds};

use accounts::*;
use commerce::*;
use content::*;
use customers::*;
use desk::*;
use desk_views::*;
use growth::*;
use objects::*;
use platform::*;

/// The PostgreSQL history: every kind of the DSL PostgreSQL has.
pub static APP: godwit::MigrationSet = godwit::migrations![
    backends = [postgres];
    create_users,
    create_sessions,
    add_user_activity,
    index_active_users,
    enable_citext,
    add_usernames,
    index_usernames,
    constrain_usernames,
    add_account_status,
    add_pending_status,
    create_organizations,
    create_memberships,
    create_password_resets,
    create_posts,
    create_comments,
    create_tags,
    seed_tags,
    add_post_tag_cache,
    index_post_tag_cache,
    add_post_search,
    backfill_post_search,
    index_post_search,
    index_post_titles,
    check_comment_body,
    validate_comment_body,
    create_post_status,
    use_post_status,
    add_post_metadata,
    create_products,
    create_orders,
    create_order_items,
    create_payments,
    link_payments_to_orders,
    validate_payment_orders,
    add_disputed_status,
    rename_failed_status,
    drop_disputed_status,
    add_refunded_amount,
    create_coupons,
    add_order_coupon,
    index_order_coupon,
    link_order_coupon,
    validate_order_coupon,
    check_order_placed_at,
    validate_order_placed_at,
    require_order_placed_at,
    create_audit_events,
    index_audit_ip,
    create_api_keys,
    create_webhooks,
    rename_user_name,
    backfill_display_names,
    rename_webhook_deliveries,
    deprecate_user_locale,
    drop_user_locale,
    deprecate_password_resets,
    drop_password_resets,
    widen_post_titles,
    drop_currency_default,
    default_webhook_attempt,
    create_post_views,
    index_post_views_day,
    key_post_views,
    drop_post_views_post_index,
    add_product_search_terms,
    index_product_search_terms,
    add_product_price,
    add_comment_sequence,
    create_promotions,
    create_refunds,
    add_post_deleted_at,
    index_live_post_slugs,
    drop_post_slug_constraint,
    create_feature_flags,
    describe_feature_flags,
    seed_feature_flags,
    add_post_visibility,
    deprecate_post_visibility,
    drop_post_visibility,
    index_comment_expressions,
    index_tag_prefixes,
    link_audit_organizations,
    validate_audit_organizations,
    track_product_updates,
    touch_changed_rows_only,
    track_order_updates,
    enable_trigrams,
    index_product_name_trigrams,
    create_post_search,
    widen_post_search,
    create_daily_sales,
    refresh_daily_sales,
    describe_orders,
    create_export_jobs,
    comment_export_job_owner,
];

/// The portable history as MariaDB and SQLite run it.
pub static PORTABLE: godwit::MigrationSet = godwit::migrations![
    backends = [mysql, mariadb, sqlite];
    create_agents,
    create_tickets,
    create_ticket_messages,
    seed_first_agent,
    add_urgent_priority,
    add_ticket_rating,
    check_ticket_rating,
    validate_ticket_rating,
    create_customers,
    add_ticket_customer,
    index_ticket_customer,
    link_ticket_customer,
    validate_ticket_customer,
    rename_ticket_contact,
    create_ticket_labels,
    create_canned_replies,
    rename_canned_replies,
    rename_normal_priority,
    deprecate_customer_legacy_code,
    drop_customer_legacy_code,
    widen_ticket_subjects,
    default_agent_name,
    create_surveys,
    backfill_closed_tickets,
    deprecate_email_imports,
    drop_email_imports,
    create_agent_shifts,
    index_agent_shifts,
    add_agent_email_domain,
    list_open_tickets,
    stamp_last_message,
];

/// The portable history's other line, which PostgreSQL and SQLite run: the
/// same up to its virtual generated column (which PostgreSQL before 18 does
/// not have), then what MariaDB does not have (an expression key, NULLS
/// ordering, a partial index, deferrable foreign keys) and a view replaced.
pub static PORTABLE_KEYS: godwit::MigrationSet = godwit::migrations![
    backends = [postgres, sqlite];
    create_agents,
    create_tickets,
    create_ticket_messages,
    seed_first_agent,
    add_urgent_priority,
    add_ticket_rating,
    check_ticket_rating,
    validate_ticket_rating,
    create_customers,
    add_ticket_customer,
    index_ticket_customer,
    link_ticket_customer,
    validate_ticket_customer,
    rename_ticket_contact,
    create_ticket_labels,
    create_canned_replies,
    rename_canned_replies,
    rename_normal_priority,
    deprecate_customer_legacy_code,
    drop_customer_legacy_code,
    widen_ticket_subjects,
    default_agent_name,
    create_surveys,
    backfill_closed_tickets,
    deprecate_email_imports,
    drop_email_imports,
    create_agent_shifts,
    index_agent_shifts,
    index_ticket_queue,
    create_ticket_watchers,
    list_ticket_queue,
    widen_ticket_queue,
];

/// Every migration of the corpus once (the portable lines share most of
/// theirs).
pub fn migrations() -> Vec<&'static godwit::Migration> {
    let mut all: Vec<&'static godwit::Migration> = Vec::new();
    for set in [&APP, &PORTABLE, &PORTABLE_KEYS] {
        for m in set.migrations() {
            if !all.iter().any(|x| x.revision == m.revision) {
                all.push(m);
            }
        }
    }
    all
}

/// The plain SQL files, in the order of the groups.
const SQL: &[&str] = &[
    include_str!("accounts.sql"),
    include_str!("content.sql"),
    include_str!("commerce.sql"),
    include_str!("platform.sql"),
    include_str!("growth.sql"),
    include_str!("objects.sql"),
    include_str!("desk.sql"),
    include_str!("customers.sql"),
    include_str!("desk_views.sql"),
];

/// The plain PostgreSQL SQL of `revision`: its up and its down script.
pub fn plain_sql(revision: &str) -> Option<(String, String)> {
    let mut up = None;
    let mut down = None;
    for file in SQL {
        let mut current: Option<&mut String> = None;
        let (mut u, mut d) = (String::new(), String::new());
        let mut found = false;
        for line in file.lines() {
            if let Some(rest) = line.strip_prefix("-- ") {
                match rest.split_once(' ') {
                    Some((rev, "up")) if rev == revision => {
                        found = true;
                        current = Some(&mut u);
                        continue;
                    }
                    Some((rev, "down")) if rev == revision => {
                        current = Some(&mut d);
                        continue;
                    }
                    Some((_, "up" | "down")) => {
                        current = None;
                        continue;
                    }
                    _ => {}
                }
            }
            if let Some(out) = current.as_deref_mut() {
                out.push_str(line);
                out.push('\n');
            }
        }
        if found {
            up = Some(u);
            down = Some(d);
        }
    }
    Some((up?, down?))
}
