// @generated automatically by Diesel CLI.

diesel::table! {
    godwit_version (revision) {
        #[max_length = 191]
        revision -> Varchar,
        position -> Integer,
        message -> Text,
        #[max_length = 64]
        checksum -> Varchar,
        #[max_length = 20]
        state -> Varchar,
        op_index -> Nullable<Integer>,
        error -> Nullable<Text>,
        applied_at -> Datetime,
        execution_ms -> Bigint,
        resume_key -> Nullable<Text>,
    }
}

diesel::table! {
    user_preferences (id) {
        id -> Bigint,
        user_id -> Bigint,
        notifications_enabled -> Bool,
        created_at -> Nullable<Datetime>,
        updated_at -> Nullable<Datetime>,
        theme_name -> Nullable<Text>,
    }
}

diesel::table! {
    users (id) {
        id -> Bigint,
        #[max_length = 255]
        email -> Varchar,
        created_at -> Datetime,
        bio -> Nullable<Text>,
        #[max_length = 20]
        status -> Varchar,
        #[max_length = 50]
        display_name -> Nullable<Varchar>,
    }
}

diesel::joinable!(user_preferences -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(godwit_version, user_preferences, users,);
