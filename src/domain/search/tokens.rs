//! How text becomes search terms, the same for every database.
//!
//! A document's text is cut into runs of Chinese characters and runs of ASCII letters and digits
//! (full-width letters and digits read as ASCII; everything else separates). A Chinese run gives
//! its single characters, its character bigrams and the words jieba finds in search mode, each
//! word with its pinyin in full (`hangong`) and by initials (`hg`); an ASCII run gives itself,
//! lowercased. A title (`rich`) also gives the pinyin of every single character ("han"). Pinyin
//! of words only, not of every bigram: initials are ambiguous enough (hg is 焊工 and 化工) without
//! the bigrams that straddle two words (号工 in 信号工).
//!
//! A query is cut the same way into clauses that must all match: an ASCII run is one term; a
//! Chinese run is its single character, or the bigrams it is made of (a document holding the run
//! holds every one of its bigrams). A run naming a synonym (电焊工) may instead match its
//! standard name (焊工). Both databases match these terms exactly, so they find the same rows.

use std::{
    collections::{BTreeSet, HashSet},
    sync::LazyLock,
};

use jieba_rs::{Jieba, TokenizeMode};
use pinyin::ToPinyin;

/// Bumped whenever the terms a text gives change: entries of an older version are written again
/// when the server starts.
pub const VERSION: i16 = 1;

/// The most clauses a query keeps, and the most terms in all.
const MAX_CLAUSES: usize = 16;
const MAX_TERMS: usize = 64;

/// Words people type for an occupation, and its name in the classification (or a part of it).
const SYNONYMS: &[(&str, &str)] = &[
    ("电焊工", "焊工"),
    ("电焊", "焊"),
    ("气焊", "焊"),
    ("月嫂", "母婴护理"),
    ("保姆", "家政服务员"),
    ("护工", "护理员"),
    ("厨师", "烹调师"),
    ("配镜师", "眼镜定配工"),
    ("验光员", "验光师"),
    ("外卖员", "网约配送员"),
    ("骑手", "网约配送员"),
    ("主播", "互联网营销师"),
    ("带货", "互联网营销师"),
    ("程序员", "软件"),
];

static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// One term of a text and the characters it stands for (`start..end`, in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// The term.
    pub term: String,
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Han,
    Ascii,
    Other,
}

fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2EBEF | 0x30000..=0x3134F)
}

/// Full-width ASCII as ASCII, then lowercase.
fn fold(c: char) -> char {
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    c.to_ascii_lowercase()
}

fn class(c: char) -> Class {
    if is_han(c) {
        Class::Han
    } else if c.is_ascii_alphanumeric() {
        Class::Ascii
    } else {
        Class::Other
    }
}

/// The runs of `text`: (class, folded characters, first character's position).
fn runs(text: &str) -> Vec<(Class, Vec<char>, usize)> {
    let mut out: Vec<(Class, Vec<char>, usize)> = Vec::new();
    for (i, c) in text.chars().map(fold).enumerate() {
        let k = class(c);
        if k == Class::Other {
            continue;
        }
        match out.last_mut() {
            Some((last, chars, start)) if *last == k && *start + chars.len() == i => chars.push(c),
            _ => out.push((k, vec![c], i)),
        }
    }
    out
}

/// The pinyin of every character of `chars` in full and by initials, or `None` when one has none.
fn pinyin_of(chars: &[char]) -> Option<(String, String)> {
    let mut full = String::new();
    let mut initials = String::new();
    for c in chars {
        let p = c.to_pinyin()?;
        full.push_str(p.plain());
        initials.push_str(p.first_letter());
    }
    Some((full, initials))
}

/// Every term of `text` with the characters it stands for. `rich` (a title) adds the pinyin of
/// every character.
pub fn spans(text: &str, rich: bool) -> Vec<Span> {
    let mut out = Vec::new();
    let mut push = |term: String, start: usize, end: usize| {
        if !term.is_empty() {
            out.push(Span { term, start, end });
        }
    };
    for (k, chars, at) in runs(text) {
        if k == Class::Ascii {
            push(chars.iter().collect(), at, at + chars.len());
            continue;
        }
        for (i, c) in chars.iter().enumerate() {
            push(c.to_string(), at + i, at + i + 1);
            if rich && let Some(p) = c.to_pinyin() {
                push(p.plain().to_owned(), at + i, at + i + 1);
            }
        }
        for i in 0..chars.len().saturating_sub(1) {
            push(chars[i..i + 2].iter().collect(), at + i, at + i + 2);
        }
        let run: String = chars.iter().collect();
        for word in JIEBA.tokenize(&run, TokenizeMode::Search, true) {
            let len = word.end - word.start;
            if len < 2 {
                continue;
            }
            let (start, end) = (at + word.start, at + word.end);
            if len > 2 {
                push(word.word.to_owned(), start, end);
            }
            if let Some((full, initials)) = pinyin_of(&chars[word.start..word.end]) {
                push(full, start, end);
                push(initials, start, end);
            }
        }
    }
    out
}

/// The distinct terms of `text`, sorted and joined by spaces: what the index stores.
pub fn document(text: &str, rich: bool) -> String {
    let terms: BTreeSet<String> = spans(text, rich).into_iter().map(|s| s.term).collect();
    terms.into_iter().collect::<Vec<_>>().join(" ")
}

/// `text` folded and without separators: a title and a query that are the same name compare equal.
pub fn key(text: &str) -> String {
    runs(text)
        .into_iter()
        .flat_map(|(_, chars, _)| chars)
        .collect()
}

/// A title spelt three ways for autocomplete: folded ([`key`]), in pinyin (`hangong`) and by
/// initials (`hg`); letters and digits stay as they are in all three, and a character without
/// pinyin stays itself.
pub fn spellings(title: &str) -> (String, String, String) {
    let key = key(title);
    let (mut full, mut initials) = (String::new(), String::new());
    for c in key.chars() {
        match c.to_pinyin() {
            Some(p) if is_han(c) => {
                full.push_str(p.plain());
                initials.push_str(p.first_letter());
            }
            _ => {
                full.push(c);
                initials.push(c);
            }
        }
    }
    (key, full, initials)
}

/// The ways a query can name a title exactly: its [`key`], and for a title of Chinese characters
/// only its pinyin in full and by initials (焊工: `焊工 hangong hg`), joined by spaces.
pub fn title_keys(title: &str) -> String {
    let key = key(title);
    let chars: Vec<char> = key.chars().collect();
    match chars
        .iter()
        .all(|c| is_han(*c))
        .then(|| pinyin_of(&chars))
        .flatten()
    {
        Some((full, initials)) if !chars.is_empty() => format!("{key} {full} {initials}"),
        _ => key,
    }
}

/// The terms a Chinese run must hold: the character itself, or its bigrams.
fn han_terms(chars: &[char]) -> Vec<String> {
    if chars.len() == 1 {
        return vec![chars[0].to_string()];
    }
    let mut seen = HashSet::new();
    chars
        .windows(2)
        .map(|w| w.iter().collect::<String>())
        .filter(|t| seen.insert(t.clone()))
        .collect()
}

/// Letters and digits match the start of a term (`eyew` finds `eyewear`, `hg` finds `hgj`);
/// Chinese terms match whole.
fn is_prefix(term: &str) -> bool {
    term.is_ascii()
}

/// Whether `terms` hold `term` ([`is_prefix`]: or a term it begins).
fn holds(terms: &HashSet<&str>, term: &str) -> bool {
    if is_prefix(term) {
        terms.iter().any(|t| t.starts_with(term))
    } else {
        terms.contains(term)
    }
}

/// A parsed query: clauses that must all match, each a choice of alternatives, each a set of
/// terms that must all be present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The clauses.
    pub clauses: Vec<Vec<Vec<String>>>,
    /// The query's [`key`], to tell an exact title.
    pub key: String,
}

impl Query {
    /// Parses `text`; `None` when it holds no letter, digit or Chinese character.
    pub fn parse(text: &str) -> Option<Self> {
        let mut clauses = Vec::new();
        let mut total = 0;
        for (k, chars, _) in runs(text) {
            let mut alternatives = Vec::new();
            if k == Class::Ascii {
                alternatives.push(vec![chars.iter().collect::<String>()]);
            } else {
                let run: String = chars.iter().collect();
                alternatives.push(han_terms(&chars));
                for (from, to) in SYNONYMS {
                    if run.contains(from) {
                        let standard: Vec<char> = run.replace(from, to).chars().collect();
                        alternatives.push(han_terms(&standard));
                    }
                }
            }
            let size: usize = alternatives.iter().map(Vec::len).sum();
            if clauses.len() == MAX_CLAUSES || total + size > MAX_TERMS {
                break;
            }
            total += size;
            clauses.push(alternatives);
        }
        if clauses.is_empty() {
            return None;
        }
        Some(Self {
            clauses,
            key: key(text),
        })
    }

    /// Whether a document with these terms matches, exactly as the databases decide.
    pub fn matches(&self, terms: &HashSet<&str>) -> bool {
        self.clauses.iter().all(|alternatives| {
            alternatives
                .iter()
                .any(|all| all.iter().all(|t| holds(terms, t)))
        })
    }

    /// Whether a text's term is one the query asks for.
    pub fn wants(&self, term: &str) -> bool {
        self.clauses
            .iter()
            .flatten()
            .flatten()
            .any(|t| term == t || (is_prefix(t) && term.starts_with(t.as_str())))
    }

    /// The query in PostgreSQL's `tsquery` syntax: `('a' & 'b' | 'c') & 'd':*`.
    pub fn tsquery(&self) -> String {
        self.render(
            |t| format!("'{t}'{}", if is_prefix(t) { ":*" } else { "" }),
            " & ",
            " | ",
        )
    }

    /// The query in SQLite FTS5's syntax: `(("a" AND "b") OR ("c")) AND ("d"*)`.
    pub fn fts5(&self) -> String {
        self.render(
            |t| format!("\"{t}\"{}", if is_prefix(t) { "*" } else { "" }),
            " AND ",
            " OR ",
        )
    }

    /// Terms hold only letters, digits and Chinese characters, so they need no escaping.
    fn render(&self, quote: impl Fn(&str) -> String, and: &str, or: &str) -> String {
        self.clauses
            .iter()
            .map(|alternatives| {
                let choice = alternatives
                    .iter()
                    .map(|all| {
                        let all: Vec<String> = all.iter().map(|t| quote(t)).collect();
                        format!("({})", all.join(and))
                    })
                    .collect::<Vec<_>>()
                    .join(or);
                format!("({choice})")
            })
            .collect::<Vec<_>>()
            .join(and)
    }
}

/// A stretch of a text around the query's terms, with the matched characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    /// The stretch, with "…" where it was cut.
    pub text: String,
    /// The matched ranges within `text`, in characters, sorted and not overlapping.
    pub ranges: Vec<(usize, usize)>,
}

/// The characters within a fragment on either side of the first match.
const CONTEXT: usize = 30;

/// The fragment of `text` that shows where `query` matched it, or `None` when nothing in it did.
pub fn highlight(text: &str, rich: bool, query: &Query) -> Option<Fragment> {
    let mut hits: Vec<(usize, usize)> = spans(text, rich)
        .into_iter()
        .filter(|s| query.wants(&s.term))
        .map(|s| (s.start, s.end))
        .collect();
    hits.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (start, end) in hits {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    let first = *merged.first()?;
    let chars: Vec<char> = text.chars().collect();
    let from = first.0.saturating_sub(CONTEXT);
    let to = (first.1 + 2 * CONTEXT).min(chars.len());
    let lead = if from > 0 { "…" } else { "" };
    let tail = if to < chars.len() { "…" } else { "" };
    let shift = lead.chars().count();
    let ranges = merged
        .into_iter()
        .filter(|(s, e)| *s >= from && *e <= to)
        .map(|(s, e)| (s - from + shift, e - from + shift))
        .collect();
    Some(Fragment {
        text: format!("{lead}{}{tail}", chars[from..to].iter().collect::<String>()),
        ranges,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str, rich: bool) -> HashSet<String> {
        document(text, rich).split(' ').map(str::to_owned).collect()
    }

    fn finds(query: &str, text: &str) -> bool {
        let doc = terms(text, true);
        let doc: HashSet<&str> = doc.iter().map(String::as_str).collect();
        Query::parse(query).expect("a query").matches(&doc)
    }

    #[test]
    fn a_welder_is_found_by_characters_pinyin_initials_and_synonyms() {
        for query in [
            "焊工",
            "焊",
            "hg",
            "hangong",
            "电焊",
            "电焊工",
            "HG",
            "ｈｇ",
        ] {
            assert!(finds(query, "焊工"), "{query} should find 焊工");
        }
        assert!(!finds("电工", "焊工"));
        assert!(finds("eyew", "Danyang Eyewear Co"));
        assert!(!finds("wear", "Danyang Eyewear Co"));
        assert!(!finds("焊接", "焊工"));
        assert!(finds("眼镜", "眼镜验光师"));
        assert!(finds("yj", "眼镜验光师"));
        assert!(finds("验光", "眼镜验光师"));
        assert!(finds("数字技能", "镇江市数字技能职业技能培训联盟"));
        assert!(!finds("数字技术", "镇江市数字技能职业技能培训联盟"));
    }

    #[test]
    fn a_body_has_word_pinyin_but_not_every_bigram_s() {
        let body = terms("招聘焊工，持证上岗", false);
        assert!(body.contains("焊工") && body.contains("hg") && body.contains("焊"));
        assert!(
            !body.contains("han"),
            "single characters' pinyin is for titles only"
        );
        let title = terms("焊工", true);
        assert!(title.contains("han") && title.contains("hangong") && title.contains("hg"));
    }

    #[test]
    fn queries_render_for_both_databases_without_anything_to_escape() {
        let q = Query::parse("电焊 it'; DROP").expect("parsed");
        assert_eq!(
            q.tsquery(),
            "(('电焊') | ('焊')) & (('it':*)) & (('drop':*))"
        );
        assert_eq!(
            q.fts5(),
            "((\"电焊\") OR (\"焊\")) AND ((\"it\"*)) AND ((\"drop\"*))"
        );
        assert!(Query::parse("，。!? ").is_none());
        assert_eq!(q.key, "电焊itdrop");
    }

    #[test]
    fn a_long_query_keeps_a_bounded_number_of_terms() {
        let q = Query::parse(&"焊工电工".repeat(30)).expect("parsed");
        let total: usize = q.clauses.iter().flatten().map(Vec::len).sum();
        assert!(total <= MAX_TERMS);
        let many = Query::parse(&"a ".repeat(40)).expect("parsed");
        assert_eq!(many.clauses.len(), MAX_CLAUSES);
    }

    #[test]
    fn a_fragment_marks_what_matched_around_the_first_match() {
        let q = Query::parse("焊工").expect("parsed");
        let f = highlight("招聘焊工，持证上岗", false, &q).expect("a match");
        assert_eq!(f.text, "招聘焊工，持证上岗");
        assert_eq!(f.ranges, vec![(2, 4)]);
        let long = format!("{}焊工{}", "前".repeat(50), "后".repeat(100));
        let f = highlight(&long, false, &q).expect("a match");
        assert!(f.text.starts_with('…') && f.text.ends_with('…'));
        let (s, e) = f.ranges[0];
        let marked: String = f.text.chars().skip(s).take(e - s).collect();
        assert_eq!(marked, "焊工");
        let initials = Query::parse("hg").expect("parsed");
        let f = highlight("船舶焊工", true, &initials).expect("a match");
        assert_eq!(f.ranges, vec![(2, 4)]);
        assert!(highlight("电工", true, &q).is_none());
    }
}
