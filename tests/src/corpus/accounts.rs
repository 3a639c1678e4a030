//! Accounts: users, their sessions, organisations and memberships.

use godwit::migration;

#[migration(revision = "a001", message = "create the users table")]
pub mod create_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "users",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("email", Varchar(255)).not_null().unique(),
                column("name", Text),
                column("created_at", TimestampTz)
                    .not_null()
                    .server_default(now()),
            ],
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("users");
    }
}

#[migration(
    revision = "a002",
    down_revision = "a001",
    message = "create sessions owned by users"
)]
pub mod create_sessions {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "sessions",
            [
                column("id", Uuid)
                    .primary_key()
                    .server_default(sql("gen_random_uuid()")),
                column("user_id", BigInt)
                    .not_null()
                    .references("users", "id")
                    .on_delete(Action::Cascade),
                column("token", Char(64)).not_null().unique(),
                column("expires_at", TimestampTz).not_null(),
                column("created_at", TimestampTz)
                    .not_null()
                    .server_default(now()),
            ],
        );
        op.create_index("sessions_user_id", "sessions", ["user_id"]);
        op.create_index(
            "sessions_expires_at",
            "sessions",
            [key("expires_at").desc()],
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("sessions_expires_at", "sessions");
        op.drop_index("sessions_user_id", "sessions");
        op.drop_table("sessions");
    }
}

#[migration(
    revision = "a003",
    down_revision = "a002",
    message = "add last seen time and locale to users"
)]
pub mod add_user_activity {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("users", column("last_seen_at", TimestampTz));
        op.add_column(
            "users",
            column("locale", Varchar(10))
                .not_null()
                .server_default("en"),
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "locale");
        op.drop_column("users", "last_seen_at");
    }
}

#[migration(
    revision = "a004",
    down_revision = "a003",
    message = "index recently active users without blocking signups"
)]
pub mod index_active_users {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index(
            "users_last_seen_at",
            "users",
            [key("last_seen_at").desc().nulls_last()],
        )
        .concurrently()
        .where_("last_seen_at IS NOT NULL");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("users_last_seen_at", "users").concurrently();
    }
}

#[migration(
    revision = "a005",
    down_revision = "a004",
    message = "enable the citext extension for case-insensitive names"
)]
pub mod enable_citext {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured("an extension only adds types and functions", |op| {
            op.execute("CREATE EXTENSION IF NOT EXISTS citext");
        });
    }

    pub fn downgrade(op: &mut Ops) {
        op.safety_assured("no column uses citext once a006 is undone", |op| {
            op.execute("DROP EXTENSION IF EXISTS citext");
        });
    }
}

#[migration(
    revision = "a006",
    down_revision = "a005",
    message = "add case-insensitive usernames to users"
)]
pub mod add_usernames {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("users", column("username", Custom("citext")));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "username");
    }
}

#[migration(
    revision = "a007",
    down_revision = "a006",
    message = "build the unique index of usernames concurrently"
)]
pub mod index_usernames {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index("users_username_idx", "users", ["username"])
            .unique()
            .concurrently();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("users_username_idx", "users").concurrently();
    }
}

#[migration(
    revision = "a008",
    down_revision = "a007",
    message = "make unique usernames a constraint on the index built before"
)]
pub mod constrain_usernames {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_unique_constraint("users_username_key", "users", ["username"])
            .using_index("users_username_idx");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("users_username_key", "users");
        op.create_index("users_username_idx", "users", ["username"])
            .unique();
    }
}

#[migration(
    revision = "a009",
    down_revision = "a008",
    message = "give users an account status enum"
)]
pub mod add_account_status {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_enum("account_status", ["active", "suspended", "deleted"]);
        op.add_column(
            "users",
            column("status", Enum("account_status"))
                .not_null()
                .server_default("active"),
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "status");
        op.drop_enum("account_status");
    }
}

#[migration(
    revision = "a010",
    down_revision = "a009",
    message = "add a pending account status before active"
)]
pub mod add_pending_status {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_enum_value("account_status", "pending")
            .before("active");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_enum_value("account_status", "pending");
    }
}

#[migration(
    revision = "a011",
    down_revision = "a010",
    message = "create organizations with unique slugs"
)]
pub mod create_organizations {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "organizations",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("slug", Varchar(63)).not_null(),
                column("name", Text).not_null(),
                column("settings", Json)
                    .not_null()
                    .server_default(sql("'{}'::jsonb")),
                column("created_at", TimestampTz)
                    .not_null()
                    .server_default(now()),
            ],
        )
        .unique_named("organizations_slug_unique", ["slug"])
        .check("organizations_slug_format", "slug ~ '^[a-z0-9-]+$'");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("organizations");
    }
}

#[migration(
    revision = "a012",
    down_revision = "a011",
    message = "create memberships of users in organizations"
)]
pub mod create_memberships {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "memberships",
            [
                column("org_id", BigInt)
                    .not_null()
                    .references("organizations", "id")
                    .on_delete(Action::Cascade),
                column("user_id", BigInt)
                    .not_null()
                    .references("users", "id")
                    .on_delete(Action::Cascade),
                column("role", Varchar(20))
                    .not_null()
                    .server_default("member"),
                column("created_at", TimestampTz)
                    .not_null()
                    .server_default(now()),
            ],
        )
        .primary_key(["org_id", "user_id"]);
        op.create_index("memberships_user_id", "memberships", ["user_id"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("memberships_user_id", "memberships");
        op.drop_table("memberships");
    }
}

#[migration(
    revision = "a013",
    down_revision = "a012",
    message = "create password reset tokens"
)]
pub mod create_password_resets {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "password_resets",
            [
                column("token", Char(43)).primary_key(),
                column("user_id", BigInt)
                    .not_null()
                    .references("users", "id")
                    .on_delete(Action::Cascade),
                column("expires_at", Timestamp).not_null(),
            ],
        );
        op.create_index("password_resets_user_id", "password_resets", ["user_id"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("password_resets_user_id", "password_resets");
        op.drop_table("password_resets");
    }
}
