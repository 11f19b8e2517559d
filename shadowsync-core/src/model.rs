//! The typed table model: everything `SHOW CREATE TABLE` can say about a table.
//!
//! The model keeps what the server printed, in the order it printed it, so that
//! rendering a parsed table reproduces the input (the parser checks this and
//! refuses tables it cannot reproduce). Equivalence rules are *not* applied
//! here; they live in [`crate::normalize`] and only shape comparisons.

use serde::{Deserialize, Serialize};

use crate::expr::SqlExpr;

/// A table as declared by `CREATE TABLE`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// Table name, unquoted.
    pub name: String,
    /// Columns in declaration order.
    pub columns: Vec<Column>,
    /// Primary key, unique, plain, fulltext and spatial indexes, in declaration order.
    pub indexes: Vec<Index>,
    /// Foreign keys in declaration order.
    pub foreign_keys: Vec<ForeignKey>,
    /// CHECK constraints (table level and column level), in declaration order.
    pub checks: Vec<Check>,
    /// Table options in the order they were written.
    pub options: Vec<TableOption>,
    /// `PARTITION BY …`, if any.
    pub partitioning: Option<Partitioning>,
}

impl Table {
    /// The column called `name` (case-insensitive, as MySQL compares column names).
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// The primary key, if the table has one.
    pub fn primary_key(&self) -> Option<&Index> {
        self.indexes.iter().find(|i| i.kind == IndexKind::Primary)
    }

    /// The value of table option `key` (canonical upper-case key, e.g. `ENGINE`).
    pub fn option(&self, key: &str) -> Option<&TableOption> {
        self.options.iter().find(|o| o.key == key)
    }
}

/// One column definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// Column name, unquoted.
    pub name: String,
    /// Data type with its attributes.
    pub data_type: DataType,
    /// `CHARACTER SET …` written on the column.
    pub charset: Option<String>,
    /// `COLLATE …` written on the column.
    pub collation: Option<String>,
    /// `NULL` / `NOT NULL` as written; `None` when neither was written.
    pub nullable: Option<bool>,
    /// `DEFAULT …`.
    pub default: Option<ColumnDefault>,
    /// `ON UPDATE …` (a current-timestamp expression).
    pub on_update: Option<SqlExpr>,
    /// `AUTO_INCREMENT`.
    pub auto_increment: bool,
    /// `COMMENT '…'`.
    pub comment: Option<String>,
    /// `GENERATED ALWAYS AS (…) VIRTUAL|STORED`.
    pub generated: Option<Generated>,
    /// `INVISIBLE` (MySQL 8, MariaDB).
    pub invisible: bool,
    /// `SRID n` on spatial columns (MySQL 8).
    pub srid: Option<u32>,
    /// Inline `PRIMARY KEY` written on the column (user DDL only; servers print a key).
    pub inline_primary_key: bool,
    /// Inline `UNIQUE [KEY]` written on the column (user DDL only).
    pub inline_unique: bool,
}

/// A column data type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataType {
    /// Base type name, lower case, as written (`int`, `varchar`, `double precision`, …).
    pub name: String,
    /// First parenthesised argument: length, display width or precision.
    pub length: Option<u64>,
    /// Second parenthesised argument: scale.
    pub scale: Option<u64>,
    /// Members of `ENUM`/`SET`, unquoted.
    pub values: Vec<String>,
    /// `UNSIGNED`.
    pub unsigned: bool,
    /// `ZEROFILL`.
    pub zerofill: bool,
    /// `BINARY` attribute on a character type (`varchar(10) BINARY`).
    pub binary_attr: bool,
}

impl DataType {
    /// A type with just a name.
    pub fn named(name: &str) -> Self {
        DataType {
            name: name.to_ascii_lowercase(),
            length: None,
            scale: None,
            values: Vec::new(),
            unsigned: false,
            zerofill: false,
            binary_attr: false,
        }
    }
}

/// A column default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ColumnDefault {
    /// `DEFAULT NULL`.
    Null,
    /// A string literal, unescaped (`DEFAULT 'abc'`).
    String(String),
    /// A numeric literal as written, sign included (`DEFAULT -1.50`).
    Number(String),
    /// `TRUE` / `FALSE`.
    Bool(bool),
    /// A bit or hex literal as written (`b'101'`, `0x1F`, `x'1F'`).
    Bits(String),
    /// Any other expression: `CURRENT_TIMESTAMP(6)`, `(json_array())`, `DATE '2024-01-01'`, …
    Expr(SqlExpr),
}

/// Generated column definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generated {
    /// The generation expression, without its outer parentheses.
    pub expr: SqlExpr,
    /// `STORED` (`PERSISTENT` in MariaDB) rather than `VIRTUAL`.
    pub stored: bool,
    /// Whether `GENERATED ALWAYS` was written before `AS`.
    pub always_keyword: bool,
    /// Whether the storage keyword was written (`VIRTUAL` is the default).
    pub storage_written: bool,
}

/// Kind of an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum IndexKind {
    /// `PRIMARY KEY`.
    Primary,
    /// `UNIQUE KEY`.
    Unique,
    /// `KEY` / `INDEX`.
    Plain,
    /// `FULLTEXT KEY`.
    Fulltext,
    /// `SPATIAL KEY`.
    Spatial,
}

/// An index or key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    /// Index name; `None` for the primary key or an unnamed user index.
    pub name: Option<String>,
    /// What kind of index.
    pub kind: IndexKind,
    /// Key parts in order.
    pub parts: Vec<IndexPart>,
    /// `USING BTREE|HASH|RTREE`.
    pub using: Option<String>,
    /// Whether `USING` was written before the column list (`KEY k USING BTREE (a)`).
    pub using_before_parts: bool,
    /// `COMMENT '…'`.
    pub comment: Option<String>,
    /// `INVISIBLE` (MySQL) / `IGNORED` (MariaDB): `false` means the index is not used by the optimizer.
    pub visible: bool,
    /// How invisibility was spelled (`INVISIBLE` or `IGNORED`), when written.
    pub visibility_keyword: Option<String>,
    /// `WITH PARSER name` on fulltext indexes.
    pub parser: Option<String>,
    /// `KEY_BLOCK_SIZE n`.
    pub key_block_size: Option<u64>,
    /// Vendor index options kept as data, in order (OceanBase `BLOCK_SIZE 16384`, `LOCAL`, `GLOBAL`, …).
    pub vendor_options: Vec<String>,
    /// Name of the constraint when written as `CONSTRAINT name PRIMARY KEY|UNIQUE`.
    pub constraint_name: Option<String>,
}

/// One part of an index key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexPart {
    /// A column or a functional expression.
    pub target: IndexTarget,
    /// Prefix length (`name(10)`).
    pub prefix: Option<u64>,
    /// `DESC`.
    pub descending: bool,
    /// Whether `ASC` was written explicitly.
    pub asc_written: bool,
}

/// What an index part indexes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum IndexTarget {
    /// A column by name.
    Column(String),
    /// A functional key part (`((lower(name)))`).
    Expr(SqlExpr),
}

/// Referential action of a foreign key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FkAction {
    /// `RESTRICT`
    Restrict,
    /// `CASCADE`
    Cascade,
    /// `SET NULL`
    SetNull,
    /// `SET DEFAULT`
    SetDefault,
    /// `NO ACTION`
    NoAction,
}

impl FkAction {
    /// SQL spelling.
    pub fn sql(self) -> &'static str {
        match self {
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
            FkAction::NoAction => "NO ACTION",
        }
    }
}

/// A foreign key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    /// `CONSTRAINT name`; `None` when unnamed.
    pub name: Option<String>,
    /// Index name written after `FOREIGN KEY` (`FOREIGN KEY idx (a)`).
    pub index_name: Option<String>,
    /// Referencing columns.
    pub columns: Vec<String>,
    /// Referenced schema, when qualified.
    pub ref_schema: Option<String>,
    /// Referenced table.
    pub ref_table: String,
    /// Referenced columns.
    pub ref_columns: Vec<String>,
    /// `ON DELETE …` as written.
    pub on_delete: Option<FkAction>,
    /// `ON UPDATE …` as written.
    pub on_update: Option<FkAction>,
    /// Whether `ON UPDATE` was written before `ON DELETE` (OceanBase prints it so).
    pub update_first: bool,
}

impl ForeignKey {
    /// Drops the schema of a reference into `own` (the table's own
    /// database): OceanBase prints every reference schema-qualified, MySQL
    /// and MariaDB only those into another database, and both mean the same.
    pub fn unqualify_own_schema(&mut self, own: Option<&str>) {
        if self.ref_schema.is_some() && self.ref_schema.as_deref() == own {
            self.ref_schema = None;
        }
    }
}

/// A CHECK constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// `CONSTRAINT name`; `None` when unnamed.
    pub name: Option<String>,
    /// The condition, without its outer parentheses.
    pub expr: SqlExpr,
    /// `NOT ENFORCED` was written.
    pub not_enforced: bool,
    /// The column it was declared on, for column-level checks in user DDL.
    pub column: Option<String>,
}

/// One table option, e.g. `ENGINE=InnoDB` or OceanBase's `ORGANIZATION INDEX`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableOption {
    /// Canonical upper-case key (`ENGINE`, `DEFAULT CHARSET`, `COLLATE`, `COMMENT`,
    /// `AUTO_INCREMENT`, `ROW_FORMAT`, `COMPRESSION`, `ORGANIZATION`, …).
    pub key: String,
    /// The value.
    pub value: OptionValue,
    /// How the key was spelled in the input (for faithful rendering).
    pub spelling: String,
    /// Whether `=` was written between key and value.
    pub equals: bool,
}

/// Value of a table option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OptionValue {
    /// A bare word or number (`InnoDB`, `utf8mb4`, `16384`).
    Word(String),
    /// A backtick-quoted identifier, unquoted (`TABLESPACE `my ts``).
    Ident(String),
    /// A quoted string, unescaped.
    String(String),
    /// A parenthesised identifier list (`UNION=(a,b)`).
    List(Vec<String>),
}

impl OptionValue {
    /// The value as text (unquoted).
    pub fn text(&self) -> String {
        match self {
            OptionValue::Word(w) | OptionValue::Ident(w) | OptionValue::String(w) => w.clone(),
            OptionValue::List(items) => items.join(","),
        }
    }
}

/// Partitioning method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PartitionMethod {
    /// `RANGE`
    Range,
    /// `LIST`
    List,
    /// `HASH`
    Hash,
    /// `KEY`
    Key,
}

impl PartitionMethod {
    /// SQL spelling.
    pub fn sql(self) -> &'static str {
        match self {
            PartitionMethod::Range => "RANGE",
            PartitionMethod::List => "LIST",
            PartitionMethod::Hash => "HASH",
            PartitionMethod::Key => "KEY",
        }
    }
}

/// How rows are split: method plus expression or column list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionScheme {
    /// Method.
    pub method: PartitionMethod,
    /// `LINEAR`.
    pub linear: bool,
    /// `RANGE COLUMNS` / `LIST COLUMNS`.
    pub columns_form: bool,
    /// `ALGORITHM=n` for KEY partitioning.
    pub algorithm: Option<u32>,
    /// Expression (RANGE/LIST/HASH) or column list (COLUMNS forms, KEY), as written.
    pub expr: SqlExpr,
    /// `PARTITIONS n` / `SUBPARTITIONS n`.
    pub count: Option<u64>,
}

/// `PARTITION BY …` with its partitions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partitioning {
    /// The partitioning scheme.
    pub scheme: PartitionScheme,
    /// `SUBPARTITION BY …`.
    pub subpartition: Option<PartitionScheme>,
    /// OceanBase `SUBPARTITION TEMPLATE (…)`: subpartitions every partition gets.
    pub subpartition_template: Vec<PartitionDef>,
    /// Explicit partition definitions (may be empty for HASH/KEY with a count).
    pub partitions: Vec<PartitionDef>,
}

/// One partition or subpartition definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionDef {
    /// Partition name.
    pub name: String,
    /// `VALUES LESS THAN (…)` / `VALUES IN (…)`.
    pub bound: Option<PartitionBound>,
    /// Partition options (`ENGINE = InnoDB`, `COMMENT = '…'`), in order.
    pub options: Vec<TableOption>,
    /// Subpartitions.
    pub subpartitions: Vec<PartitionDef>,
}

/// Bound of a RANGE or LIST partition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PartitionBound {
    /// `VALUES LESS THAN (…)` or `VALUES LESS THAN MAXVALUE` (parenthesised flag kept).
    LessThan {
        /// The bound expression list text, without outer parentheses.
        values: SqlExpr,
        /// Whether the values were parenthesised.
        parenthesized: bool,
    },
    /// `VALUES IN (…)`.
    In(SqlExpr),
}
