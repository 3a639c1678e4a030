//! Indexes in each backend's words: the keys (columns or expressions, their
//! order and operator class), the access method and the included columns,
//! and what a backend lacks of them, refused before anything runs.

use godwit_core::schema::Index;
use godwit_core::{IndexKey, IndexMethod};

use super::Dialect;

/// Why `dialect` cannot build `index`, if it cannot (the checker's list).
pub(crate) fn unsupported(dialect: Dialect, index: &Index) -> Option<String> {
    dialect
        .backends()
        .iter()
        .find_map(|b| godwit_core::backend::limits::index_refusal(*b, index))
}

/// One key as `dialect` writes it inside the parentheses of an index. MySQL
/// and SQLite take no NULLS clause in an index: where one was asked for,
/// it is the order they keep anyway ([`unsupported`] refuses the other).
pub(crate) fn key(dialect: Dialect, k: &IndexKey) -> String {
    let quote = |name: &str| dialect.quote(name);
    match dialect {
        Dialect::Postgres => key_text(k, quote),
        Dialect::Mysql | Dialect::Sqlite => key_text(
            &IndexKey {
                nulls_first: None,
                ..k.clone()
            },
            quote,
        ),
    }
}

/// One key in SQL's words, its column's name written by `name`:
/// `"created_at" DESC NULLS LAST`, `(lower(email)) text_pattern_ops`.
pub(crate) fn key_text(k: &IndexKey, name: impl Fn(&str) -> String) -> String {
    let mut out = if k.expression {
        format!("({})", k.target)
    } else {
        name(&k.target)
    };
    if let Some(opclass) = &k.opclass {
        out.push(' ');
        out.push_str(opclass);
    }
    if k.descending {
        out.push_str(" DESC");
    }
    match k.nulls_first {
        Some(true) => out.push_str(" NULLS FIRST"),
        Some(false) => out.push_str(" NULLS LAST"),
        None => {}
    }
    out
}

/// The keys of `index`, comma-separated.
pub(crate) fn keys(dialect: Dialect, index: &Index) -> String {
    index
        .keys
        .iter()
        .map(|k| key(dialect, k))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `CREATE INDEX` for an index of the model, on PostgreSQL and SQLite.
pub(crate) fn create_index(
    dialect: Dialect,
    name: &str,
    table: &str,
    index: &Index,
    concurrently: bool,
) -> String {
    let mut out = format!(
        "CREATE {}INDEX {}{} ON {}",
        if index.unique { "UNIQUE " } else { "" },
        if concurrently { "CONCURRENTLY " } else { "" },
        dialect.quote(name),
        dialect.quote(table),
    );
    // SQLite's only method is its b-tree, which it does not name.
    if let (Some(method), Dialect::Postgres) = (index.method, dialect) {
        out.push_str(" USING ");
        out.push_str(method.name());
    }
    out.push_str(&format!(" ({})", keys(dialect, index)));
    if !index.include.is_empty() {
        out.push_str(&format!(
            " INCLUDE ({})",
            dialect.quote_list(&index.include)
        ));
    }
    if let Some(p) = &index.predicate {
        out.push_str(" WHERE ");
        out.push_str(p);
    }
    out
}

/// `ADD [UNIQUE] INDEX ..` of `ALTER TABLE`, on MySQL.
pub(crate) fn add_index(dialect: Dialect, name: &str, index: &Index) -> String {
    let method = match index.method {
        Some(IndexMethod::Hash) => " USING HASH",
        Some(IndexMethod::Btree) => " USING BTREE",
        _ => "",
    };
    format!(
        "ADD {}INDEX {} ({}){method}",
        if index.unique { "UNIQUE " } else { "" },
        dialect.quote(name),
        keys(dialect, index)
    )
}
