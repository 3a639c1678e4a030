//! DDL read into ops: tables, columns, constraints and indexes.

use std::borrow::Cow;

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, ColumnDef, ColumnOption, ForeignKeyConstraint,
    GeneratedAs, GeneratedExpressionMode, Ident, ObjectName, ObjectNamePart, ObjectType,
    ReferentialAction, RenameTableNameKind, Statement as Ast, TableConstraint,
};

use sqlparser::ast::Spanned;
use sqlparser::tokenizer::Location;

use super::checks::CheckNamer;
use super::{expr, keys, types, user_types, Meaning};
use crate::model::{
    Action, CheckConstraint, Column, ColumnChange, ColumnType, Op, PrimaryKey, Reference, Str,
    UniqueConstraint,
};
use crate::schema::{primary_key_name, unique_name, Schema};
use crate::sql_text::Syntax;

/// A statement's translation, or why there is none.
pub(super) type Translated = Result<Vec<Op>, String>;

/// What a DDL statement (or any statement not data nor inert) means.
pub(super) fn meaning(ast: &Ast, syntax: Syntax, schema: &Schema) -> Meaning {
    let translated = match ast {
        Ast::CreateTable(c) => create_table(c, syntax, schema),
        Ast::AlterTable(a) => {
            let Some(table) = last(&a.name) else {
                return Meaning::Opaque(kind(ast));
            };
            if a.if_exists && !schema.tables.contains_key(&table) {
                return Meaning::Ops(Vec::new());
            }
            if let Some(renames) = super::renames::rename_constraints(&table, &a.operations, schema)
            {
                return renames;
            }
            alter_table(&table, &a.operations, syntax, schema)
        }
        Ast::CreateIndex(c) => keys::create_index(c, schema),
        Ast::AlterIndex { name, operation } => {
            return super::renames::alter_index(name, operation, schema)
        }
        Ast::CreateView(v) => super::objects::create_view(v, false, schema),
        Ast::RefreshMaterializedView(r) => super::objects::refresh(r),
        Ast::Comment { .. } => super::objects::comment(ast).expect("a comment"),
        Ast::CreateExtension(_) | Ast::DropExtension(_) => {
            super::objects::extension(ast, schema).expect("an extension statement")
        }
        Ast::CreateFunction(_)
        | Ast::DropFunction(_)
        | Ast::CreateTrigger(_)
        | Ast::DropTrigger(_) => super::objects::routine(&ast.to_string(), syntax, schema)
            .unwrap_or_else(|| Err(kind(ast))),
        Ast::CreateType {
            name,
            representation,
        } => return user_types::create_type(name, representation),
        Ast::AlterType(alter) => return user_types::alter_type(alter, schema),
        // A domain is a type the model does not track; columns of it are `Custom`.
        Ast::CreateDomain(_) | Ast::DropDomain(_) => return Meaning::Inert,
        Ast::Drop {
            object_type,
            if_exists,
            names,
            cascade,
            ..
        } => super::drops::drop(*object_type, *if_exists, *cascade, names, schema)
            .unwrap_or_else(|| drop(*object_type, *if_exists, names, schema)),
        Ast::RenameTable(renames) => renames
            .iter()
            .map(|r| {
                let (Some(from), Some(to)) = (last(&r.old_name), last(&r.new_name)) else {
                    return Err("a table name of another form".to_string());
                };
                Ok(Op::RenameTable {
                    from: from.into(),
                    to: to.into(),
                })
            })
            .collect(),
        _ => Err(kind(ast)),
    };
    match translated {
        Ok(ops) => Meaning::Ops(ops),
        Err(what) => Meaning::Opaque(what),
    }
}

/// The first words of a statement, to say what it is.
fn kind(ast: &Ast) -> String {
    let text = ast.to_string();
    let words: Vec<&str> = text.split_whitespace().take(3).collect();
    words.join(" ")
}

/// The last part of a name (`public.users` is `users`); quoted or not, as
/// the model keeps names as the database does: a bare name folded to lower
/// case, a quoted one as written.
pub(super) fn last(name: &ObjectName) -> Option<String> {
    match name.0.last()? {
        ObjectNamePart::Identifier(ident) => Some(ident_name(ident)),
        ObjectNamePart::Function(_) => None,
    }
}

pub(super) fn ident_name(ident: &Ident) -> String {
    match ident.quote_style {
        Some(_) => ident.value.clone(),
        None => ident.value.to_lowercase(),
    }
}

pub(super) fn names(idents: &[Ident]) -> Vec<Str> {
    idents.iter().map(|i| Cow::Owned(ident_name(i))).collect()
}

pub(super) fn action(a: &Option<ReferentialAction>) -> Result<Action, String> {
    Ok(match a {
        None | Some(ReferentialAction::NoAction) => Action::NoAction,
        Some(ReferentialAction::Restrict) => Action::Restrict,
        Some(ReferentialAction::Cascade) => Action::Cascade,
        Some(ReferentialAction::SetNull) => Action::SetNull,
        Some(ReferentialAction::SetDefault) => Action::SetDefault,
    })
}

/// A check as declared: where it stands in the statement (the server
/// names checks in the order they are written), its name if it has one,
/// and its expression.
type Pending = (Location, Option<String>, String);

/// The checks of a statement, each named: an unnamed one as the server
/// names it ([`CheckNamer`]).
fn named_checks(mut pending: Vec<Pending>, namer: &mut CheckNamer) -> Vec<CheckConstraint> {
    pending.sort_by_key(|p| p.0);
    pending
        .into_iter()
        .map(|(_, name, expr)| {
            let name = match name {
                Some(n) => {
                    namer.record(&n);
                    n
                }
                None => namer.name(&expr),
            };
            CheckConstraint {
                name: name.into(),
                expr: expr.into(),
            }
        })
        .collect()
}

/// A column's definition, with the constraints it declares inline (those
/// the `Column` model holds; any other is refused).
fn column(
    def: &ColumnDef,
    table: &str,
    syntax: Syntax,
    schema: &Schema,
    own_key: &[Str],
    checks: &mut Vec<Pending>,
) -> Result<Column, String> {
    let name = ident_name(&def.name);
    let spelled = spelled_type(&def.data_type);
    let lower = spelled.to_ascii_lowercase();
    let serial_of = match lower.as_str() {
        "serial" | "serial4" => Some(ColumnType::Integer),
        "bigserial" | "serial8" => Some(ColumnType::BigInt),
        "smallserial" | "serial2" => Some(ColumnType::SmallInt),
        _ => None,
    };
    let ty = match &serial_of {
        Some(ty) => ty.clone(),
        None => user_types::known_enums(types::column_type(&spelled, syntax), schema),
    };
    let mut column = Column::new(name.clone().into(), ty);
    if serial_of.is_some() {
        column.serial = true;
        column.autoincrement = true;
        column.nullable = false;
    }
    for option in &def.options {
        match &option.option {
            ColumnOption::Null => column.nullable = true,
            ColumnOption::NotNull => column.nullable = false,
            ColumnOption::Default(e) => {
                column.default = (!expr::is_null(e)).then(|| expr::default(e));
            }
            ColumnOption::PrimaryKey(_) => {
                column.primary_key = true;
                column.nullable = false;
            }
            ColumnOption::Unique(u) => {
                let derived = unique_name(table, std::slice::from_ref(&name));
                if option
                    .name
                    .as_ref()
                    .is_some_and(|n| ident_name(n) != derived)
                    || u.name.as_ref().is_some_and(|n| ident_name(n) != derived)
                {
                    return Err(format!("the named unique constraint of `{table}.{name}`"));
                }
                column.unique = true;
            }
            ColumnOption::ForeignKey(fk) => reference(fk, table, &mut column, schema, own_key)?,
            // `GENERATED .. AS IDENTITY`: what `.autoincrement()` renders
            // on PostgreSQL.
            ColumnOption::Generated {
                generation_expr: None,
                sequence_options,
                generated_as: GeneratedAs::ByDefault | GeneratedAs::Always,
                ..
            } if sequence_options.as_ref().is_none_or(Vec::is_empty) => {
                column.autoincrement = true;
                column.nullable = false;
            }
            ColumnOption::Generated {
                generation_expr: Some(e),
                generation_expr_mode,
                ..
            } => {
                column.generated = Some(e.to_string().into());
                column.stored = *generation_expr_mode == Some(GeneratedExpressionMode::Stored);
            }
            // MySQL's `AUTO_INCREMENT`, SQLite's `AUTOINCREMENT`.
            ColumnOption::DialectSpecific(tokens)
                if matches!(&tokens[..], [t] if {
                    let word = t.to_string().to_ascii_uppercase();
                    word == "AUTO_INCREMENT" || word == "AUTOINCREMENT"
                }) =>
            {
                column.autoincrement = true;
                column.nullable = false;
            }
            // Named once the table's columns are all known.
            ColumnOption::Check(ch) => checks.push((
                option.span().start,
                option.name.as_ref().or(ch.name.as_ref()).map(ident_name),
                ch.expr.to_string(),
            )),
            // MySQL's `ON UPDATE CURRENT_TIMESTAMP`: how rows are written,
            // which the model does not keep (the import keeps the statement).
            ColumnOption::OnUpdate(_) => {}
            ColumnOption::Collation(_) => {
                return Err(format!("the collation of column `{table}.{name}`"))
            }
            other => return Err(format!("`{other}` on column `{table}.{name}`")),
        }
    }
    Ok(column)
}

/// A type as the database names it: an unquoted type name is folded to
/// lower case, as the server folds it (sqlparser writes some in capitals).
fn spelled_type(ty: &sqlparser::ast::DataType) -> String {
    let text = ty.to_string();
    if text.contains('"') || text.contains('`') {
        text
    } else {
        text.to_ascii_lowercase()
    }
}

/// An inline `REFERENCES t [(c)]`, with its actions and deferrability put
/// on `column` (the `Column` model holds them there): one column, the
/// default name.
fn reference(
    fk: &ForeignKeyConstraint,
    table: &str,
    column: &mut Column,
    schema: &Schema,
    own_key: &[Str],
) -> Result<(), String> {
    let what = format!("the foreign key of `{table}.{}`", column.name);
    let target = last(&fk.foreign_table).ok_or_else(|| what.clone())?;
    let referred = keys::referenced_columns(fk, schema, table, own_key, &what)?;
    let [referred] = &referred[..] else {
        return Err(format!("{what}, over several columns"));
    };
    column.on_delete = action(&fk.on_delete)?;
    column.on_update = action(&fk.on_update)?;
    column.deferrable = keys::deferrable(fk.characteristics.as_ref(), &what)?;
    column.references = Some(Reference {
        table: target.into(),
        column: referred.clone(),
    });
    Ok(())
}

fn create_table(c: &sqlparser::ast::CreateTable, syntax: Syntax, schema: &Schema) -> Translated {
    let name = last(&c.name).ok_or("a table name of another form")?;
    if c.if_not_exists && schema.tables.contains_key(&name) {
        return Ok(Vec::new());
    }
    if c.query.is_some() || c.like.is_some() || c.temporary {
        return Err(format!("CREATE TABLE `{name}` .. AS / LIKE / TEMPORARY"));
    }
    let own_key = declared_key(c);
    let mut checks = Vec::new();
    let mut columns = c
        .columns
        .iter()
        .map(|d| column(d, &name, syntax, schema, &own_key, &mut checks))
        .collect::<Result<Vec<_>, _>>()?;
    let mut primary_key = None;
    let mut uniques = Vec::new();
    let mut after = Vec::new();
    for constraint in &c.constraints {
        match constraint {
            TableConstraint::PrimaryKey(pk) => {
                let what = format!("the primary key of `{name}`");
                let cols = keys::plain(&keys::index_keys(&pk.columns, &what)?)
                    .ok_or_else(|| format!("{what}, over expressions"))?;
                if pk.index_type.is_some() || !pk.include.is_empty() {
                    return Err(format!("{what}, with USING or INCLUDE"));
                }
                let named = pk.name.as_ref().map(ident_name);
                let in_order = columns
                    .iter()
                    .filter(|c| cols.contains(&c.name))
                    .map(|c| &c.name)
                    .eq(cols.iter());
                if named
                    .as_ref()
                    .is_some_and(|n| *n != primary_key_name(&name))
                    || !in_order
                {
                    // A name or an order the columns' own `.primary_key()`
                    // cannot say.
                    primary_key = Some(PrimaryKey {
                        name: named.map(Into::into),
                        columns: Cow::Owned(cols),
                    });
                    continue;
                }
                for key in &cols {
                    let column = columns
                        .iter_mut()
                        .find(|c| c.name == *key)
                        .ok_or_else(|| format!("a primary key over a column `{name}` lacks"))?;
                    column.primary_key = true;
                    column.nullable = false;
                }
            }
            TableConstraint::Unique(u) => {
                let what = format!("a unique constraint of `{name}`");
                let cols = keys::plain(&keys::index_keys(&u.columns, &what)?)
                    .ok_or_else(|| format!("{what}, over expressions"))?;
                if u.index_type.is_some() || !u.include.is_empty() {
                    return Err(format!("{what}, with USING or INCLUDE"));
                }
                let owned: Vec<String> = cols.iter().map(|c| c.to_string()).collect();
                let named = u
                    .name
                    .as_ref()
                    .map(ident_name)
                    .filter(|n| *n != unique_name(&name, &owned));
                uniques.push(UniqueConstraint {
                    name: named.map(Into::into),
                    columns: Cow::Owned(cols),
                });
            }
            TableConstraint::Check(ch) => checks.push((
                constraint.span().start,
                ch.name.as_ref().map(ident_name),
                ch.expr.to_string(),
            )),
            TableConstraint::ForeignKey(fk) => {
                after.push(keys::foreign_key(fk, &name, false, schema, &own_key)?)
            }
            other => return Err(format!("`{other}` in CREATE TABLE `{name}`")),
        }
    }
    let column_names = columns.iter().map(|c| c.name.to_string()).collect();
    let checks = named_checks(
        checks,
        &mut CheckNamer::new(syntax, schema, &name, column_names, &[]),
    );
    if primary_key.is_some() {
        for c in columns.iter_mut().filter(|c| own_key.contains(&c.name)) {
            c.nullable = false;
        }
    }
    let mut ops = vec![Op::CreateTable {
        primary_key,
        name: name.into(),
        columns: Cow::Owned(columns),
        uniques: Cow::Owned(uniques),
        checks: Cow::Owned(checks),
        if_not_exists: c.if_not_exists,
    }];
    ops.extend(after);
    Ok(ops)
}

/// The primary key a `CREATE TABLE` declares, inline or as a table
/// constraint, for a foreign key of the table to itself.
fn declared_key(c: &sqlparser::ast::CreateTable) -> Vec<Str> {
    let inline = c.columns.iter().filter(|d| {
        d.options
            .iter()
            .any(|o| matches!(o.option, ColumnOption::PrimaryKey(_)))
    });
    let mut key: Vec<Str> = inline.map(|d| ident_name(&d.name).into()).collect();
    for constraint in &c.constraints {
        if let TableConstraint::PrimaryKey(pk) = constraint {
            if let Ok(keys) = keys::index_keys(&pk.columns, "") {
                key.extend(keys::plain(&keys).unwrap_or_default());
            }
        }
    }
    key
}

fn alter_table(
    table: &str,
    operations: &[AlterTableOperation],
    syntax: Syntax,
    schema: &Schema,
) -> Translated {
    let t = table.to_string();
    let mut ops = Vec::new();
    // PostgreSQL drops a statement's constraints before it adds any.
    let dropped: Vec<String> = operations
        .iter()
        .filter_map(|o| match o {
            AlterTableOperation::DropConstraint { name, .. } => Some(ident_name(name)),
            _ => None,
        })
        .collect();
    let mut namer = CheckNamer::new(
        syntax,
        schema,
        table,
        table_columns(schema, table),
        &dropped,
    );
    for operation in operations {
        let op = match operation {
            AlterTableOperation::AddColumn {
                if_not_exists,
                column_def,
                column_position: None,
                ..
            } => {
                let own_key = keys::existing_key(schema, table);
                let mut checks = Vec::new();
                let column = column(column_def, table, syntax, schema, &own_key, &mut checks)?;
                let exists = schema
                    .tables
                    .get(table)
                    .is_some_and(|tb| tb.column(&column.name).is_some());
                if *if_not_exists && exists {
                    continue;
                }
                namer.add_column(&column.name);
                let checks = named_checks(checks, &mut namer);
                ops.push(Op::AddColumn {
                    table: t.clone().into(),
                    column,
                });
                // An inline check, added with the column, checks every row.
                ops.extend(checks.into_iter().map(|c| Op::CreateCheckConstraint {
                    name: c.name,
                    table: t.clone().into(),
                    expr: c.expr,
                    not_valid: false,
                }));
                continue;
            }
            AlterTableOperation::DropColumn {
                column_names,
                if_exists,
                ..
            } => {
                for c in column_names {
                    let c = ident_name(c);
                    let exists = schema
                        .tables
                        .get(table)
                        .is_some_and(|tb| tb.column(&c).is_some());
                    if exists || !*if_exists {
                        ops.push(Op::DropColumn {
                            table: t.clone().into(),
                            column: c.into(),
                        });
                    }
                }
                continue;
            }
            AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => Op::RenameColumn {
                table: t.clone().into(),
                from: ident_name(old_column_name).into(),
                to: ident_name(new_column_name).into(),
            },
            AlterTableOperation::RenameTable {
                table_name: RenameTableNameKind::To(to) | RenameTableNameKind::As(to),
            } => Op::RenameTable {
                from: t.clone().into(),
                to: last(to).ok_or("a table name of another form")?.into(),
            },
            AlterTableOperation::AlterColumn { column_name, op } => {
                let change = match op {
                    AlterColumnOperation::SetNotNull => ColumnChange::Nullable(false),
                    AlterColumnOperation::DropNotNull => ColumnChange::Nullable(true),
                    AlterColumnOperation::SetDefault { value } if expr::is_null(value) => {
                        ColumnChange::DropDefault
                    }
                    AlterColumnOperation::SetDefault { value } => {
                        ColumnChange::SetDefault(expr::default(value))
                    }
                    AlterColumnOperation::DropDefault => ColumnChange::DropDefault,
                    AlterColumnOperation::SetDataType {
                        data_type, using, ..
                    } => {
                        let ty = types::column_type(&spelled_type(data_type), syntax);
                        let ty = user_types::known_enums(ty, schema);
                        if let Some(using) = using {
                            ops.push(Op::AlterColumn {
                                table: t.clone().into(),
                                column: ident_name(column_name).into(),
                                changes: Cow::Owned(vec![
                                    ColumnChange::SetType(ty),
                                    ColumnChange::Using(using.to_string().into()),
                                ]),
                            });
                            continue;
                        }
                        ColumnChange::SetType(ty)
                    }
                    other => {
                        return Err(format!(
                            "ALTER COLUMN `{table}.{}` {other}",
                            ident_name(column_name)
                        ))
                    }
                };
                Op::AlterColumn {
                    table: t.clone().into(),
                    column: ident_name(column_name).into(),
                    changes: Cow::Owned(vec![change]),
                }
            }
            AlterTableOperation::AddConstraint {
                constraint,
                not_valid,
            } => match constraint {
                TableConstraint::ForeignKey(fk) => keys::foreign_key(
                    fk,
                    table,
                    *not_valid,
                    schema,
                    &keys::existing_key(schema, table),
                )?,
                TableConstraint::Check(ch) => {
                    let pending = vec![(
                        Location::new(0, 0),
                        ch.name.as_ref().map(ident_name),
                        ch.expr.to_string(),
                    )];
                    let check = named_checks(pending, &mut namer).remove(0);
                    Op::CreateCheckConstraint {
                        name: check.name,
                        table: t.clone().into(),
                        expr: check.expr,
                        not_valid: *not_valid,
                    }
                }
                TableConstraint::Unique(_)
                | TableConstraint::PrimaryKey(_)
                | TableConstraint::UniqueUsingIndex(_)
                | TableConstraint::PrimaryKeyUsingIndex(_) => {
                    keys::key_constraint(constraint, table, schema)?
                }
                other => return Err(format!("ADD `{other}` on `{table}`")),
            },
            AlterTableOperation::ValidateConstraint { name } => Op::ValidateConstraint {
                name: ident_name(name).into(),
                table: t.clone().into(),
            },
            AlterTableOperation::DropConstraint {
                if_exists, name, ..
            } => {
                let name = ident_name(name);
                let exists = schema
                    .tables
                    .get(table)
                    .is_some_and(|tb| tb.constraints.contains_key(&name));
                if *if_exists && !exists {
                    continue;
                }
                Op::DropConstraint {
                    name: name.into(),
                    table: t.clone().into(),
                }
            }
            // MySQL's ALGORITHM and LOCK say how the server makes the
            // change, not what it changes (godwit renders them itself).
            AlterTableOperation::Algorithm { .. } | AlterTableOperation::Lock { .. } => continue,
            other => return Err(format!("ALTER TABLE `{table}` {other}")),
        };
        ops.push(op);
    }
    Ok(ops)
}

/// The names of the columns of `table` in the model (for naming a check).
fn table_columns(schema: &Schema, table: &str) -> Vec<String> {
    schema
        .tables
        .get(table)
        .map(|t| t.columns.iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default()
}

fn drop(
    object_type: ObjectType,
    if_exists: bool,
    names: &[ObjectName],
    schema: &Schema,
) -> Translated {
    let mut ops = Vec::new();
    for name in names {
        let name = last(name).ok_or("a name of another form")?;
        match object_type {
            ObjectType::Index => match index_table(schema, &name) {
                Some(table) => ops.push(Op::DropIndex {
                    name: name.into(),
                    table: table.into(),
                    concurrently: false,
                    if_exists,
                }),
                None if if_exists => {}
                None => {
                    return Err(format!(
                        "DROP INDEX `{name}`, which the model does not know"
                    ))
                }
            },
            ObjectType::Type => ops.extend(user_types::drop_type(&name, schema)),
            other => return Err(format!("DROP {other}")),
        }
    }
    Ok(ops)
}

/// The foreign keys of other tables that reference `table`, as drops.
pub(super) fn referencing_keys(table: &str, schema: &Schema) -> Vec<Op> {
    let mut out = Vec::new();
    for (name, t) in &schema.tables {
        if name == table {
            continue;
        }
        for (constraint, c) in &t.constraints {
            if matches!(&c.kind, crate::schema::ConstraintKind::ForeignKey { ref_table, .. } if ref_table == table)
            {
                out.push(Op::DropConstraint {
                    name: constraint.clone().into(),
                    table: name.clone().into(),
                });
            }
        }
    }
    out
}

/// The table an index of this name is on.
pub(super) fn index_table(schema: &Schema, index: &str) -> Option<String> {
    schema.relation_name_taken(index).and_then(|relation| {
        schema
            .indexes_of(relation)
            .is_some_and(|i| i.contains_key(index))
            .then(|| relation.to_string())
    })
}
