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

/// The module path of each file under `src/` (`a/mod.rs` and `a.rs` are `a`; `lib.rs` is the root).
fn module_files() -> std::collections::BTreeMap<Vec<String>, PathBuf> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    files
        .into_iter()
        .map(|f| {
            let rel = f.strip_prefix(src()).expect("under src").with_extension("");
            let mut path: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if path.last().is_some_and(|l| l == "mod") {
                path.pop();
            }
            if path == ["lib"] || path == ["main"] {
                path.clear();
            }
            (path, f)
        })
        .collect()
}

/// The paths a `use` tree names: `a::{b, c::{d, e}}` gives `a::b`, `a::c::d`, `a::c::e`.
fn use_paths(tree: &str) -> Vec<Vec<String>> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        let path = tree.split(" as ").next().unwrap_or_default();
        return vec![
            path.split("::")
                .map(str::trim)
                .filter(|s| !s.is_empty() && *s != "*")
                .map(String::from)
                .collect(),
        ];
    };
    let prefix: Vec<String> = tree[..open]
        .split("::")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let (mut parts, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .flat_map(|p| {
            use_paths(p).into_iter().map(|rest| {
                let rest: Vec<String> = rest.into_iter().filter(|s| s != "self").collect();
                prefix.iter().cloned().chain(rest).collect::<Vec<_>>()
            })
        })
        .collect()
}

/// `code` with the contents of its string literals emptied (`"a; use b"` becomes `""`), so a
/// `;` or a `use` inside a message is not read as code.
fn without_strings(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let (mut in_string, mut escaped) = (false, false);
    // A quote as a character literal opens no string.
    let code = code.replace("'\"'", "' '").replace("'\\\"'", "' '");
    for c in code.chars() {
        if in_string {
            match (escaped, c) {
                (false, '\\') => escaped = true,
                (false, '"') => {
                    in_string = false;
                    out.push(c);
                }
                _ => escaped = false,
            }
        } else {
            in_string = c == '"';
            out.push(c);
        }
    }
    out
}

/// Every `crate::`/`super::`/`self::` path of a file's code (comments, strings and inline tests
/// left out).
fn crate_paths(text: &str) -> Vec<Vec<String>> {
    let code: String = text
        .split("#[cfg(test)]\nmod tests")
        .next()
        .unwrap_or_default()
        .lines()
        .map(|l| l.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let code = without_strings(&code);
    let mut paths = Vec::new();
    for statement in code.split(';') {
        let s = statement.trim_start();
        let s = s.strip_prefix("pub ").unwrap_or(s);
        let s = s.strip_prefix("pub(crate) ").unwrap_or(s);
        if let Some(tree) = s.strip_prefix("use ") {
            paths.extend(use_paths(tree));
        }
    }
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    for head in ["crate::", "super::", "self::"] {
        let mut at = 0;
        while let Some(found) = code[at..].find(head) {
            let begin = at + found;
            at = begin + head.len();
            if code[..begin].chars().next_back().is_some_and(ident) {
                continue;
            }
            let rest = &code[begin..];
            let end = rest
                .find(|c: char| !(ident(c) || c == ':'))
                .unwrap_or(rest.len());
            paths.push(
                rest[..end]
                    .split("::")
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect(),
            );
        }
    }
    paths
}

/// The file-level import graph of `src/`: which files each file names.
fn import_graph() -> std::collections::BTreeMap<Vec<String>, std::collections::BTreeSet<Vec<String>>>
{
    let files = module_files();
    let resolve = |path: &[String]| {
        (0..=path.len())
            .rev()
            .map(|i| path[..i].to_vec())
            .find(|p| files.contains_key(p))
    };
    let mut graph = std::collections::BTreeMap::new();
    for (module, file) in &files {
        let text = std::fs::read_to_string(file).expect("a source file");
        let mut targets = std::collections::BTreeSet::new();
        for path in crate_paths(&text) {
            let mut base: Vec<String> = match path.first().map(String::as_str) {
                Some("crate") => vec![],
                Some("self") => module.clone(),
                Some("super") => module[..module.len().saturating_sub(1)].to_vec(),
                _ => continue,
            };
            let mut rest = &path[1..];
            while rest.first().is_some_and(|s| s == "super") {
                base.pop();
                rest = &rest[1..];
            }
            base.extend(rest.iter().cloned());
            if let Some(target) = resolve(&base)
                && &target != module
                && !target.starts_with(module)
            {
                targets.insert(target);
            }
        }
        graph.insert(module.clone(), targets);
    }
    graph
}

/// No two files of `src/` import each other, directly or around a circle (a module's own
/// submodules do not count): the layers point one way.
#[test]
fn no_import_cycle_between_files() {
    let graph = import_graph();
    assert!(graph.len() > 50, "the walk found the sources");
    assert!(
        graph[&vec!["graphql".to_string(), "nested".to_string()]]
            .contains(&vec!["graphql".to_string(), "loaders".to_string()]),
        "the graph sees a `use super::…` import"
    );
    // Tarjan's strongly connected components.
    struct Walk<'a> {
        edges: &'a [Vec<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        cycles: Vec<Vec<usize>>,
    }
    fn visit(w: &mut Walk<'_>, v: usize) {
        w.index[v] = Some(w.next);
        w.low[v] = w.next;
        w.next += 1;
        w.stack.push(v);
        w.on[v] = true;
        for &u in &w.edges[v] {
            match w.index[u] {
                None => {
                    visit(w, u);
                    w.low[v] = w.low[v].min(w.low[u]);
                }
                Some(i) if w.on[u] => w.low[v] = w.low[v].min(i),
                Some(_) => {}
            }
        }
        if Some(w.low[v]) == w.index[v] {
            let mut component = Vec::new();
            while let Some(u) = w.stack.pop() {
                w.on[u] = false;
                component.push(u);
                if u == v {
                    break;
                }
            }
            if component.len() > 1 {
                w.cycles.push(component);
            }
        }
    }
    let nodes: Vec<&Vec<String>> = graph.keys().collect();
    let edges: Vec<Vec<usize>> = nodes
        .iter()
        .map(|n| {
            graph[*n]
                .iter()
                .filter_map(|m| nodes.iter().position(|x| *x == m))
                .collect()
        })
        .collect();
    let mut walk = Walk {
        edges: &edges,
        index: vec![None; nodes.len()],
        low: vec![0; nodes.len()],
        on: vec![false; nodes.len()],
        stack: Vec::new(),
        next: 0,
        cycles: Vec::new(),
    };
    for v in 0..nodes.len() {
        if walk.index[v].is_none() {
            visit(&mut walk, v);
        }
    }
    let cycles: Vec<Vec<String>> = walk
        .cycles
        .iter()
        .map(|c| c.iter().map(|&v| nodes[v].join("::")).collect())
        .collect();
    assert!(
        cycles.is_empty(),
        "files that import each other: {cycles:?}"
    );
}

/// What names a SeaORM query: its traits, raw statements, and the entity methods that read or
/// write rows.
fn reads_or_writes_rows(line: &str) -> bool {
    [
        "EntityTrait",
        "QueryFilter",
        "ColumnTrait",
        "ActiveModelTrait",
        "QuerySelect",
        "QueryOrder",
        "ConnectionTrait",
        "Statement::",
        "::find()",
        "::find_by_id(",
        "::insert(",
        "::insert_many(",
        "::update_many(",
        "::delete_many(",
        "query_one",
        "query_all",
        "execute_unprepared",
    ]
    .iter()
    .any(|needle| line.contains(needle))
}

/// Rows are read and written by the domain only: no SQL in the HTTP or GraphQL layers, the
/// policy, the command line or the server's plumbing. Outside `src/domain` only `src/db` (the
/// connection, its migrations and statement observers) and `src/seed` (the demo loader, which
/// writes history the API cannot) touch rows.
#[test]
fn no_sql_outside_the_domain() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let outside: Vec<PathBuf> = files
        .into_iter()
        .filter(|f| {
            let rel = f.strip_prefix(src()).expect("under src");
            !["domain", "db", "seed"]
                .iter()
                .any(|allowed| rel.starts_with(allowed))
        })
        .collect();
    assert!(outside.len() > 30, "the walk found the other layers");
    let found = offending(&outside, reads_or_writes_rows);
    assert!(found.is_empty(), "SQL outside the domain: {found:#?}");
}

/// Every refusal of a known caller is the policy's: no file outside `src/auth` builds a
/// FORBIDDEN (`AppError::Forbidden`), so an "is this row yours" check cannot hide in the domain or
/// a resolver — it reads the facts and asks `auth::policy::may_…`, which decides and says why.
/// (`src/error.rs` defines the error and `src/http` maps its code to a status.)
#[test]
fn forbidden_is_built_by_the_policy_only() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let outside: Vec<PathBuf> = files
        .into_iter()
        .filter(|f| {
            let rel = f.strip_prefix(src()).expect("under src");
            !rel.starts_with("auth") && rel != Path::new("error.rs")
        })
        .collect();
    assert!(outside.len() > 30, "the walk found the other layers");
    let found = offending(&outside, |l| l.contains("AppError::Forbidden"));
    assert!(
        found.is_empty(),
        "FORBIDDEN built outside the policy: {found:#?}"
    );
}

/// An actor's scope compared with a row's owner (`== viewer.organization_id()`,
/// `alliance_ids().contains(…)`, a match on the actor) outside `src/auth`.
fn compares_an_owner(line: &str) -> bool {
    let reads_scope = [
        "organization_id()",
        "learner_id()",
        "region_id()",
        "alliance_ids()",
        "organization_admin()",
        ".actor",
    ]
    .iter()
    .any(|scope| line.contains(scope));
    let compares = ["==", "!=", ".contains(", "is_some_and", "matches!"]
        .iter()
        .any(|op| line.contains(op));
    // A match on the actor decides by role and scope; a match on one of its ids (the organization
    // or else the region a sign-in is recorded under) only reads it.
    reads_scope && (compares || (line.contains("match ") && line.contains(".actor")))
}

/// "Is this row yours" is the policy's question: outside `src/auth`, no line compares the actor's
/// organization, alliances, region or learner with anything. A domain function reads the row's
/// owner and asks `auth::policy::may_…(viewer, &facts)`; it may still write who acted (the
/// actor's organization as `recorded_by`), which compares nothing.
#[test]
fn ownership_is_decided_in_the_policy_only() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let outside: Vec<PathBuf> = files
        .into_iter()
        .filter(|f| !f.starts_with(src().join("auth")))
        .collect();
    let found = offending(&outside, compares_an_owner);
    assert!(
        found.is_empty(),
        "ownership decided outside the policy: {found:#?}"
    );
    // The check itself sees what it looks for, and lets a write of who acted pass.
    assert!(compares_an_owner(
        "if caller.viewer.organization_id() != Some(row.provider_id) {"
    ));
    assert!(compares_an_owner(
        "viewer.alliance_ids().contains(&demand.alliance_id)"
    ));
    assert!(compares_an_owner("match &viewer.actor {"));
    assert!(!compares_an_owner(
        "recorded_by_id: Set(caller.viewer.organization_id()),"
    ));
    assert!(!compares_an_owner(
        "let region_id = match viewer.organization_id() {"
    ));
}

/// The question a public policy function answers, read from its name: `may_<verb>` (may this
/// actor do it — `Ok`, with the id it acts for where there is one, or the refusal that says
/// why), `<area>_scope` (which rows a list may show), `<thing>_view` or `<thing>_visible` (how
/// much of one row, or whether it shows at all). The few others are named here with why.
fn policy_question(name: &str) -> bool {
    const OTHERS: [&str; 8] = [
        "permissions",                  // what a role may do in principle (the `me` field)
        "aggregate_precision",          // how exact aggregates about people are
        "signed_in",                    // whose rate-limit budget a request is charged to
        "is_employer",                  // a fact `may_confirm_as_employer` and the types share
        "provider_in_relation",         // the access rule `learner_view` applies
        "department_in_relation",       // the same rule for a department's employment service
        "learner_view_needs_relations", // whether `learner_view` needs more facts read
        "registered_out_of_sight",      // the refusal after a registration that stands
    ];
    name.starts_with("may_")
        || name.ends_with("_scope")
        || name.ends_with("_view")
        || name.contains("_visible")
        || OTHERS.contains(&name)
}

/// Every public function of `src/auth/policy/` is named for one of the three questions, so a
/// reader knows from a call what comes back and a new check has an obvious name.
#[test]
fn policy_functions_are_named_for_their_question() {
    let mut files = Vec::new();
    rust_files(&src().join("auth").join("policy"), &mut files);
    let mut names = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable");
        for line in text.lines() {
            // Free functions only: methods of the facts and rules types are indented.
            if let Some(rest) = line.strip_prefix("pub fn ") {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                names.push(name);
            }
        }
    }
    assert!(names.len() > 60, "the walk found the policy: {names:?}");
    let odd: Vec<&String> = names.iter().filter(|n| !policy_question(n)).collect();
    assert!(
        odd.is_empty(),
        "policy functions named for no question: {odd:?}"
    );
    assert!(
        !policy_question("take_orders"),
        "the check sees a bare verb"
    );
}
