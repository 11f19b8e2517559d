//! How [`MysqlExecutor`] reads `SHOW CREATE TABLE` texts: one statement per
//! table, or OceanBase's catalog for many at once ([`Introspection`]).

use shadowsync_core::{Error, Executor, Flavor, Result};

use super::MysqlExecutor;
use crate::catalog::{self, Unavailable};
use crate::show_create;

/// How [`MysqlExecutor`] reads `SHOW CREATE TABLE` texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Introspection {
    /// The OceanBase catalog (a few statements for many tables) for reads
    /// of at least [`AUTO_CATALOG_MIN_TABLES`] tables on OceanBase servers
    /// whose catalog this user can read; otherwise one `SHOW CREATE TABLE`
    /// per table.
    #[default]
    Auto,
    /// One `SHOW CREATE TABLE` per table, whatever the server.
    ShowCreate,
    /// The OceanBase catalog, or an error when the server has none this
    /// user can read.
    Catalog,
}

impl Introspection {
    /// Parse `auto`, `show-create` or `catalog`; anything else is
    /// [`Error::InvalidRequest`] naming the choices.
    pub fn parse(name: &str) -> Result<Introspection> {
        match name {
            "auto" => Ok(Introspection::Auto),
            "show-create" => Ok(Introspection::ShowCreate),
            "catalog" => Ok(Introspection::Catalog),
            _ => Err(Error::InvalidRequest(format!(
                "introspection must be auto, show-create or catalog, not {name:?}"
            ))),
        }
    }
}

/// Fewest tables [`Introspection::Auto`] reads from the OceanBase catalog:
/// the catalog path lists every table of the database first, which for a
/// handful of tables (a task's precheck and verify read two at a time)
/// costs more than their `SHOW CREATE TABLE`s.
pub const AUTO_CATALOG_MIN_TABLES: usize = 16;

impl MysqlExecutor {
    /// Whether to read `tables` texts from the OceanBase catalog: as
    /// configured, on OceanBase servers, until the catalog proved unreadable.
    fn catalog_wanted(&mut self, tables: usize) -> Result<bool> {
        match self.introspection {
            Introspection::ShowCreate => return Ok(false),
            Introspection::Auto if tables < AUTO_CATALOG_MIN_TABLES => return Ok(false),
            _ => {}
        }
        let flavor = match self.flavor {
            Some(flavor) => flavor,
            None => self.server_info()?.flavor,
        };
        match (self.introspection, flavor) {
            (Introspection::Catalog, Flavor::Oceanbase) => Ok(true),
            (Introspection::Catalog, other) => Err(catalog::required(Unavailable(format!(
                "{} is a {} server, not OceanBase",
                self.endpoint.url,
                other.name()
            )))),
            (_, flavor) => Ok(flavor == Flavor::Oceanbase && self.catalog_unavailable.is_none()),
        }
    }

    /// The texts of [`Executor::show_create_tables`], read as the
    /// introspection setting says.
    pub(super) fn read_texts(&mut self, names: &[String]) -> Result<Vec<Option<String>>> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        self.listed_ids = None;
        if self.catalog_wanted(names.len())? {
            match catalog::table_ids(&self.endpoint, &mut self.conns[0])? {
                Ok(ids) => {
                    let texts = catalog::show_create_tables(
                        &self.endpoint,
                        &mut self.conns,
                        self.max_connections,
                        &ids,
                        names,
                    );
                    self.listed_ids = Some(ids);
                    return texts;
                }
                Err(why) if self.introspection == Introspection::Catalog => {
                    return Err(catalog::required(why))
                }
                Err(Unavailable(why)) => {
                    tracing::info!("{why}; reading one SHOW CREATE TABLE per table instead");
                    self.catalog_unavailable = Some(why);
                }
            }
        }
        show_create::show_create_tables(
            &self.endpoint,
            &mut self.conns,
            self.max_connections,
            names,
        )
    }
}
