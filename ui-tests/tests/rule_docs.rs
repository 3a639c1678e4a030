//! The rule list is tied to its documentation: every rule of `Rule::ALL` has
//! its page (docs/rules/<id>.md), its row in the index (docs/rules/README.md,
//! in `Rule::ALL` order, with its kind), a failing ui-test whose expected
//! output reports it, and a passing one; the index lists no other rule, and
//! the top-level README links to the index instead of copying it.

use std::path::{Path, PathBuf};

use godwit::{Rule, RuleKind};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("ui-tests lives in the workspace")
        .to_path_buf()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// The kind as the index spells it.
fn kind(rule: Rule) -> &'static str {
    match rule.kind() {
        RuleKind::Structure => "structural",
        RuleKind::Compatibility => "compatibility",
        RuleKind::Performance => "performance",
    }
}

/// The rows of the index's table: (id, linked page, kind).
fn index_rows(index: &str) -> Vec<(String, String, String)> {
    index
        .lines()
        .filter(|l| l.starts_with("| ["))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let (id, page) = cells[1]
                .trim_start_matches('[')
                .trim_end_matches(')')
                .split_once("](")
                .unwrap_or_else(|| panic!("a row that does not start with a link: {l}"));
            (id.to_string(), page.to_string(), cells[2].to_string())
        })
        .collect()
}

#[test]
fn every_rule_has_its_page_its_index_row_and_its_ui_tests() {
    let root = root();
    let mut missing = Vec::new();
    for rule in Rule::ALL {
        let id = rule.id();
        let page = root.join("docs/rules").join(format!("{id}.md"));
        if !page.is_file() {
            missing.push(format!("docs/rules/{id}.md"));
        } else if read(&page).lines().next() != Some(&format!("# {id}")) {
            missing.push(format!("the title `# {id}` of docs/rules/{id}.md"));
        }
        // What trybuild runs is `fail/*.rs`; a `fail/<id>/` directory only
        // holds the modules of a case that needs several files.
        let fail = root.join("ui-tests/fail").join(format!("{id}.rs"));
        let stderr = fail.with_extension("stderr");
        if !fail.is_file() {
            missing.push(format!("ui-tests/fail/{id}.rs"));
        } else if !stderr.is_file() || !read(&stderr).contains(&format!("[{id}]")) {
            missing.push(format!("`[{id}]` in ui-tests/fail/{id}.stderr"));
        }
        if !root
            .join("ui-tests/pass")
            .join(format!("{id}.rs"))
            .is_file()
        {
            missing.push(format!("ui-tests/pass/{id}.rs"));
        }
    }
    assert!(missing.is_empty(), "missing: {}", missing.join(", "));
}

#[test]
fn the_index_lists_every_rule_once_in_order_with_its_kind() {
    let index = read(&root().join("docs/rules/README.md"));
    let rows = index_rows(&index);
    let listed: Vec<&str> = rows.iter().map(|(id, _, _)| id.as_str()).collect();
    let rules: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
    assert_eq!(listed, rules, "docs/rules/README.md against Rule::ALL");
    for ((id, page, listed_kind), rule) in rows.iter().zip(Rule::ALL) {
        assert_eq!(*page, format!("{id}.md"), "the link of {id}");
        assert_eq!(listed_kind, kind(*rule), "the kind of {id}");
    }
}

#[test]
fn the_readme_links_to_the_index_rather_than_copying_it() {
    let readme = read(&root().join("README.md"));
    assert!(
        readme.contains("(docs/rules/README.md)"),
        "README.md does not link to docs/rules/README.md"
    );
    let copied: Vec<&str> = readme
        .lines()
        .filter(|l| l.starts_with("| [") && l.contains("](docs/rules/"))
        .collect();
    assert!(
        copied.is_empty(),
        "README.md copies rows of docs/rules/README.md: {copied:?}"
    );
}

/// A message as a shape: what is quoted (names, values, statements) and
/// numbers left out, so that a page's example, about its own tables, can be
/// held against what a ui-test really prints.
fn shape(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.trim().chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' | '"' => {
                for d in chars.by_ref() {
                    if d == c {
                        break;
                    }
                }
                out.push('_');
            }
            c if c.is_ascii_digit() => {
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
                out.push('#');
            }
            c => out.push(c),
        }
    }
    out
}

/// The `error: [..] ..` and `= help: ..` lines of a text.
fn diagnostic_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| l.starts_with("error: [") || l.starts_with("= help: "))
        .map(shape)
        .collect()
}

/// The error a page shows ("What the error looks like") is one godwit
/// really prints: its message and help have the shape of a line of some
/// failing ui-test's expected output.
#[test]
fn every_page_shows_an_error_godwit_prints() {
    let root = root();
    let mut printed = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(root.join("ui-tests/fail")).expect("ui-tests/fail") {
        let path = entry.expect("an entry").path();
        if path.extension().is_some_and(|e| e == "stderr") {
            printed.extend(diagnostic_lines(&read(&path)));
        }
    }
    let mut wrong = Vec::new();
    for rule in Rule::ALL {
        let page = read(&root.join("docs/rules").join(format!("{}.md", rule.id())));
        for line in diagnostic_lines(&page) {
            if !printed.contains(&line) {
                wrong.push(format!("{}: {line}", rule.id()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "lines of docs/rules pages that no ui-test prints:\n{}",
        wrong.join("\n")
    );
}
