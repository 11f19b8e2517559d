-- Demo schema for tests/shadow_live.rs on seekdb (OceanBase, MySQL mode).
--
-- The MariaDB schema without what seekdb lacks: no latin1 (a utf8mb4_bin
-- table instead), no DESC index parts, generated columns over base columns
-- only. Names are lower-case (lower_case_table_names=1).
--
-- One statement per `;` at the end of a line. Loaded with foreign key checks
-- off so that the 2-table cycle (dept <-> emp) can be created directly.
-- The comments name what each table exercises; the test asserts on the
-- tables by name, so keep both in step.

SET FOREIGN_KEY_CHECKS = 0;

-- FK chain order_item -> orders -> customer; AUTO_INCREMENT counter moved by inserts.
CREATE TABLE customer (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  email varchar(190) NOT NULL,
  name varchar(100) NOT NULL DEFAULT '',
  created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  UNIQUE KEY uk_customer_email (email)
) ENGINE=InnoDB AUTO_INCREMENT=1000 DEFAULT CHARSET=utf8mb4 COMMENT='customers, FK chain root';

INSERT INTO customer (email, name) VALUES ('a@example.com', 'A'), ('b@example.com', 'B');

CREATE TABLE orders (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  customer_id bigint unsigned NOT NULL,
  status enum('new','paid','shipped') NOT NULL DEFAULT 'new',
  total decimal(12,2) NOT NULL DEFAULT 0.00,
  note varchar(200) DEFAULT NULL COMMENT 'it''s a note',
  updated_at datetime DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  KEY idx_orders_customer (customer_id, status),
  CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customer (id) ON DELETE CASCADE,
  CONSTRAINT chk_orders_total CHECK (total >= 0)
) ENGINE=InnoDB;

CREATE TABLE order_item (
  order_id bigint unsigned NOT NULL,
  line smallint NOT NULL,
  sku varchar(40) NOT NULL,
  qty int NOT NULL DEFAULT 1,
  PRIMARY KEY (order_id, line),
  CONSTRAINT fk_item_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE ON UPDATE RESTRICT,
  CONSTRAINT chk_item_qty CHECK (qty > 0)
) ENGINE=InnoDB;

-- 2-table cycle dept <-> emp (created with FOREIGN_KEY_CHECKS=0), plus a self reference.
CREATE TABLE dept (
  id int NOT NULL,
  name varchar(50) NOT NULL,
  manager_id int DEFAULT NULL,
  PRIMARY KEY (id),
  KEY idx_dept_manager (manager_id),
  CONSTRAINT fk_dept_manager FOREIGN KEY (manager_id) REFERENCES emp (id) ON DELETE SET NULL
) ENGINE=InnoDB;

CREATE TABLE emp (
  id int NOT NULL,
  dept_id int NOT NULL,
  boss_id int DEFAULT NULL,
  PRIMARY KEY (id),
  KEY idx_emp_dept (dept_id),
  KEY idx_emp_boss (boss_id),
  CONSTRAINT fk_emp_dept FOREIGN KEY (dept_id) REFERENCES dept (id),
  CONSTRAINT fk_emp_boss FOREIGN KEY (boss_id) REFERENCES emp (id)
) ENGINE=InnoDB;

-- Checks: named, unnamed table-level (server-named), and column-level.
CREATE TABLE product (
  id int NOT NULL AUTO_INCREMENT,
  price decimal(10,2) NOT NULL CHECK (price >= 0),
  discount decimal(10,2) NOT NULL DEFAULT 0,
  stock int NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  CONSTRAINT chk_product_discount CHECK (discount <= price),
  CHECK (stock >= 0)
) ENGINE=InnoDB;

-- Partitions: RANGE on an expression, HASH, LIST COLUMNS.
CREATE TABLE event_log (
  id bigint NOT NULL,
  happened date NOT NULL,
  payload varchar(200) DEFAULT NULL,
  PRIMARY KEY (id, happened)
) ENGINE=InnoDB
PARTITION BY RANGE (year(happened)) (
  PARTITION p2023 VALUES LESS THAN (2024),
  PARTITION p2024 VALUES LESS THAN (2025),
  PARTITION pmax VALUES LESS THAN MAXVALUE
);

CREATE TABLE session_hash (
  id int NOT NULL,
  user_id int DEFAULT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB PARTITION BY HASH (id) PARTITIONS 4;

CREATE TABLE region_list (
  id int NOT NULL,
  region char(2) NOT NULL,
  PRIMARY KEY (id, region)
) ENGINE=InnoDB
PARTITION BY LIST COLUMNS (region) (
  PARTITION p_eu VALUES IN ('de','fr'),
  PARTITION p_as VALUES IN ('cn','jp')
);

-- Generated columns: stored, virtual, indexed (over base columns only).
CREATE TABLE gen_cols (
  id int NOT NULL,
  price decimal(10,2) NOT NULL,
  qty int NOT NULL,
  total decimal(12,2) AS (price * qty) STORED,
  total_taxed decimal(14,2) AS (price * qty * 1.2) VIRTUAL,
  label varchar(20) AS (concat('#', id)) VIRTUAL,
  PRIMARY KEY (id),
  KEY idx_total (total)
) ENGINE=InnoDB;

-- Prefix indexes (varchar, text, in a unique key) and a FULLTEXT index.
CREATE TABLE article (
  id int NOT NULL,
  title varchar(255) NOT NULL,
  body text,
  slug varchar(200) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_title (title(32)),
  KEY idx_body (body(100)),
  UNIQUE KEY uk_slug (slug(50), id),
  FULLTEXT KEY ft_body (body)
) ENGINE=InnoDB;

-- Multi-column index (seekdb has no DESC index parts).
CREATE TABLE leaderboard (
  id int NOT NULL,
  score int NOT NULL,
  name varchar(30) DEFAULT NULL,
  PRIMARY KEY (id),
  KEY idx_score (score, name)
) ENGINE=InnoDB;

-- Reserved words as table, column and index names.
CREATE TABLE `select` (
  `from` int NOT NULL,
  `order` varchar(10) DEFAULT NULL,
  `key` int DEFAULT NULL,
  PRIMARY KEY (`from`),
  KEY `index` (`order`)
) ENGINE=InnoDB;

-- Unicode names, with an FK to the chain root.
CREATE TABLE `订单` (
  `编号` int NOT NULL,
  `金额` decimal(10,2) NOT NULL DEFAULT 0,
  `客户` bigint unsigned DEFAULT NULL,
  PRIMARY KEY (`编号`),
  KEY `idx_金额` (`金额`),
  CONSTRAINT `fk_订单_客户` FOREIGN KEY (`客户`) REFERENCES customer (id)
) ENGINE=InnoDB COMMENT='中文注释';

-- Names that need quoting: a backtick and spaces.
CREATE TABLE `odd name``s` (
  `we``ird col` int DEFAULT NULL,
  `sp ace` varchar(5) DEFAULT 'a b'
) ENGINE=InnoDB;

-- 62 characters: the shadow name has exactly 64 and fits.
CREATE TABLE t62_long_table_name_that_still_fits_once_prefixed_padding_xxxx (
  id int NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB;

-- 63 characters: the shadow name would have 65; refused at analysis.
CREATE TABLE t63_long_table_name_whose_shadow_would_exceed_the_64_char_limit (
  id int NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB;

-- A 64-character FK name: the shadow's constraint name must be shortened.
CREATE TABLE long_fk (
  id int NOT NULL,
  customer_id bigint unsigned NOT NULL,
  PRIMARY KEY (id),
  KEY idx_long_fk_customer (customer_id),
  CONSTRAINT fk_long_constraint_name_that_is_exactly_sixty_four_characters_xx FOREIGN KEY (customer_id) REFERENCES customer (id)
) ENGINE=InnoDB;

-- Column types and defaults, a non-default charset.
CREATE TABLE all_types (
  id int NOT NULL,
  flags set('a','b','c') DEFAULT 'a,b',
  doc json DEFAULT NULL,
  ts timestamp(3) NULL DEFAULT NULL,
  bits bit(8) DEFAULT b'101',
  f float DEFAULT NULL,
  d double NOT NULL DEFAULT 0,
  bin varbinary(16) DEFAULT NULL,
  y year DEFAULT NULL,
  z int(5) unsigned zerofill DEFAULT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB;

CREATE TABLE bin_collated (
  id int NOT NULL,
  name varchar(30) COLLATE utf8mb4_bin DEFAULT NULL,
  note text,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Shadows shadowsync made before carry its marker in their comment.
-- An up-to-date shadow, and an up-to-date child shadow whose FK already
-- points at the parent's shadow under the renamed constraint.
CREATE TABLE uptodate (
  id int NOT NULL,
  v varchar(10) DEFAULT 'x',
  PRIMARY KEY (id),
  KEY idx_v (v)
) ENGINE=InnoDB;

CREATE TABLE __uptodate (
  id int NOT NULL,
  v varchar(10) DEFAULT 'x',
  PRIMARY KEY (id),
  KEY idx_v (v)
) ENGINE=InnoDB COMMENT='[shadowsync:shadow]';

CREATE TABLE uptodate_child (
  id int NOT NULL,
  parent_id int NOT NULL,
  PRIMARY KEY (id),
  KEY idx_parent (parent_id),
  CONSTRAINT fk_uc_parent FOREIGN KEY (parent_id) REFERENCES uptodate (id)
) ENGINE=InnoDB;

CREATE TABLE __uptodate_child (
  id int NOT NULL,
  parent_id int NOT NULL,
  PRIMARY KEY (id),
  KEY idx_parent (parent_id),
  CONSTRAINT __fk_uc_parent FOREIGN KEY (parent_id) REFERENCES __uptodate (id)
) ENGINE=InnoDB COMMENT='[shadowsync:shadow]';

-- An outdated shadow: missing column c, an extra index idx_extra.
CREATE TABLE outdated (
  id int NOT NULL,
  a int DEFAULT NULL,
  b varchar(20) DEFAULT NULL,
  c datetime DEFAULT NULL,
  PRIMARY KEY (id),
  KEY idx_a (a)
) ENGINE=InnoDB;

CREATE TABLE __outdated (
  id int NOT NULL,
  a int DEFAULT NULL,
  b varchar(20) DEFAULT NULL,
  PRIMARY KEY (id),
  KEY idx_a (a),
  KEY idx_extra (b)
) ENGINE=InnoDB COMMENT='[shadowsync:shadow]';

-- The shadow name of `collide` is taken by an unrelated table (no marker, no shared column).
CREATE TABLE collide (
  id int NOT NULL,
  v int DEFAULT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB;

CREATE TABLE __collide (
  something_else varchar(10) DEFAULT NULL,
  other int DEFAULT NULL
) ENGINE=InnoDB;

-- A table that is itself a shadow (its source is gone).
CREATE TABLE __orphan (
  id int NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB;

-- A view: never a source.
CREATE VIEW v_orders AS SELECT id, total FROM orders;

-- The shadow name of `report` is taken by a view.
CREATE TABLE report (
  id int NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB;

CREATE VIEW __report AS SELECT id FROM report;

SET FOREIGN_KEY_CHECKS = 1;
