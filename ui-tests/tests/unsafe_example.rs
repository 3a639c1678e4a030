//! examples/unsafe, the seed's unsafe patterns, does not build, and says why:
//! one error per pattern, each naming its rule.

mod support;
use support::{cargo_build, workspace_root};

#[test]
fn the_unsafe_example_fails_with_each_rule() {
    let dir = workspace_root().join("examples").join("unsafe");
    let (ok, stderr) = cargo_build(&dir, "examples/unsafe");
    assert!(!ok, "examples/unsafe must not build");
    let rules: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("error: ["))
        .filter_map(|l| l.split(']').next())
        .collect();
    assert_eq!(
        rules,
        [
            "add-required-column",
            "drop-column-not-deprecated",
            "rename-column",
            "backfill-with-schema-change",
            "set-not-null",
            "change-column-type",
            "non-concurrent-index",
        ],
        "{stderr}"
    );
    assert_eq!(stderr.matches("= help: ").count(), rules.len(), "{stderr}");
}
