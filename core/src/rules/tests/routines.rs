//! Functions, triggers, extensions and comments: the replay's `unknown-object`, `already-exists`
//! and `dependent-objects`, and what `downgrade-mismatch` compares of them.

use super::*;

const TOUCH: &str =
    "RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.bio := lower(NEW.bio); RETURN NEW; END $$";

/// `create_users`, then a migration creating the function `touch()` and a
/// trigger on `users` that runs it.
fn with_trigger() -> Vec<Migration> {
    vec![
        create_users(),
        migration(
            &format!(
                r#"
                op.create_function("touch()", "{TOUCH}");
                op.create_trigger("users_touch", "users", "BEFORE UPDATE", "FOR EACH ROW EXECUTE FUNCTION touch()");
                "#
            ),
            r#"
            op.drop_trigger("users_touch", "users");
            op.drop_function("touch()");
            "#,
        ),
    ]
}

/// The rules broken by an upgrade run after `with_trigger`.
fn on_trigger(up: &str) -> Vec<Rule> {
    let mut history = with_trigger();
    history.push(migration(up, ""));
    broken_by_last(&history)
}

/// The messages of the diagnostics of `up` and `down` run after `with_trigger`.
fn trigger_messages(up: &str, down: &str) -> Vec<String> {
    let mut history = with_trigger();
    history.push(migration(up, down));
    check(&history).into_iter().map(|d| d.message).collect()
}

#[test]
fn functions_and_triggers_replay() {
    assert_eq!(check(&with_trigger()), vec![]);
    // The signature is compared without white space or case.
    assert_eq!(
        on_trigger(r#"op.drop_function("TOUCH ( )");"#),
        vec![Rule::DependentObjects]
    );
    assert_eq!(
        crate::schema::signature_key("Add ( a INTEGER,b  text )"),
        "add(integer,text)"
    );
    assert_eq!(
        crate::schema::function_name("public.\"Touch\"(int)"),
        "Touch"
    );
}

#[test]
fn unknown_and_existing_functions_and_triggers() {
    assert_eq!(
        on_trigger(r#"op.drop_function("nope()");"#),
        vec![Rule::UnknownObject]
    );
    assert_eq!(
        on_trigger(r#"op.drop_function("touch(integer)");"#),
        vec![Rule::UnknownObject]
    );
    assert_eq!(
        on_trigger(r#"op.replace_function("nope()", "RETURNS int LANGUAGE sql AS 'SELECT 1'");"#),
        vec![Rule::UnknownObject]
    );
    assert_eq!(
        on_trigger(r#"op.drop_function("nope()").if_exists();"#),
        vec![]
    );
    assert_eq!(
        on_trigger(r#"op.drop_trigger("nope", "users");"#),
        vec![Rule::UnknownObject]
    );
    assert_eq!(
        on_trigger(r#"op.drop_trigger("nope", "users").if_exists();"#),
        vec![]
    );
    assert_eq!(
        on_trigger(r#"op.drop_trigger("users_touch", "nope");"#),
        vec![Rule::UnknownTable]
    );
    assert_eq!(
        on_trigger(&format!(r#"op.create_function("touch()", "{TOUCH}");"#)),
        vec![Rule::AlreadyExists]
    );
    assert_eq!(
        on_trigger(
            r#"op.create_trigger("users_touch", "users", "AFTER INSERT", "FOR EACH ROW EXECUTE FUNCTION touch()");"#
        ),
        vec![Rule::AlreadyExists]
    );
}

#[test]
fn a_trigger_depends_on_its_function_and_goes_with_its_table() {
    assert_eq!(
        trigger_messages(r#"op.drop_function("touch()");"#, "")[0],
        "cannot drop `touch()`: trigger `users_touch` on `users` still runs it"
    );
    assert_eq!(
        on_trigger(r#"op.drop_trigger("users_touch", "users"); op.drop_function("touch()");"#),
        vec![]
    );
    // Dropping the table drops its triggers: the function is free then.
    assert_eq!(
        on_trigger(&assured(
            r#"op.drop_table("users"); op.drop_function("touch()");"#
        )),
        vec![]
    );
    // A trigger of a function spelt `EXECUTE PROCEDURE schema.name(..)`.
    assert_eq!(
        on_trigger(
            r#"op.create_trigger("t2", "accounts", "AFTER INSERT", "FOR EACH ROW EXECUTE PROCEDURE public.touch()"); op.drop_trigger("users_touch", "users"); op.drop_function("touch()");"#
        ),
        vec![Rule::DependentObjects]
    );
}

#[test]
fn downgrade_mismatch_compares_functions_and_triggers() {
    assert_eq!(
        trigger_messages(
            r#"op.replace_function("touch()", "RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$");"#,
            &format!(r#"op.replace_function("touch()", "{TOUCH}");"#)
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        trigger_messages(
            r#"op.replace_function("touch()", "RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$");"#,
            ""
        ),
        vec![format!("upgrade changes the definition of function `touch()` from `{TOUCH}` to `RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`; downgrade leaves `RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`")]
    );
    assert_eq!(
        trigger_messages(r#"op.drop_trigger("users_touch", "users");"#, ""),
        vec!["upgrade drops trigger `users_touch` on `users`; downgrade never recreates it"]
    );
    assert_eq!(
        trigger_messages(
            r#"op.drop_trigger("users_touch", "users");"#,
            r#"op.create_trigger("users_touch", "users", "AFTER UPDATE", "FOR EACH ROW EXECUTE FUNCTION touch()");"#
        ),
        vec!["downgrade recreates trigger `users_touch` on `users` firing otherwise or running something else than before the upgrade"]
    );
}

#[test]
fn extensions() {
    let history = |up: &str, down: &str| {
        let mut h = vec![
            create_users(),
            migration(
                r#"op.create_extension("pg_trgm");"#,
                r#"op.drop_extension("pg_trgm");"#,
            ),
        ];
        h.push(migration(up, down));
        h
    };
    let rules = |up: &str| broken_by_last(&history(up, ""));
    assert_eq!(
        rules(r#"op.create_extension("pg_trgm");"#),
        vec![Rule::AlreadyExists]
    );
    assert_eq!(
        rules(r#"op.create_extension("pg_trgm").if_not_exists();"#),
        vec![]
    );
    assert_eq!(
        rules(r#"op.drop_extension("citext");"#),
        vec![Rule::UnknownObject]
    );
    assert_eq!(rules(r#"op.drop_extension("citext").if_exists();"#), vec![]);
    let messages: Vec<String> = check(&history(r#"op.drop_extension("pg_trgm");"#, ""))
        .into_iter()
        .map(|d| d.message)
        .collect();
    assert_eq!(
        messages,
        vec!["upgrade drops extension `pg_trgm`; downgrade never installs it again"]
    );
}

/// What each statement of `sql` reads as, after `with_trigger`.
fn read_after_trigger(sql: &str) -> Vec<crate::translate::Meaning> {
    let mut schema = crate::schema::Schema::new();
    for m in with_trigger() {
        for op in m.upgrade.iter() {
            schema.apply(op).unwrap();
        }
    }
    crate::translate::read_any(sql, &schema)
        .into_iter()
        .map(|s| s.meaning)
        .collect()
}

#[test]
fn raw_sql_functions_triggers_extensions_and_comments_are_read_into_the_model() {
    use crate::translate::Meaning;
    let ops = |sql: &str| -> Vec<String> {
        read_after_trigger(sql)
            .into_iter()
            .flat_map(|m| match m {
                Meaning::Ops(ops) => ops.iter().map(|o| o.to_string()).collect(),
                other => vec![format!("{other:?}")],
            })
            .collect()
    };
    assert_eq!(
        ops("CREATE TRIGGER accounts_touch BEFORE INSERT OR UPDATE ON public.accounts FOR EACH ROW EXECUTE FUNCTION touch()"),
        [r#"op.create_trigger("accounts_touch", "accounts", "BEFORE INSERT OR UPDATE", "FOR EACH ROW EXECUTE FUNCTION touch()")"#]
    );
    assert_eq!(
        ops("DROP TRIGGER IF EXISTS users_touch ON users; DROP TRIGGER IF EXISTS nope"),
        [r#"op.drop_trigger("users_touch", "users").if_exists()"#]
    );
    // MySQL and SQLite name the trigger alone: the model knows its table.
    assert_eq!(
        ops("DROP TRIGGER users_touch"),
        [r#"op.drop_trigger("users_touch", "users")"#]
    );
    assert_eq!(
        ops("DROP TRIGGER nope"),
        ["Opaque(\"DROP TRIGGER `nope`, which the model does not know\")"]
    );
    assert_eq!(
        ops("CREATE TRIGGER IF NOT EXISTS users_touch AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION touch()"),
        Vec::<String>::new()
    );
    // A function the model knows is replaced; its definition as written
    // after the signature.
    assert_eq!(
        ops("CREATE OR REPLACE FUNCTION touch ( ) RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$"),
        [r#"op.replace_function("touch ( )", "RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$")"#]
    );
    assert_eq!(
        ops("CREATE FUNCTION next_n(n INT) RETURNS INT DETERMINISTIC RETURN n + 1"),
        [r#"op.create_function("next_n(n INT)", "RETURNS INT DETERMINISTIC RETURN n + 1")"#]
    );
    assert_eq!(
        ops("DROP FUNCTION touch"),
        [r#"op.drop_function("touch()")"#]
    );
    assert_eq!(
        ops("DROP FUNCTION IF EXISTS nope(int)"),
        Vec::<String>::new()
    );
    assert_eq!(
        ops("COMMENT ON TABLE users IS 'people'; COMMENT ON COLUMN public.users.bio IS NULL; COMMENT ON INDEX x IS 'y'"),
        [
            r#"op.comment_on_table("users", "people")"#,
            r#"op.drop_comment_on_column("users", "bio")"#
        ]
    );
    assert_eq!(
        ops("CREATE EXTENSION IF NOT EXISTS pg_trgm; DROP EXTENSION IF EXISTS citext"),
        [r#"op.create_extension("pg_trgm").if_not_exists()"#]
    );
    // What the model knows is checked in raw SQL as in the DSL.
    let mut history = with_trigger();
    history.push(migration(r#"op.execute("DROP FUNCTION touch()");"#, ""));
    assert_eq!(broken_by_last(&history), vec![Rule::DependentObjects]);
    let mut history = with_trigger();
    history.push(migration(
        r#"op.execute("DROP TRIGGER users_touch ON users"); op.drop_function("touch()");"#,
        "",
    ));
    assert_eq!(broken_by_last(&history), vec![]);
}

#[test]
fn comments() {
    let on = |up: &str, down: &str| -> Vec<String> {
        let history = [
            create_users(),
            migration(
                r#"op.comment_on_table("users", "people who sign in"); op.comment_on_column("users", "bio", "shown on the profile");"#,
                r#"op.drop_comment_on_column("users", "bio"); op.drop_comment_on_table("users");"#,
            ),
            migration(up, down),
        ];
        check(&history).into_iter().map(|d| d.message).collect()
    };
    assert_eq!(
        on(r#"op.comment_on_column("users", "nope", "x");"#, "")[0],
        "column `users.nope` does not exist at this point of the history"
    );
    // A constraint's comment: the constraint must exist, and the downgrade
    // must take the comment back.
    assert!(
        on(r#"op.comment_on_constraint("nope", "users", "x");"#, "")[0]
            .starts_with("constraint `nope` does not exist")
    );
    assert_eq!(
        on(
            r#"op.comment_on_constraint("users_pkey", "users", "the account's number");"#,
            ""
        ),
        vec![
            r#"upgrade changes the comment of constraint `users_pkey` on `users` from no comment to the comment "the account's number"; downgrade leaves the comment "the account's number""#
        ]
    );
    assert_eq!(
        on(
            r#"op.comment_on_constraint("users_pkey", "users", "the account's number");"#,
            r#"op.drop_comment_on_constraint("users_pkey", "users");"#
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        on(r#"op.comment_on_table("users", "accounts of people");"#, ""),
        vec![
            r#"upgrade changes the comment of table `users` from the comment "people who sign in" to the comment "accounts of people"; downgrade leaves the comment "accounts of people""#
        ]
    );
    assert_eq!(
        on(
            r#"op.comment_on_table("users", "accounts of people");"#,
            r#"op.comment_on_table("users", "people who sign in");"#
        ),
        Vec::<String>::new()
    );
    // A comment follows its column's rename, and goes with its drop.
    assert_eq!(
        on(
            &assured(r#"op.rename_column("users", "bio", "about");"#),
            &assured(r#"op.rename_column("users", "about", "bio");"#)
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        on(
            &assured(r#"op.drop_column("users", "bio");"#),
            r#"op.add_column("users", column("bio", Text));"#
        ),
        vec!["upgrade changes the comment of `users.bio` from the comment \"shown on the profile\" to no comment; downgrade leaves no comment"]
    );
}

#[test]
fn if_exists_and_if_not_exists_of_tables_and_indexes() {
    let on = |up: &str| broken_by_last(&[create_users(), migration(up, "")]);
    assert_eq!(
        on(r#"op.create_table("users", [column("id", BigInt)]).if_not_exists();"#),
        vec![]
    );
    assert_eq!(
        on(r#"op.create_table("users", [column("id", BigInt)]);"#),
        vec![Rule::AlreadyExists]
    );
    assert_eq!(
        on(r#"op.drop_index("nope", "users").concurrently().if_exists();"#),
        vec![]
    );
    assert_eq!(
        on(r#"op.drop_index("nope", "users").concurrently();"#),
        vec![Rule::UnknownIndex]
    );
    assert_eq!(
        on(
            r#"op.create_index("users_email_key", "users", ["email"]).concurrently().if_not_exists();"#
        ),
        vec![]
    );
    // The table that is there is left as it is: its columns are the old ones.
    let mut schema = crate::schema::Schema::new();
    for op in create_users().upgrade.iter().chain(&ops(
        r#"op.create_table("users", [column("other", Text)]).if_not_exists();"#,
    )) {
        schema.apply(op).unwrap();
    }
    assert!(schema.tables["users"].column("email").is_some());
}

#[test]
fn a_function_created_stable_is_not_a_volatile_default() {
    let on = |definition: &str, default: &str| {
        broken_by_last(&[
            create_users(),
            migration(
                &format!(r#"op.create_function("short_id(n int)", "{definition}");"#),
                "",
            ),
            migration(
                &format!(
                    r#"op.add_column("users", column("code", Text).server_default(sql("{default}")));"#
                ),
                "",
            ),
        ])
    };
    let stable = "RETURNS text LANGUAGE sql STABLE AS $$ SELECT md5(random()::text) $$";
    let plain = "RETURNS text LANGUAGE sql AS $$ SELECT 'IMMUTABLE' $$";
    assert_eq!(on(stable, "short_id(8)"), vec![]);
    assert_eq!(on(stable, "public.short_id(8)"), vec![]);
    // Undeclared (a word in its body does not count): VOLATILE.
    assert_eq!(on(plain, "short_id(8)"), vec![Rule::VolatileDefault]);
    // Another function the model does not know still counts.
    assert_eq!(
        on(stable, "short_id(other_id())"),
        vec![Rule::VolatileDefault]
    );
}
