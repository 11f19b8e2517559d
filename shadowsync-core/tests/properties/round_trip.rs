//! Properties (a)–(c): render → parse round trips and diffs that must be
//! empty; normalization idempotent and faithful; an added column seen.

use proptest::prelude::*;
use shadowsync_core::diff::diff_tables;
use shadowsync_core::normalize::{normalize, NormalizeContext};
use shadowsync_core::render::create_table;
use shadowsync_core::statement::AlterClause;

use crate::tables::{first_difference, reparse, table};
use crate::{config, opts, Mode, FLAVORS};

proptest! {
    #![proptest_config(config(256))]

    /// (a) render → parse gives the same model, and rendering it again the same bytes.
    #[test]
    fn prop_a_render_parse_round_trip(t in table(Mode::Strict)) {
        let (text, again) = reparse(&t)?;
        prop_assert!(again == t, "model changed by render → parse: {}\n{}", first_difference(&t, &again), text);
        prop_assert_eq!(create_table(&again), text, "render is not stable");
    }

    /// (b) a table never differs from itself, on every flavor.
    #[test]
    fn prop_b_diff_with_itself_is_empty(t in table(Mode::Loose)) {
        for flavor in FLAVORS {
            let stmts = diff_tables(&t, &t, &opts(flavor));
            prop_assert!(
                stmts.as_ref().is_ok_and(|s| s.is_empty()),
                "{flavor:?}: diff(t, t) = {stmts:?}\n{}", create_table(&t)
            );
        }
    }

    /// (c) what render writes means the model it came from, in both directions,
    /// also for models the parser would not produce exactly.
    #[test]
    fn prop_c_diff_with_reparsed_is_empty(t in table(Mode::Loose)) {
        let (text, again) = reparse(&t)?;
        for flavor in FLAVORS {
            for (from, to, dir) in [(&t, &again, "t → reparsed"), (&again, &t, "reparsed → t")] {
                let stmts = diff_tables(from, to, &opts(flavor));
                prop_assert!(
                    stmts.as_ref().is_ok_and(|s| s.is_empty()),
                    "{flavor:?} {dir}: {stmts:?}\n{text}"
                );
            }
        }
    }

}

proptest! {
    #![proptest_config(config(128))]

    /// Normalizing twice changes nothing more than normalizing once.
    #[test]
    fn prop_normalize_is_idempotent(t in table(Mode::Loose)) {
        for flavor in FLAVORS {
            let ctx = NormalizeContext { flavor, schema: None };
            let once = normalize(&t, &ctx);
            let twice = normalize(&once, &ctx);
            prop_assert!(twice == once, "{flavor:?}: {}\n{}", first_difference(&once, &twice), create_table(&t));
        }
    }

    /// The normalized form is DDL that means the same table.
    #[test]
    fn prop_normalized_form_is_equivalent(t in table(Mode::Loose)) {
        for flavor in FLAVORS {
            let ctx = NormalizeContext { flavor, schema: None };
            let (text, again) = reparse(&normalize(&t, &ctx))?;
            let stmts = diff_tables(&t, &again, &opts(flavor));
            prop_assert!(
                stmts.as_ref().is_ok_and(|s| s.is_empty()),
                "{flavor:?}: {stmts:?}\noriginal:\n{}\nnormalized:\n{text}", create_table(&t)
            );
        }
    }

    /// A change the diff must see: one column more on the target side.
    #[test]
    fn prop_diff_sees_an_added_column(t in table(Mode::Strict)) {
        let mut to = t.clone();
        let mut extra = t.columns[0].clone();
        extra.name = format!("{}_added", t.columns.iter().map(|c| c.name.as_str()).collect::<String>());
        extra.inline_primary_key = false;
        extra.inline_unique = false;
        extra.auto_increment = false;
        let added = AlterClause::AddColumn {
            column: extra.name.clone(),
            at_end: true,
        };
        to.columns.push(extra);
        for flavor in FLAVORS {
            let stmts = diff_tables(&t, &to, &opts(flavor));
            // Tagged as the column's add, and written as one.
            prop_assert!(
                stmts.as_ref().is_ok_and(|s| s.iter().any(|s| {
                    s.kind.clauses().contains(&added) && s.sql.contains("ADD COLUMN")
                })),
                "{flavor:?}: {stmts:?}"
            );
        }
    }
}
