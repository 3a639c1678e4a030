pub mod m0003_add_bio;
