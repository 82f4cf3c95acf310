//! The structure that keeps personal data closed, checked on the source: the domain knows no
//! GraphQL, and no module outside `src/auth` compares roles (every role decision is the policy's).

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Lines of `file` (outside comments) for which `bad` holds.
fn offending(files: &[PathBuf], bad: impl Fn(&str) -> bool) -> Vec<String> {
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).expect("a source file");
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            if bad(code) {
                found.push(format!("{}:{}: {}", file.display(), n + 1, code));
            }
        }
    }
    found
}

#[test]
fn the_domain_knows_no_graphql() {
    let mut files = Vec::new();
    rust_files(&src().join("domain"), &mut files);
    assert!(files.len() > 10);
    let found = offending(&files, |l| {
        l.contains("async_graphql") || l.contains("graphql::")
    });
    assert!(found.is_empty(), "{found:#?}");
}

/// `Role::X` compared (`==`, `!=`, a match arm, `matches!`) outside `src/auth`.
fn compares_a_role(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    let is_role = |w: &str| {
        let w = w.trim_start_matches('(').trim_start_matches('&');
        w.starts_with("Role::")
            || w.starts_with("crate::auth::Role::")
            || w.starts_with("auth::Role::")
    };
    for (i, w) in words.iter().enumerate() {
        if !is_role(w) {
            continue;
        }
        let before = i.checked_sub(1).map(|j| words[j]);
        let after = words.get(i + 1).copied();
        if matches!(before, Some("==" | "!=" | "|"))
            || matches!(after, Some("=>" | "|" | "==" | "!="))
        {
            return true;
        }
    }
    line.contains("viewer.role ==")
        || line.contains("viewer.role !=")
        || (line.contains("matches!(") && line.contains("viewer.role"))
        || (line.starts_with("match ") && line.contains("viewer.role"))
}

#[test]
fn roles_are_compared_in_the_policy_only() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let outside: Vec<PathBuf> = files
        .into_iter()
        .filter(|f| !f.starts_with(src().join("auth")))
        .collect();
    let found = offending(&outside, compares_a_role);
    assert!(
        found.is_empty(),
        "role decisions belong in src/auth/policy/: {found:#?}"
    );
    // The check itself sees what it looks for.
    assert!(compares_a_role("if viewer.role == Role::Regulator {"));
    assert!(compares_a_role(
        "Role::College | Role::TrainingInstitution => {"
    ));
    assert!(compares_a_role("match viewer.role {"));
    assert!(!compares_a_role("MembershipRole::Lead => \"LEAD\","));
    assert!(!compares_a_role(".filter(|m| m.membership.role == r)"));
    assert!(!compares_a_role(
        "OrganizationKind::College => Role::College,"
    ));
}

#[test]
fn error_codes_come_from_the_one_list() {
    // `extensions.code` is set from `ErrorCode` only: no string literal after "code".
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let stray = offending(&files, |line| {
        let squeezed: String = line.split_whitespace().collect();
        squeezed.contains(".set(\"code\",\"") || squeezed.contains("{\"code\":\"")
    });
    assert!(
        stray.is_empty(),
        "codes outside ErrorCode:\n{}",
        stray.join("\n")
    );
}

/// The public modules `file` declares (`pub mod x;`).
fn public_modules(file: &Path) -> Vec<String> {
    std::fs::read_to_string(file)
        .expect("a source file")
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod "))
        .filter_map(|l| l.strip_suffix(';'))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_crate_docs_layout_names_every_module() {
    let lib = std::fs::read_to_string(src().join("lib.rs")).expect("lib.rs");
    let layout = lib.split("# Layout").nth(1).expect("a layout section");
    let mut missing = Vec::new();
    for (parent, file) in [
        ("", "lib.rs"),
        ("domain::", "domain/mod.rs"),
        ("graphql::", "graphql/mod.rs"),
        ("auth::", "auth/mod.rs"),
    ] {
        let modules = public_modules(&src().join(file));
        assert!(!modules.is_empty(), "{file} declares modules");
        for module in modules {
            let link = format!("[`{parent}{module}`]");
            if !layout.contains(&link) {
                missing.push(link);
            }
        }
    }
    assert!(missing.is_empty(), "the layout leaves out {missing:?}");
}

/// A file a reader can hold: none under `src/` is longer than 800 lines (a longer one is split
/// by the steps or areas it holds).
#[test]
fn no_source_file_is_over_800_lines() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    assert!(files.len() > 50, "the walk found the sources");
    let long: Vec<(String, usize)> = files
        .iter()
        .map(|f| {
            let lines = std::fs::read_to_string(f)
                .expect("a source file")
                .lines()
                .count();
            (f.display().to_string(), lines)
        })
        .filter(|(_, lines)| *lines > 800)
        .collect();
    assert!(long.is_empty(), "files over 800 lines: {long:?}");
}
