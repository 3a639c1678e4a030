//! Platform: audit log, API keys, webhooks, and the renames and removals a
//! growing application does.

use godwit::migration;

#[migration(
    revision = "a047",
    down_revision = "a046",
    message = "create the append-only audit log"
)]
pub mod create_audit_events {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "audit_events",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("org_id", BigInt),
                column("actor_id", BigInt),
                column("action", Varchar(64)).not_null(),
                column("target_type", Varchar(32)),
                column("target_id", BigInt),
                column("payload", Json),
                column("ip", Custom("inet")),
                column("occurred_at", TimestampTz)
                    .not_null()
                    .server_default(now()),
            ],
        );
        op.create_index("audit_events_occurred_at", "audit_events", ["occurred_at"])
            .using("brin");
        op.create_index("audit_events_action", "audit_events", ["action"])
            .using("hash");
        op.create_index(
            "audit_events_org_recent",
            "audit_events",
            [key("org_id"), key("occurred_at").desc()],
        )
        .include(["action", "actor_id"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("audit_events_org_recent", "audit_events");
        op.drop_index("audit_events_action", "audit_events");
        op.drop_index("audit_events_occurred_at", "audit_events");
        op.drop_table("audit_events");
    }
}

#[migration(
    revision = "a048",
    down_revision = "a047",
    message = "index audit events by client address with gist"
)]
pub mod index_audit_ip {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index(
            "audit_events_ip",
            "audit_events",
            [key("ip").opclass("inet_ops")],
        )
        .using("gist")
        .concurrently();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("audit_events_ip", "audit_events")
            .concurrently();
    }
}

#[migration(
    revision = "a049",
    down_revision = "a048",
    message = "create API keys with scopes"
)]
pub mod create_api_keys {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "api_keys",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("org_id", BigInt)
                    .not_null()
                    .references("organizations", "id")
                    .on_delete(Action::Cascade),
                column("prefix", Char(8)).not_null(),
                column("secret_hash", Binary).not_null(),
                column("scopes", Array(Varchar(32)))
                    .not_null()
                    .server_default(sql("'{}'::varchar[]")),
                column("last_used_at", Timestamp),
                column("expires_on", Date),
                column("revoked_at", TimestampTz),
                column("created_at", TimestampTz)
                    .not_null()
                    .server_default(now()),
            ],
        );
        op.create_index("api_keys_org_id", "api_keys", ["org_id"]);
        op.create_index("api_keys_live_prefix", "api_keys", ["prefix"])
            .unique()
            .where_("revoked_at IS NULL");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("api_keys_live_prefix", "api_keys");
        op.drop_index("api_keys_org_id", "api_keys");
        op.drop_table("api_keys");
    }
}

#[migration(
    revision = "a050",
    down_revision = "a049",
    message = "create webhook endpoints and their deliveries"
)]
pub mod create_webhooks {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "webhook_endpoints",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("org_id", BigInt)
                    .not_null()
                    .references("organizations", "id")
                    .on_delete(Action::Cascade)
                    .deferrable(),
                column("url", Text).not_null(),
                column("secret", VarcharUnbounded).not_null(),
                column("events", Array(Text))
                    .not_null()
                    .server_default(sql("'{}'::text[]")),
                column("enabled", Boolean).not_null().server_default(true),
            ],
        );
        op.create_index("webhook_endpoints_org_id", "webhook_endpoints", ["org_id"]);
        op.create_table(
            "webhook_deliveries",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("endpoint_id", BigInt)
                    .not_null()
                    .references("webhook_endpoints", "id")
                    .on_delete(Action::Cascade)
                    .initially_deferred(),
                column("attempt", SmallInt).not_null().server_default(1),
                column("response_code", SmallInt),
                column("response_body", Text),
                column("delivered_at", TimestampTz),
            ],
        );
        op.create_index(
            "webhook_deliveries_endpoint_id",
            "webhook_deliveries",
            ["endpoint_id"],
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("webhook_deliveries_endpoint_id", "webhook_deliveries");
        op.drop_table("webhook_deliveries");
        op.drop_index("webhook_endpoints_org_id", "webhook_endpoints");
        op.drop_table("webhook_endpoints");
    }
}

#[migration(
    revision = "a051",
    down_revision = "a050",
    message = "rename users.name to display_name"
)]
pub mod rename_user_name {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured(
            "users.name is read only by the admin screen, which is off during the deploy",
            |op| {
                op.rename_column("users", "name", "display_name");
            },
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.safety_assured("back to the old name for the previous release", |op| {
            op.rename_column("users", "display_name", "name");
        });
    }
}

#[migration(
    revision = "a052",
    down_revision = "a051",
    message = "fill display names from emails where missing"
)]
pub mod backfill_display_names {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.backfill("users", "display_name = split_part(email, '@', 1)")
            .where_("display_name IS NULL");
    }

    pub fn downgrade(_op: &mut Ops) {}
}

#[migration(
    revision = "a053",
    down_revision = "a052",
    message = "rename webhook deliveries to webhook attempts"
)]
pub mod rename_webhook_deliveries {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured(
            "only the webhook worker uses the table, and it is stopped for the deploy",
            |op| {
                op.rename_table("webhook_deliveries", "webhook_attempts");
            },
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.safety_assured("the worker is stopped for the rollback too", |op| {
            op.rename_table("webhook_attempts", "webhook_deliveries");
        });
    }
}

#[migration(
    revision = "a054",
    down_revision = "a053",
    message = "deprecate the locale of users before dropping it"
)]
pub mod deprecate_user_locale {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.deprecate_column("users", "locale");
    }

    pub fn downgrade(op: &mut Ops) {
        op.safety_assured("every row still has its locale", |op| {
            op.alter_column("users", "locale").nullable(false);
        });
    }
}

#[migration(
    revision = "a055",
    down_revision = "a054",
    message = "drop the deprecated locale of users"
)]
pub mod drop_user_locale {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.drop_column("users", "locale");
    }

    pub fn downgrade(op: &mut Ops) {
        op.add_column("users", column("locale", Varchar(10)).server_default("en"));
    }
}

#[migration(
    revision = "a056",
    down_revision = "a055",
    message = "deprecate password resets, now sent as magic links"
)]
pub mod deprecate_password_resets {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.deprecate_table("password_resets");
    }

    pub fn downgrade(_op: &mut Ops) {}
}

#[migration(
    revision = "a057",
    down_revision = "a056",
    message = "drop the deprecated password resets table"
)]
pub mod drop_password_resets {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.drop_table("password_resets");
    }

    pub fn downgrade(op: &mut Ops) {
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
}

#[migration(
    revision = "a058",
    down_revision = "a057",
    message = "widen post titles to three hundred characters"
)]
pub mod widen_post_titles {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured(
            "widening a varchar changes no stored value and rewrites nothing",
            |op| {
                op.alter_column("posts", "title").set_type(Varchar(300));
            },
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.safety_assured("no title is longer than 200 characters yet", |op| {
            op.alter_column("posts", "title").set_type(Varchar(200));
        });
    }
}

#[migration(
    revision = "a059",
    down_revision = "a058",
    message = "stop defaulting product currency"
)]
pub mod drop_currency_default {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.alter_column("products", "currency").drop_default();
    }

    pub fn downgrade(op: &mut Ops) {
        op.alter_column("products", "currency")
            .server_default("USD");
    }
}

#[migration(
    revision = "a060",
    down_revision = "a059",
    message = "default the attempt count of webhook attempts to zero"
)]
pub mod default_webhook_attempt {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.alter_column("webhook_attempts", "attempt")
            .server_default(0);
    }

    pub fn downgrade(op: &mut Ops) {
        op.alter_column("webhook_attempts", "attempt")
            .server_default(1);
    }
}
