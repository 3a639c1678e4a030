// @generated automatically by Diesel CLI.

diesel::table! {
    godwit_version (revision) {
        #[max_length = 255]
        revision -> Varchar,
        position -> Int4,
        message -> Text,
        #[max_length = 64]
        checksum -> Varchar,
        #[max_length = 20]
        state -> Varchar,
        op_index -> Nullable<Int4>,
        error -> Nullable<Text>,
        applied_at -> Timestamptz,
        execution_ms -> Int8,
        resume_key -> Nullable<Text>,
    }
}

diesel::table! {
    user_preferences (id) {
        id -> Int8,
        user_id -> Int8,
        notifications_enabled -> Bool,
        created_at -> Nullable<Timestamp>,
        updated_at -> Nullable<Timestamp>,
        theme_name -> Nullable<Text>,
    }
}

diesel::table! {
    users (id) {
        id -> Int8,
        #[max_length = 255]
        email -> Varchar,
        created_at -> Timestamp,
        bio -> Nullable<Text>,
        #[max_length = 20]
        status -> Varchar,
        #[max_length = 50]
        display_name -> Nullable<Varchar>,
    }
}

diesel::joinable!(user_preferences -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(godwit_version, user_preferences, users,);
