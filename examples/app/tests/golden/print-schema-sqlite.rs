// @generated automatically by Diesel CLI.

diesel::table! {
    godwit_version (revision) {
        revision -> Text,
        position -> Integer,
        message -> Text,
        checksum -> Text,
        state -> Text,
        op_index -> Nullable<Integer>,
        error -> Nullable<Text>,
        applied_at -> Timestamp,
        execution_ms -> BigInt,
        resume_key -> Nullable<Text>,
    }
}

diesel::table! {
    user_preferences (id) {
        id -> BigInt,
        user_id -> BigInt,
        notifications_enabled -> Bool,
        created_at -> Nullable<Timestamp>,
        updated_at -> Nullable<Timestamp>,
        theme_name -> Nullable<Text>,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        created_at -> Timestamp,
        bio -> Nullable<Text>,
        status -> Text,
        display_name -> Nullable<Text>,
    }
}

diesel::joinable!(user_preferences -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(godwit_version, user_preferences, users,);
