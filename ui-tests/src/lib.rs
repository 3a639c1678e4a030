//! The trybuild cases live in `pass/` and `fail/`; `tests/ui.rs` runs them.
