//! An index's keys and access method, as the model holds them.

use super::Str;

/// How an index is stored and searched (PostgreSQL's access methods; MySQL
/// knows `Btree` and `Hash`, SQLite only its own b-tree).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IndexMethod {
    /// `btree`: the default everywhere.
    Btree,
    /// `hash`.
    Hash,
    /// `gist`.
    Gist,
    /// `gin`.
    Gin,
    /// `brin`.
    Brin,
    /// `spgist`.
    Spgist,
}

impl IndexMethod {
    /// Every method, in the order messages list them.
    pub const ALL: [IndexMethod; 6] = [
        IndexMethod::Btree,
        IndexMethod::Hash,
        IndexMethod::Gist,
        IndexMethod::Gin,
        IndexMethod::Brin,
        IndexMethod::Spgist,
    ];

    /// Its name, as `.using(..)` takes it and PostgreSQL spells it: `"gin"`.
    pub fn name(self) -> &'static str {
        match self {
            IndexMethod::Btree => "btree",
            IndexMethod::Hash => "hash",
            IndexMethod::Gist => "gist",
            IndexMethod::Gin => "gin",
            IndexMethod::Brin => "brin",
            IndexMethod::Spgist => "spgist",
        }
    }

    /// The method named `name` (any case).
    pub fn from_name(name: &str) -> Option<IndexMethod> {
        Self::ALL
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(name))
    }
}

/// One key of an index: a column or an expression, with its order and
/// operator class. A plain column key is written as its name (`"email"`);
/// any other as `key("created_at").desc()` or `expr("lower(email)")`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IndexKey {
    /// The column's name, or the SQL expression when `expression`.
    pub target: Str,
    /// An expression key (`expr(..)`) rather than a column (`key(..)`).
    pub expression: bool,
    /// `.desc()`: descending order.
    pub descending: bool,
    /// `.nulls_first()` (`Some(true)`) or `.nulls_last()` (`Some(false)`);
    /// `None`: the backend's default for the key's order.
    pub nulls_first: Option<bool>,
    /// `.opclass(name)`: an operator class other than the type's default.
    pub opclass: Option<Str>,
}

impl IndexKey {
    /// The key over column `name`, in ascending order, with nothing else.
    pub fn column(name: impl Into<Str>) -> IndexKey {
        IndexKey {
            target: name.into(),
            expression: false,
            descending: false,
            nulls_first: None,
            opclass: None,
        }
    }

    /// Whether it is a column in ascending order with no other option: what
    /// a plain name in the list of keys says.
    pub fn is_plain(&self) -> bool {
        !self.expression && !self.descending && self.nulls_first.is_none() && self.opclass.is_none()
    }

    /// The column it indexes, unless it is an expression.
    pub fn column_name(&self) -> Option<&str> {
        (!self.expression).then_some(&*self.target)
    }
}
