//! The operation model as constant expressions, for the `MIGRATION` static.
//! Every path is absolute (`::godwit::__private::..`) so the user's imports
//! never matter.

use godwit_core::{Action, Column, ColumnChange, ColumnType, DefaultValue, Migration, Op, Str};
use proc_macro2::TokenStream;
use quote::quote;

fn s(value: &str) -> TokenStream {
    quote!(::godwit::__private::Cow::Borrowed(#value))
}

fn opt_s(value: &Option<Str>) -> TokenStream {
    match value {
        Some(v) => {
            let v = s(v);
            quote!(::godwit::__private::Some(#v))
        }
        None => quote!(::godwit::__private::None),
    }
}

fn names(values: &[Str]) -> TokenStream {
    let items = values.iter().map(|v| s(v));
    quote!(::godwit::__private::Cow::Borrowed(&[#(#items),*]))
}

fn list(items: impl Iterator<Item = TokenStream>) -> TokenStream {
    quote!(::godwit::__private::Cow::Borrowed(&[#(#items),*]))
}

fn ty(t: &ColumnType) -> TokenStream {
    let m = quote!(::godwit::__private::model::ColumnType);
    match t {
        ColumnType::Varchar(n) => quote!(#m::Varchar(#n)),
        ColumnType::Char(n) => quote!(#m::Char(#n)),
        ColumnType::Numeric(p, sc) => quote!(#m::Numeric(#p, #sc)),
        other => {
            let ident = syn::Ident::new(&format!("{other:?}"), proc_macro2::Span::call_site());
            quote!(#m::#ident)
        }
    }
}

fn default(d: &DefaultValue) -> TokenStream {
    let m = quote!(::godwit::__private::model::DefaultValue);
    match d {
        DefaultValue::Str(v) => {
            let v = s(v);
            quote!(#m::Str(#v))
        }
        DefaultValue::Int(i) => quote!(#m::Int(#i)),
        DefaultValue::Float(v) => {
            let v = s(v);
            quote!(#m::Float(#v))
        }
        DefaultValue::Bool(b) => quote!(#m::Bool(#b)),
        DefaultValue::Now => quote!(#m::Now),
        DefaultValue::Sql(v) => {
            let v = s(v);
            quote!(#m::Sql(#v))
        }
    }
}

fn opt_default(d: &Option<DefaultValue>) -> TokenStream {
    match d {
        Some(d) => {
            let d = default(d);
            quote!(::godwit::__private::Some(#d))
        }
        None => quote!(::godwit::__private::None),
    }
}

fn action(a: &Action) -> TokenStream {
    let ident = syn::Ident::new(&format!("{a:?}"), proc_macro2::Span::call_site());
    quote!(::godwit::__private::model::Action::#ident)
}

fn column(c: &Column) -> TokenStream {
    let (name, t) = (s(&c.name), ty(&c.ty));
    let (nullable, pk, unique, auto) = (c.nullable, c.primary_key, c.unique, c.autoincrement);
    let d = opt_default(&c.default);
    let r = match &c.references {
        Some(r) => {
            let (table, col) = (s(&r.table), s(&r.column));
            quote!(::godwit::__private::Some(::godwit::__private::model::Reference { table: #table, column: #col }))
        }
        None => quote!(::godwit::__private::None),
    };
    quote!(::godwit::__private::model::Column {
        name: #name, ty: #t, nullable: #nullable, primary_key: #pk, unique: #unique,
        autoincrement: #auto, default: #d, references: #r,
    })
}

/// The constant expression of one op.
pub fn op(op: &Op) -> TokenStream {
    let m = quote!(::godwit::__private::model::Op);
    match op {
        Op::CreateTable {
            name,
            columns,
            uniques,
            checks,
        } => {
            let name = s(name);
            let columns = list(columns.iter().map(column));
            let uniques = list(uniques.iter().map(|u| {
                let cols = names(&u.columns);
                quote!(::godwit::__private::model::UniqueConstraint { columns: #cols })
            }));
            let checks = list(checks.iter().map(|c| {
                let (n, e) = (s(&c.name), s(&c.expr));
                quote!(::godwit::__private::model::CheckConstraint { name: #n, expr: #e })
            }));
            quote!(#m::CreateTable { name: #name, columns: #columns, uniques: #uniques, checks: #checks })
        }
        Op::DropTable { name } => {
            let name = s(name);
            quote!(#m::DropTable { name: #name })
        }
        Op::DeprecateTable { name } => {
            let name = s(name);
            quote!(#m::DeprecateTable { name: #name })
        }
        Op::RenameTable { from, to } => {
            let (from, to) = (s(from), s(to));
            quote!(#m::RenameTable { from: #from, to: #to })
        }
        Op::AddColumn { table, column: c } => {
            let (table, c) = (s(table), column(c));
            quote!(#m::AddColumn { table: #table, column: #c })
        }
        Op::DropColumn { table, column } => {
            let (table, column) = (s(table), s(column));
            quote!(#m::DropColumn { table: #table, column: #column })
        }
        Op::RenameColumn { table, from, to } => {
            let (table, from, to) = (s(table), s(from), s(to));
            quote!(#m::RenameColumn { table: #table, from: #from, to: #to })
        }
        Op::AlterColumn {
            table,
            column,
            changes,
        } => {
            let (table, column) = (s(table), s(column));
            let c = quote!(::godwit::__private::model::ColumnChange);
            let changes = list(changes.iter().map(|ch| match ch {
                ColumnChange::Nullable(b) => quote!(#c::Nullable(#b)),
                ColumnChange::SetDefault(d) => {
                    let d = default(d);
                    quote!(#c::SetDefault(#d))
                }
                ColumnChange::DropDefault => quote!(#c::DropDefault),
                ColumnChange::SetType(t) => {
                    let t = ty(t);
                    quote!(#c::SetType(#t))
                }
            }));
            quote!(#m::AlterColumn { table: #table, column: #column, changes: #changes })
        }
        Op::DeprecateColumn { table, column } => {
            let (table, column) = (s(table), s(column));
            quote!(#m::DeprecateColumn { table: #table, column: #column })
        }
        Op::CreateIndex {
            name,
            table,
            columns,
            unique,
            concurrently,
            predicate,
        } => {
            let (name, table, columns, predicate) =
                (s(name), s(table), names(columns), opt_s(predicate));
            quote!(#m::CreateIndex { name: #name, table: #table, columns: #columns, unique: #unique,
                concurrently: #concurrently, predicate: #predicate })
        }
        Op::DropIndex {
            name,
            table,
            concurrently,
        } => {
            let (name, table) = (s(name), s(table));
            quote!(#m::DropIndex { name: #name, table: #table, concurrently: #concurrently })
        }
        Op::CreateForeignKey {
            name,
            table,
            columns,
            ref_table,
            ref_columns,
            on_delete,
            not_valid,
        } => {
            let (name, table, columns) = (s(name), s(table), names(columns));
            let (ref_table, ref_columns, on_delete) =
                (s(ref_table), names(ref_columns), action(on_delete));
            quote!(#m::CreateForeignKey { name: #name, table: #table, columns: #columns,
                ref_table: #ref_table, ref_columns: #ref_columns, on_delete: #on_delete, not_valid: #not_valid })
        }
        Op::CreateCheckConstraint {
            name,
            table,
            expr,
            not_valid,
        } => {
            let (name, table, expr) = (s(name), s(table), s(expr));
            quote!(#m::CreateCheckConstraint { name: #name, table: #table, expr: #expr, not_valid: #not_valid })
        }
        Op::ValidateConstraint { table, name } => {
            let (table, name) = (s(table), s(name));
            quote!(#m::ValidateConstraint { table: #table, name: #name })
        }
        Op::DropConstraint { table, name } => {
            let (table, name) = (s(table), s(name));
            quote!(#m::DropConstraint { table: #table, name: #name })
        }
        Op::Execute { sql } => {
            let sql = s(sql);
            quote!(#m::Execute { sql: #sql })
        }
        Op::Backfill {
            table,
            set,
            predicate,
            batch_size,
        } => {
            let (table, set, predicate) = (s(table), s(set), opt_s(predicate));
            quote!(#m::Backfill { table: #table, set: #set, predicate: #predicate, batch_size: #batch_size })
        }
        Op::SafetyAssured { reason, ops } => {
            let reason = s(reason);
            let ops = list(ops.iter().map(self::op));
            quote!(#m::SafetyAssured { reason: #reason, ops: #ops })
        }
    }
}

/// The constant expression of a migration descriptor.
pub fn migration(m: &Migration) -> TokenStream {
    let (revision, down, message) = (s(&m.revision), opt_s(&m.down_revision), s(&m.message));
    let irreversible = opt_s(&m.irreversible);
    let allow = names(&m.allow);
    let upgrade = list(m.upgrade.iter().map(op));
    let downgrade = list(m.downgrade.iter().map(op));
    let checksum = s(&m.checksum);
    quote!(::godwit::__private::Migration {
        revision: #revision,
        down_revision: #down,
        message: #message,
        irreversible: #irreversible,
        allow: #allow,
        upgrade: #upgrade,
        downgrade: #downgrade,
        checksum: #checksum,
    })
}
