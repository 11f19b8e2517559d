//! `shadowsync plan`: what it takes to bring the shadow tables of a live
//! database in line with their sources, without changing anything.
//!
//! The analysis is read-only: it lists the database's relations and reads
//! `SHOW CREATE TABLE` of the selected tables and their shadows. The
//! connection URL is only ever printed with its password redacted.

use std::io::{self, Write};

use clap::ArgGroup;
use shadowsync::host::view::{is_refused, PlanCounts, PlanView};
use shadowsync::host::{map_shadows, to_json, AnalyzeOptions, DynStore, ShadowTarget};
use shadowsync_core::analysis::{Action, Analysis, TableAnalysis};
use shadowsync_core::shadow::ShadowPolicy;
use shadowsync_core::task::Store;
use shadowsync_core::Executor;
use shadowsync_mysql::{redact_url, Introspection, MysqlExecutor};

use crate::config::{Settings, SettingsArgs};
use crate::context::StoreArg;
use crate::credentials::server_url;
use crate::failure::{Failure, Outcome};

/// Options of `shadowsync plan`.
#[derive(Debug, clap::Args)]
#[command(group(ArgGroup::new("selection").required(true).args(["all", "tables", "include", "fleet"])))]
pub struct Args {
    /// Database to analyse: mysql://user@host:port/db [default:
    /// $SHADOWSYNC_URL, else the profile's]; its password, if not in the
    /// URL, from $SHADOWSYNC_PASSWORD, the profile or --password-prompt
    /// (never printed).
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    #[command(flatten)]
    pub(crate) settings: SettingsArgs,
    /// Shadow names are the source name after this prefix (e.g. `__` gives
    /// `__orders`) [default: `__` when no --suffix].
    #[arg(long, value_name = "P", conflicts_with = "suffix")]
    prefix: Option<String>,
    /// Shadow names are the source name before this suffix (e.g. `_shadow` gives `orders_shadow`).
    #[arg(long, value_name = "S")]
    suffix: Option<String>,
    /// Every base table that is not itself a shadow.
    #[arg(long)]
    all: bool,
    /// These tables (comma-separated; a name that does not exist is an
    /// error unless --allow-missing).
    #[arg(long, value_name = "A,B", value_delimiter = ',', num_args = 1..)]
    tables: Vec<String>,
    /// The tables whose names match one of these patterns (comma-separated;
    /// `*` any characters, `?` one), picked from the listing as --all is.
    #[arg(long, value_name = "P,Q", value_delimiter = ',', num_args = 1..)]
    include: Vec<String>,
    /// With --all or --include: leave out the tables whose names match one
    /// of these patterns (comma-separated).
    #[arg(long, value_name = "P,Q", value_delimiter = ',', num_args = 1.., conflicts_with = "tables")]
    exclude: Vec<String>,
    /// Leave tables of --tables that do not exist out of the plan, with a
    /// warning, instead of failing.
    #[arg(long, requires = "tables")]
    allow_missing: bool,
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
    pub(crate) rebuild: bool,
    #[command(flatten)]
    pub(crate) shadows: ShadowArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
    /// How table definitions are read: `auto` uses OceanBase's catalog (a
    /// few statements for many tables) where this user can read it, and one
    /// SHOW CREATE TABLE per table elsewhere.
    #[arg(long, value_name = "auto|show-create|catalog", default_value = "auto",
          value_parser = crate::words::introspection)]
    pub(crate) introspection: Introspection,
    /// Every database of a sharded fleet: the servers, databases, selection
    /// and naming of FILE (TOML, as for `check --fleet`), analysed with
    /// bounded parallelism per server; `sync` submits one task per database
    /// under one fleet id.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["url", "prefix", "suffix", "shadow_schema", "shadow_url", "skip", "exclude", "adopt", "allow_missing"])]
    pub(crate) fleet: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub(crate) bounds: crate::fleet::FleetBounds,
    /// Stray words (such as a URL given without `--url`): refused in [`run`],
    /// whose message hides a password, where clap would echo them verbatim.
    #[arg(hide = true, value_name = "STRAY")]
    pub(crate) stray: Vec<String>,
}

/// `shadowsync plan`: the analysis options, and the snapshot cache.
#[derive(Debug, clap::Args)]
pub struct Command {
    #[command(flatten)]
    pub(crate) args: Args,
    #[command(flatten)]
    pub(crate) cache: CacheArgs,
}

/// Where a read-only command keeps its snapshot cache.
#[derive(Debug, clap::Args)]
pub struct CacheArgs {
    /// The task store whose snapshot cache makes a repeat run read only the
    /// tables the server says changed (used when --store, $SHADOWSYNC_STORE
    /// or the profile's `store` names one).
    #[command(flatten)]
    store: StoreArg,
    /// Read every table from the server, neither using nor filling the
    /// snapshot cache.
    #[arg(long)]
    no_cache: bool,
}

impl CacheArgs {
    /// The store to cache in, unless `--no-cache` or none is configured.
    pub(crate) fn store(&self, settings: &Settings) -> Result<Option<DynStore>, Failure> {
        if self.no_cache {
            return Ok(None);
        }
        self.store.cache(settings.profile.as_ref())
    }
}

/// How the plan is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table of the decisions, then the SQL preview.
    Text,
    /// The plan view (`schema_version`, `kind`, one object per table).
    Json,
}

/// Analyses the database the URL names and prints the plan. Refused
/// tables make it bad input (the user has to act), even when other tables
/// have changes; otherwise changes to make are [`Outcome::Changes`].
pub fn run(command: &Command) -> Result<Outcome, Failure> {
    let args = &command.args;
    let settings = args.settings.load()?;
    if let Some(path) = &args.fleet {
        refuse_stray(&args.stray)?;
        return crate::fleet::plan(path, args, &settings);
    }
    let cache = command.cache.store(&settings)?;
    let cache = cache.as_deref().map(|s| s as &dyn Store);
    let Analysed { analysis, .. } = analyse(args, &settings, cache)?;
    let mut out = io::stdout().lock();
    match args.format {
        Format::Text => write_text(&mut out, &analysis),
        Format::Json => write_json(&mut out, &analysis),
    }
    .and_then(|()| out.flush())
    .map_err(Failure::Output)?;
    let refused: Vec<String> = analysis
        .tables
        .iter()
        .filter(|t| is_refused(t))
        .map(|t| one_line(&t.source))
        .collect();
    if !refused.is_empty() {
        return Err(Failure::BadInput(format!(
            "refused tables (the plan gives each reason; --skip leaves one out): {}",
            refused.join(", ")
        )));
    }
    Ok(if analysis.preview().is_empty() {
        Outcome::Done
    } else {
        Outcome::Changes
    })
}

/// Where the shadows live, as the command line says (database mode).
#[derive(Debug, clap::Args)]
pub(crate) struct ShadowArgs {
    /// Database mode: the shadows live in this database instead of beside
    /// their sources (with neither --prefix nor --suffix they keep the
    /// sources' names); created, with the source database's character set
    /// and collation, by the task that first needs it.
    #[arg(long, value_name = "DB")]
    shadow_schema: Option<String>,
    /// Database mode across servers: the shadows' server (its database part
    /// names the shadow database unless --shadow-schema does; its password,
    /// if not in the URL, found as for --url).
    #[arg(long, value_name = "URL")]
    shadow_url: Option<String>,
}

impl ShadowArgs {
    /// `source` (on the sources' database, reached by `url`) alone, or
    /// mapped to the shadows' database; with the shadow URL, password
    /// included, when one was given.
    pub(crate) fn open(
        &self,
        source: MysqlExecutor,
        url: &str,
        settings: &Settings,
        introspection: Introspection,
    ) -> Result<(Box<dyn Executor + Send>, Option<String>), Failure> {
        let shadow_url = self
            .shadow_url
            .as_deref()
            .map(|u| server_url(Some(u), settings))
            .transpose()?;
        let target = ShadowTarget {
            url: shadow_url.clone(),
            database: self.shadow_schema.clone(),
        };
        let exec = map_shadows(source, url, &target, introspection).map_err(|e| match e {
            shadowsync_core::Error::InvalidRequest(_) => Failure::BadInput(e.to_string()),
            other => other.into(),
        })?;
        Ok((exec, shadow_url))
    }
}

/// What [`analyse`] read, and through what.
pub(crate) struct Analysed {
    /// The connection the analysis read through.
    pub connected: Connected,
    /// The analysis.
    pub analysis: Analysis,
}

/// The connection a command reads and runs through.
pub(crate) struct Connected {
    /// The executor (mapped in database mode).
    pub exec: Box<dyn Executor + Send>,
    /// The source URL, password included (never printed).
    pub url: String,
    /// The shadows' server URL in database mode across servers.
    pub shadow_url: Option<String>,
    /// The source connection, redacted.
    pub connection: String,
    /// The sources' database.
    pub database: String,
}

/// The analysis options of `args`, checked: bad options are bad input,
/// found before any server is reached.
pub(crate) fn checked_options(args: &Args, settings: &Settings) -> Result<AnalyzeOptions, Failure> {
    refuse_stray(&args.stray)?;
    let options = options(args, settings);
    options
        .request()
        .map_err(|e| Failure::BadInput(e.to_string()))?;
    Ok(options)
}

/// Connects to the database the URL names (and in database mode to the
/// shadows' database).
pub(crate) fn connect(args: &Args, settings: &Settings) -> Result<Connected, Failure> {
    let (source, url) = connect_to_database(args.url.as_deref(), settings, args.introspection)?;
    let connection = source.redacted_url().to_string();
    let database = source.database().unwrap_or_default().to_string();
    let (exec, shadow_url) = args
        .shadows
        .open(source, &url, settings, args.introspection)?;
    Ok(Connected {
        exec,
        url,
        shadow_url,
        connection,
        database,
    })
}

/// An analysis error as the command line reports it: a request checked
/// beforehand that is invalid now names something that does not fit the
/// database (an unknown skip, a missing table), or a shadow database that
/// is the source database itself, which is bad input.
pub(crate) fn analysis_failure(e: shadowsync_core::Error) -> Failure {
    match e {
        shadowsync_core::Error::InvalidRequest(_) => Failure::BadInput(e.to_string()),
        other => other.into(),
    }
}

/// Connects to the database the URL names (and in database mode to the
/// shadows' database) and analyses it; the connection is handed back for
/// callers that go on to run the plan (`sync`).
pub(crate) fn analyse(
    args: &Args,
    settings: &Settings,
    cache: Option<&dyn Store>,
) -> Result<Analysed, Failure> {
    let options = checked_options(args, settings)?;
    let mut connected = connect(args, settings)?;
    let analysis = options
        .analyze_with(connected.exec.as_mut(), cache)
        .map_err(analysis_failure)?;
    Ok(Analysed {
        connected,
        analysis,
    })
}

/// Stray words (a URL given without `--url`) are bad input, shown without
/// their password (clap would echo them verbatim).
pub(crate) fn refuse_stray(stray: &[String]) -> Result<(), Failure> {
    match stray.first() {
        Some(word) => Err(Failure::BadInput(format!(
            "unexpected argument `{}` (the URL goes after --url)",
            redact_url(word)
        ))),
        None => Ok(()),
    }
}

/// An executor on the database of the server URL (`--url`, else the
/// environment or the profile, see [`server_url`]), and that URL (password
/// included: never print it); a URL without a database is bad input.
pub(crate) fn connect_to_database(
    url: Option<&str>,
    settings: &Settings,
    introspection: Introspection,
) -> Result<(MysqlExecutor, String), Failure> {
    let url = server_url(url, settings)?;
    let exec = MysqlExecutor::connect(&url)?.with_introspection(introspection);
    if !matches!(exec.database(), Some(db) if !db.is_empty()) {
        return Err(Failure::BadInput(format!(
            "the URL {} names no database: use mysql://user:pass@host:port/db",
            exec.redacted_url()
        )));
    }
    Ok((exec, url))
}

/// `--prefix`/`--suffix` as given, else the profile's naming rule when the
/// command line gives neither.
pub(crate) fn naming(
    prefix: &Option<String>,
    suffix: &Option<String>,
    settings: &Settings,
) -> (Option<String>, Option<String>) {
    match (prefix, suffix, &settings.profile) {
        (None, None, Some(profile)) => (profile.prefix.clone(), profile.suffix.clone()),
        _ => (prefix.clone(), suffix.clone()),
    }
}

/// The host layer's analysis options the command line describes; the
/// naming rule is the profile's when the command line gives none.
fn options(args: &Args, settings: &Settings) -> AnalyzeOptions {
    let (prefix, suffix) = naming(&args.prefix, &args.suffix, settings);
    AnalyzeOptions {
        prefix,
        suffix,
        tables: (!args.all && args.include.is_empty()).then(|| args.tables.clone()),
        include: args.include.clone(),
        exclude: args.exclude.clone(),
        skip: args.skip.clone(),
        adopt: args.adopt.clone(),
        policy: ShadowPolicy {
            rebuild: args.rebuild,
            ..ShadowPolicy::default()
        },
        allow_missing: args.allow_missing,
    }
}

fn action_name(action: Action) -> &'static str {
    match action {
        Action::Create => "create",
        Action::Alter => "alter",
        Action::Skip => "skip",
    }
}

/// The plan as the host layer's JSON view (the same text C and Python give).
fn write_json(out: &mut dyn Write, analysis: &Analysis) -> io::Result<()> {
    let text = to_json(&PlanView::of(analysis)).map_err(io::Error::other)?;
    out.write_all(text.as_bytes())
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
    let counts = PlanCounts::of(analysis);
    writeln!(
        out,
        "\n{} tables in `{}` ({}): {} to create, {} to alter, {} refused, {} skipped",
        counts.total,
        analysis.database,
        analysis.rule,
        counts.create,
        counts.alter,
        counts.refused,
        counts.skipped
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
