//! `shadowsync plan`: what it takes to bring the shadow tables of a live
//! database in line with their sources, without changing anything.
//!
//! The analysis is read-only: it lists the database's relations and reads
//! `SHOW CREATE TABLE` of the selected tables and their shadows. The
//! connection URL is only ever printed with its password redacted.

use std::io::{self, Write};

use clap::ArgGroup;
use serde::Serialize;
use shadowsync_core::analysis::{
    analyze, Action, Analysis, AnalysisRequest, Selection, TableAnalysis,
};
use shadowsync_core::shadow::NamingRule;
use shadowsync_core::shadow::ShadowPolicy;
use shadowsync_mysql::{redact_url, Introspection, MysqlExecutor};

use crate::failure::Failure;

/// Options of `shadowsync plan`.
#[derive(Debug, clap::Args)]
#[command(group(ArgGroup::new("rule").required(true).args(["prefix", "suffix"])))]
#[command(group(ArgGroup::new("selection").required(true).args(["all", "tables"])))]
pub struct Args {
    /// Database to analyse: mysql://user:pass@host:port/db (the password is never printed).
    #[arg(long, value_name = "URL")]
    url: String,
    /// Shadow names are the source name after this prefix (e.g. `__` gives `__orders`).
    #[arg(long, value_name = "P")]
    prefix: Option<String>,
    /// Shadow names are the source name before this suffix (e.g. `_shadow` gives `orders_shadow`).
    #[arg(long, value_name = "S")]
    suffix: Option<String>,
    /// Every base table that is not itself a shadow.
    #[arg(long)]
    all: bool,
    /// These tables (comma-separated).
    #[arg(long, value_name = "A,B", value_delimiter = ',', num_args = 1..)]
    tables: Vec<String>,
    /// Leave these selected tables out (comma-separated).
    #[arg(long, value_name = "C,D", value_delimiter = ',', num_args = 1..)]
    skip: Vec<String>,
    /// Adopt the existing shadows of these sources although they carry no
    /// shadowsync marker (made by hand, or by a shadowsync that did not mark
    /// shadows): they are altered to match and marked. Without it such a
    /// table is refused as a collision and never altered.
    #[arg(long, value_name = "E,F", value_delimiter = ',', num_args = 1..)]
    adopt: Vec<String>,
    /// Rebuild a shadow whose change the server cannot make in place (a
    /// new table under a temporary name, its rows copied, swapped in, the
    /// old one dropped) instead of refusing it. Writes to the shadow during
    /// the copy are lost: use it between load tests.
    #[arg(long)]
    rebuild: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
    /// How table definitions are read: `auto` uses OceanBase's catalog (a
    /// few statements for many tables) where this user can read it, and one
    /// SHOW CREATE TABLE per table elsewhere.
    #[arg(long, value_enum, default_value_t = IntrospectionArg::Auto)]
    introspection: IntrospectionArg,
    /// Stray words (such as a URL given without `--url`): refused in [`run`],
    /// whose message hides a password, where clap would echo them verbatim.
    #[arg(hide = true, value_name = "STRAY")]
    stray: Vec<String>,
}

/// How the plan is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table of the decisions, then the SQL preview.
    Text,
    /// An array with one object per table.
    Json,
}

/// `--introspection`: how table definitions are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum IntrospectionArg {
    /// OceanBase's catalog where readable, else SHOW CREATE TABLE.
    Auto,
    /// One SHOW CREATE TABLE per table.
    ShowCreate,
    /// OceanBase's catalog, or fail.
    Catalog,
}

impl From<IntrospectionArg> for Introspection {
    fn from(arg: IntrospectionArg) -> Self {
        match arg {
            IntrospectionArg::Auto => Introspection::Auto,
            IntrospectionArg::ShowCreate => Introspection::ShowCreate,
            IntrospectionArg::Catalog => Introspection::Catalog,
        }
    }
}

/// One table of the JSON output.
#[derive(Debug, Serialize)]
struct JsonTable<'a> {
    source: &'a str,
    shadow: &'a str,
    action: &'static str,
    reason: Option<String>,
    statements: &'a [String],
    warnings: &'a [String],
}

/// Analyses the database the URL names and prints the plan.
pub fn run(args: &Args) -> Result<(), Failure> {
    let (_, analysis) = analyse(args)?;
    let mut out = io::stdout().lock();
    match args.format {
        Format::Text => write_text(&mut out, &analysis),
        Format::Json => write_json(&mut out, &analysis),
    }
    .and_then(|()| out.flush())
    .map_err(|e| Failure::Other(format!("cannot write the plan: {e}")))
}

/// Connects to the database the URL names and analyses it; the connection
/// is handed back for callers that go on to run the plan (`sync`).
pub(crate) fn analyse(args: &Args) -> Result<(MysqlExecutor, Analysis), Failure> {
    if let Some(word) = args.stray.first() {
        return Err(Failure::BadInput(format!(
            "unexpected argument `{}` (the URL goes after --url)",
            redact_url(word)
        )));
    }
    let request = request(args)?;
    let mut exec = MysqlExecutor::connect(&args.url)?.with_introspection(args.introspection.into());
    if !matches!(exec.database(), Some(db) if !db.is_empty()) {
        return Err(Failure::BadInput(format!(
            "the URL {} names no database: use mysql://user:pass@host:port/db",
            exec.redacted_url()
        )));
    }
    let analysis = analyze(&mut exec, &request)?;
    check_skips(&analysis, &args.skip)?;
    Ok((exec, analysis))
}

/// The analysis request the options describe (the naming rule validated).
fn request(args: &Args) -> Result<AnalysisRequest, Failure> {
    let rule = match (&args.prefix, &args.suffix) {
        (Some(p), None) => NamingRule::prefix(p)?,
        (None, Some(s)) => NamingRule::suffix(s)?,
        // clap's argument group makes exactly one of them present.
        _ => {
            return Err(Failure::BadInput(
                "give exactly one of --prefix and --suffix".into(),
            ))
        }
    };
    let selection = if args.all {
        Selection::All
    } else {
        let tables = non_empty(&args.tables, "--tables")?;
        if tables.is_empty() {
            return Err(Failure::BadInput("--tables names no table".into()));
        }
        Selection::Tables(tables)
    };
    Ok(AnalysisRequest {
        rule,
        selection,
        skip: non_empty(&args.skip, "--skip")?,
        policy: ShadowPolicy {
            rebuild: args.rebuild,
            ..ShadowPolicy::default()
        },
        adopt: non_empty(&args.adopt, "--adopt")?,
    })
}

/// `names` without duplicates; an empty name (as in `a,,b`) is an error.
fn non_empty(names: &[String], option: &str) -> Result<Vec<String>, Failure> {
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for name in names {
        if name.is_empty() {
            return Err(Failure::BadInput(format!(
                "{option} contains an empty table name"
            )));
        }
        if !out.contains(name) {
            out.push(name.clone());
        }
    }
    Ok(out)
}

/// Every `--skip` name must be one of the analysed tables, compared the way
/// the server compares table names.
fn check_skips(analysis: &Analysis, skips: &[String]) -> Result<(), Failure> {
    let fold = analysis.snapshot.server.lower_case_table_names != 0;
    let key = |name: &str| {
        if fold {
            name.to_lowercase()
        } else {
            name.to_string()
        }
    };
    // A set: thousands of skips against thousands of tables stay linear.
    let selected: std::collections::HashSet<String> =
        analysis.tables.iter().map(|t| key(&t.source)).collect();
    let unknown: Vec<&str> = skips
        .iter()
        .filter(|s| !selected.contains(&key(s)))
        .map(String::as_str)
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(Failure::BadInput(format!(
            "--skip names tables that are not selected: {}",
            unknown.join(", ")
        )))
    }
}

fn action_name(action: Action) -> &'static str {
    match action {
        Action::Create => "create",
        Action::Alter => "alter",
        Action::Skip => "skip",
    }
}

pub(crate) fn write_json(out: &mut dyn Write, analysis: &Analysis) -> io::Result<()> {
    let tables: Vec<JsonTable<'_>> = analysis
        .tables
        .iter()
        .map(|t| JsonTable {
            source: &t.source,
            shadow: &t.shadow,
            action: action_name(t.action()),
            reason: t.effective_reason().map(|r| r.to_string()),
            statements: t.effective_statements(),
            warnings: &t.warnings,
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &tables).map_err(io::Error::other)?;
    writeln!(out)
}

pub(crate) fn write_text(out: &mut dyn Write, analysis: &Analysis) -> io::Result<()> {
    let header = ["SOURCE", "SHADOW", "ACTION", "REASON"];
    let rows: Vec<[String; 4]> = analysis.tables.iter().map(text_row).collect();
    let mut widths = header.map(width);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    write_row(out, &header.map(String::from), &widths)?;
    write_row(out, &widths.map(|w| "-".repeat(w)), &widths)?;
    for row in &rows {
        write_row(out, row, &widths)?;
    }
    let (mut create, mut alter, mut skip) = (0, 0, 0);
    for t in &analysis.tables {
        match t.action() {
            Action::Create => create += 1,
            Action::Alter => alter += 1,
            Action::Skip => skip += 1,
        }
    }
    writeln!(
        out,
        "\n{} tables in `{}` ({}): {create} to create, {alter} to alter, {skip} skipped",
        analysis.tables.len(),
        analysis.database,
        analysis.rule
    )?;
    let warned: Vec<&TableAnalysis> = analysis
        .tables
        .iter()
        .filter(|t| !t.warnings.is_empty())
        .collect();
    if !warned.is_empty() {
        writeln!(out, "\nWarnings:")?;
        for t in warned {
            for w in &t.warnings {
                writeln!(out, "  {}: {}", t.source, one_line(w))?;
            }
        }
    }
    let preview = analysis.preview();
    if preview.is_empty() {
        writeln!(out, "\n-- Nothing to run: no shadow needs a change.")?;
    } else {
        writeln!(out, "\n-- SQL preview ({} statements)", preview.len())?;
        for statement in &preview {
            writeln!(out, "{statement};")?;
        }
    }
    Ok(())
}

fn text_row(t: &TableAnalysis) -> [String; 4] {
    [
        one_line(&t.source),
        one_line(&t.shadow),
        action_name(t.action()).to_string(),
        t.effective_reason()
            .map(|r| one_line(&r.to_string()))
            .unwrap_or_else(|| "-".into()),
    ]
}

/// Terminal columns `text` takes: East Asian wide characters take two.
pub(crate) fn width(text: &str) -> usize {
    text.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

/// The common wide ranges (CJK, Hangul, full-width forms); enough for table names.
fn is_wide(c: char) -> bool {
    matches!(u32::from(c),
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
}

/// Control characters (a newline in a name or message) shown escaped, so each row stays one line.
pub(crate) fn one_line(text: &str) -> String {
    if text.chars().any(char::is_control) {
        text.chars()
            .flat_map(|c| {
                if c.is_control() {
                    c.escape_default().collect::<Vec<_>>()
                } else {
                    vec![c]
                }
            })
            .collect()
    } else {
        text.to_string()
    }
}

pub(crate) fn write_row(out: &mut dyn Write, cells: &[String], widths: &[usize]) -> io::Result<()> {
    let mut line = String::new();
    for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
        line.push_str(cell);
        if i + 1 < cells.len() {
            line.push_str(&" ".repeat(w - width(cell) + 2));
        }
    }
    writeln!(out, "{}", line.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_count_wide_characters_twice() {
        assert_eq!(width("orders"), 6);
        assert_eq!(width("订单"), 4);
        assert_eq!(width("__订单"), 6);
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(one_line("a\nb"), "a\\nb");
        assert_eq!(one_line("plain"), "plain");
    }

    #[test]
    fn rows_are_aligned() {
        let mut out = Vec::new();
        let widths = [4, 3, 1, 1];
        write_row(
            &mut out,
            &["订单".into(), "b".into(), "c".into(), "d".into()],
            &widths,
        )
        .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "订单  b    c  d\n");
    }
}
