-- Extra CREATE TABLE statements for scripts/capture_fixtures.py (case name
-- `extra`). They exercise what real schemas contain. Each statement ends with
-- `;` at the end of a line and may be preceded by a `-- name: LABEL` line.
-- All run in order in one scratch database, so later tables may reference
-- earlier ones. Engine-specific variants are kept as separate statements:
-- a statement an engine rejects is listed in that engine's _errors.json.

-- name: range_partitions
CREATE TABLE ev_range (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  created_at DATETIME NOT NULL,
  payload VARCHAR(255),
  PRIMARY KEY (id, created_at)
) ENGINE=InnoDB AUTO_INCREMENT=1001 DEFAULT CHARSET=utf8mb4 COMMENT='events by year'
PARTITION BY RANGE (YEAR(created_at)) (
  PARTITION p2022 VALUES LESS THAN (2023),
  PARTITION p2023 VALUES LESS THAN (2024),
  PARTITION pmax VALUES LESS THAN MAXVALUE
);

-- name: range_partitions_with_comment
CREATE TABLE ev_range_comment (
  id INT NOT NULL,
  created_at DATE NOT NULL,
  PRIMARY KEY (id, created_at)
)
PARTITION BY RANGE (TO_DAYS(created_at)) (
  PARTITION p_old VALUES LESS THAN (TO_DAYS('2020-01-01')) COMMENT 'archived',
  PARTITION p_new VALUES LESS THAN MAXVALUE COMMENT 'it''s current'
);

-- name: range_columns_partitions
CREATE TABLE ev_range_cols (
  tenant_id INT NOT NULL,
  day DATE NOT NULL,
  amount DECIMAL(12,2) NOT NULL DEFAULT 0.00,
  PRIMARY KEY (tenant_id, day)
)
PARTITION BY RANGE COLUMNS (tenant_id, day) (
  PARTITION p0 VALUES LESS THAN (100, '2024-01-01'),
  PARTITION p1 VALUES LESS THAN (100, MAXVALUE),
  PARTITION p2 VALUES LESS THAN (MAXVALUE, MAXVALUE)
);

-- name: list_partitions
CREATE TABLE ev_list (
  id INT NOT NULL,
  region_code TINYINT UNSIGNED NOT NULL,
  PRIMARY KEY (id, region_code)
)
PARTITION BY LIST (region_code) (
  PARTITION p_eu VALUES IN (1, 2, 3),
  PARTITION p_us VALUES IN (10, 11),
  PARTITION p_asia VALUES IN (20)
);

-- name: list_columns_partitions
CREATE TABLE ev_list_cols (
  id INT NOT NULL,
  country CHAR(2) NOT NULL,
  PRIMARY KEY (id, country)
)
PARTITION BY LIST COLUMNS (country) (
  PARTITION p_de VALUES IN ('DE', 'AT', 'CH'),
  PARTITION p_fr VALUES IN ('FR', 'BE')
);

-- name: hash_partitions
CREATE TABLE ev_hash (
  id BIGINT NOT NULL,
  user_id INT NOT NULL,
  PRIMARY KEY (id, user_id)
)
PARTITION BY HASH (user_id) PARTITIONS 4;

-- name: key_partitions
CREATE TABLE ev_key (
  id BIGINT NOT NULL,
  token VARBINARY(32) NOT NULL,
  PRIMARY KEY (id)
)
PARTITION BY KEY (id) PARTITIONS 3;

-- name: range_hash_subpartitions
CREATE TABLE ev_sub (
  id INT NOT NULL,
  purchased DATE NOT NULL,
  PRIMARY KEY (id, purchased)
)
PARTITION BY RANGE (YEAR(purchased))
SUBPARTITION BY HASH (TO_DAYS(purchased)) SUBPARTITIONS 2 (
  PARTITION p0 VALUES LESS THAN (2000),
  PARTITION p1 VALUES LESS THAN (2010),
  PARTITION p2 VALUES LESS THAN MAXVALUE
);

-- name: list_key_named_subpartitions
CREATE TABLE ev_sub_named (
  id INT NOT NULL,
  kind INT NOT NULL,
  PRIMARY KEY (id, kind)
)
PARTITION BY LIST (kind)
SUBPARTITION BY KEY (id) (
  PARTITION pa VALUES IN (1, 2) (SUBPARTITION pa0, SUBPARTITION pa1),
  PARTITION pb VALUES IN (3, 4) (SUBPARTITION pb0, SUBPARTITION pb1)
);

-- name: generated_columns
CREATE TABLE people (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  first_name VARCHAR(50) NOT NULL,
  last_name VARCHAR(50) NOT NULL,
  full_name VARCHAR(101) AS (CONCAT(first_name, ' ', last_name)) VIRTUAL,
  name_len INT GENERATED ALWAYS AS (CHAR_LENGTH(first_name) + CHAR_LENGTH(last_name)) STORED,
  doc JSON,
  doc_city VARCHAR(64) AS (JSON_UNQUOTE(JSON_EXTRACT(doc, '$.address.city'))) VIRTUAL,
  KEY idx_full_name (full_name),
  KEY idx_city (doc_city)
) ENGINE=InnoDB;

-- name: fulltext_plain
CREATE TABLE articles (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  title VARCHAR(200) NOT NULL,
  body TEXT,
  PRIMARY KEY (id),
  FULLTEXT KEY ft_title_body (title, body),
  FULLTEXT INDEX ft_title (title) COMMENT 'title search'
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- name: fulltext_ngram
CREATE TABLE articles_cjk (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  body TEXT NOT NULL,
  FULLTEXT KEY ft_body (body) WITH PARSER ngram
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- name: spatial
CREATE TABLE places (
  id INT NOT NULL PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  location POINT NOT NULL,
  area POLYGON,
  SPATIAL INDEX sp_location (location)
) ENGINE=InnoDB;

-- name: spatial_srid
CREATE TABLE places_srid (
  id INT NOT NULL PRIMARY KEY,
  location POINT NOT NULL SRID 4326,
  SPATIAL KEY sp_loc (location)
);

-- name: prefix_desc_indexes
CREATE TABLE urls (
  id BIGINT NOT NULL AUTO_INCREMENT,
  url VARCHAR(2048) NOT NULL,
  host VARCHAR(255) NOT NULL,
  score DOUBLE NOT NULL DEFAULT 0,
  seen_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_url_prefix (url(191)),
  KEY idx_host_score (host(32), score DESC),
  UNIQUE KEY uq_host_seen (host, seen_at DESC) USING BTREE COMMENT 'dedupe per host',
  KEY idx_hash USING HASH (host)
) ENGINE=InnoDB AUTO_INCREMENT=42;

-- name: invisible_index_mysql
CREATE TABLE flags_invisible (
  id INT NOT NULL PRIMARY KEY,
  code VARCHAR(20) NOT NULL,
  KEY idx_code (code) INVISIBLE,
  KEY idx_code_vis (code, id) VISIBLE COMMENT 'kept visible'
);

-- name: ignored_index_mariadb
CREATE TABLE flags_ignored (
  id INT NOT NULL PRIMARY KEY,
  code VARCHAR(20) NOT NULL,
  KEY idx_code (code) IGNORED COMMENT 'mariadb spelling'
);

-- name: fk_parent
CREATE TABLE customers (
  id INT NOT NULL AUTO_INCREMENT,
  email VARCHAR(191) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_email (email)
) ENGINE=InnoDB;

-- name: fk_child_with_checks
CREATE TABLE orders (
  id BIGINT NOT NULL AUTO_INCREMENT,
  customer_id INT NOT NULL,
  referrer_id INT DEFAULT NULL,
  qty SMALLINT NOT NULL CHECK (qty > 0),
  price DECIMAL(10,2) NOT NULL,
  discount DECIMAL(5,4) NOT NULL DEFAULT 0.0000,
  status ENUM('new','paid','shipped','cancelled') NOT NULL DEFAULT 'new',
  PRIMARY KEY (id),
  KEY idx_customer (customer_id),
  CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
    ON DELETE CASCADE ON UPDATE RESTRICT,
  CONSTRAINT fk_orders_referrer FOREIGN KEY (referrer_id) REFERENCES customers (id)
    ON DELETE SET NULL ON UPDATE CASCADE,
  CONSTRAINT chk_price CHECK (price >= 0),
  CHECK (discount BETWEEN 0 AND 1)
) ENGINE=InnoDB COMMENT='orders; FKs + checks';

-- name: fk_unnamed_and_self
CREATE TABLE order_lines (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  order_id BIGINT NOT NULL,
  parent_id BIGINT DEFAULT NULL,
  sku VARCHAR(40) NOT NULL,
  FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE NO ACTION,
  FOREIGN KEY fk_line_parent (parent_id) REFERENCES order_lines (id) ON DELETE SET NULL
) ENGINE=InnoDB;

-- name: fk_composite_self
CREATE TABLE bom_lines (
  order_id BIGINT NOT NULL,
  line_no INT NOT NULL,
  parent_line INT DEFAULT NULL,
  PRIMARY KEY (order_id, line_no),
  CONSTRAINT fk_bom_parent FOREIGN KEY (order_id, parent_line) REFERENCES bom_lines (order_id, line_no)
    ON DELETE CASCADE
) ENGINE=InnoDB;

-- name: table_options
CREATE TABLE audit_log (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  msg VARCHAR(500) NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB AUTO_INCREMENT=123456789 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
  ROW_FORMAT=COMPRESSED KEY_BLOCK_SIZE=8 COMMENT='append-only audit trail';

-- name: row_format_compact
CREATE TABLE legacy_compact (
  id INT NOT NULL,
  name VARCHAR(30) NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB ROW_FORMAT=COMPACT STATS_PERSISTENT=1;

-- name: charsets_utf8mb4_binary
CREATE TABLE i18n_basic (
  id INT NOT NULL PRIMARY KEY,
  code VARCHAR(10) COLLATE utf8mb4_bin NOT NULL,
  name VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci DEFAULT NULL,
  raw_name VARCHAR(50) CHARACTER SET binary,
  note TEXT CHARACTER SET utf8mb4,
  UNIQUE KEY uq_code (code)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- name: charsets_mixed
CREATE TABLE i18n (
  id INT NOT NULL PRIMARY KEY,
  ascii_code VARCHAR(10) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  latin_name VARCHAR(50) CHARACTER SET latin1 DEFAULT NULL,
  bin_name VARCHAR(50) COLLATE utf8mb4_bin DEFAULT '',
  gbk_name VARCHAR(50) CHARACTER SET gbk DEFAULT NULL,
  utf8_name VARCHAR(50) CHARACTER SET utf8mb3 DEFAULT NULL,
  note TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- name: numeric_types
CREATE TABLE numbers (
  id INT(10) UNSIGNED ZEROFILL NOT NULL,
  tiny TINYINT(1) NOT NULL DEFAULT 0,
  small SMALLINT UNSIGNED DEFAULT 7,
  medium MEDIUMINT(8) ZEROFILL,
  big BIGINT(20) UNSIGNED NOT NULL DEFAULT 18446744073709551615,
  dec1 DECIMAL(10,0) DEFAULT NULL,
  dec2 DECIMAL(65,30) NOT NULL DEFAULT 0,
  num NUMERIC(8,3) UNSIGNED,
  flt FLOAT,
  flt_p FLOAT(7,3) UNSIGNED DEFAULT 1.5,
  flt_24 FLOAT(24),
  flt_53 FLOAT(53),
  dbl DOUBLE NOT NULL DEFAULT -0.5,
  dbl_p DOUBLE(12,4),
  real_col REAL,
  b1 BIT(1) NOT NULL DEFAULT b'0',
  b12 BIT(12) DEFAULT b'101',
  bool_col BOOLEAN DEFAULT TRUE,
  PRIMARY KEY (id)
);

-- name: strings_enum_set_json
CREATE TABLE documents (
  id INT NOT NULL PRIMARY KEY,
  kind ENUM('a', 'b''s', 'c,d', 'E') NOT NULL DEFAULT 'a',
  tags SET('red', 'green', 'blue') DEFAULT 'red,blue',
  fixed CHAR(8) BINARY,
  raw BINARY(16),
  blob_col MEDIUMBLOB,
  txt LONGTEXT,
  tiny_txt TINYTEXT,
  data JSON NOT NULL,
  yr YEAR,
  d DATE DEFAULT '2000-01-01',
  t TIME(2) DEFAULT '12:34:56.78'
);

-- name: timestamps
CREATE TABLE stamps (
  id INT NOT NULL PRIMARY KEY,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  created_ms TIMESTAMP(3) NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_us DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  plain_dt DATETIME DEFAULT NULL,
  fixed_ts TIMESTAMP NULL DEFAULT '2020-02-02 02:02:02',
  expr_default VARCHAR(36) DEFAULT (UUID())
);

-- name: reserved_words
CREATE TABLE `order` (
  `select` INT NOT NULL,
  `from` VARCHAR(10),
  `key` INT,
  `index` INT,
  `group` VARCHAR(5) DEFAULT 'all',
  `desc` TEXT,
  PRIMARY KEY (`select`),
  KEY `where` (`from`, `key`),
  UNIQUE KEY `primary_like` (`index`)
);

-- name: unicode_identifiers
CREATE TABLE `Ünïcödé_表` (
  `ид` INT NOT NULL PRIMARY KEY,
  `名前` VARCHAR(40) NOT NULL COMMENT '名前 (name)',
  `emoji_col` VARCHAR(10) DEFAULT '😀' COMMENT 'smile 😀',
  KEY `索引_名前` (`名前`)
) COMMENT='таблица';

-- name: unicode_identifiers_4byte
CREATE TABLE `emoji_😀` (
  `id_😀` INT NOT NULL PRIMARY KEY
);

-- name: tricky_identifiers
CREATE TABLE `we``ird "table" 'name'` (
  `col``tick` INT NOT NULL,
  `col "dq"` INT,
  `col 'sq'` INT,
  `col\bs` INT,
  `col.dot` INT,
  `with space` INT,
  PRIMARY KEY (`col``tick`),
  KEY `idx``tick "q"` (`col "dq"`, `col 'sq'`)
);

-- name: tricky_comments
CREATE TABLE comments_test (
  id INT NOT NULL PRIMARY KEY COMMENT 'it''s the "id"',
  path VARCHAR(255) COMMENT 'C:\\temp\\new; back\\slash',
  multi INT COMMENT 'line one
line two\nline three\ttabbed',
  pct INT COMMENT '100% _under_ \'quoted\'',
  KEY idx_path (path) COMMENT 'index ''comment'' with \\ and "dq"'
) COMMENT='table comment: it''s\nmulti-line; semicolon \\ backslash';

-- name: defaults_and_nulls
CREATE TABLE defaults_test (
  id INT NOT NULL,
  a INT DEFAULT NULL,
  b INT NULL,
  c VARCHAR(10) NOT NULL DEFAULT '',
  d VARCHAR(10) DEFAULT 'NULL',
  e DECIMAL(4,1) DEFAULT '1.5',
  PRIMARY KEY (id) COMMENT 'pk comment'
);

-- name: default_expr_column_ref
CREATE TABLE defaults_expr (
  id INT NOT NULL PRIMARY KEY,
  a INT DEFAULT 1,
  f INT DEFAULT (a + 1)
);

-- name: text_default_expr
CREATE TABLE defaults_text (
  id INT NOT NULL PRIMARY KEY,
  g TEXT DEFAULT ('hello'),
  j JSON DEFAULT (JSON_ARRAY())
);

-- name: unique_and_multi_indexes
CREATE TABLE accounts (
  id INT NOT NULL AUTO_INCREMENT,
  org_id INT NOT NULL,
  login VARCHAR(64) NOT NULL,
  email VARCHAR(191) NOT NULL UNIQUE,
  PRIMARY KEY (id),
  UNIQUE INDEX uq_org_login (org_id, login),
  INDEX (login),
  INDEX (login, org_id),
  KEY idx_org (org_id) USING BTREE
) AUTO_INCREMENT=7;

-- name: no_primary_key
CREATE TABLE heap_like (
  a INT,
  b VARCHAR(20),
  KEY (a)
);

-- name: memory_engine
CREATE TABLE cache_mem (
  k VARCHAR(64) NOT NULL PRIMARY KEY,
  v VARCHAR(255)
) ENGINE=MEMORY;
