//! Requests as every front end takes them: the words and names users type,
//! parsed once here (one parser each for the flavor, the error strategy,
//! the introspection mode and the naming rule), with one set of defaults,
//! into the core's typed requests.

use std::collections::HashSet;

use shadowsync_core::analysis::pattern::check_pattern;
use shadowsync_core::analysis::{
    analyze, analyze_cached, analyze_snapshot, Analysis, AnalysisRequest, SchemaSnapshot, Selection,
};
use shadowsync_core::shadow::NamingRule;
use shadowsync_core::shadow::ShadowPolicy;
use shadowsync_core::task::{
    ErrorStrategy, ExecutionMode, FrozenPlan, PlannedAction, SkipReason, Store, SubmitRequest,
};
use shadowsync_core::{Error, Executor, Flavor, Result};
use shadowsync_mysql::Introspection;

/// The prefix shadows get when the request names no rule: `orders` →
/// `__orders` (the convention of ODC and most load-test platforms).
pub const DEFAULT_PREFIX: &str = "__";

/// `mysql`, `mariadb` or `oceanbase` (also `seekdb`, `ob`), any case.
pub fn parse_flavor(word: &str) -> Result<Flavor> {
    Flavor::from_name(word.trim()).ok_or_else(|| {
        Error::InvalidRequest(format!(
            "unknown flavor `{word}`: use mysql, mariadb or oceanbase"
        ))
    })
}

/// `abort` (stop at the first failed table) or `continue`.
pub fn parse_error_strategy(word: &str) -> Result<ErrorStrategy> {
    match word.trim().to_ascii_lowercase().as_str() {
        "abort" => Ok(ErrorStrategy::Abort),
        "continue" => Ok(ErrorStrategy::Continue),
        _ => Err(Error::InvalidRequest(format!(
            "unknown error strategy `{word}`: use abort or continue"
        ))),
    }
}

/// `auto`, `show-create` (or `show_create`) or `catalog`.
pub fn parse_introspection(word: &str) -> Result<Introspection> {
    match word.trim().to_ascii_lowercase().replace('_', "-").as_str() {
        "auto" => Ok(Introspection::Auto),
        "show-create" => Ok(Introspection::ShowCreate),
        "catalog" => Ok(Introspection::Catalog),
        _ => Err(Error::InvalidRequest(format!(
            "unknown introspection mode `{word}`: use auto, show-create or catalog"
        ))),
    }
}

/// The naming rule from a prefix or a suffix (not both); neither gives
/// the [`DEFAULT_PREFIX`].
pub fn naming_rule(prefix: Option<&str>, suffix: Option<&str>) -> Result<NamingRule> {
    match (prefix, suffix) {
        (Some(_), Some(_)) => Err(Error::InvalidRequest(
            "give a prefix or a suffix, not both".into(),
        )),
        (Some(prefix), None) => NamingRule::prefix(prefix),
        (None, Some(suffix)) => NamingRule::suffix(suffix),
        (None, None) => NamingRule::prefix(DEFAULT_PREFIX),
    }
}

/// Table names as users give them: each trimmed (`"a, b"` is `a` and
/// `b`), duplicates dropped; an empty name (as in `a,,b`) is refused,
/// naming `what` (the option or argument).
pub fn table_names<S: AsRef<str>>(names: &[S], what: &str) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for name in names {
        let name = name.as_ref().trim();
        if name.is_empty() {
            return Err(Error::InvalidRequest(format!(
                "{what} contains an empty table name"
            )));
        }
        if !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
    }
    Ok(out)
}

/// What to analyse, as the front ends take it. The defaults: every table
/// that is not a shadow, shadows prefixed `__`, foreign keys redirected to
/// the parents' shadows, nothing skipped, adopted or rebuilt.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnalyzeOptions {
    /// Shadow names are the source's after this prefix.
    pub prefix: Option<String>,
    /// Shadow names are the source's before this suffix.
    pub suffix: Option<String>,
    /// These source tables (`None`: all, or those the patterns pick).
    pub tables: Option<Vec<String>>,
    /// Without [`AnalyzeOptions::tables`]: the tables whose names match one
    /// of these patterns (`*` any characters, `?` one; none: every table).
    pub include: Vec<String>,
    /// Without [`AnalyzeOptions::tables`]: leave out the tables whose names
    /// match one of these patterns.
    pub exclude: Vec<String>,
    /// Selected tables to leave out; each must be selected.
    pub skip: Vec<String>,
    /// Sources whose unmarked existing shadow is adopted.
    pub adopt: Vec<String>,
    /// How shadows differ from their sources.
    pub policy: ShadowPolicy,
    /// Tables of [`AnalyzeOptions::tables`] that do not exist are left out
    /// of the analysis with a warning, instead of failing it.
    pub allow_missing: bool,
}

impl AnalyzeOptions {
    /// The core's request, every name checked.
    pub fn request(&self) -> Result<AnalysisRequest> {
        self.request_in(false)
    }

    /// The core's request for an executor whose shadows live beside their
    /// sources, or (`mapped`, database mode: [`super::mapping`]) in another
    /// database, where with neither prefix nor suffix they keep their
    /// sources' names ([`NamingRule::same`]).
    pub fn request_in(&self, mapped: bool) -> Result<AnalysisRequest> {
        let rule = match (&self.prefix, &self.suffix) {
            (None, None) if mapped => NamingRule::same(),
            _ => naming_rule(self.prefix.as_deref(), self.suffix.as_deref())?,
        };
        let patterns = |list: &[String], what: &str| -> Result<Vec<String>> {
            list.iter()
                .map(|p| {
                    check_pattern(p).map_err(|e| Error::InvalidRequest(format!("{what}: {e}")))?;
                    Ok(p.trim().to_string())
                })
                .collect()
        };
        let (include, exclude) = (
            patterns(&self.include, "include")?,
            patterns(&self.exclude, "exclude")?,
        );
        if self.tables.is_some() && !(include.is_empty() && exclude.is_empty()) {
            return Err(Error::InvalidRequest(
                "give tables or include/exclude patterns, not both".into(),
            ));
        }
        let selection = match &self.tables {
            None if include.is_empty() && exclude.is_empty() => Selection::All,
            None => Selection::Matching { include, exclude },
            Some(tables) => {
                let tables = table_names(tables, "tables")?;
                if tables.is_empty() {
                    return Err(Error::InvalidRequest("tables names no table".into()));
                }
                Selection::Tables(tables)
            }
        };
        Ok(AnalysisRequest {
            rule,
            selection,
            skip: table_names(&self.skip, "skip")?,
            adopt: table_names(&self.adopt, "adopt")?,
            policy: self.policy.clone(),
        })
    }

    /// Analyse `exec`'s database (read-only) as these options ask.
    pub fn analyze(&self, exec: &mut dyn Executor) -> Result<Analysis> {
        self.analyze_with(exec, None)
    }

    /// [`AnalyzeOptions::analyze`], reading the tables through the snapshot
    /// cache in `cache` when given (see
    /// [`shadowsync_core::analysis::cache`]): the same analysis, with only
    /// the tables the server says changed read again.
    pub fn analyze_with(
        &self,
        exec: &mut dyn Executor,
        cache: Option<&dyn Store>,
    ) -> Result<Analysis> {
        let request = self.request_in(exec.source_side().is_some())?;
        let analysis = read(exec, &request, cache)?;
        self.settle(analysis, &request)
    }

    /// [`AnalyzeOptions::analyze`] with the selected tables that do not
    /// exist kept as rows (`SkipReason::NoSuchTable`): the readiness check
    /// probes them, since a table the account may not see is listed as
    /// absent too.
    pub(crate) fn analyze_keeping_missing(
        &self,
        exec: &mut dyn Executor,
        cache: Option<&dyn Store>,
    ) -> Result<Analysis> {
        let request = self.request_in(exec.source_side().is_some())?;
        let analysis = read(exec, &request, cache)?;
        check_skips(&analysis, &request.skip)?;
        Ok(analysis)
    }

    /// Analyse schema facts a host supplies (no server) as these options
    /// ask, every name checked as by [`AnalyzeOptions::analyze`].
    pub fn analyze_snapshot(&self, snapshot: &SchemaSnapshot) -> Result<Analysis> {
        let request = self.request()?;
        let analysis = analyze_snapshot(snapshot, &request);
        self.settle(analysis, &request)
    }

    /// `analysis` with the skips checked and the missing tables refused
    /// (or, with [`AnalyzeOptions::allow_missing`], left out with a warning).
    fn settle(&self, mut analysis: Analysis, request: &AnalysisRequest) -> Result<Analysis> {
        check_skips(&analysis, &request.skip)?;
        let missing = missing_tables(&analysis);
        if missing.is_empty() {
            return Ok(analysis);
        }
        let names = missing.join(", ");
        if !self.allow_missing {
            return Err(Error::InvalidRequest(format!(
                "tables names tables that do not exist in `{}`: {names} \
                 (allow_missing leaves them out)",
                analysis.database
            )));
        }
        tracing::warn!(
            "left out, not in `{}`: {names} (tables that do not exist)",
            analysis.database
        );
        analysis
            .tables
            .retain(|t| t.reason != Some(SkipReason::NoSuchTable));
        Ok(analysis)
    }
}

/// The live analysis of `request`, through `cache` when given; what the
/// cache did goes to the log.
fn read(
    exec: &mut dyn Executor,
    request: &AnalysisRequest,
    cache: Option<&dyn Store>,
) -> Result<Analysis> {
    let Some(store) = cache else {
        return analyze(exec, request);
    };
    let (analysis, report) = analyze_cached(exec, request, store)?;
    match &report.unused {
        Some(why) => tracing::info!("snapshot cache not used: {why}"),
        None => tracing::info!(
            "snapshot cache: {} tables from the cache, {} read ({} stored)",
            report.reused,
            report.read,
            report.stored
        ),
    }
    Ok(analysis)
}

/// The selected tables that do not exist, in selection order.
pub fn missing_tables(analysis: &Analysis) -> Vec<String> {
    analysis
        .tables
        .iter()
        .filter(|t| t.reason == Some(SkipReason::NoSuchTable))
        .map(|t| t.source.clone())
        .collect()
}

/// Every skipped name must be one of the analysed tables, compared the way
/// the server compares table names.
pub fn check_skips(analysis: &Analysis, skips: &[String]) -> Result<()> {
    let fold = analysis.snapshot.server.lower_case_table_names != 0;
    let key = |name: &str| {
        if fold {
            name.to_lowercase()
        } else {
            name.to_string()
        }
    };
    // A set: thousands of skips against thousands of tables stay linear.
    let selected: HashSet<String> = analysis.tables.iter().map(|t| key(&t.source)).collect();
    let unknown: Vec<&str> = skips
        .iter()
        .filter(|s| !selected.contains(&key(s)))
        .map(String::as_str)
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(Error::InvalidRequest(format!(
            "skip names tables that are not selected: {}",
            unknown.join(", ")
        )))
    }
}

/// How a plan is submitted. The defaults: run as soon as approved, stop at
/// the first failed table, no remarks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmitOptions {
    /// Who submits (required, not blank).
    pub creator: String,
    /// Free text kept with the task.
    pub remarks: String,
    /// What a failed table does to the rest.
    pub on_error: ErrorStrategy,
    /// When it runs once approved.
    pub mode: ExecutionMode,
    /// How many statements it may run at once (1 to
    /// [`MAX_PARALLEL`](shadowsync_core::task::MAX_PARALLEL)); see
    /// [`TaskSpec::parallel`](shadowsync_core::task::TaskSpec::parallel).
    pub parallel: u32,
}

impl SubmitOptions {
    /// The defaults, submitted by `creator`.
    pub fn by(creator: impl Into<String>) -> SubmitOptions {
        SubmitOptions {
            creator: creator.into(),
            remarks: String::new(),
            on_error: ErrorStrategy::Abort,
            mode: ExecutionMode::Immediate,
            parallel: 1,
        }
    }

    /// Whether these options can submit anything (a creator that is not
    /// blank), for callers that check before the work that leads to a
    /// submission.
    pub fn check(&self) -> Result<()> {
        if self.creator.trim().is_empty() {
            return Err(Error::InvalidRequest("the creator is blank".into()));
        }
        Ok(())
    }

    /// The core's request to freeze `plan`.
    pub fn request(&self, plan: FrozenPlan) -> Result<SubmitRequest> {
        self.check()?;
        let mut request = SubmitRequest::new(plan, self.creator.clone());
        request.remarks = self.remarks.clone();
        request.on_error = self.on_error;
        request.mode = self.mode;
        request.parallel = self.parallel;
        Ok(request)
    }
}

/// The analysis request that made `plan` again, for "initiate again": the
/// same tables, naming rule, shadow policy and user skips, so a fresh
/// analysis of today's schema plans the same selection. Nothing is adopted:
/// the shadows the old task created or adopted carry the marker now.
pub fn again_request(plan: &FrozenPlan) -> Result<AnalysisRequest> {
    let tables: Vec<String> = plan.tables.iter().map(|t| t.source.clone()).collect();
    if tables.is_empty() {
        return Err(Error::InvalidRequest(
            "the old plan selects no table".into(),
        ));
    }
    let user_skipped = |t: &&shadowsync_core::task::PlannedTable| {
        t.action == PlannedAction::Skip && t.typed_reason() == Some(SkipReason::User)
    };
    Ok(AnalysisRequest {
        rule: NamingRule::parse(&plan.naming_rule)?,
        selection: Selection::Tables(tables),
        skip: plan
            .tables
            .iter()
            .filter(user_skipped)
            .map(|t| t.source.clone())
            .collect(),
        adopt: Vec::new(),
        policy: plan.policy.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_parse_once_for_every_front_end() {
        assert_eq!(parse_flavor(" SeekDB ").unwrap(), Flavor::Oceanbase);
        assert_eq!(
            parse_error_strategy("Continue").unwrap(),
            ErrorStrategy::Continue
        );
        assert_eq!(
            parse_introspection("show_create").unwrap(),
            Introspection::ShowCreate
        );
        for bad in [
            parse_flavor("postgres").unwrap_err(),
            parse_error_strategy("retry").unwrap_err(),
            parse_introspection("guess").unwrap_err(),
        ] {
            assert!(matches!(bad, Error::InvalidRequest(_)), "{bad:?}");
        }
        assert!(parse_flavor("postgres")
            .unwrap_err()
            .to_string()
            .contains("`postgres`"));
    }

    #[test]
    fn the_naming_rule_defaults_to_the_double_underscore_prefix() {
        assert_eq!(naming_rule(None, None).unwrap().to_string(), "prefix:__");
        assert_eq!(
            naming_rule(None, Some("_shadow")).unwrap().to_string(),
            "suffix:_shadow"
        );
        assert!(naming_rule(Some("a"), Some("b")).is_err());
        assert!(naming_rule(Some(""), None).is_err());
    }

    #[test]
    fn names_are_trimmed_deduplicated_and_never_empty() {
        assert_eq!(
            table_names(&["a", " b", "a "], "tables").unwrap(),
            ["a", "b"]
        );
        let err = table_names(&["a", " "], "--skip").unwrap_err();
        assert_eq!(
            err,
            Error::InvalidRequest("--skip contains an empty table name".into())
        );
        let empty = AnalyzeOptions {
            tables: Some(vec![]),
            ..AnalyzeOptions::default()
        };
        assert!(empty.request().is_err());
        assert_eq!(
            AnalyzeOptions::default().request().unwrap().selection,
            Selection::All
        );
    }

    #[test]
    fn a_snapshot_is_analysed_with_the_defaults_and_skips_checked() {
        use shadowsync_core::{Relation, RelationKind, ServerInfo};
        let snapshot = SchemaSnapshot {
            server: ServerInfo {
                flavor: Flavor::Mysql,
                version: "8.0.36".into(),
                database: "shop".into(),
                lower_case_table_names: 0,
                max_identifier_length: 64,
            },
            relations: vec![Relation {
                name: "t".into(),
                kind: RelationKind::Table,
            }],
            ddl: [(
                "t".to_string(),
                "CREATE TABLE `t` (`id` int NOT NULL, PRIMARY KEY (`id`))".to_string(),
            )]
            .into(),
            facts: Default::default(),
            shadows: None,
        };
        let analysis = AnalyzeOptions::default()
            .analyze_snapshot(&snapshot)
            .unwrap();
        assert_eq!(analysis.tables.len(), 1);
        assert_eq!(analysis.tables[0].shadow, "__t");
        let skip_unknown = AnalyzeOptions {
            skip: vec!["nope".into()],
            ..AnalyzeOptions::default()
        };
        let err = skip_unknown.analyze_snapshot(&snapshot).unwrap_err();
        assert_eq!(
            err,
            Error::InvalidRequest("skip names tables that are not selected: nope".into())
        );
        let missing = AnalyzeOptions {
            tables: Some(vec!["t".into(), " gone".into(), "lost".into()]),
            ..AnalyzeOptions::default()
        };
        let err = missing.analyze_snapshot(&snapshot).unwrap_err();
        assert_eq!(
            err,
            Error::InvalidRequest(
                "tables names tables that do not exist in `shop`: gone, lost \
                 (allow_missing leaves them out)"
                    .into()
            )
        );
        let allowed = AnalyzeOptions {
            allow_missing: true,
            ..missing
        };
        let analysis = allowed.analyze_snapshot(&snapshot).unwrap();
        let sources: Vec<&str> = analysis.tables.iter().map(|t| t.source.as_str()).collect();
        assert_eq!(sources, ["t"], "the missing tables are left out");
    }

    #[test]
    fn a_blank_creator_is_refused() {
        let plan = FrozenPlan {
            connection: "mysql://u@h/db".into(),
            database: "db".into(),
            naming_rule: "prefix:__".into(),
            policy: ShadowPolicy::default(),
            tables: vec![],
            read_only_parents: vec![],
            shadows: None,
        };
        assert!(SubmitOptions::by("  ").request(plan.clone()).is_err());
        let request = SubmitOptions::by("alice").request(plan).unwrap();
        assert_eq!(request.on_error, ErrorStrategy::Abort);
        assert_eq!(request.mode, ExecutionMode::Immediate);
    }
}
