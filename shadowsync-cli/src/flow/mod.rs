//! `shadowsync flow`: the approval flows of the task store — set them from
//! a file (or the profile's `flows`), list them, show one. A task gets the
//! first flow whose rules match its connection and database, else the
//! built-in automatic one, and keeps a copy: setting flows changes only
//! the tasks submitted afterwards.

use std::fs;
use std::io::{self, Read, Write};

use clap::Subcommand;
use shadowsync::host::flows::read_flow_tables;
use shadowsync::host::view::{FlowListView, FlowView};
use shadowsync::host::{read_flows, to_json, FlowSyntax};
use shadowsync_core::task::{ApprovalFlow, Approvers, AutoApprove};

use crate::config::{Flows, Settings, SettingsArgs};
use crate::context::StoreArg;
use crate::failure::Failure;
use crate::render::write_failed;
use crate::runner::Center;

/// Options of `shadowsync flow`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: StoreArg,
    #[command(flatten)]
    settings: SettingsArgs,
    #[command(subcommand)]
    command: FlowCommand,
}

#[derive(Debug, Subcommand)]
enum FlowCommand {
    /// Replace the store's flows by those of FILE (or of the profile's `flows`), all checked first.
    Set(SetArgs),
    /// List the store's flows, highest priority first.
    List(FormatArg),
    /// Show one flow.
    Show(ShowArgs),
}

#[derive(Debug, clap::Args)]
struct SetArgs {
    /// Flow file: TOML (`[[flow]]` tables) or JSON (an array of flows) by
    /// its extension; `-` reads stdin (JSON if it parses as JSON)
    /// [default: the profile's `flows`].
    #[arg(value_name = "FILE")]
    file: Option<String>,
    #[command(flatten)]
    format: FormatArg,
}

#[derive(Debug, clap::Args)]
struct ShowArgs {
    /// The flow's name.
    name: String,
    #[command(flatten)]
    format: FormatArg,
}

#[derive(Debug, clap::Args)]
struct FormatArg {
    /// Output format (`json`: the flow list view, or the flow view).
    #[arg(long, value_enum, default_value_t = Output::Text)]
    format: Output,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Output {
    /// Lines for people.
    Text,
    /// One JSON document, for programs.
    Json,
}

/// Runs one `flow` subcommand.
pub fn run(args: &Args) -> Result<(), Failure> {
    let settings = args.settings.load()?;
    let (center, store) = args.store.open(settings.profile.as_ref())?;
    let mut out = io::stdout().lock();
    match &args.command {
        FlowCommand::Set(a) => {
            let flows = flows_to_set(a.file.as_deref(), &settings)?;
            center.set_flows(&flows)?;
            match a.format.format {
                Output::Json => print_json(&mut out, &FlowListView::of(&flows)),
                Output::Text => {
                    let names: Vec<&str> = flows.iter().map(|f| f.name.as_str()).collect();
                    writeln!(
                        out,
                        "{} flows set in {store}{}",
                        flows.len(),
                        if names.is_empty() {
                            ": tasks get the built-in automatic flow".to_string()
                        } else {
                            format!(" (by priority): {}", names.join(", "))
                        }
                    )
                    .map_err(write_failed)
                }
            }
        }
        FlowCommand::List(a) => {
            let flows = center.flows()?;
            match a.format {
                Output::Json => print_json(&mut out, &FlowListView::of(&flows)),
                Output::Text if flows.is_empty() => writeln!(
                    out,
                    "No flows in {store}: every task gets the built-in automatic flow."
                )
                .map_err(write_failed),
                Output::Text => flows
                    .iter()
                    .enumerate()
                    .try_for_each(|(i, flow)| write_flow(&mut out, flow, i + 1))
                    .map_err(write_failed),
            }
        }
        FlowCommand::Show(a) => show(&center, a, &mut out),
    }
}

fn show(center: &Center, args: &ShowArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let flows = center.flows()?;
    let Some((index, flow)) = flows.iter().enumerate().find(|(_, f)| f.name == args.name) else {
        let names: Vec<&str> = flows.iter().map(|f| f.name.as_str()).collect();
        return Err(Failure::BadInput(format!(
            "there is no flow `{}` (flows: {})",
            args.name,
            if names.is_empty() {
                "none".into()
            } else {
                names.join(", ")
            }
        )));
    };
    match args.format.format {
        Output::Json => print_json(out, &FlowView::of(flow, index + 1)),
        Output::Text => write_flow(out, flow, index + 1).map_err(write_failed),
    }
}

/// The flows of `file`, else of the profile.
fn flows_to_set(file: Option<&str>, settings: &Settings) -> Result<Vec<ApprovalFlow>, Failure> {
    let read = |path: &str| -> Result<Vec<ApprovalFlow>, Failure> {
        let text = if path == "-" {
            let mut text = String::new();
            io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Failure::BadInput(format!("cannot read the flows from stdin: {e}")))?;
            text
        } else {
            fs::read_to_string(path)
                .map_err(|e| Failure::BadInput(format!("cannot read {path}: {e}")))?
        };
        read_flows(&text, FlowSyntax::of(path, &text))
            .map_err(|e| Failure::BadInput(format!("{path}: {}", bare(e))))
    };
    if let Some(path) = file {
        return read(path);
    }
    let profile = settings.profile.as_ref();
    match profile.and_then(|p| p.flows.as_ref().map(|f| (p, f))) {
        Some((_, Flows::File(path))) => read(&path.to_string_lossy()),
        Some((p, Flows::Inline(items))) => read_flow_tables(items).map_err(|e| {
            Failure::BadInput(format!(
                "{}: profile `{}`: flows: {}",
                p.file.display(),
                p.name,
                bare(e)
            ))
        }),
        None => Err(Failure::BadInput(
            "give a flow FILE (or `-` for stdin), or use a config profile with `flows`".into(),
        )),
    }
}

/// The message of a flow document error, without the kind's prefix.
fn bare(err: shadowsync_core::Error) -> String {
    match err {
        shadowsync_core::Error::InvalidRequest(message) => message,
        other => other.to_string(),
    }
}

fn print_json<T: serde::Serialize>(out: &mut dyn Write, view: &T) -> Result<(), Failure> {
    out.write_all(to_json(view)?.as_bytes())
        .map_err(write_failed)
}

/// `flow` as a few lines of text.
fn write_flow(out: &mut dyn Write, flow: &ApprovalFlow, priority: usize) -> io::Result<()> {
    writeln!(out, "{priority}. {}", flow.name)?;
    let rules: Vec<String> = flow
        .rules
        .iter()
        .map(|r| format!("{} / {}", r.connection, r.database))
        .collect();
    writeln!(out, "   applies to: {}", rules.join("; "))?;
    for (i, node) in flow.nodes.iter().enumerate() {
        let who = match &node.approvers {
            Approvers::Auto => "automatic".to_string(),
            Approvers::Role(role) => format!("role {role}"),
            Approvers::Users(users) => format!("users {}", users.join(", ")),
        };
        writeln!(out, "   node {}: {} ({who})", i + 1, node.name)?;
    }
    writeln!(
        out,
        "   approval expires after {} s, execution after {} s; self-approval {}; --as {}",
        flow.approval_expiry_ms / 1000,
        flow.execution_expiry_ms / 1000,
        if flow.forbid_self_approval {
            "refused"
        } else {
            "allowed"
        },
        if flow.allow_delegated_identity {
            "allowed"
        } else {
            "refused"
        }
    )?;
    if flow.auto_approve != AutoApprove::Never {
        writeln!(
            out,
            "   auto-approve: {} plans pass every node by themselves",
            flow.auto_approve.as_str()
        )?;
    }
    Ok(())
}
