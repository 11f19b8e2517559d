//! Stable smoke run of the fuzz target: every captured `SHOW CREATE TABLE`
//! fixture, every current/desired pair of a case, and seeded mutations of
//! them (bit flips, character swaps, truncations, deletions, insertions of
//! DDL tokens, duplicated chunks, splices of two fixtures) go through
//! `shadowsync_fuzz::check`, which must not panic.
//!
//!     cargo test --manifest-path fuzz/Cargo.toml -- --nocapture
//!
//! `SMOKE_MUTATIONS` sets the number of mutants per fixture (default 24) and
//! `SMOKE_SEED` the seed. `SMOKE_CORPUS=dir` also runs every file of a
//! libFuzzer corpus (e.g. `fuzz/corpus/parse_diff`) through the target and
//! checks that whatever parses keeps the invariants of
//! `shadowsync_fuzz::check_invariants`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use shadowsync_fuzz::{check, check_invariants};

/// SplitMix64: a small deterministic generator, so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const TOKENS: &[&str] = &[
    "(",
    ")",
    ",",
    ";",
    "'",
    "`",
    "\"",
    "\\",
    "-- ",
    "#",
    "/*",
    "*/",
    "/*!50100 ",
    "/*M!100301 ",
    "=",
    ".",
    "-",
    "+",
    "NOT NULL",
    "NULL",
    "DEFAULT ",
    "'x'",
    "0x1F",
    "b'1'",
    "1.5e3",
    "CURRENT_TIMESTAMP",
    "ON UPDATE ",
    "AUTO_INCREMENT",
    "COMMENT ",
    "PRIMARY KEY ",
    "UNIQUE KEY ",
    "KEY ",
    "FULLTEXT ",
    "CONSTRAINT ",
    "FOREIGN KEY ",
    "REFERENCES ",
    "CHECK (",
    "GENERATED ALWAYS AS (",
    "STORED",
    "VIRTUAL",
    "ENGINE=",
    "CHARSET=",
    "COLLATE ",
    "PARTITION BY ",
    "RANGE ",
    "LIST ",
    "HASH(",
    "KEY(",
    "COLUMNS",
    "VALUES LESS THAN ",
    "MAXVALUE",
    "VALUES IN (",
    "SUBPARTITION ",
    "PARTITIONS 4",
    "TEMPLATE ",
    "USING BTREE",
    "DESC",
    "INVISIBLE",
    "WITH PARSER ",
    "STORING (",
    "enum('a','b')",
    "CREATE TABLE `t` (`a` int);",
    "CREATE TABLE ",
    "名前",
    "😀",
    "\n",
    " ",
];

/// The char boundary at or before `at`.
fn floor_boundary(s: &str, mut at: usize) -> usize {
    at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// One mutant of `text` (raw bytes: some mutations break UTF-8 on purpose).
fn mutate(rng: &mut Rng, text: &str, other: &str) -> Vec<u8> {
    let mut s = text.to_string();
    let mut raw: Option<Vec<u8>> = None;
    for _ in 0..1 + rng.below(4) {
        if s.is_empty() {
            break;
        }
        let at = floor_boundary(&s, rng.below(s.len() + 1));
        match rng.below(8) {
            0 => s.truncate(at),
            1 => {
                let end = floor_boundary(&s, at + 1 + rng.below(16));
                s.replace_range(at..end, "");
            }
            2 | 3 => s.insert_str(at, TOKENS[rng.below(TOKENS.len())]),
            4 => {
                let end = floor_boundary(&s, at + 1 + rng.below(64));
                let chunk = s[at..end].to_string();
                s.insert_str(end, &chunk);
            }
            5 => {
                // Replace one ASCII character by a character that matters to the lexer.
                let pos = rng.below(s.len());
                if s.as_bytes()[pos].is_ascii() {
                    let set = b"()'`\",;=-#/*!\\ .0aZ_";
                    let c = set[rng.below(set.len())] as char;
                    s.replace_range(pos..pos + 1, c.encode_utf8(&mut [0; 4]));
                }
            }
            6 => {
                let cut = floor_boundary(other, rng.below(other.len() + 1));
                s.truncate(at);
                s.push_str(&other[cut..]);
            }
            _ => {
                let mut bytes = std::mem::take(&mut s).into_bytes();
                let pos = rng.below(bytes.len());
                bytes[pos] ^= 1 << rng.below(8);
                match String::from_utf8(bytes) {
                    Ok(valid) => s = valid,
                    Err(e) => {
                        raw = Some(e.into_bytes());
                        break;
                    }
                }
            }
        }
    }
    raw.unwrap_or_else(|| s.into_bytes())
}

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/show-create");
    let mut files = Vec::new();
    for engine in fs::read_dir(&root).expect("tests/fixtures/show-create") {
        let dir = engine.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "sql") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn smoke_fixtures_and_mutants() {
    let files = fixtures();
    assert!(files.len() > 200, "too few fixtures: {}", files.len());
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                fs::read_to_string(p).unwrap(),
            )
        })
        .collect();

    // Unmutated fixtures, and the current/desired pair of each case and table
    // as one two-table input: these must also keep the invariants.
    let mut clean: Vec<(String, String)> = texts.clone();
    let mut sides: BTreeMap<(String, String), Vec<&str>> = BTreeMap::new();
    for (path, (name, text)) in files.iter().zip(&texts) {
        let parts: Vec<&str> = name.splitn(3, '.').collect();
        if let [case, _side, table] = parts[..] {
            let engine = path
                .parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            sides
                .entry((format!("{engine}/{case}"), table.to_string()))
                .or_default()
                .push(text);
        }
    }
    let mut pairs = 0;
    for ((case, table), texts) in &sides {
        if texts.len() == 2 {
            clean.push((
                format!("{case} {table} pair"),
                format!("{};\n{}", texts[0], texts[1]),
            ));
            pairs += 1;
        }
    }
    let mut violations = Vec::new();
    for (name, text) in &clean {
        if let Err(e) = check_invariants(text.as_bytes()) {
            violations.push(format!("{name}: {e}"));
        }
    }

    // Mutants: must not panic.
    let per_fixture = env_number("SMOKE_MUTATIONS", 24);
    let mut rng = Rng(env_number("SMOKE_SEED", 0x5AD0_5EED));
    let mut mutants = 0u64;
    let mut parsed = 0u64;
    for (i, (_, text)) in texts.iter().enumerate() {
        let other = &texts[(i * 7 + 3) % texts.len()].1;
        for _ in 0..per_fixture {
            let input = mutate(&mut rng, text, other);
            check(&input);
            mutants += 1;
            if std::str::from_utf8(&input)
                .is_ok_and(|s| shadowsync_core::parse::parse_tables(s).is_ok())
            {
                parsed += 1;
            }
        }
    }
    println!(
        "smoke: {} inputs: {} fixtures, {pairs} current/desired pairs, {mutants} mutants ({parsed} of them parse)",
        clean.len() as u64 + mutants,
        texts.len(),
    );
    assert!(
        violations.is_empty(),
        "{} fixture inputs break an invariant:\n{}",
        violations.len(),
        violations.join("\n")
    );
}

#[test]
fn smoke_corpus_keeps_invariants() {
    let Some(dir) = std::env::var_os("SMOKE_CORPUS") else {
        return;
    };
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("SMOKE_CORPUS directory")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let mut violations = Vec::new();
    for path in &files {
        let data = fs::read(path).unwrap();
        if let Err(e) = check_invariants(&data) {
            violations.push(format!("{}: {e}", path.display()));
        }
    }
    for v in &violations {
        println!("{}", v.lines().next().unwrap_or_default());
    }
    println!(
        "corpus: {} inputs, {} break an invariant",
        files.len(),
        violations.len()
    );
    assert!(
        violations.is_empty(),
        "{} corpus inputs break an invariant; the first ones:\n{}",
        violations.len(),
        violations
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}
