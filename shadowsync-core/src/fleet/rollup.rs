//! The roll-up of a fleet check: per logical table, how many shards have
//! each verdict and which shards are odd (the way a distributed
//! database's `CHECK TABLE` reports shards), and whether the shards'
//! sources themselves differ (a production rollout that reached only
//! some shards).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::check::Verdict;

/// One shard's verdict, as the fleet check gives it to the roll-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shard {
    /// Where it is: server and database, e.g. `db1:3306/order_db_00`.
    pub member: String,
    /// The physical source table.
    pub table: String,
    /// Its logical table ([`super::logical_name`]).
    pub logical: String,
    /// The shadow's verdict.
    pub verdict: Verdict,
    /// The source's shape ([`super::source_shape`]; `None`: unreadable).
    pub shape: Option<String>,
}

impl Shard {
    /// `member.table`, as odd shards are named.
    pub fn name(&self) -> String {
        format!("{}.{}", self.member, self.table)
    }
}

/// One logical table over its shards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogicalTable {
    /// The logical table's name.
    pub name: String,
    /// Shards checked.
    pub total: usize,
    /// Shards whose shadow is ready (consistent).
    pub ready: usize,
    /// Shards whose shadow drifted.
    pub drifted: usize,
    /// Shards without a shadow.
    pub missing: usize,
    /// Shards the analysis refuses.
    pub refused: usize,
    /// Shards the checking account may not read.
    pub inaccessible: usize,
    /// The shards whose verdict is not the most common one (all of them
    /// not ready when no verdict is most common), as `member.table verdict`.
    pub odd: Vec<String>,
    /// How many different source definitions the shards have (1 when the
    /// sources agree).
    pub source_variants: usize,
    /// The shards whose source is not the most common definition.
    pub odd_sources: Vec<String>,
}

/// The roll-up of `shards`, by logical table name.
pub fn roll_up(shards: &[Shard]) -> Vec<LogicalTable> {
    let mut groups: BTreeMap<&str, Vec<&Shard>> = BTreeMap::new();
    for shard in shards {
        groups.entry(&shard.logical).or_default().push(shard);
    }
    groups
        .into_iter()
        .map(|(name, shards)| logical_table(name, &shards))
        .collect()
}

fn logical_table(name: &str, shards: &[&Shard]) -> LogicalTable {
    let count = |v: Verdict| shards.iter().filter(|s| s.verdict == v).count();
    let verdicts = [
        Verdict::Ready,
        Verdict::Drifted,
        Verdict::Missing,
        Verdict::Refused,
        Verdict::Inaccessible,
    ];
    let common = most_common(verdicts.iter().map(|v| (*v, count(*v))));
    let odd = shards
        .iter()
        .filter(|s| s.verdict != common.unwrap_or(Verdict::Ready))
        .map(|s| format!("{} {}", s.name(), verdict_word(s.verdict)))
        .collect();
    let mut shapes: BTreeMap<Option<&str>, usize> = BTreeMap::new();
    for shard in shards {
        *shapes.entry(shard.shape.as_deref()).or_default() += 1;
    }
    let common_shape = most_common(shapes.iter().map(|(k, v)| (*k, *v)));
    let odd_sources = if shapes.len() > 1 {
        shards
            .iter()
            .filter(|s| Some(s.shape.as_deref()) != common_shape)
            .map(|s| s.name())
            .collect()
    } else {
        Vec::new()
    };
    LogicalTable {
        name: name.to_string(),
        total: shards.len(),
        ready: count(Verdict::Ready),
        drifted: count(Verdict::Drifted),
        missing: count(Verdict::Missing),
        refused: count(Verdict::Refused),
        inaccessible: count(Verdict::Inaccessible),
        odd,
        source_variants: shapes.len(),
        odd_sources,
    }
}

/// The key with the highest count, if exactly one has it.
fn most_common<K: Copy + PartialEq>(counts: impl Iterator<Item = (K, usize)>) -> Option<K> {
    let counts: Vec<(K, usize)> = counts.filter(|(_, n)| *n > 0).collect();
    let top = counts.iter().map(|(_, n)| *n).max()?;
    let mut at_top = counts.iter().filter(|(_, n)| *n == top);
    let first = at_top.next().map(|(k, _)| *k);
    if at_top.next().is_some() {
        None
    } else {
        first
    }
}

/// The verdict's name as the check view spells it.
pub fn verdict_word(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Ready => "ready",
        Verdict::Drifted => "drifted",
        Verdict::Missing => "missing",
        Verdict::Refused => "refused",
        Verdict::Inaccessible => "inaccessible",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shard(member: &str, table: &str, verdict: Verdict, shape: &str) -> Shard {
        Shard {
            member: member.into(),
            table: table.into(),
            logical: super::super::logical_name(table, &[]),
            verdict,
            shape: Some(shape.into()),
        }
    }

    #[test]
    fn odd_shards_and_differing_sources_are_named() {
        let shards = [
            shard("s1/db_00", "order_0000", Verdict::Ready, "A"),
            shard("s1/db_00", "order_0001", Verdict::Ready, "A"),
            shard("s1/db_01", "order_0002", Verdict::Drifted, "A"),
            shard("s2/db_02", "order_0003", Verdict::Missing, "B"),
            shard("s2/db_02", "user_00", Verdict::Ready, "U"),
        ];
        let report = roll_up(&shards);
        assert_eq!(report.len(), 2);
        let order = &report[0];
        assert_eq!(order.name, "order");
        assert_eq!(
            (order.total, order.ready, order.drifted, order.missing),
            (4, 2, 1, 1)
        );
        assert_eq!(
            order.odd,
            ["s1/db_01.order_0002 drifted", "s2/db_02.order_0003 missing"]
        );
        assert_eq!(order.source_variants, 2);
        assert_eq!(order.odd_sources, ["s2/db_02.order_0003"]);
        let user = &report[1];
        assert_eq!(
            (user.name.as_str(), user.total, user.source_variants),
            ("user", 1, 1)
        );
        assert!(user.odd.is_empty() && user.odd_sources.is_empty());
    }

    #[test]
    fn without_a_majority_every_unready_shard_is_odd() {
        let shards = [
            shard("a", "t_1", Verdict::Ready, "A"),
            shard("a", "t_2", Verdict::Drifted, "A"),
        ];
        let t = &roll_up(&shards)[0];
        assert_eq!(t.odd, ["a.t_2 drifted"]);
    }
}
