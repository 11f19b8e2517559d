//! The one statement of database mode outside a shadow table: creating the
//! plan's shadow database when it did not exist at the analysis, with the
//! source database's character set and collation. The guard accepts it
//! exactly, by its own scanner, and only for that database.

use super::{fold_key, refuse, refuse_source_database, scan, Escapes, Refusal, Token};
use crate::executor::{DatabaseDefaults, ServerInfo};
use crate::plan::FrozenPlan;
use crate::render::quote_ident;

/// Whether `name` may stand unquoted as a character set or collation name
/// (they are all ASCII letters, digits and `_`).
fn plain_word(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// `CREATE DATABASE <shadows' database> CHARACTER SET … COLLATE …` for a
/// plan whose analysis found its shadow database missing; `None` for any
/// other plan (or defaults that are not plain names).
pub fn create_database_statement(plan: &FrozenPlan) -> Option<String> {
    let place = plan.shadows.as_ref()?;
    let DatabaseDefaults { charset, collation } = place.create_with.as_ref()?;
    if !plain_word(charset) || !plain_word(collation) {
        return None;
    }
    Some(format!(
        "CREATE DATABASE {} CHARACTER SET {charset} COLLATE {collation}",
        quote_ident(&place.database)
    ))
}

/// Accept `sql` as the creation of `plan`'s shadow database on the server
/// `server` (connected without a database) says it is, or say why not:
/// only a plan whose analysis found the database missing, only that
/// database and the recorded defaults, never the sources' own database.
pub fn check_create_database(
    plan: &FrozenPlan,
    server: &ServerInfo,
    identity: Option<&str>,
    sql: &str,
) -> Result<(), Refusal> {
    let Some(place) = &plan.shadows else {
        return refuse("only a plan with a shadow database may create a database");
    };
    let Some(defaults) = &place.create_with else {
        return refuse(format!(
            "the plan's shadow database `{}` existed at the analysis: it is not created",
            place.database
        ));
    };
    refuse_source_database(plan, place, server, identity)?;
    let tokens = scan(sql, Escapes::Backslash)?;
    if scan(sql, Escapes::None)? != tokens {
        return refuse("the statement reads differently under NO_BACKSLASH_ESCAPES");
    }
    let fold = server.lower_case_table_names != 0;
    let word = |t: &Token, w: &str| matches!(t, Token::Word(x) if x.eq_ignore_ascii_case(w));
    let named = |t: &Token, w: &str| matches!(t, Token::Word(x) if x == w);
    let ok = match tokens.as_slice() {
        [create, database, Token::Ident(name), character, set, cs, collate, coll] => {
            word(create, "CREATE")
                && word(database, "DATABASE")
                && fold_key(name, fold) == fold_key(&place.database, fold)
                && word(character, "CHARACTER")
                && word(set, "SET")
                && named(cs, &defaults.charset)
                && word(collate, "COLLATE")
                && named(coll, &defaults.collation)
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        refuse(format!(
            "only `CREATE DATABASE` of the plan's shadow database `{}` with the source's \
             character set and collation may run",
            place.database
        ))
    }
}
