//! Objects whose body is SQL: the `updated_at` trigger, trigram search,
//! the post search view, the daily sales materialized view, comments on
//! tables and columns, and a table created only if missing.

use godwit::migration;

#[migration(
    revision = "a084",
    down_revision = "a083",
    message = "keep the time each product was last updated"
)]
pub mod track_product_updates {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column(
            "products",
            column("updated_at", TimestampTz)
                .not_null()
                .server_default(now()),
        );
        op.create_function(
            "set_updated_at()",
            "RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := current_timestamp; RETURN NEW; END $$",
        );
        op.create_trigger(
            "products_set_updated_at",
            "products",
            "BEFORE UPDATE",
            "FOR EACH ROW EXECUTE FUNCTION set_updated_at()",
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_trigger("products_set_updated_at", "products")
            .if_exists();
        op.drop_function("set_updated_at()").if_exists();
        op.drop_column("products", "updated_at");
    }
}

#[migration(
    revision = "a085",
    down_revision = "a084",
    message = "touch updated_at only when a row changed and the caller did not set it"
)]
pub mod touch_changed_rows_only {
    use godwit::dsl::*;

    // Diesel's `diesel_set_updated_at`: an UPDATE that changes nothing
    // keeps the time, and one that sets updated_at itself is believed.
    pub fn upgrade(op: &mut Ops) {
        op.replace_function(
            "set_updated_at()",
            "RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW IS DISTINCT FROM OLD AND NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN NEW.updated_at := current_timestamp; END IF; RETURN NEW; END $$",
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.replace_function(
            "set_updated_at()",
            "RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := current_timestamp; RETURN NEW; END $$",
        );
    }
}

#[migration(
    revision = "a086",
    down_revision = "a085",
    message = "keep the time each order was last updated"
)]
pub mod track_order_updates {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column(
            "orders",
            column("updated_at", TimestampTz)
                .not_null()
                .server_default(now()),
        );
        op.create_trigger(
            "orders_set_updated_at",
            "orders",
            "BEFORE UPDATE",
            "FOR EACH ROW EXECUTE FUNCTION set_updated_at()",
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_trigger("orders_set_updated_at", "orders");
        op.drop_column("orders", "updated_at");
    }
}

#[migration(
    revision = "a087",
    down_revision = "a086",
    message = "install pg_trgm for fuzzy product search"
)]
pub mod enable_trigrams {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_extension("pg_trgm").if_not_exists();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_extension("pg_trgm").if_exists();
    }
}

#[migration(
    revision = "a088",
    down_revision = "a087",
    message = "index product names by trigrams"
)]
pub mod index_product_name_trigrams {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index(
            "products_name_trgm",
            "products",
            [key("name").opclass("gin_trgm_ops")],
        )
        .using("gin")
        .concurrently();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("products_name_trgm", "products")
            .concurrently();
    }
}

#[migration(
    revision = "a089",
    down_revision = "a088",
    message = "create the view the post search reads"
)]
pub mod create_post_search {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_view(
            "post_search",
            "SELECT id, org_id, title, slug FROM posts WHERE deleted_at IS NULL",
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_view("post_search").if_exists();
    }
}

#[migration(
    revision = "a090",
    down_revision = "a089",
    message = "show the author and the search vector in the post search"
)]
pub mod widen_post_search {
    use godwit::dsl::*;

    // Columns only added at the end: PostgreSQL replaces the view.
    pub fn upgrade(op: &mut Ops) {
        op.replace_view(
            "post_search",
            "SELECT id, org_id, title, slug, author_id, search FROM posts WHERE deleted_at IS NULL",
        );
    }

    // A view that loses columns is created anew.
    pub fn downgrade(op: &mut Ops) {
        op.drop_view("post_search");
        op.create_view(
            "post_search",
            "SELECT id, org_id, title, slug FROM posts WHERE deleted_at IS NULL",
        );
    }
}

#[migration(
    revision = "a091",
    down_revision = "a090",
    message = "total the sales of each organization by day"
)]
pub mod create_daily_sales {
    use godwit::dsl::*;

    // Created empty, indexed, then filled: the unique index lets later
    // refreshes run concurrently.
    pub fn upgrade(op: &mut Ops) {
        op.create_materialized_view(
            "daily_sales",
            "SELECT org_id, date_trunc('day', placed_at) AS day, count(*) AS orders, sum(total_cents) AS total_cents FROM orders WHERE placed_at IS NOT NULL GROUP BY org_id, date_trunc('day', placed_at)",
        )
        .with_no_data();
        op.create_index("daily_sales_org_day", "daily_sales", ["org_id", "day"])
            .unique();
        op.refresh_materialized_view("daily_sales");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_materialized_view("daily_sales").if_exists();
    }
}

#[migration(
    revision = "a092",
    down_revision = "a091",
    message = "refresh the daily sales without blocking their readers"
)]
pub mod refresh_daily_sales {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.refresh_materialized_view("daily_sales").concurrently();
    }

    // Rows computed again are no schema to take back.
    pub fn downgrade(_op: &mut Ops) {}
}

#[migration(
    revision = "a093",
    down_revision = "a092",
    message = "describe orders and their totals for the reporting team"
)]
pub mod describe_orders {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.comment_on_table("orders", "one per checkout, never deleted");
        op.comment_on_column(
            "orders",
            "total_cents",
            "in the order's currency, tax included; kept in step by the order items",
        );
        op.comment_on_column(
            "products",
            "updated_at",
            "set by the set_updated_at() trigger",
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_comment_on_column("products", "updated_at");
        op.drop_comment_on_column("orders", "total_cents");
        op.drop_comment_on_table("orders");
    }
}

#[migration(
    revision = "a094",
    down_revision = "a093",
    message = "create the export jobs table where a hotfix may have made it"
)]
pub mod create_export_jobs {
    use godwit::dsl::*;

    // The table went to production by hand before this migration: it is
    // created, and indexed, only where it is missing.
    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "export_jobs",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("org_id", BigInt)
                    .not_null()
                    .references("organizations", "id")
                    .on_delete(Action::Cascade),
                column("kind", Varchar(32)).not_null(),
                column("finished_at", TimestampTz),
                column("created_at", TimestampTz)
                    .not_null()
                    .server_default(now()),
            ],
        )
        .if_not_exists();
        op.create_index("export_jobs_org_id", "export_jobs", ["org_id"])
            .if_not_exists();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("export_jobs_org_id", "export_jobs")
            .if_exists();
        op.drop_table("export_jobs");
    }
}

#[migration(
    revision = "a095",
    down_revision = "a094",
    message = "say why export jobs go with their organization"
)]
pub mod comment_export_job_owner {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.comment_on_constraint(
            "export_jobs_org_id_fkey",
            "export_jobs",
            "an organization's exports are deleted with it, files included",
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_comment_on_constraint("export_jobs_org_id_fkey", "export_jobs");
    }
}
