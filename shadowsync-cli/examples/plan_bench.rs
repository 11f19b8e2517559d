//! Measurements for `benches/plan_seekdb.sh`; prints one `key=value` line.
//!
//! ```text
//! plan_bench baseline URL          one SHOW CREATE TABLE per base table, in
//!                                  sequence, on one connection (mysql crate)
//! plan_bench batched URL N         the same statements, N per multi-statement
//!                                  query (one round trip per N tables)
//! plan_bench phases URL PREFIX [C [MODE]]
//!                                  shadowsync's analysis split into its read
//!                                  and pure phases, with C read connections
//!                                  and introspection MODE (auto, show-create
//!                                  or catalog)
//! plan_bench snapshot URL PREFIX   write the analysis input (JSON) to stdout
//! plan_bench pure FILE PREFIX      time the pure analysis of such a file, offline
//! ```
//!
//! URL names the database (`mysql://user:pass@host:port/db`).

use std::process::ExitCode;
use std::time::Instant;

use mysql::prelude::Queryable;
use mysql::{Conn, Opts, OptsBuilder, Row};
use shadowsync_core::analysis::{
    analyze_snapshot, read_snapshot, AnalysisRequest, SchemaSnapshot, Selection,
};
use shadowsync_core::shadow::NamingRule;
use shadowsync_core::shadow::ShadowPolicy;
use shadowsync_mysql::{redact_url, Introspection, MysqlExecutor, DEFAULT_MAX_CONNECTIONS};

type Failure = Box<dyn std::error::Error>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["baseline", url] => baseline(url, 1),
        ["batched", url, n] => n
            .parse()
            .map_err(Failure::from)
            .and_then(|n| baseline(url, n)),
        ["phases", url, prefix] => phases(url, prefix, DEFAULT_MAX_CONNECTIONS, "auto"),
        ["phases", url, prefix, c] => c
            .parse()
            .map_err(Failure::from)
            .and_then(|c| phases(url, prefix, c, "auto")),
        ["phases", url, prefix, c, mode] => c
            .parse()
            .map_err(Failure::from)
            .and_then(|c| phases(url, prefix, c, mode)),
        ["snapshot", url, prefix] => snapshot(url, prefix),
        ["pure", file, prefix] => pure(file, prefix),
        _ => Err(
            "usage: plan_bench baseline URL | batched URL N | phases URL PREFIX [CONNECTIONS [MODE]] \
                  | snapshot URL PREFIX | pure FILE PREFIX"
                .into(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Driver messages do not quote the URL, but redact in case one does.
            let msg = e.to_string();
            let msg = args.get(1).map_or(msg.clone(), |url| {
                msg.replace(url.as_str(), &redact_url(url))
            });
            eprintln!("plan_bench: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn quote(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// Every base table's `SHOW CREATE TABLE`, `per_query` statements per round
/// trip (1: the plain sequential loop), on one connection.
fn baseline(url: &str, per_query: usize) -> Result<(), Failure> {
    if per_query == 0 {
        return Err("N must be at least 1".into());
    }
    let start = Instant::now();
    let opts: Opts = OptsBuilder::from_opts(Opts::from_url(url)?)
        .prefer_socket(false)
        .into();
    let mut conn = Conn::new(opts)?;
    let mut round_trips = 1u64;
    let tables: Vec<String> = conn.query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'")?;
    round_trips += 1;
    let listed = start.elapsed();
    let mut bytes = 0usize;
    let mut texts = 0usize;
    for chunk in tables.chunks(per_query) {
        let sql: String = chunk
            .iter()
            .map(|t| format!("SHOW CREATE TABLE {};", quote(t)))
            .collect();
        round_trips += 1;
        let mut result = conn.query_iter(sql)?;
        while let Some(set) = result.iter() {
            for row in set {
                let row: Row = row?;
                let text: String = row.get(1).ok_or("SHOW CREATE TABLE returned no text")?;
                bytes += text.len();
                texts += 1;
            }
        }
    }
    if texts != tables.len() {
        return Err(format!("read {texts} texts for {} tables", tables.len()).into());
    }
    let total = start.elapsed();
    println!(
        "mode={} tables={} round_trips={round_trips} bytes={bytes} list_ms={} total_ms={}",
        if per_query == 1 {
            "baseline".to_string()
        } else {
            format!("batched{per_query}")
        },
        tables.len(),
        listed.as_millis(),
        total.as_millis()
    );
    Ok(())
}

fn request(prefix: &str) -> Result<AnalysisRequest, Failure> {
    Ok(AnalysisRequest {
        rule: NamingRule::prefix(prefix)?,
        selection: Selection::All,
        skip: Vec::new(),
        policy: ShadowPolicy::default(),
        adopt: Vec::new(),
    })
}

/// The snapshot the analysis reads, as JSON, for [`pure`].
fn snapshot(url: &str, prefix: &str) -> Result<(), Failure> {
    let mut exec = MysqlExecutor::connect(url)?;
    let snapshot = read_snapshot(&mut exec, &request(prefix)?)?;
    serde_json::to_writer(std::io::stdout().lock(), &snapshot)?;
    Ok(())
}

/// The pure analysis of a saved snapshot, timed over a few runs (no server involved).
fn pure(file: &str, prefix: &str) -> Result<(), Failure> {
    let snapshot: SchemaSnapshot = serde_json::from_slice(&std::fs::read(file)?)?;
    let req = request(prefix)?;
    let mut best = u128::MAX;
    let mut tables = 0;
    for _ in 0..5 {
        let t = Instant::now();
        tables = analyze_snapshot(&snapshot, &req).tables.len();
        best = best.min(t.elapsed().as_micros());
    }
    println!(
        "mode=pure tables={tables} texts={} analyze_ms={:.1}",
        snapshot.ddl.len(),
        best as f64 / 1000.0
    );
    Ok(())
}

/// shadowsync's analysis of every table, timed by phase.
fn phases(url: &str, prefix: &str, connections: usize, mode: &str) -> Result<(), Failure> {
    let introspection = Introspection::parse(mode)?;
    let start = Instant::now();
    let mut exec = MysqlExecutor::connect(url)?
        .with_max_connections(connections)
        .with_introspection(introspection);
    let connected = start.elapsed();
    let req = request(prefix)?;
    let t = Instant::now();
    let snapshot = read_snapshot(&mut exec, &req)?;
    let read = t.elapsed();
    let t = Instant::now();
    let analysis = analyze_snapshot(&snapshot, &req);
    let pure = t.elapsed();
    let t = Instant::now();
    let json = serde_json::to_vec(&analysis.tables)?;
    let serialized = t.elapsed();
    println!(
        "mode=phases introspection={mode} connections={connections} tables={} texts={} round_trips={} connect_ms={} read_ms={} analyze_ms={} json_ms={} json_bytes={} total_ms={}",
        analysis.tables.len(),
        snapshot.ddl.len(),
        exec.round_trips(),
        connected.as_millis(),
        read.as_millis(),
        pure.as_millis(),
        serialized.as_millis(),
        json.len(),
        start.elapsed().as_millis()
    );
    Ok(())
}
