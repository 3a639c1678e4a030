//! Commerce: products, orders, their lines, payments and coupons.

use godwit::migration;

#[migration(
    revision = "a029",
    down_revision = "a028",
    message = "create products sold by organizations"
)]
pub mod create_products {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "products",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("org_id", BigInt)
                    .not_null()
                    .references("organizations", "id")
                    .on_delete(Action::Cascade),
                column("sku", Varchar(64)).not_null(),
                column("name", Text).not_null(),
                column("price_cents", BigInt).not_null(),
                column("currency", Char(3)).not_null().server_default("USD"),
                column("active", Boolean).not_null().server_default(true),
                column("attributes", Json),
                column("created_at", TimestampTz)
                    .not_null()
                    .server_default(now()),
            ],
        )
        .unique_named("products_org_sku", ["org_id", "sku"])
        .check("products_price_nonnegative", "price_cents >= 0");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_table("products");
    }
}

#[migration(
    revision = "a030",
    down_revision = "a029",
    message = "create orders placed by buyers"
)]
pub mod create_orders {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "orders",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("org_id", BigInt)
                    .not_null()
                    .references("organizations", "id"),
                column("buyer_id", BigInt)
                    .not_null()
                    .references("users", "id")
                    .on_update(Action::Cascade),
                column("number", Integer).unique().serial(),
                column("total_cents", BigInt).not_null().server_default(0),
                column("placed_at", TimestampTz),
            ],
        );
        op.create_index("orders_org_id", "orders", ["org_id"]);
        op.create_index(
            "orders_buyer_placed",
            "orders",
            [key("buyer_id"), key("placed_at").desc().nulls_last()],
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("orders_buyer_placed", "orders");
        op.drop_index("orders_org_id", "orders");
        op.drop_table("orders");
    }
}

#[migration(
    revision = "a031",
    down_revision = "a030",
    message = "create order lines with a computed total"
)]
pub mod create_order_items {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "order_items",
            [
                column("order_id", BigInt)
                    .not_null()
                    .references("orders", "id")
                    .on_delete(Action::Cascade),
                column("line_no", SmallInt).not_null(),
                column("product_id", BigInt)
                    .not_null()
                    .references("products", "id")
                    .on_delete(Action::Restrict),
                column("quantity", Integer).not_null().server_default(1),
                column("unit_price_cents", BigInt).not_null(),
                column("total_cents", BigInt)
                    .generated("quantity * unit_price_cents")
                    .stored(),
            ],
        )
        .primary_key(["order_id", "line_no"])
        .check("order_items_quantity_positive", "quantity > 0");
        op.create_index("order_items_product_id", "order_items", ["product_id"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("order_items_product_id", "order_items");
        op.drop_table("order_items");
    }
}

#[migration(
    revision = "a032",
    down_revision = "a031",
    message = "create payments with a status enum"
)]
pub mod create_payments {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_enum(
            "payment_status",
            ["pending", "authorized", "captured", "refunded", "failed"],
        );
        op.create_table(
            "payments",
            [
                column("id", Uuid)
                    .primary_key()
                    .server_default(sql("gen_random_uuid()")),
                column("order_id", BigInt).not_null(),
                column("amount", Numeric(12, 2)).not_null(),
                column("status", Enum("payment_status"))
                    .not_null()
                    .server_default("pending"),
                column("provider", Varchar(32)).not_null(),
                column("provider_ref", VarcharUnbounded),
                column("raw_response", JsonText),
                column("created_at", TimestampTz)
                    .not_null()
                    .server_default(now()),
            ],
        );
        op.create_index("payments_order_id", "payments", ["order_id"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("payments_order_id", "payments");
        op.drop_table("payments");
        op.drop_enum("payment_status");
    }
}

#[migration(
    revision = "a033",
    down_revision = "a032",
    message = "link payments to orders without checking old rows"
)]
pub mod link_payments_to_orders {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_foreign_key(
            "payments_order_id_fkey",
            "payments",
            ["order_id"],
            "orders",
            ["id"],
        )
        .on_delete(Action::Restrict)
        .on_update(Action::Cascade)
        .not_valid();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("payments_order_id_fkey", "payments");
    }
}

#[migration(
    revision = "a034",
    down_revision = "a033",
    message = "validate the payments to orders foreign key"
)]
pub mod validate_payment_orders {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.validate_constraint("payments_order_id_fkey", "payments");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("payments_order_id_fkey", "payments");
        op.create_foreign_key(
            "payments_order_id_fkey",
            "payments",
            ["order_id"],
            "orders",
            ["id"],
        )
        .on_delete(Action::Restrict)
        .on_update(Action::Cascade)
        .not_valid();
    }
}

#[migration(
    revision = "a035",
    down_revision = "a034",
    message = "add a disputed payment status after captured"
)]
pub mod add_disputed_status {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_enum_value("payment_status", "disputed")
            .after("captured");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_enum_value("payment_status", "disputed");
    }
}

#[migration(
    revision = "a036",
    down_revision = "a035",
    message = "rename the failed payment status to declined"
)]
pub mod rename_failed_status {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured("the application reads both labels since release 41", |op| {
            op.rename_enum_value("payment_status", "failed", "declined");
        });
    }

    pub fn downgrade(op: &mut Ops) {
        op.safety_assured("the previous release reads both labels", |op| {
            op.rename_enum_value("payment_status", "declined", "failed");
        });
    }
}

#[migration(
    revision = "a037",
    down_revision = "a036",
    message = "remove the disputed payment status nobody used"
)]
pub mod drop_disputed_status {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured(
            "disputes are handled by the provider; no row or release uses the label",
            |op| {
                op.drop_enum_value("payment_status", "disputed");
            },
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.add_enum_value("payment_status", "disputed")
            .after("captured");
    }
}

#[migration(
    revision = "a038",
    down_revision = "a037",
    message = "record refunded amounts on payments"
)]
pub mod add_refunded_amount {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column(
            "payments",
            column("refunded_amount", Numeric(12, 2))
                .not_null()
                .server_default(0),
        );
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("payments", "refunded_amount");
    }
}

#[migration(
    revision = "a039",
    down_revision = "a038",
    message = "create coupons with percentage and amount discounts"
)]
pub mod create_coupons {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_table(
            "coupons",
            [
                column("id", BigInt).primary_key().autoincrement(),
                column("code", Varchar(32)).not_null().unique(),
                column("percent_off", Real).server_default(0.0),
                column("amount_off", Double),
                column("valid_from", Date).not_null().server_default(now()),
                column("valid_until", Date),
                column("daily_start", Time),
                column("created_by", BigInt)
                    .references("users", "id")
                    .on_delete(Action::SetDefault),
            ],
        )
        .check(
            "coupons_one_discount",
            "(percent_off IS NULL) <> (amount_off IS NULL)",
        );
        op.create_index("coupons_created_by", "coupons", ["created_by"]);
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("coupons_created_by", "coupons");
        op.drop_table("coupons");
    }
}

#[migration(
    revision = "a040",
    down_revision = "a039",
    message = "add the coupon used by an order"
)]
pub mod add_order_coupon {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.add_column("orders", column("coupon_id", BigInt));
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_column("orders", "coupon_id");
    }
}

#[migration(
    revision = "a041",
    down_revision = "a040",
    message = "index orders by coupon concurrently"
)]
pub mod index_order_coupon {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_index("orders_coupon_id", "orders", ["coupon_id"])
            .concurrently();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_index("orders_coupon_id", "orders").concurrently();
    }
}

#[migration(
    revision = "a042",
    down_revision = "a041",
    message = "link orders to coupons without checking old rows"
)]
pub mod link_order_coupon {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_foreign_key(
            "orders_coupon_id_fkey",
            "orders",
            ["coupon_id"],
            "coupons",
            ["id"],
        )
        .on_delete(Action::SetNull)
        .not_valid();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("orders_coupon_id_fkey", "orders");
    }
}

#[migration(
    revision = "a043",
    down_revision = "a042",
    message = "validate the orders to coupons foreign key"
)]
pub mod validate_order_coupon {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.validate_constraint("orders_coupon_id_fkey", "orders");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("orders_coupon_id_fkey", "orders");
        op.create_foreign_key(
            "orders_coupon_id_fkey",
            "orders",
            ["coupon_id"],
            "coupons",
            ["id"],
        )
        .on_delete(Action::SetNull)
        .not_valid();
    }
}

#[migration(
    revision = "a044",
    down_revision = "a043",
    message = "require a placed time on orders through a check first"
)]
pub mod check_order_placed_at {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.create_check_constraint(
            "orders_placed_at_not_null",
            "orders",
            "placed_at IS NOT NULL",
        )
        .not_valid();
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("orders_placed_at_not_null", "orders");
    }
}

#[migration(
    revision = "a045",
    down_revision = "a044",
    message = "validate the placed time check of orders"
)]
pub mod validate_order_placed_at {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.validate_constraint("orders_placed_at_not_null", "orders");
    }

    pub fn downgrade(op: &mut Ops) {
        op.drop_constraint("orders_placed_at_not_null", "orders");
        op.create_check_constraint(
            "orders_placed_at_not_null",
            "orders",
            "placed_at IS NOT NULL",
        )
        .not_valid();
    }
}

#[migration(
    revision = "a046",
    down_revision = "a045",
    message = "make the placed time of orders not null"
)]
pub mod require_order_placed_at {
    use godwit::dsl::*;

    pub fn upgrade(op: &mut Ops) {
        op.safety_assured(
            "the validated check proves there are no NULLs: no scan under the lock",
            |op| {
                op.alter_column("orders", "placed_at").nullable(false);
            },
        );
        op.drop_constraint("orders_placed_at_not_null", "orders");
    }

    pub fn downgrade(op: &mut Ops) {
        op.create_check_constraint(
            "orders_placed_at_not_null",
            "orders",
            "placed_at IS NOT NULL",
        )
        .not_valid();
        op.validate_constraint("orders_placed_at_not_null", "orders");
        op.alter_column("orders", "placed_at").nullable(true);
    }
}
