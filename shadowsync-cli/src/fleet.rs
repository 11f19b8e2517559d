//! `shadowsync check --fleet FILE`: every shard of a sharded fleet checked
//! through the host layer ([`shadowsync::host::fleet`]), read-only, with
//! bounded parallelism per server, the verdicts rolled up per logical
//! table. Each server URL's password is found as for `--url`.

use std::io::{self, Write};
use std::path::Path;

use shadowsync::host::{check_fleet, read_fleet, to_json, FleetCheckView, FleetOptions};
use shadowsync_core::{Clock, Error};
use shadowsync_mysql::redact_url;
use shadowsync_store::SystemClock;

use crate::check::Args;
use crate::config::mode::check_private;
use crate::config::Settings;
use crate::credentials::file_url;
use crate::failure::Failure;
use crate::plan::{one_line, Format};
use crate::render::write_table;

/// Checks the fleet of file `path`; `Ok(true)` when every shard is ready.
pub fn check(path: &Path, args: &Args, settings: &Settings) -> Result<bool, Failure> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::BadInput(format!("cannot read fleet file {shown}: {e}")))?;
    let bad = |e: Error| match e {
        Error::InvalidRequest(_) => Failure::BadInput(e.to_string()),
        other => Failure::from(other),
    };
    let mut fleet = read_fleet(&text, &shown).map_err(bad)?;
    let urls = fleet
        .servers
        .iter()
        .flat_map(|s| std::iter::once(&s.url).chain(&s.shadow_url));
    if urls.into_iter().any(|u| redact_url(u) != *u) {
        // Passwords in a file: only its owner may read it, as for config files.
        check_private(path, "fleet file")?;
    }
    for server in &mut fleet.servers {
        server.url = file_url(&server.url, settings)?;
        if let Some(shadow) = &server.shadow_url {
            server.shadow_url = Some(file_url(shadow, settings)?);
        }
    }
    let options = FleetOptions {
        servers_at_once: usize::from(args.servers),
        connections_per_server: usize::from(args.connections),
        introspection: args.introspection,
    };
    let view = check_fleet(&fleet, &options, SystemClock.now()).map_err(bad)?;
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

fn write_text(out: &mut dyn Write, view: &FleetCheckView) -> io::Result<()> {
    let rows: Vec<Vec<String>> = view
        .logical_tables
        .iter()
        .map(|t| {
            vec![
                t.name.clone(),
                t.total.to_string(),
                t.ready.to_string(),
                t.drifted.to_string(),
                t.missing.to_string(),
                t.refused.to_string(),
                t.inaccessible.to_string(),
                if t.odd.is_empty() {
                    "-".into()
                } else {
                    t.odd.join(", ")
                },
            ]
        })
        .collect();
    write_table(
        out,
        &[
            "LOGICAL",
            "SHARDS",
            "READY",
            "DRIFTED",
            "MISSING",
            "REFUSED",
            "INACCESSIBLE",
            "ODD",
        ],
        &rows,
    )?;
    let c = &view.counts;
    writeln!(
        out,
        "\n{}: {} shards in {} databases ({} not checked): {} ready, {} drifted, {} missing, \
         {} refused, {} inaccessible",
        if view.ready { "ready" } else { "NOT READY" },
        c.tables,
        c.members,
        c.failed_members,
        c.ready,
        c.drifted,
        c.missing,
        c.refused,
        c.inaccessible
    )?;
    for warning in &view.warnings {
        writeln!(out, "warning: {}", one_line(warning))?;
    }
    Ok(())
}
