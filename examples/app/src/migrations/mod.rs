//! The migrations, one file each, named by revision.

pub mod m20250119_090000_create_users;
pub mod m20250120_103000_add_user_preferences;
pub mod m20250121_140000_add_user_bio_and_status;
pub mod m20250122_090000_unique_user_email;
pub mod m20250123_100000_add_display_name;
pub mod m20250123_100500_backfill_display_name;
pub mod m20250130_090000_deprecate_username;
pub mod m20250206_090000_drop_username;
pub mod m20250210_090000_add_theme_name;
pub mod m20250210_090500_backfill_theme_name;
pub mod m20250217_090000_deprecate_theme;
pub mod m20250224_090000_drop_theme;
