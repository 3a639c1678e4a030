//! The names each backend takes (structural): `invalid-identifier` for a
//! name longer than a declared backend keeps (63 bytes on PostgreSQL,
//! which truncates the rest; 64 characters on MySQL and MariaDB, which
//! refuse it), and `name-collision` for a name that differs from one
//! already in its namespace only by case (SQLite, MySQL, MariaDB) or by
//! accents (MySQL and MariaDB): the two are one name there, and the op
//! fails, or worse, finds the other one.

use super::Finding;
use crate::backend::{Backend, Backends};
use crate::diagnostic::Rule;
use crate::model::{Named, Op};
use crate::schema::Schema;

/// PostgreSQL's NAMEDATALEN - 1: the bytes of a name it keeps.
pub(crate) const POSTGRES_NAME_BYTES: usize = 63;
/// MySQL's and MariaDB's limit on a name, in characters.
const MYSQL_NAME_CHARS: usize = 64;

/// Checks the names `op` gives against each declared backend, on the
/// schema after it.
pub(super) fn check(op: &Op, after: &Schema, backends: &Backends, out: &mut Vec<Finding>) {
    for (named, name) in op.given_names() {
        if let Some(f) = too_long(name, backends) {
            out.push(f);
        }
        if let Some(f) = collision(named, name, after, backends) {
            out.push(f);
        }
    }
}

/// A name longer than a declared backend keeps.
fn too_long(name: &str, backends: &Backends) -> Option<Finding> {
    let bytes = name.len();
    let chars = name.chars().count();
    let why = if backends.has(Backend::Postgres) && bytes > POSTGRES_NAME_BYTES {
        format!(
            "identifier `{name}` is {bytes} bytes long: PostgreSQL keeps {POSTGRES_NAME_BYTES} bytes of a name and silently cuts the rest, so the database would not hold the name the migration gives"
        )
    } else if backends.has_mysql_like() && chars > MYSQL_NAME_CHARS {
        format!(
            "identifier `{name}` is {chars} characters long: MySQL and MariaDB refuse names over {MYSQL_NAME_CHARS}"
        )
    } else {
        return None;
    };
    Some(
        Finding::new(
            Rule::InvalidIdentifier,
            why,
            format!(
                "use a name of at most {} on every backend of the set ({})",
                if backends.has(Backend::Postgres) {
                    "63 bytes"
                } else {
                    "64 characters"
                },
                backends.describe()
            ),
        )
        .at_text(name),
    )
}

/// A name already in `named`'s namespace under another spelling that a
/// declared backend takes for the same.
fn collision(named: Named<'_>, name: &str, after: &Schema, backends: &Backends) -> Option<Finding> {
    let mut same: Vec<(Backend, String)> = Vec::new();
    let ascii = name.is_ascii();
    for backend in backends.iter() {
        for other in namespace(named, after, backend) {
            if ascii && ends_differ(name, other) {
                continue;
            }
            if other != name && same_name(backend, named, other, name) {
                same.push((backend, other.to_string()));
            }
        }
    }
    let (_, other) = same.first()?.clone();
    let on: Vec<Backend> = same
        .iter()
        .filter(|(_, o)| *o == other)
        .map(|(b, _)| *b)
        .collect();
    let on = Backends::new(on.into_iter().map(crate::backend::Target::new));
    let spell = |n: &str| match named {
        Named::Table => format!("table or view `{n}`"),
        Named::Column(t) => format!("column `{t}.{n}`"),
        Named::Index(t) => format!("index `{n}` on `{t}`"),
        Named::Constraint(t) => format!("constraint `{n}` of `{t}`"),
        Named::Trigger(t) => format!("trigger `{n}` on `{t}`"),
        Named::Enum => format!("enum type `{n}`"),
    };
    let how = if on.has_mysql_like() {
        "MySQL and MariaDB compare column, index and constraint names without case or accents, and table names without case where lower_case_table_names is set (Windows, macOS)"
    } else {
        "SQLite compares names without case"
    };
    Some(
        Finding::new(
            Rule::NameCollision,
            format!(
                "{} differs from {} only by case or accents, and {} takes them for one name: {how}",
                spell(name),
                spell(&other),
                on.describe()
            ),
            format!(
                "pick a name that differs from `{other}` by more than case or accents, or, if the set runs on PostgreSQL only, say so: `backends = [postgres];`"
            ),
        )
        .at_text(name),
    )
}

/// The names `named` must differ from on `backend`, in the schema after
/// the op (the new name among them).
fn namespace<'s>(named: Named<'_>, after: &'s Schema, backend: Backend) -> Vec<&'s str> {
    let table = |t: &str| after.tables.get(t);
    match (named, backend) {
        (_, Backend::Postgres) | (Named::Enum, _) => Vec::new(),
        (Named::Table, _) => after
            .tables
            .keys()
            .chain(after.views.keys())
            .map(String::as_str)
            .collect(),
        (Named::Column(t), _) => table(t)
            .map(|t| t.columns.iter().map(|c| c.name.as_str()).collect())
            .unwrap_or_default(),
        // SQLite keeps every index in one namespace.
        (Named::Index(_), Backend::Sqlite) => after
            .tables
            .values()
            .flat_map(|t| t.indexes.keys())
            .map(String::as_str)
            .collect(),
        // A MySQL key constraint is an index, in the table's namespace.
        (Named::Index(t) | Named::Constraint(t), _) if backend.is_mysql_like() => table(t)
            .map(|t| {
                t.indexes
                    .keys()
                    .chain(t.constraints.keys())
                    .map(String::as_str)
                    .collect()
            })
            .unwrap_or_default(),
        // SQLite keeps no constraint names apart, and a trigger's namespace
        // is the schema's on both.
        (Named::Constraint(_) | Named::Trigger(_), _) => Vec::new(),
        (Named::Index(_), _) => Vec::new(),
    }
}

/// Whether `other` cannot be taken for the ASCII name `name` on any
/// backend, by its first and last bytes alone: every backend folds each
/// character of a name to one or more characters, and an ASCII character to
/// its ASCII lower case whatever surrounds it, so an ASCII first or last
/// character of `other` that differs from
/// `name`'s in more than case tells them apart. Most names of a namespace
/// are passed over so, without reading them whole.
fn ends_differ(name: &str, other: &str) -> bool {
    let differ = |a: Option<&u8>, b: Option<&u8>| match (a, b) {
        (Some(a), Some(b)) => a.is_ascii() && !a.eq_ignore_ascii_case(b),
        _ => false,
    };
    let (name, other) = (name.as_bytes(), other.as_bytes());
    differ(other.first(), name.first()) || differ(other.last(), name.last())
}

/// Whether `backend` takes `a` and `b` for one name, as [`fold`] compares
/// them. Two ASCII names are compared in place: the check runs against
/// every name of a namespace for each op, and the whole schema's tables
/// are one namespace.
fn same_name(backend: Backend, named: Named<'_>, a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return match backend {
            Backend::Postgres => a == b,
            // Lower case and without accents is ASCII lower case here.
            Backend::Sqlite | Backend::Mysql | Backend::Mariadb => a.eq_ignore_ascii_case(b),
        };
    }
    fold(backend, named, a) == fold(backend, named, b)
}

/// A name as `backend` compares it.
fn fold(backend: Backend, named: Named<'_>, name: &str) -> String {
    match backend {
        Backend::Sqlite => name.to_ascii_lowercase(),
        Backend::Mysql | Backend::Mariadb if named == Named::Table => name.to_lowercase(),
        Backend::Mysql | Backend::Mariadb => name
            .chars()
            .flat_map(char::to_lowercase)
            .map(unaccent)
            .collect(),
        Backend::Postgres => name.to_string(),
    }
}

/// A Latin letter without its accent, as utf8mb3_general_ci compares it.
fn unaccent(c: char) -> char {
    const TABLE: &[(char, &str)] = &[
        ('a', "àáâãäåāăą"),
        ('c', "çćĉċč"),
        ('d', "ďđ"),
        ('e', "èéêëēĕėęě"),
        ('g', "ĝğġģ"),
        ('h', "ĥħ"),
        ('i', "ìíîïĩīĭįı"),
        ('j', "ĵ"),
        ('k', "ķ"),
        ('l', "ĺļľŀł"),
        ('n', "ñńņňŉ"),
        ('o', "òóôõöøōŏő"),
        ('r', "ŕŗř"),
        ('s', "śŝşš"),
        ('t', "ţťŧ"),
        ('u', "ùúûüũūŭůűų"),
        ('w', "ŵ"),
        ('y', "ýÿŷ"),
        ('z', "źżž"),
    ];
    TABLE
        .iter()
        .find(|(_, accented)| accented.contains(c))
        .map_or(c, |(base, _)| *base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_as_each_backend_compares() {
        let col = Named::Column("t");
        assert_eq!(
            fold(Backend::Sqlite, col, "Émail"),
            "Émail".to_ascii_lowercase()
        );
        assert_eq!(fold(Backend::Mysql, col, "Émail"), "email");
        assert_eq!(fold(Backend::Mysql, Named::Table, "Émail"), "émail");
        assert_eq!(fold(Backend::Postgres, col, "Email"), "Email");
    }

    #[test]
    fn ascii_names_compare_as_folded() {
        let names = [
            "email", "Email", "EMAIL", "e_mail", "émail", "Émail", "emaıl", "a@", "a`", "A[", "a{",
        ];
        for named in [
            Named::Table,
            Named::Column("t"),
            Named::Index("t"),
            Named::Constraint("t"),
            Named::Trigger("t"),
            Named::Enum,
        ] {
            for backend in [
                Backend::Sqlite,
                Backend::Mysql,
                Backend::Mariadb,
                Backend::Postgres,
            ] {
                for a in names {
                    for b in names {
                        assert_eq!(
                            same_name(backend, named, a, b),
                            fold(backend, named, a) == fold(backend, named, b),
                            "{backend:?} {a} {b}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn names_told_apart_by_their_ends_are_apart_on_every_backend() {
        let names = [
            "email",
            "Email",
            "EMAIL",
            "mail",
            "emails",
            "e_mail",
            "émail",
            "Émail",
            "emaıl",
            "\u{212a}ey",
            "key",
            "KEY",
            "keÿ",
            "ké",
            "ke",
            "t_1",
            "t_12",
            "T_12",
            "t_123",
            "a",
            "",
        ];
        for a in names.iter().filter(|n| n.is_ascii()) {
            for b in names {
                if !ends_differ(a, b) {
                    continue;
                }
                for named in [Named::Table, Named::Column("t")] {
                    for backend in [Backend::Sqlite, Backend::Mysql, Backend::Postgres] {
                        assert_ne!(
                            fold(backend, named, a),
                            fold(backend, named, b),
                            "{backend:?} {a} {b}"
                        );
                    }
                }
            }
        }
        assert!(ends_differ("t_12", "t_123"));
        assert!(!ends_differ("key", "\u{212a}ey"));
    }
}
