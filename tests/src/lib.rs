//! Shared test migrations.
