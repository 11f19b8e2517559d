//! `shadowsync diff`: the statements that turn one set of tables into
//! another; exit status 1 when there are any (like `diff(1)`).

use std::io::{self, Write};
use std::path::PathBuf;

use shadowsync::host::to_json;
use shadowsync::host::view::DiffView;
use shadowsync_core::diff::{diff_schemas, DiffOptions};
use shadowsync_core::Flavor;

use crate::failure::{Failure, Outcome};
use crate::input::read_tables;
use crate::plan::Format;

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
    /// Output format: the statements (`text`), or the diff view (`json`:
    /// `schema_version`, `kind`, each statement with its table and kind).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

fn parse_flavor(name: &str) -> Result<Flavor, String> {
    Flavor::from_name(name)
        .ok_or_else(|| format!("unknown flavor `{name}`: expected mysql, mariadb or oceanbase"))
}

/// Prints each statement followed by `;` on its own line; nothing when the
/// tables are equivalent ([`Outcome::Done`]; statements are
/// [`Outcome::Changes`]).
pub fn run(args: &Args) -> Result<Outcome, Failure> {
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
    match args.format {
        Format::Text => statements
            .iter()
            .try_for_each(|statement| writeln!(out, "{statement};")),
        Format::Json => {
            let text = to_json(&DiffView::of(args.flavor, &statements))?;
            out.write_all(text.as_bytes())
        }
    }
    .and_then(|()| out.flush())
    .map_err(Failure::Output)?;
    Ok(if statements.is_empty() {
        Outcome::Done
    } else {
        Outcome::Changes
    })
}
