//! The seed's changes as a godwit history, following the safe paths of
//! docs/rules/: what godwit renders for the lock-time benchmark. The first
//! migration creates the tables (and is applied before the rows are loaded);
//! the others are the changes measured under traffic.

use godwit::migration;

#[migration(
    revision = "l00",
    message = "create the organizations and users tables"
)]
pub mod create_tables {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "organizations",
            [
                column("id", BigInt).primary_key(),
                column("name", Text).not_null(),
            ],
        );
        op.create_table(
            "users",
            [
                column("id", BigInt).primary_key(),
                column("email", Varchar(255)).not_null(),
                column("name", Text).not_null(),
                column("org_id", BigInt),
            ],
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.safety_assured("the benchmark's scratch database", |op| {
            op.drop_table("users");
            op.drop_table("organizations");
        });
    }
}

#[migration(
    revision = "l01",
    down_revision = "l00",
    message = "add users.status with a default"
)]
pub mod add_status {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column(
            "users",
            column("status", Varchar(20))
                .not_null()
                .server_default("active"),
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "status");
    }
}

#[migration(
    revision = "l02",
    down_revision = "l01",
    message = "unique index on users.email"
)]
pub mod unique_email {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index("users_email_key", "users", ["email"])
            .unique()
            .concurrently();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("users_email_key", "users").concurrently();
    }
}

#[migration(
    revision = "l03",
    down_revision = "l02",
    message = "index users.org_id for its foreign key"
)]
pub mod index_org_id {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index("idx_users_org_id", "users", ["org_id"])
            .concurrently();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("idx_users_org_id", "users").concurrently();
    }
}

#[migration(
    revision = "l04",
    down_revision = "l03",
    message = "add users.org_id foreign key not valid"
)]
pub mod fk_org_id {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_foreign_key(
            "fk_users_org_id",
            "users",
            ["org_id"],
            "organizations",
            ["id"],
        )
        .not_valid();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("fk_users_org_id", "users");
    }
}

#[migration(
    revision = "l05",
    down_revision = "l04",
    message = "validate users.org_id foreign key"
)]
pub mod validate_fk_org_id {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.validate_constraint("fk_users_org_id", "users");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("fk_users_org_id", "users");
        op.create_foreign_key(
            "fk_users_org_id",
            "users",
            ["org_id"],
            "organizations",
            ["id"],
        )
        .not_valid();
    }
}

#[migration(
    revision = "l06",
    down_revision = "l05",
    message = "add nullable users.display_name column"
)]
pub mod add_display_name {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("users", column("display_name", Text));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("users", "display_name");
    }
}

#[migration(
    revision = "l07",
    down_revision = "l06",
    message = "backfill users.display_name from name"
)]
pub mod backfill_display_name {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.backfill("users", "display_name = name")
            .where_("display_name IS NULL");
    }

    pub fn downgrade(_op: &mut Ops) {}
}

#[migration(
    revision = "l08",
    down_revision = "l07",
    message = "add not-null check on users.display_name"
)]
pub mod check_display_name {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_check_constraint(
            "users_display_name_not_null",
            "users",
            "display_name IS NOT NULL",
        )
        .not_valid();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("users_display_name_not_null", "users");
    }
}

#[migration(
    revision = "l09",
    down_revision = "l08",
    message = "validate not-null check on users.display_name"
)]
pub mod validate_display_name {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.validate_constraint("users_display_name_not_null", "users");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("users_display_name_not_null", "users");
        op.create_check_constraint(
            "users_display_name_not_null",
            "users",
            "display_name IS NOT NULL",
        )
        .not_valid();
    }
}

#[migration(
    revision = "l10",
    down_revision = "l09",
    message = "make users.display_name not null"
)]
pub mod display_name_not_null {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured(
            "validated check users_display_name_not_null proves no NULL; PostgreSQL 12+ skips the scan",
            |op| {
                op.alter_column("users", "display_name").nullable(false);
            },
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.alter_column("users", "display_name").nullable(true);
    }
}
