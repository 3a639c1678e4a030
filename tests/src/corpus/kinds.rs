//! What the corpus covers: every word of the DSL (op, option, value and
//! value option, as `core/src/vocabulary/tests.rs` counts them), every
//! column type, foreign key action, index method and kind of default, and
//! whether raw SQL changed data or the schema.
//!
//! [`vocabulary_kinds`] is what there is to cover; [`kinds`] what a set
//! covers. A new word of the vocabulary's table is in the first at once and
//! fails the coverage test until a migration of the corpus uses it; a new
//! type, action, method or default does not compile here until it is named
//! below. A new kind of object (views, functions, ...) adds its words to the
//! table and so to both lists.

use std::collections::BTreeSet;

use godwit::vocabulary::{vocabulary, Call, Value, ValueKind};
use godwit::{Action, ColumnType, DefaultValue, IndexMethod, MigrationSet, Phase};

/// Each column type's name as the DSL writes it. The match is exhaustive:
/// a new type stops this compiling until it is named in [`TYPES`] too.
fn type_name(ty: &ColumnType) -> &'static str {
    use ColumnType::*;
    match ty {
        SmallInt => "SmallInt",
        Integer => "Integer",
        BigInt => "BigInt",
        Boolean => "Boolean",
        Text => "Text",
        Varchar(_) => "Varchar",
        Char(_) => "Char",
        Real => "Real",
        Double => "Double",
        Numeric(..) => "Numeric",
        Date => "Date",
        Time => "Time",
        Timestamp => "Timestamp",
        TimestampTz => "TimestampTz",
        Binary => "Binary",
        Uuid => "Uuid",
        Json => "Json",
        VarcharUnbounded => "VarcharUnbounded",
        JsonText => "JsonText",
        Array(_) => "Array",
        Enum(_) => "Enum",
        Custom(_) => "Custom",
    }
}

/// Every name [`type_name`] gives.
const TYPES: &[&str] = &[
    "SmallInt",
    "Integer",
    "BigInt",
    "Boolean",
    "Text",
    "Varchar",
    "Char",
    "Real",
    "Double",
    "Numeric",
    "Date",
    "Time",
    "Timestamp",
    "TimestampTz",
    "Binary",
    "Uuid",
    "Json",
    "VarcharUnbounded",
    "JsonText",
    "Array",
    "Enum",
    "Custom",
];

/// Each action written (`NoAction` is the default, never written).
fn action_name(action: Action) -> Option<&'static str> {
    match action {
        Action::NoAction => None,
        Action::Restrict => Some("Restrict"),
        Action::Cascade => Some("Cascade"),
        Action::SetNull => Some("SetNull"),
        Action::SetDefault => Some("SetDefault"),
    }
}

const ACTIONS: &[Action] = &[
    Action::NoAction,
    Action::Restrict,
    Action::Cascade,
    Action::SetNull,
    Action::SetDefault,
];

fn method_name(method: IndexMethod) -> &'static str {
    match method {
        IndexMethod::Btree => "btree",
        IndexMethod::Hash => "hash",
        IndexMethod::Gist => "gist",
        IndexMethod::Gin => "gin",
        IndexMethod::Brin => "brin",
        IndexMethod::Spgist => "spgist",
    }
}

const METHODS: &[IndexMethod] = &[
    IndexMethod::Btree,
    IndexMethod::Hash,
    IndexMethod::Gist,
    IndexMethod::Gin,
    IndexMethod::Brin,
    IndexMethod::Spgist,
];

/// Each kind of default, by how the DSL writes it.
fn default_name(value: &DefaultValue) -> &'static str {
    match value {
        DefaultValue::Str(_) => "string",
        DefaultValue::Int(_) => "integer",
        DefaultValue::Float(_) => "float",
        DefaultValue::Bool(_) => "bool",
        DefaultValue::Now => "now",
        DefaultValue::Sql(_) => "sql",
    }
}

const DEFAULTS: &[&str] = &["string", "integer", "float", "bool", "now", "sql"];

/// Every kind there is to cover.
pub fn vocabulary_kinds() -> BTreeSet<String> {
    let words = vocabulary();
    let mut all = BTreeSet::new();
    for (name, options) in words.ops.iter().chain(&words.values) {
        all.insert(name.to_string());
        all.extend(options.iter().map(|o| format!("{name}.{o}")));
    }
    all.extend(TYPES.iter().map(|t| format!("type {t}")));
    all.extend(
        ACTIONS
            .iter()
            .filter_map(|a| action_name(*a))
            .map(|a| format!("action {a}")),
    );
    all.extend(
        METHODS
            .iter()
            .map(|m| format!("method {}", method_name(*m))),
    );
    all.extend(DEFAULTS.iter().map(|d| format!("default {d}")));
    all.extend(["execute data", "execute ddl"].map(String::from));
    all
}

/// Every kind `sets` use, in either body of any migration.
pub fn kinds(sets: &[&MigrationSet]) -> BTreeSet<String> {
    let words = vocabulary();
    let values: Vec<&str> = words.values.iter().map(|(f, _)| *f).collect();
    let mut used = BTreeSet::new();
    for set in sets {
        for m in set.migrations() {
            for phase in [Phase::Upgrade, Phase::Downgrade] {
                for op in m.ops(phase) {
                    walk(&op.to_call(), &values, &mut used);
                    model_kinds(op, &mut used);
                }
            }
        }
    }
    used
}

/// The words of one call, with its options and the values in its arguments.
fn walk(call: &Call, values: &[&str], used: &mut BTreeSet<String>) {
    used.insert(call.name.to_string());
    for option in &call.options {
        used.insert(format!("{}.{}", call.name, option.name));
    }
    let mut pending: Vec<&Value> = call.args.iter().collect();
    while let Some(value) = pending.pop() {
        match &value.kind {
            ValueKind::List(items) => pending.extend(items),
            ValueKind::Call(c) if values.contains(&&*c.name) => walk(c, values, used),
            ValueKind::Body(calls) => calls.iter().for_each(|c| walk(c, values, used)),
            _ => {}
        }
    }
}

/// Types, actions, methods, defaults and raw SQL, read from the model.
fn model_kinds(op: &godwit::Op, used: &mut BTreeSet<String>) {
    use godwit::{ColumnChange, Op};
    let column = |c: &godwit::Column, used: &mut BTreeSet<String>| {
        column_type(&c.ty, used);
        if let Some(d) = &c.default {
            used.insert(format!("default {}", default_name(d)));
        }
        if c.references.is_some() {
            actions(c.on_delete, c.on_update, used);
        }
    };
    match op {
        Op::CreateTable { columns, .. } => columns.iter().for_each(|c| column(c, used)),
        Op::AddColumn { column: c, .. } => column(c, used),
        Op::AlterColumn { changes, .. } => {
            for change in changes.iter() {
                match change {
                    ColumnChange::SetType(ty) => column_type(ty, used),
                    ColumnChange::SetDefault(d) => {
                        used.insert(format!("default {}", default_name(d)));
                    }
                    _ => {}
                }
            }
        }
        Op::CreateForeignKey {
            on_delete,
            on_update,
            ..
        } => actions(*on_delete, *on_update, used),
        Op::CreateIndex { method, .. } => {
            // No method is the default, a B-tree.
            let m = method.unwrap_or(IndexMethod::Btree);
            used.insert(format!("method {}", method_name(m)));
        }
        Op::Execute { sql } => {
            for statement in sql.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                let first = statement
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_ascii_uppercase();
                let data = matches!(&*first, "INSERT" | "UPDATE" | "DELETE" | "WITH");
                used.insert(if data { "execute data" } else { "execute ddl" }.to_string());
            }
        }
        Op::SafetyAssured { ops, .. } => ops.iter().for_each(|o| model_kinds(o, used)),
        _ => {}
    }
}

fn column_type(ty: &ColumnType, used: &mut BTreeSet<String>) {
    used.insert(format!("type {}", type_name(ty)));
    if let ColumnType::Array(element) = ty {
        column_type(element, used);
    }
}

fn actions(on_delete: Action, on_update: Action, used: &mut BTreeSet<String>) {
    for a in [on_delete, on_update].into_iter().filter_map(action_name) {
        used.insert(format!("action {a}"));
    }
}
