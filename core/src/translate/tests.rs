//! Raw SQL read into ops, on the model as earlier statements left it.

use super::*;
use crate::vocabulary::parse_ops;

fn schema(dsl: &str) -> Schema {
    let mut s = Schema::new();
    for op in parse_ops(dsl).expect("valid DSL") {
        s.apply(&op).expect("the base applies");
    }
    s
}

fn users() -> Schema {
    schema(
        r#"op.create_table("users", [column("id", BigInt).primary_key(), column("email", Text).not_null()]);
           op.create_index("idx_users_email", "users", ["email"]);"#,
    )
}

/// Each statement's meaning, ops in canonical text.
fn meanings(sql: &str, base: &Schema) -> Vec<String> {
    read(sql, Syntax::Postgres, base)
        .into_iter()
        .map(|s| match s.meaning {
            Meaning::Ops(ops) => ops
                .iter()
                .map(|o| format!("{o};"))
                .collect::<Vec<_>>()
                .join(" "),
            Meaning::Renames(renames) => format!("renames: {renames:?}"),
            Meaning::Data => "data".into(),
            Meaning::Inert => "inert".into(),
            Meaning::Opaque(what) => format!("opaque: {what}"),
            Meaning::Unreadable(_) => "unreadable".into(),
        })
        .collect()
}

#[test]
fn tables_columns_and_constraints_become_ops() {
    assert_eq!(
        meanings(
            "CREATE TABLE posts (id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users (id), \
             title VARCHAR(200) NOT NULL DEFAULT 'untitled', tags TEXT[], score REAL DEFAULT -1.5, \
             published BOOLEAN DEFAULT false, created_at TIMESTAMPTZ NOT NULL DEFAULT now(), \
             CONSTRAINT posts_title_short CHECK (length(title) < 300), UNIQUE (user_id, title));
             ALTER TABLE posts ADD COLUMN search tsvector, ALTER COLUMN title DROP NOT NULL;
             ALTER TABLE posts ADD CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE NOT VALID;
             ALTER TABLE posts VALIDATE CONSTRAINT posts_user_fk;
             ALTER TABLE posts RENAME COLUMN title TO headline;
             ALTER TABLE posts DROP COLUMN IF EXISTS nope, DROP COLUMN search",
            &users()
        ),
        [
            r#"op.create_table("posts", [column("id", BigInt).primary_key(), column("user_id", BigInt).not_null().references("users", "id"), column("title", Varchar(200)).not_null().server_default("untitled"), column("tags", Array(Text)), column("score", Real).server_default(-1.5), column("published", Boolean).server_default(false), column("created_at", TimestampTz).not_null().server_default(now())]).unique(["user_id", "title"]).check("posts_title_short", "length(title) < 300");"#,
            r#"op.add_column("posts", column("search", Custom("tsvector"))); op.alter_column("posts", "title").nullable(true);"#,
            r#"op.create_foreign_key("posts_user_fk", "posts", ["user_id"], "users", ["id"]).on_delete(Action::Cascade).not_valid();"#,
            r#"op.validate_constraint("posts_user_fk", "posts");"#,
            r#"op.rename_column("posts", "title", "headline");"#,
            r#"op.drop_column("posts", "search");"#,
        ]
    );
}

#[test]
fn indexes_follow_the_model() {
    assert_eq!(
        meanings(
            "CREATE INDEX CONCURRENTLY idx_users_id ON users (id) WHERE id > 0;
             DROP INDEX idx_users_email;
             DROP INDEX IF EXISTS idx_users_email;
             DROP INDEX CONCURRENTLY IF EXISTS idx_users_id, gone",
            &users()
        ),
        [
            r#"op.create_index("idx_users_id", "users", ["id"]).concurrently().where_("id > 0");"#,
            r#"op.drop_index("idx_users_email", "users");"#,
            "",
            r#"op.drop_index("idx_users_id", "users").concurrently().if_exists();"#,
        ]
    );
}

#[test]
fn what_the_model_does_not_track_is_said_so() {
    assert_eq!(
        meanings(
            "UPDATE users SET email = lower(email);
             SELECT 1; SET lock_timeout = '1s'; GRANT SELECT ON users TO reader;
             CREATE STATISTICS s ON id, email FROM users; ALTER SEQUENCE users_id_seq RESTART;
             REINDEX INDEX idx_users_email;
             DO $$ BEGIN PERFORM 1; END $$",
            &users()
        ),
        [
            "data",
            "inert",
            "inert",
            "inert",
            "inert",
            "inert",
            "opaque: REINDEX",
            "unreadable",
        ]
    );
}

#[test]
fn names_are_kept_as_the_database_keeps_them() {
    assert_eq!(
        meanings(r#"ALTER TABLE Users ADD COLUMN "Nick" TEXT"#, &users()),
        [r#"op.add_column("users", column("Nick", Text));"#]
    );
}

#[test]
fn enum_types_and_their_columns_become_ops() {
    assert_eq!(
        meanings(
            "CREATE TYPE mood AS ENUM ('happy', 'sad');
             ALTER TYPE mood ADD VALUE 'meh' BEFORE 'sad';
             ALTER TYPE mood ADD VALUE IF NOT EXISTS 'happy';
             ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';
             ALTER TABLE users ADD COLUMN mood mood NOT NULL DEFAULT 'happy', ADD COLUMN moods public.mood[];
             ALTER TABLE users ALTER COLUMN email TYPE mood USING email::mood;
             CREATE TYPE point2 AS (x int, y int);
             CREATE DOMAIN email_address AS text;
             DROP TYPE point2;
             ALTER TABLE users DROP COLUMN mood, DROP COLUMN moods, DROP COLUMN email;
             DROP TYPE mood",
            &users()
        ),
        [
            r#"op.create_enum("mood", ["happy", "sad"]);"#,
            r#"op.add_enum_value("mood", "meh").before("sad");"#,
            "",
            r#"op.rename_enum_value("mood", "sad", "blue");"#,
            r#"op.add_column("users", column("mood", Enum("mood")).not_null().server_default("happy")); op.add_column("users", column("moods", Array(Enum("mood"))));"#,
            r#"op.alter_column("users", "email").set_type(Enum("mood")).using("email::mood");"#,
            "inert",
            "inert",
            "",
            r#"op.drop_column("users", "mood"); op.drop_column("users", "moods"); op.drop_column("users", "email");"#,
            r#"op.drop_enum("mood");"#,
        ]
    );
}

#[test]
fn serial_identity_and_generated_columns_become_ops() {
    assert_eq!(
        meanings(
            "CREATE TABLE events (id BIGSERIAL PRIMARY KEY, n SERIAL, \
             k BIGINT GENERATED BY DEFAULT AS IDENTITY, \
             total NUMERIC(10,2) GENERATED ALWAYS AS (n * 2) STORED)",
            &users()
        ),
        [
            r#"op.create_table("events", [column("id", BigInt).primary_key().serial(), column("n", Integer).serial(), column("k", BigInt).not_null().autoincrement(), column("total", Numeric(10, 2)).generated("n * 2").stored()]);"#,
        ]
    );
    let mysql = read(
        "CREATE TABLE t (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, v INT AS (id + 1) VIRTUAL)",
        Syntax::Mysql,
        &Schema::new(),
    );
    let Meaning::Ops(ops) = &mysql[0].meaning else {
        panic!("{:?}", mysql[0].meaning)
    };
    assert_eq!(
        ops[0].to_string(),
        r#"op.create_table("t", [column("id", BigInt).primary_key().autoincrement(), column("v", Integer).generated("id + 1")])"#
    );
}

#[test]
fn index_shapes_and_key_constraints_become_ops() {
    assert_eq!(
        meanings(
            "CREATE INDEX idx_users_lower ON users USING btree (lower(email) text_pattern_ops, id DESC NULLS LAST);
             CREATE INDEX idx_users_gin ON users USING gin (to_tsvector('english', email));
             CREATE UNIQUE INDEX CONCURRENTLY idx_users_email_inc ON users (email) INCLUDE (id);
             ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX idx_users_email_inc;
             ALTER TABLE users ADD CONSTRAINT users_lower UNIQUE (email, id);
             CREATE INDEX idx_bloom ON users USING bloom (id)",
            &users()
        ),
        [
            r#"op.create_index("idx_users_lower", "users", [expr("lower(email)").opclass("text_pattern_ops"), key("id").desc().nulls_last()]).using("btree");"#,
            r#"op.create_index("idx_users_gin", "users", [expr("to_tsvector('english', email)")]).using("gin");"#,
            r#"op.create_index("idx_users_email_inc", "users", ["email"]).unique().concurrently().include(["id"]);"#,
            "opaque: a key on `users` using index `idx_users_email_inc`, which is not a plain index of columns in the model",
            r#"op.create_unique_constraint("users_lower", "users", ["email", "id"]);"#,
            "opaque: index `idx_bloom`, built with the access method `bloom`",
        ]
    );
    // An index that takes over as a key: plain, unique, nothing included.
    assert_eq!(
        meanings(
            "CREATE UNIQUE INDEX CONCURRENTLY users_email_idx ON users (email);
             ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx",
            &users()
        )[1],
        r#"op.create_unique_constraint("users_email_key", "users", ["email"]).using_index("users_email_idx");"#,
    );
}

#[test]
fn foreign_key_options_named_keys_and_inline_checks_become_ops() {
    assert_eq!(
        meanings(
            "CREATE TABLE follows (follower BIGINT REFERENCES users ON DELETE CASCADE ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED, \
             followed BIGINT NOT NULL CHECK (followed > 0), \
             CONSTRAINT follows_pk PRIMARY KEY (followed, follower), CONSTRAINT follows_once UNIQUE (follower, followed), \
             CHECK (follower <> followed));
             ALTER TABLE follows ADD CONSTRAINT follows_followed_fkey FOREIGN KEY (followed) REFERENCES users ON UPDATE SET NULL DEFERRABLE;
             ALTER TABLE users ADD COLUMN age INTEGER CHECK (age >= 0)",
            &users()
        ),
        [
            r#"op.create_table("follows", [column("follower", BigInt).not_null().references("users", "id").on_delete(Action::Cascade).on_update(Action::Cascade).initially_deferred(), column("followed", BigInt).not_null()]).primary_key_named("follows_pk", ["followed", "follower"]).unique_named("follows_once", ["follower", "followed"]).check("follows_followed_check", "followed > 0").check("follows_check", "follower <> followed");"#,
            r#"op.create_foreign_key("follows_followed_fkey", "follows", ["followed"], "users", ["id"]).on_update(Action::SetNull).deferrable();"#,
            r#"op.add_column("users", column("age", Integer)); op.create_check_constraint("users_age_check", "users", "age >= 0");"#,
        ]
    );
}

#[test]
fn diesel_manage_updated_at_reads_as_the_trigger_it_creates() {
    let setup = "CREATE OR REPLACE FUNCTION diesel_manage_updated_at(_tbl regclass) RETURNS VOID AS $$
         BEGIN
             EXECUTE format('CREATE TRIGGER set_updated_at BEFORE UPDATE ON %s
                             FOR EACH ROW EXECUTE PROCEDURE diesel_set_updated_at()', _tbl);
         END;
         $$ LANGUAGE plpgsql;
         CREATE OR REPLACE FUNCTION diesel_set_updated_at() RETURNS trigger AS $$
         BEGIN
             IF (NEW IS DISTINCT FROM OLD AND NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at) THEN
                 NEW.updated_at := current_timestamp;
             END IF;
             RETURN NEW;
         END;
         $$ LANGUAGE plpgsql;";
    let mut base = users();
    for statement in read(setup, Syntax::Postgres, &base.clone()) {
        if let Meaning::Ops(ops) = statement.meaning {
            for op in ops {
                base.apply(&op).expect("the setup applies");
            }
        }
    }
    assert_eq!(
        meanings("SELECT diesel_manage_updated_at('users')", &base),
        [
            r#"op.create_trigger("set_updated_at", "users", "BEFORE UPDATE", "FOR EACH ROW EXECUTE PROCEDURE diesel_set_updated_at()");"#
        ]
    );
    // Without the helper in the history, it is a query like any other.
    assert_eq!(
        meanings("SELECT diesel_manage_updated_at('users')", &users()),
        ["inert"]
    );
}

#[test]
fn drop_cascade_drops_what_reads_it_first() {
    let mut base = users();
    for op in parse_ops(
        r#"op.create_table("posts", [column("id", BigInt).primary_key(), column("user_id", BigInt).references("users", "id")]);
           op.create_view("active_users", "SELECT id FROM users");
           op.create_materialized_view("user_counts", "SELECT count(*) AS n FROM active_users");"#,
    )
    .expect("valid DSL")
    {
        base.apply(&op).expect("the base applies");
    }
    assert_eq!(
        meanings("DROP VIEW active_users CASCADE", &base),
        [r#"op.drop_materialized_view("user_counts"); op.drop_view("active_users");"#]
    );
    assert_eq!(
        meanings("DROP TABLE users CASCADE", &base),
        [
            r#"op.drop_materialized_view("user_counts"); op.drop_view("active_users"); op.drop_constraint("posts_user_id_fkey", "posts"); op.drop_table("users");"#
        ]
    );
}

#[test]
fn comments_on_constraints_become_ops() {
    let base = schema(
        r#"op.create_table("users", [column("id", BigInt).primary_key(), column("email", Text).not_null().unique()]);"#,
    );
    assert_eq!(
        meanings(
            "COMMENT ON CONSTRAINT users_email_key ON public.users IS 'one account per address, it''s checked';
             COMMENT ON CONSTRAINT users_email_key ON users IS NULL",
            &base
        ),
        [
            r#"op.comment_on_constraint("users_email_key", "users", "one account per address, it's checked");"#,
            r#"op.drop_comment_on_constraint("users_email_key", "users");"#,
        ]
    );
}

#[test]
fn mysql_algorithm_and_lock_clauses_change_nothing() {
    let read_ops = |sql: &str| {
        let read = read(sql, Syntax::Mysql, &users());
        let Meaning::Ops(ops) = &read[0].meaning else {
            panic!("{sql}: {:?}", read[0].meaning)
        };
        ops.iter().map(ToString::to_string).collect::<Vec<_>>()
    };
    assert_eq!(
        read_ops("ALTER TABLE users ADD COLUMN bio TEXT, ALGORITHM=INSTANT"),
        [r#"op.add_column("users", column("bio", Text))"#]
    );
    assert_eq!(
        read_ops("ALTER TABLE users DROP COLUMN email, ALGORITHM = INPLACE, LOCK = NONE"),
        read_ops("ALTER TABLE users DROP COLUMN email")
    );
}

#[test]
fn a_serial_column_whose_default_goes_is_a_plain_column() {
    let mut s = Schema::new();
    for statement in read(
        "CREATE TABLE h (id BIGSERIAL PRIMARY KEY, user_id SERIAL);\n\
         ALTER TABLE h ALTER COLUMN user_id DROP DEFAULT",
        Syntax::Postgres,
        &Schema::new(),
    ) {
        let Meaning::Ops(ops) = statement.meaning else {
            panic!("{:?}", statement.meaning)
        };
        for op in &ops {
            s.apply(op).unwrap();
        }
    }
    let c = s.tables["h"].column("user_id").unwrap();
    assert!(
        !c.serial && !c.autoincrement && c.default.is_none(),
        "{c:?}"
    );
    assert!(s.tables["h"].column("id").unwrap().serial);
}

#[test]
fn datetime_is_mysqls_timestamp_even_read_first_as_postgresql() {
    assert_eq!(
        column_type("datetime", Syntax::Postgres),
        crate::model::ColumnType::Timestamp
    );
    assert!(matches!(
        column_type("datetime", Syntax::Sqlite),
        crate::model::ColumnType::Custom(_)
    ));
}

#[test]
fn an_unnamed_check_is_named_as_postgres_names_it() {
    assert_eq!(
        meanings(
            "CREATE TABLE rc (id INT PRIMARY KEY, a INT, b INT, CHECK (num_nonnulls (a, b) = 1), CHECK (a > 0), c INT CHECK (c > a));
             ALTER TABLE rc ADD COLUMN d INT, DROP CONSTRAINT rc_check, ADD CHECK (num_nonnulls (a, b, d) = 1);
             CREATE TABLE other (x INT, CONSTRAINT o_x_check CHECK (x > 0));
             CREATE TABLE o (x INT CHECK (x > 0))",
            &Schema::new()
        ),
        [
            r#"op.create_table("rc", [column("id", Integer).primary_key(), column("a", Integer), column("b", Integer), column("c", Integer)]).check("rc_check", "num_nonnulls(a, b) = 1").check("rc_a_check", "a > 0").check("rc_check1", "c > a");"#,
            r#"op.add_column("rc", column("d", Integer)); op.drop_constraint("rc_check", "rc"); op.create_check_constraint("rc_check", "rc", "num_nonnulls(a, b, d) = 1");"#,
            r#"op.create_table("other", [column("x", Integer)]).check("o_x_check", "x > 0");"#,
            r#"op.create_table("o", [column("x", Integer)]).check("o_x_check1", "x > 0");"#,
        ]
    );
}

/// `schema` after the raw SQL `sql`, as the replay leaves it.
fn after_execute(schema: &Schema, sql: &str) -> Result<Schema, String> {
    let mut s = schema.clone();
    s.apply(&Op::Execute {
        sql: sql.to_string().into(),
    })
    .map_err(|e| e.message)?;
    Ok(s)
}

#[test]
fn a_renamed_type_takes_its_columns_with_it_and_frees_its_name() {
    let base = schema(
        r#"op.create_enum("vis", ["a", "b"]);
           op.create_table("c", [column("id", BigInt).primary_key(), column("v", Enum("vis")), column("vs", Array(Enum("vis")))]);"#,
    );
    let s = after_execute(
        &base,
        "ALTER TYPE vis RENAME TO vis__old; CREATE TYPE vis AS ENUM ('a', 'b', 'c');
         ALTER TABLE c ALTER COLUMN v TYPE vis USING v::text::vis; ALTER TABLE c DROP COLUMN vs; DROP TYPE vis__old",
    )
    .expect("the history applies");
    assert_eq!(s.enums.keys().collect::<Vec<_>>(), ["vis"]);
    assert_eq!(s.enums["vis"], ["a", "b", "c"]);
    let renamed = after_execute(&base, "ALTER TYPE vis RENAME TO w").unwrap();
    let c = renamed.table("c").unwrap();
    assert_eq!(
        c.column("v").unwrap().ty,
        crate::model::ColumnType::Enum("w".into())
    );
    assert!(after_execute(
        &base,
        "CREATE TYPE w AS ENUM ('x'); ALTER TYPE vis RENAME TO w"
    )
    .is_err());
}

#[test]
fn renaming_a_key_s_index_renames_its_constraint_and_back() {
    let base = schema(
        r#"op.create_table("person", [column("id", BigInt).primary_key(), column("inbox", Text)]);"#,
    );
    let s = after_execute(
        &base,
        "ALTER TABLE person ADD CONSTRAINT idx_user_inbox UNIQUE (inbox);
         ALTER INDEX idx_user_inbox RENAME TO idx_person_inbox;
         CREATE INDEX idx_i ON person (inbox); ALTER INDEX idx_i RENAME TO idx_j",
    )
    .expect("the history applies");
    let t = s.table("person").unwrap();
    assert!(t.constraints.contains_key("idx_person_inbox"));
    assert!(t.indexes.contains_key("idx_j") && !t.indexes.contains_key("idx_i"));
    let s = after_execute(
        &s,
        "ALTER TABLE person RENAME CONSTRAINT person_pkey TO person_pk;
         ALTER INDEX person_pk RENAME TO person_pkey2;
         ALTER TABLE person DROP CONSTRAINT idx_person_inbox",
    )
    .expect("the history applies");
    let t = s.table("person").unwrap();
    assert_eq!(t.constraints.keys().collect::<Vec<_>>(), ["person_pkey2"]);
    assert_eq!(
        meanings("ALTER INDEX nothing_known RENAME TO x", &base),
        ["opaque: ALTER INDEX `nothing_known` RENAME, of an index the model does not know"]
    );
}

#[test]
fn a_name_over_63_bytes_reads_as_postgres_keeps_it() {
    let long = "idx_post_aggregates_featured_community_newest_comment_time_necro";
    let short = &long[..63];
    let create = format!("CREATE INDEX {long} ON users (email DESC)");
    let statements = read(&create, Syntax::Postgres, &users());
    assert_eq!(statements[0].text, create, "the text stays as written");
    assert_eq!(
        meanings(&create, &users()),
        [format!(
            r#"op.create_index("{short}", "users", [key("email").desc()]);"#
        )]
    );
    let s = after_execute(&users(), &create).unwrap();
    let s = after_execute(&s, &format!("DROP INDEX {long}")).unwrap();
    assert!(!s.table("users").unwrap().indexes.contains_key(short));
    // Other backends keep the name as written (MySQL refuses it).
    let mysql = read(&create, Syntax::Mysql, &users());
    assert!(matches!(&mysql[0].meaning, Meaning::Ops(ops) if ops[0].to_string().contains(long)));
}

#[test]
fn objects_of_another_schema_are_not_the_model_s() {
    let sql = "CREATE SCHEMA utils;
        CREATE TABLE utils.deps_saved_ddl (id serial NOT NULL, ddl_to_run text, CONSTRAINT deps_saved_ddl_pkey PRIMARY KEY (id));
        CREATE OR REPLACE FUNCTION utils.save (p name) RETURNS void LANGUAGE plpgsql COST 100 AS $BODY$ BEGIN END; $BODY$;
        CREATE INDEX idx_d ON utils.deps_saved_ddl (id);
        DROP TABLE utils.deps_saved_ddl;
        DROP SCHEMA utils CASCADE;
        CREATE TABLE public.deps_saved_ddl (id INT);
        DROP TABLE deps_saved_ddl, utils.other";
    let got = meanings(sql, &Schema::new());
    assert_eq!(got[..6], ["inert"; 6]);
    assert_eq!(
        got[6],
        r#"op.create_table("deps_saved_ddl", [column("id", Integer)]);"#
    );
    assert!(got[7].starts_with("opaque"), "{}", got[7]);
    let s = after_execute(&Schema::new(), sql).unwrap();
    assert_eq!(s.tables.keys().collect::<Vec<_>>(), ["deps_saved_ddl"]);
    assert!(s.functions.is_empty());
    assert_eq!(
        meanings("DROP SCHEMA public CASCADE", &Schema::new()),
        ["opaque: DROP SCHEMA"]
    );
}

#[test]
fn a_table_an_unread_statement_creates_is_not_unknown_after_it() {
    // `CONSTRAINT .. NOT NULL col` is PostgreSQL 18's; sqlparser does not read it.
    let sql = "CREATE TABLE IF NOT EXISTS public.agg (id int, score bigint, CONSTRAINT agg_score_not_null NOT NULL score);
        CREATE INDEX idx_agg_score ON ONLY public.agg (score)";
    let got = meanings(sql, &Schema::new());
    assert_eq!(got[0], "unreadable");
    let s = after_execute(&Schema::new(), sql)
        .expect("the index is on a table the model did not follow");
    assert!(s.unfollowed.contains_key("agg"));
}

#[test]
fn postgresqls_float_is_double_precision() {
    use crate::model::ColumnType::{Double, Real};
    assert_eq!(column_type("float", Syntax::Postgres), Double);
    assert_eq!(column_type("float(53)", Syntax::Postgres), Double);
    assert_eq!(column_type("float(10)", Syntax::Postgres), Real);
    assert_eq!(column_type("float", Syntax::Mysql), Real);
}
