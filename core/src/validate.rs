//! Checks of one migration that need no history: `vague-message` and
//! `invalid-identifier`.

/// The longest identifier every backend accepts: PostgreSQL's 63 bytes
/// (MySQL allows 64).
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// Messages that say nothing about the change.
const GENERIC_MESSAGES: &[&str] = &[
    "update",
    "updates",
    "fix",
    "fixes",
    "change",
    "changes",
    "wip",
    "migration",
    "misc",
    "stuff",
    "temp",
    "tmp",
    "test",
    "todo",
    "schema",
    "new migration",
];

/// Why `message` is too vague to read during an incident, if it is.
pub fn vague_message(message: &str) -> Option<String> {
    let trimmed = message.trim();
    let words: Vec<&str> = trimmed.split_whitespace().collect();
    let lower = trimmed.to_lowercase();
    if trimmed.is_empty() {
        Some("the migration message is empty".into())
    } else if GENERIC_MESSAGES.contains(&lower.trim_end_matches(['.', '!'])) {
        Some(format!("the migration message `{trimmed}` is generic"))
    } else if words.len() < 3 {
        Some(format!(
            "the migration message `{trimmed}` has {} word{}; say what changes in at least three",
            words.len(),
            if words.len() == 1 { "" } else { "s" }
        ))
    } else if words.iter().all(|w| {
        GENERIC_MESSAGES.contains(
            &w.to_lowercase()
                .trim_matches(|c: char| !c.is_alphanumeric()),
        )
    }) {
        Some(format!("the migration message `{trimmed}` is generic"))
    } else {
        None
    }
}

/// Why `name` cannot be used as an identifier on every backend, if it cannot.
/// A name godwit derives (`users_email_key`) is held to this: it must be
/// the same on every backend.
pub fn invalid_identifier(name: &str) -> Option<String> {
    if name.len() > MAX_IDENTIFIER_BYTES {
        return Some(format!(
            "identifier `{name}` is {} bytes long; PostgreSQL truncates names past {MAX_IDENTIFIER_BYTES} bytes",
            name.len()
        ));
    }
    malformed_identifier(name)
}

/// Why `name` cannot be an identifier on any backend, if it cannot. Its
/// length is the set's to check, for the backends it declares
/// (PostgreSQL keeps 63 bytes, MySQL takes 64 characters, SQLite any).
pub fn malformed_identifier(name: &str) -> Option<String> {
    if name.is_empty() {
        Some("an identifier is empty".into())
    } else if name.contains('\0') {
        Some(format!("identifier {name:?} holds a NUL byte"))
    } else if name.trim() != name {
        Some(format!(
            "identifier `{name:?}` starts or ends with white space"
        ))
    } else {
        name.chars().find(|c| u32::from(*c) > 0xFFFF).map(|c| {
            format!(
                "identifier `{name}` holds `{c}` (U+{:X}), outside the Basic Multilingual Plane, which MySQL and MariaDB do not allow in names",
                u32::from(c)
            )
        })
    }
}

/// The table names godwit and Diesel keep their own records in.
pub const RESERVED_TABLES: [&str; 2] = ["godwit_version", "__diesel_schema_migrations"];

/// Why `name` cannot name a table or an index (objects SQLite keeps in its
/// schema, and godwit's and Diesel's version tables), if it cannot.
pub fn reserved_object_name(name: &str) -> Option<String> {
    if name
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("sqlite_"))
    {
        Some(format!(
            "`{name}` starts with `sqlite_`, which SQLite reserves for its own tables and indexes"
        ))
    } else if RESERVED_TABLES.contains(&name) {
        Some(format!(
            "`{name}` is the table in which godwit or Diesel records applied migrations"
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages() {
        assert!(vague_message("").is_some());
        assert!(vague_message("fix").is_some());
        assert!(vague_message("WIP").is_some());
        assert!(vague_message("add bio").is_some());
        assert!(vague_message("fix changes update").is_some());
        assert!(vague_message("add users.bio column").is_none());
    }

    #[test]
    fn identifiers() {
        assert!(invalid_identifier("").is_some());
        assert!(invalid_identifier("a\0b").is_some());
        assert!(invalid_identifier(&"x".repeat(64)).is_some());
        assert!(invalid_identifier(&"x".repeat(63)).is_none());
        assert!(invalid_identifier("weird \"name\"; `drop`").is_none());
        assert!(invalid_identifier("café 日本語").is_none());
        assert!(invalid_identifier("emoji😀").is_some());
        assert!(reserved_object_name("sqlite_stat").is_some());
        assert!(reserved_object_name("SQLite_x").is_some());
        assert!(reserved_object_name("godwit_version").is_some());
        assert!(reserved_object_name("sqlite").is_none());
        assert!(reserved_object_name("users").is_none());
    }
}
