//! `shadowsync diff`: the statements that turn one set of tables into another.

use std::io::{self, Write};
use std::path::PathBuf;

use shadowsync_core::diff::{diff_schemas, DiffOptions};
use shadowsync_core::Flavor;

use crate::failure::Failure;
use crate::input::read_tables;

/// Options of `shadowsync diff`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// DDL file of the tables as they are (e.g. the shadow tables).
    #[arg(long, value_name = "SHADOW.sql")]
    from: PathBuf,
    /// DDL file of the tables as they should be (e.g. the source tables).
    #[arg(long, value_name = "SOURCE.sql")]
    to: PathBuf,
    /// Server family the statements are for: mysql, mariadb or oceanbase.
    #[arg(long, default_value = "mysql", value_parser = parse_flavor)]
    flavor: Flavor,
    /// Print the statements even when they drop every table of --from (by
    /// default that is refused: an empty or truncated --to file looks so).
    #[arg(long)]
    allow_drop_all: bool,
}

fn parse_flavor(name: &str) -> Result<Flavor, String> {
    Flavor::from_name(name)
        .ok_or_else(|| format!("unknown flavor `{name}`: expected mysql, mariadb or oceanbase"))
}

/// Prints each statement followed by `;` on its own line; nothing when the
/// tables are equivalent.
pub fn run(args: &Args) -> Result<(), Failure> {
    let from = read_tables(&args.from)?;
    let to = read_tables(&args.to)?;
    let kept = |name: &str| to.iter().any(|t| t.name.eq_ignore_ascii_case(name));
    if !args.allow_drop_all && !from.is_empty() && !from.iter().any(|t| kept(&t.name)) {
        return Err(Failure::BadInput(format!(
            "every one of the {} tables of {} would be dropped: {} has none of them \
             (empty or truncated?); pass --allow-drop-all if that is meant",
            from.len(),
            args.from.display(),
            args.to.display()
        )));
    }
    let options = DiffOptions {
        flavor: args.flavor,
        drop_tables: true,
        ..DiffOptions::default()
    };
    let statements = diff_schemas(&from, &to, &options)?;
    let mut out = io::stdout().lock();
    statements
        .iter()
        .try_for_each(|statement| writeln!(out, "{statement};"))
        .and_then(|()| out.flush())
        .map_err(Failure::Output)
}
