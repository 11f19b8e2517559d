//! `shadowsync check`: is every selected shadow ready (equal to its source,
//! readable, and usable by the application account when `--app-user` is
//! given)? Read-only; exit status 0 when ready, [`NOT_READY`] when not.

use std::io::{self, Write};

use clap::ArgGroup;
use shadowsync::host::view::CheckView;
use shadowsync::host::{self, to_json, AnalyzeOptions, CheckOptions};
use shadowsync_core::check::Verdict;
use shadowsync_core::shadow::ShadowPolicy;
use shadowsync_core::task::Store;
use shadowsync_core::Clock;
use shadowsync_mysql::Introspection;
use shadowsync_store::SystemClock;

use crate::config::SettingsArgs;
use crate::failure::Failure;
use crate::plan::{
    connect_to_database, naming, one_line, refuse_stray, width, write_row, Format, ShadowArgs,
};

/// Exit status of a check that finds the selection not ready.
pub const NOT_READY: u8 = 1;

/// Options of `shadowsync check`.
#[derive(Debug, clap::Args)]
#[command(group(ArgGroup::new("selection").required(true).args(["all", "tables", "include", "fleet"])))]
pub struct Args {
    /// Database to check: mysql://user@host:port/db [default:
    /// $SHADOWSYNC_URL, else the profile's]; its password as for `plan`
    /// (never printed).
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    #[command(flatten)]
    settings: SettingsArgs,
    /// Shadow names are the source name after this prefix [default: `__` when no --suffix].
    #[arg(long, value_name = "P", conflicts_with = "suffix")]
    prefix: Option<String>,
    /// Shadow names are the source name before this suffix.
    #[arg(long, value_name = "S")]
    suffix: Option<String>,
    /// Every base table that is not itself a shadow (and that this account may see).
    #[arg(long)]
    all: bool,
    /// These tables (comma-separated); an unknown one is bad input.
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
    /// Check every shard of a sharded fleet: the servers, databases,
    /// selection and naming of FILE (TOML, see the README), the verdicts
    /// rolled up per logical table.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["url", "prefix", "suffix", "shadow_schema", "shadow_url", "skip", "exclude", "app_user"])]
    pub(crate) fleet: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub(crate) bounds: crate::fleet::FleetBounds,
    /// Leave these selected tables out (comma-separated).
    #[arg(long, value_name = "C,D", value_delimiter = ',', num_args = 1..)]
    skip: Vec<String>,
    /// Judge as `plan --rebuild` would: a change the server cannot make in
    /// place is drift to rebuild, not a refusal.
    #[arg(long)]
    rebuild: bool,
    /// Also report whether this application account (`'app'@'%'` or
    /// `app@%`) may SELECT, INSERT, UPDATE and DELETE each shadow, from its
    /// grants; one it cannot fully use keeps the verdict from ready.
    #[arg(long, value_name = "USER@HOST")]
    app_user: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
    #[command(flatten)]
    shadows: ShadowArgs,
    /// How table definitions are read (as for `plan`).
    #[arg(long, value_name = "auto|show-create|catalog", default_value = "auto",
          value_parser = crate::words::introspection)]
    pub(crate) introspection: Introspection,
    /// Stray words (such as a URL given without `--url`), refused in [`run`].
    #[arg(hide = true, value_name = "STRAY")]
    stray: Vec<String>,
    #[command(flatten)]
    cache: crate::plan::CacheArgs,
}

/// Checks the database the URL names and prints the verdicts; `Ok(true)`
/// when the selection is ready.
pub fn run(args: &Args) -> Result<bool, Failure> {
    refuse_stray(&args.stray)?;
    let bad = |e: shadowsync_core::Error| match e {
        shadowsync_core::Error::InvalidRequest(_) => Failure::BadInput(e.to_string()),
        other => Failure::from(other),
    };
    let settings = args.settings.load()?;
    if let Some(path) = &args.fleet {
        return crate::fleet::check(path, args, &settings);
    }
    let (prefix, suffix) = naming(&args.prefix, &args.suffix, &settings);
    let options = CheckOptions {
        analyze: AnalyzeOptions {
            prefix,
            suffix,
            tables: (!args.all && args.include.is_empty()).then(|| args.tables.clone()),
            include: args.include.clone(),
            exclude: args.exclude.clone(),
            skip: args.skip.clone(),
            adopt: Vec::new(),
            policy: ShadowPolicy {
                rebuild: args.rebuild,
                ..ShadowPolicy::default()
            },
            // Unknown tables are probed, then bad input or inaccessible.
            allow_missing: false,
        },
        app_user: args.app_user.clone(),
    };
    // Bad options fail before the server is reached, as bad input.
    options.analyze.request().map_err(bad)?;
    if let Some(user) = &options.app_user {
        shadowsync_core::access::Account::parse(user).map_err(bad)?;
    }
    let (source, url) = connect_to_database(args.url.as_deref(), &settings, args.introspection)?;
    let (mut exec, _) = args
        .shadows
        .open(source, &url, &settings, args.introspection)?;
    let cache = args.cache.store(&settings)?;
    let cache = cache.as_deref().map(|s| s as &dyn Store);
    let view = host::check_with(exec.as_mut(), &options, SystemClock.now(), cache).map_err(bad)?;
    let mut out = io::stdout().lock();
    match args.format {
        Format::Text => write_text(&mut out, &view),
        Format::Json => to_json(&view)
            .map_err(io::Error::other)
            .and_then(|text| out.write_all(text.as_bytes())),
    }
    .and_then(|()| out.flush())
    .map_err(Failure::Output)?;
    Ok(view.ready)
}

fn verdict_name(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Ready => "ready",
        Verdict::Drifted => "drifted",
        Verdict::Missing => "missing",
        Verdict::Refused => "refused",
        Verdict::Inaccessible => "inaccessible",
    }
}

fn write_text(out: &mut dyn Write, view: &CheckView) -> io::Result<()> {
    let probed = view.app_user.is_some();
    let mut header = vec!["SOURCE", "SHADOW", "VERDICT"];
    if probed {
        header.push("APP ACCESS");
    }
    header.push("DETAIL");
    let rows: Vec<Vec<String>> = view
        .tables
        .iter()
        .map(|t| {
            let mut row = vec![
                one_line(&t.source),
                one_line(&t.shadow),
                verdict_name(t.verdict).to_string(),
            ];
            if let Some(access) = &t.app_access {
                let lacks: Vec<&str> = [
                    (access.select, "SELECT"),
                    (access.insert, "INSERT"),
                    (access.update, "UPDATE"),
                    (access.delete, "DELETE"),
                ]
                .into_iter()
                .filter(|(held, _)| !held)
                .map(|(_, name)| name)
                .collect();
                row.push(if lacks.is_empty() {
                    "full".to_string()
                } else {
                    format!("no {}", lacks.join(","))
                });
            }
            let detail = t.reason.clone().unwrap_or_else(|| t.differences.join("; "));
            row.push(if detail.is_empty() {
                "-".into()
            } else {
                one_line(&detail)
            });
            row
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    let header: Vec<String> = header.into_iter().map(String::from).collect();
    write_row(out, &header, &widths)?;
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    write_row(out, &rule, &widths)?;
    for row in &rows {
        write_row(out, row, &widths)?;
    }
    let c = &view.counts;
    writeln!(
        out,
        "\n{}: {} tables in `{}` ({}): {} ready, {} drifted, {} missing, {} refused, {} inaccessible",
        if view.ready { "READY" } else { "NOT READY" },
        c.total,
        view.database,
        view.naming_rule,
        c.ready,
        c.drifted,
        c.missing,
        c.refused,
        c.inaccessible
    )?;
    if !view.skipped.is_empty() {
        writeln!(out, "Skipped: {}", one_line(&view.skipped.join(", ")))?;
    }
    for note in &view.notes {
        writeln!(out, "Note: {}", one_line(note))?;
    }
    let fixes: Vec<&String> = view.tables.iter().flat_map(|t| &t.statements).collect();
    if !fixes.is_empty() {
        writeln!(
            out,
            "\n-- What would fix them: {} statement(s)",
            fixes.len()
        )?;
        for statement in fixes {
            writeln!(out, "{statement};")?;
        }
    }
    Ok(())
}
