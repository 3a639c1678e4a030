//! Index shapes, named and replaced keys, and foreign key options, on real
//! databases: [`KEYS`] on every backend, [`EXPRESSION_KEYS`] where
//! expression keys, NULLS ordering and deferrable keys exist (PostgreSQL and
//! SQLite), [`POSTGRES_INDEXES`] for PostgreSQL's methods, operator classes
//! and INCLUDE.

use godwit::migration;

#[migration(
    revision = "x001",
    message = "create teams and their members with named keys"
)]
pub mod create_members {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "teams",
            [
                column("id", BigInt).primary_key(),
                column("code", Varchar(20)).not_null(),
            ],
        )
        .unique_named("teams_code_unique", ["code"]);
        op.create_table(
            "members",
            [
                column("team_id", BigInt)
                    .not_null()
                    .references("teams", "id")
                    .on_delete(Action::Cascade)
                    .on_update(Action::Cascade),
                column("user_no", BigInt).not_null(),
                column("email", Varchar(100)).not_null(),
                column("joined_at", Timestamp),
            ],
        )
        .primary_key_named("members_key", ["user_no", "team_id"]);
        op.create_index(
            "members_team_joined",
            "members",
            [key("team_id"), key("joined_at").desc()],
        )
        .using("btree");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("members");
        op.drop_table("teams");
    }
}

#[migration(
    revision = "x002",
    down_revision = "x001",
    message = "build the unique index of members.email"
)]
pub mod index_member_email {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index("members_email_key", "members", ["email"])
            .unique()
            .concurrently();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("members_email_key", "members").concurrently();
    }
}

#[migration(
    revision = "x003",
    down_revision = "x002",
    message = "make the members.email index a unique constraint"
)]
pub mod constrain_member_email {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_unique_constraint("members_email_unique", "members", ["email"])
            .using_index("members_email_key");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("members_email_unique", "members");
        op.create_index("members_email_key", "members", ["email"])
            .unique();
    }
}

#[migration(
    revision = "x004",
    down_revision = "x003",
    message = "build the index of the members key to come"
)]
pub mod index_member_key {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index("members_new_key", "members", ["team_id", "user_no"])
            .unique()
            .concurrently();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("members_new_key", "members").concurrently();
    }
}

#[migration(
    revision = "x005",
    down_revision = "x004",
    message = "key members by team first, on the index built before"
)]
pub mod replace_member_key {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.drop_constraint("members_key", "members");
        op.create_primary_key("members_pkey", "members", ["team_id", "user_no"])
            .using_index("members_new_key");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("members_pkey", "members");
        op.create_primary_key("members_key", "members", ["user_no", "team_id"]);
        op.create_index("members_new_key", "members", ["team_id", "user_no"])
            .unique();
    }
}

#[migration(
    revision = "x006",
    down_revision = "x005",
    message = "create badges referencing members by their new key"
)]
pub mod create_badges {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "badges",
            [
                column("id", BigInt).primary_key(),
                column("team_id", BigInt).not_null(),
                column("user_no", BigInt).not_null(),
                column("label", Varchar(40)).not_null(),
            ],
        );
        op.create_index("badges_member", "badges", ["team_id", "user_no"]);
        op.create_foreign_key(
            "badges_member_fkey",
            "badges",
            ["team_id", "user_no"],
            "members",
            ["team_id", "user_no"],
        )
        .on_delete(Action::Restrict)
        .on_update(Action::Cascade);
        op.create_unique_constraint("badges_label_key", "badges", ["label", "team_id"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("badges");
    }
}

#[migration(
    revision = "x007",
    down_revision = "x006",
    message = "create tags and key them after the fact"
)]
pub mod create_tags {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "tags",
            [
                column("id", BigInt),
                column("label", Varchar(40)).not_null(),
            ],
        );
        op.create_primary_key("tags_pkey", "tags", ["id"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("tags");
    }
}

/// Named and composite keys, a unique constraint and a primary key made of
/// indexes built concurrently before, a primary key replaced, foreign key
/// actions: what every backend has.
pub static KEYS: godwit::MigrationSet = godwit::migrations![
    create_members,
    index_member_email,
    constrain_member_email,
    index_member_key,
    replace_member_key,
    create_badges,
    create_tags,
];

#[migration(
    revision = "y001",
    message = "create people with expression keys and a deferred boss"
)]
pub mod create_people {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "people",
            [
                column("id", BigInt).primary_key(),
                column("email", Varchar(100)).not_null(),
                column("name", Text),
                column("boss_id", BigInt),
            ],
        );
        op.create_index("people_email_lower", "people", [expr("lower(email)")])
            .unique();
        op.create_index(
            "people_name",
            "people",
            [
                key("name").desc().nulls_last(),
                expr("length(name)").nulls_first(),
            ],
        );
        op.create_index("people_boss", "people", ["boss_id"]);
        op.create_foreign_key("people_boss_fkey", "people", ["boss_id"], "people", ["id"])
            .on_delete(Action::SetNull)
            .initially_deferred();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("people");
    }
}

#[migration(
    revision = "y002",
    down_revision = "y001",
    message = "create pets with a deferrable owner"
)]
pub mod create_pets {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "pets",
            [
                column("id", BigInt).primary_key(),
                column("owner_id", BigInt)
                    .references("people", "id")
                    .on_update(Action::Cascade)
                    .deferrable(),
            ],
        );
        op.create_index("pets_owner", "pets", [key("owner_id").desc()]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("pets");
    }
}

#[migration(
    revision = "y003",
    down_revision = "y002",
    message = "rename people.name to full_name"
)]
pub mod rename_person_name {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured("the people table holds test rows only", |op| {
            op.rename_column("people", "name", "full_name");
        });
    }

    pub fn downgrade(op: &mut Ops) {
        op.rename_column("people", "full_name", "name");
    }
}

#[migration(
    revision = "y004",
    down_revision = "y003",
    message = "drop people.full_name and the index over it"
)]
pub mod drop_person_name {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured("nothing reads people.full_name", |op| {
            op.drop_column("people", "full_name");
        });
    }

    pub fn downgrade(op: &mut Ops) {
        op.add_column("people", column("full_name", Text));
        op.create_index(
            "people_name",
            "people",
            [
                key("full_name").desc().nulls_last(),
                expr("length(full_name)").nulls_first(),
            ],
        );
    }
}

/// Expression keys and NULLS ordering, followed through a rename and
/// dropped with their column; deferrable foreign keys (PostgreSQL, SQLite).
pub static EXPRESSION_KEYS: godwit::MigrationSet = godwit::migrations![
    backends = [postgres, sqlite];
    create_people,
    create_pets,
    rename_person_name,
    drop_person_name,
];

#[migration(
    revision = "z001",
    message = "create documents with PostgreSQL's index methods"
)]
pub mod create_docs {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "docs",
            [
                column("id", BigInt).primary_key(),
                column("title", Text).not_null(),
                column("slug", Varchar(80)),
                column("body", Json),
                column("created_at", TimestampTz),
            ],
        );
        op.create_index(
            "docs_title_pattern",
            "docs",
            [key("title").opclass("text_pattern_ops")],
        )
        .include(["slug"]);
        op.create_index("docs_body", "docs", ["body"]).using("gin");
        op.create_index(
            "docs_body_path",
            "docs",
            [key("body").opclass("jsonb_path_ops")],
        )
        .using("gin");
        op.create_index("docs_created", "docs", ["created_at"])
            .using("brin");
        op.create_index("docs_slug_hash", "docs", ["slug"])
            .using("hash");
        op.create_index(
            "docs_title_plain",
            "docs",
            [key("title").opclass("text_ops")],
        )
        .using("btree");
        op.create_index(
            "docs_lower_title",
            "docs",
            [expr("lower(title)").desc().opclass("text_pattern_ops")],
        )
        .where_("slug IS NOT NULL");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("docs");
    }
}

/// PostgreSQL's access methods, operator classes (one of them the column
/// type's default) and INCLUDE.
pub static POSTGRES_INDEXES: godwit::MigrationSet =
    godwit::migrations![backends = [postgres]; create_docs];
