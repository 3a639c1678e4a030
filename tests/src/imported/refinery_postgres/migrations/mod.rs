pub mod m10_add_author_bio;
pub mod m1_create_authors;
pub mod m2_create_articles;
pub mod m3_seed_authors;
pub mod m4_add_article_slug;
pub mod m5_create_tags;
pub mod m6_published_articles_view;
pub mod m7_index_published_articles;
