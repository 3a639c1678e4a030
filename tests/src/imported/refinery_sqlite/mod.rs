//! `import refinery fixtures/import/refinery --dialect sqlite` (tests/fixtures/import/refinery),
//! as the import wrote it.

// The modules the import wrote, one per original migration.
mod migrations;

/// The imported history, in the order refinery applied it.
pub static SET: godwit::MigrationSet = godwit::migrations![
    backends = [sqlite];
    migrations::m1_create_authors::create_authors,
    migrations::m2_create_articles::create_articles,
    migrations::m3_seed_authors::seed_authors,
    migrations::m4_add_article_slug::add_article_slug,
    migrations::m5_create_tags::create_tags,
    migrations::m6_published_articles_view::published_articles_view,
    migrations::m7_index_published_articles::index_published_articles,
    migrations::m10_add_author_bio::add_author_bio,
];
