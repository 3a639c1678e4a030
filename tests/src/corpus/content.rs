//! Content: posts, comments, tags, full-text search.

use godwit::migration;

#[migration(
    revision = "a014",
    down_revision = "a013",
    message = "create posts written in organizations"
)]
pub mod create_posts {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "posts",
            [
                column("id", BigInt).primary_key().serial(),
                column("org_id", BigInt)
                    .not_null()
                    .references("organizations", "id"),
                column("author_id", BigInt)
                    .references("users", "id")
                    .on_delete(Action::SetNull),
                column("title", Varchar(200)).not_null(),
                column("slug", VarcharUnbounded).not_null(),
                column("body", Text),
                column("status", Varchar(16))
                    .not_null()
                    .server_default("draft"),
                column("published_at", TimestampTz),
                column("created_at", TimestampTz)
                    .not_null()
                    .server_default(now()),
            ],
        )
        .unique(["org_id", "slug"]);
        op.create_index("posts_author_id", "posts", ["author_id"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("posts_author_id", "posts");
        op.drop_table("posts");
    }
}

#[migration(
    revision = "a015",
    down_revision = "a014",
    message = "create threaded comments on posts"
)]
pub mod create_comments {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "comments",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("post_id", BigInt)
                    .not_null()
                    .references("posts", "id")
                    .on_delete(Action::Cascade),
                column("parent_id", BigInt)
                    .references("comments", "id")
                    .on_delete(Action::Cascade)
                    .deferrable(),
                column("author_id", BigInt)
                    .references("users", "id")
                    .on_delete(Action::SetNull),
                column("body", Text).not_null(),
                column("created_at", TimestampTz)
                    .not_null()
                    .server_default(now()),
            ],
        );
        op.create_index(
            "comments_post_created",
            "comments",
            [key("post_id"), key("created_at").nulls_first()],
        );
        op.create_index("comments_parent_id", "comments", ["parent_id"])
            .where_("parent_id IS NOT NULL");
        op.create_index("comments_author_id", "comments", ["author_id"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("comments_author_id", "comments");
        op.drop_index("comments_parent_id", "comments");
        op.drop_index("comments_post_created", "comments");
        op.drop_table("comments");
    }
}

#[migration(
    revision = "a016",
    down_revision = "a015",
    message = "create tags and the tags of posts",
    allow = ["int-primary-key"]
)]
pub mod create_tags {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        // A few hundred tags at most: a 32-bit key is plenty.
        op.create_table(
            "tags",
            [
                column("id", Integer).primary_key().serial(),
                column("name", Varchar(50)).not_null().unique(),
            ],
        );
        op.create_table(
            "post_tags",
            [
                column("post_id", BigInt)
                    .not_null()
                    .references("posts", "id")
                    .on_delete(Action::Cascade),
                column("tag_id", Integer)
                    .not_null()
                    .references("tags", "id")
                    .on_delete(Action::Cascade),
            ],
        )
        .primary_key_named("post_tags_key", ["post_id", "tag_id"]);
        op.create_index("post_tags_tag_id", "post_tags", ["tag_id"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("post_tags_tag_id", "post_tags");
        op.drop_table("post_tags");
        op.drop_table("tags");
    }
}

#[migration(
    revision = "a017",
    down_revision = "a016",
    message = "seed the default tags"
)]
pub mod seed_tags {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.execute("INSERT INTO tags (name) VALUES ('news'), ('howto'), ('release')");
    }

    pub fn downgrade(op: &mut Ops) {
        op.execute("DELETE FROM tags WHERE name IN ('news', 'howto', 'release')");
    }
}

#[migration(
    revision = "a018",
    down_revision = "a017",
    message = "cache tag names on posts as an array"
)]
pub mod add_post_tag_cache {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column(
            "posts",
            column("tag_names", Array(Text))
                .not_null()
                .server_default(sql("'{}'::text[]")),
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("posts", "tag_names");
    }
}

#[migration(
    revision = "a019",
    down_revision = "a018",
    message = "index the cached tag names with gin"
)]
pub mod index_post_tag_cache {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index("posts_tag_names", "posts", ["tag_names"])
            .using("gin")
            .concurrently();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("posts_tag_names", "posts").concurrently();
    }
}

#[migration(
    revision = "a020",
    down_revision = "a019",
    message = "add a full-text search vector to posts"
)]
pub mod add_post_search {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("posts", column("search", Custom("tsvector")));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("posts", "search");
    }
}

#[migration(
    revision = "a021",
    down_revision = "a020",
    message = "fill the search vector of existing posts"
)]
pub mod backfill_post_search {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.backfill(
            "posts",
            "search = to_tsvector('english', title || ' ' || coalesce(body, ''))",
        )
        .where_("search IS NULL")
        .batch_size(500);
    }

    pub fn downgrade(op: &mut Ops) {
        op.backfill("posts", "search = NULL");
    }
}

#[migration(
    revision = "a022",
    down_revision = "a021",
    message = "index the search vector of posts with gin"
)]
pub mod index_post_search {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index("posts_search", "posts", ["search"])
            .using("gin")
            .concurrently();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("posts_search", "posts").concurrently();
    }
}

#[migration(
    revision = "a023",
    down_revision = "a022",
    message = "index post titles case-insensitively for prefix search"
)]
pub mod index_post_titles {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index(
            "posts_lower_title",
            "posts",
            [expr("lower(title)").opclass("text_pattern_ops")],
        )
        .concurrently();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("posts_lower_title", "posts").concurrently();
    }
}

#[migration(
    revision = "a024",
    down_revision = "a023",
    message = "forbid blank comments on new rows first"
)]
pub mod check_comment_body {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_check_constraint("comments_body_not_blank", "comments", "btrim(body) <> ''")
            .not_valid();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("comments_body_not_blank", "comments");
    }
}

#[migration(
    revision = "a025",
    down_revision = "a024",
    message = "validate the blank comment check on old rows"
)]
pub mod validate_comment_body {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.validate_constraint("comments_body_not_blank", "comments");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("comments_body_not_blank", "comments");
        op.create_check_constraint("comments_body_not_blank", "comments", "btrim(body) <> ''")
            .not_valid();
    }
}

#[migration(
    revision = "a026",
    down_revision = "a025",
    message = "create the post status enum type"
)]
pub mod create_post_status {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_enum("post_status", ["draft", "published", "archived"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_enum("post_status");
    }
}

#[migration(
    revision = "a027",
    down_revision = "a026",
    message = "convert the post status column to its enum type"
)]
pub mod use_post_status {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured(
            "posts is small and every status is one of the enum's labels",
            |op| {
                op.alter_column("posts", "status")
                    .drop_default()
                    .set_type(Enum("post_status"))
                    .using("status::post_status")
                    .server_default("draft");
            },
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.safety_assured("back to text, which holds every label", |op| {
            op.alter_column("posts", "status")
                .drop_default()
                .set_type(Varchar(16))
                .using("status::text")
                .server_default("draft");
        });
    }
}

#[migration(
    revision = "a028",
    down_revision = "a027",
    message = "add structured metadata and an edit time to posts"
)]
pub mod add_post_metadata {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column(
            "posts",
            column("metadata", Json)
                .not_null()
                .server_default(sql("'{}'::jsonb")),
        );
        op.add_column("posts", column("updated_at", TimestampTz));
        op.add_column("comments", column("edited_at", TimestampTz));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("comments", "edited_at");
        op.drop_column("posts", "updated_at");
        op.drop_column("posts", "metadata");
    }
}
