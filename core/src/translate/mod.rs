//! Raw SQL read into the model: what a statement does, as the ops that do
//! the same. The replay applies them, so that later ops see what raw SQL
//! created; the rules judge raw DDL by what it does.

mod types;

pub use types::column_type;
