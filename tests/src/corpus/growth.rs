//! Growth: page views keyed after the fact, raw SQL the model learns from,
//! generated and identity columns added late, promotions, refunds, feature
//! flags, and a unique constraint replaced by a partial index.

use godwit::migration;

#[migration(
    revision = "a061",
    down_revision = "a060",
    message = "create daily post view counters"
)]
pub mod create_post_views {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "post_views",
            [
                column("post_id", BigInt)
                    .not_null()
                    .references("posts", "id")
                    .on_delete(Action::Cascade),
                column("viewed_on", Date).not_null(),
                column("views", Integer).not_null().server_default(0),
            ],
        );
        op.create_index("post_views_post_id", "post_views", ["post_id"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("post_views_post_id", "post_views");
        op.drop_table("post_views");
    }
}

#[migration(
    revision = "a062",
    down_revision = "a061",
    message = "build the unique index of post views per day"
)]
pub mod index_post_views_day {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index("post_views_day_idx", "post_views", ["post_id", "viewed_on"])
            .unique()
            .concurrently();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("post_views_day_idx", "post_views")
            .concurrently();
    }
}

#[migration(
    revision = "a063",
    down_revision = "a062",
    message = "key post views by post and day on the index built before"
)]
pub mod key_post_views {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_primary_key("post_views_pkey", "post_views", ["post_id", "viewed_on"])
            .using_index("post_views_day_idx");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("post_views_pkey", "post_views");
        op.create_index("post_views_day_idx", "post_views", ["post_id", "viewed_on"])
            .unique();
    }
}

#[migration(
    revision = "a064",
    down_revision = "a063",
    message = "drop the post views index the key now covers"
)]
pub mod drop_post_views_post_index {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.drop_index("post_views_post_id", "post_views")
            .concurrently();
    }

    pub fn downgrade(op: &mut Ops) {
        op.create_index("post_views_post_id", "post_views", ["post_id"])
            .concurrently();
    }
}

#[migration(
    revision = "a065",
    down_revision = "a064",
    message = "add search terms to products in hand-written SQL"
)]
pub mod add_product_search_terms {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute("ALTER TABLE products ADD COLUMN search_terms text[]");
    }

    pub fn downgrade(op: &mut Ops) {
        op.safety_assured("the column came with this migration", |op| {
            op.execute("ALTER TABLE products DROP COLUMN search_terms");
        });
    }
}

#[migration(
    revision = "a066",
    down_revision = "a065",
    message = "index the search terms of products with gin"
)]
pub mod index_product_search_terms {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index("products_search_terms", "products", ["search_terms"])
            .using("gin")
            .concurrently();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("products_search_terms", "products")
            .concurrently();
    }
}

#[migration(
    revision = "a067",
    down_revision = "a066",
    message = "add the price in currency units as a stored column"
)]
pub mod add_product_price {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured(
            "products holds a few thousand rows: the rewrite takes milliseconds",
            |op| {
                op.add_column(
                    "products",
                    column("price", Numeric(14, 2))
                        .generated("price_cents / 100.0")
                        .stored(),
                );
            },
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("products", "price");
    }
}

#[migration(
    revision = "a068",
    down_revision = "a067",
    message = "number comments with an identity column"
)]
pub mod add_comment_sequence {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured(
            "comments is rewritten once, during the maintenance window",
            |op| {
                // NOT NULL said explicitly: an identity column always is,
                // but the model takes `.autoincrement()` alone as nullable
                // and `check_drift` reports the difference (see
                // docs/RELIABILITY.md, the corpus).
                op.add_column("comments", column("seq", BigInt).not_null().autoincrement());
            },
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("comments", "seq");
    }
}

#[migration(
    revision = "a069",
    down_revision = "a068",
    message = "create promotions over date ranges"
)]
pub mod create_promotions {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "promotions",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("product_id", BigInt)
                    .not_null()
                    .references("products", "id")
                    .on_delete(Action::Cascade),
                column("active_during", Custom("daterange")).not_null(),
                column("label", Text),
            ],
        );
        op.create_index("promotions_product_id", "promotions", ["product_id"]);
        op.create_index("promotions_active_during", "promotions", ["active_during"])
            .using("gist");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("promotions_active_during", "promotions");
        op.drop_index("promotions_product_id", "promotions");
        op.drop_table("promotions");
    }
}

#[migration(
    revision = "a070",
    down_revision = "a069",
    message = "create refunds of order lines"
)]
pub mod create_refunds {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "refunds",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("order_id", BigInt).not_null(),
                column("line_no", SmallInt).not_null(),
                column("amount", Numeric(12, 2)).not_null(),
                column("reason", Text),
            ],
        );
        op.create_foreign_key(
            "refunds_order_line_fkey",
            "refunds",
            ["order_id", "line_no"],
            "order_items",
            ["order_id", "line_no"],
        )
        .on_delete(Action::Cascade)
        .initially_deferred();
        op.create_index("refunds_order_line", "refunds", ["order_id", "line_no"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("refunds_order_line", "refunds");
        op.drop_table("refunds");
    }
}

#[migration(
    revision = "a071",
    down_revision = "a070",
    message = "soft-delete posts with a deletion time"
)]
pub mod add_post_deleted_at {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("posts", column("deleted_at", TimestampTz));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("posts", "deleted_at");
    }
}

#[migration(
    revision = "a072",
    down_revision = "a071",
    message = "build the unique index of live post slugs"
)]
pub mod index_live_post_slugs {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index("posts_live_slug", "posts", ["org_id", "slug"])
            .unique()
            .concurrently()
            .where_("deleted_at IS NULL");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("posts_live_slug", "posts").concurrently();
    }
}

#[migration(
    revision = "a073",
    down_revision = "a072",
    message = "let deleted posts free their slugs"
)]
pub mod drop_post_slug_constraint {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.drop_constraint("posts_org_id_slug_key", "posts");
    }

    pub fn downgrade(op: &mut Ops) {
        op.safety_assured(
            "slugs are unique among all posts until this migration",
            |op| {
                op.create_unique_constraint("posts_org_id_slug_key", "posts", ["org_id", "slug"]);
            },
        );
    }
}

#[migration(
    revision = "a074",
    down_revision = "a073",
    message = "create feature flags in hand-written SQL"
)]
pub mod create_feature_flags {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute(
            "CREATE TABLE feature_flags (
                key varchar(64) PRIMARY KEY,
                enabled boolean NOT NULL DEFAULT false,
                rollout smallint NOT NULL DEFAULT 0
            )",
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.safety_assured("the table came with this migration", |op| {
            op.execute("DROP TABLE feature_flags");
        });
    }
}

#[migration(
    revision = "a075",
    down_revision = "a074",
    message = "describe feature flags and bound their rollout"
)]
pub mod describe_feature_flags {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("feature_flags", column("description", Text));
        op.create_check_constraint(
            "feature_flags_rollout_percent",
            "feature_flags",
            "rollout >= 0 AND rollout <= 100",
        )
        .not_valid();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("feature_flags_rollout_percent", "feature_flags");
        op.drop_column("feature_flags", "description");
    }
}

#[migration(
    revision = "a076",
    down_revision = "a075",
    message = "seed the feature flags of the new editor"
)]
pub mod seed_feature_flags {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute(
            "INSERT INTO feature_flags (key, enabled, rollout) VALUES ('new_editor', true, 10);
             UPDATE feature_flags SET description = 'the block editor' WHERE key = 'new_editor'",
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.execute("DELETE FROM feature_flags WHERE key = 'new_editor'");
    }
}

#[migration(
    revision = "a077",
    down_revision = "a076",
    message = "add a visibility enum to posts"
)]
pub mod add_post_visibility {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_enum("post_visibility", ["public", "members", "private"]);
        op.add_column(
            "posts",
            column("visibility", Enum("post_visibility"))
                .not_null()
                .server_default("public"),
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("posts", "visibility");
        op.drop_enum("post_visibility");
    }
}

#[migration(
    revision = "a078",
    down_revision = "a077",
    message = "deprecate post visibility, replaced by memberships"
)]
pub mod deprecate_post_visibility {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.deprecate_column("posts", "visibility");
    }

    pub fn downgrade(op: &mut Ops) {
        op.safety_assured("every row still has its visibility", |op| {
            op.alter_column("posts", "visibility").nullable(false);
        });
    }
}

#[migration(
    revision = "a079",
    down_revision = "a078",
    message = "drop post visibility and its enum type"
)]
pub mod drop_post_visibility {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.drop_column("posts", "visibility");
        op.drop_enum("post_visibility");
    }

    pub fn downgrade(op: &mut Ops) {
        op.create_enum("post_visibility", ["public", "members", "private"]);
        op.add_column(
            "posts",
            column("visibility", Enum("post_visibility")).server_default("public"),
        );
    }
}

#[migration(
    revision = "a080",
    down_revision = "a079",
    message = "index comments by lower-cased body prefix and recency"
)]
pub mod index_comment_expressions {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index(
            "comments_recent_body",
            "comments",
            [
                expr("date_trunc('day', created_at AT TIME ZONE 'UTC')")
                    .desc()
                    .nulls_first(),
                expr("left(body, 40)").nulls_last(),
            ],
        )
        .concurrently();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("comments_recent_body", "comments")
            .concurrently();
    }
}

#[migration(
    revision = "a081",
    down_revision = "a080",
    message = "index tag names with spgist for prefix lookups"
)]
pub mod index_tag_prefixes {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index(
            "tags_name_prefix",
            "tags",
            [key("name").opclass("text_ops")],
        )
        .using("spgist")
        .concurrently();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("tags_name_prefix", "tags").concurrently();
    }
}

#[migration(
    revision = "a082",
    down_revision = "a081",
    message = "link audit events to organizations without checking old rows"
)]
pub mod link_audit_organizations {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_foreign_key(
            "audit_events_org_id_fkey",
            "audit_events",
            ["org_id"],
            "organizations",
            ["id"],
        )
        .on_delete(Action::Cascade)
        .deferrable()
        .not_valid();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("audit_events_org_id_fkey", "audit_events");
    }
}

#[migration(
    revision = "a083",
    down_revision = "a082",
    message = "validate the audit events to organizations foreign key"
)]
pub mod validate_audit_organizations {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.validate_constraint("audit_events_org_id_fkey", "audit_events");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("audit_events_org_id_fkey", "audit_events");
        op.create_foreign_key(
            "audit_events_org_id_fkey",
            "audit_events",
            ["org_id"],
            "organizations",
            ["id"],
        )
        .on_delete(Action::Cascade)
        .deferrable()
        .not_valid();
    }
}
