-- A small online shop: the demo schema of scripts/demo.sh.
--
-- Loaded with the `mariadb` client into an empty database; works on seekdb
-- (OceanBase, MySQL mode) and on MariaDB. It holds what a real shop's
-- schema holds, and what shadowsync must get right for it:
--   * a foreign-key chain customers <- orders <- order_items -> products
--     (the shadows' FKs must point at the shadows, not at production);
--   * products with a generated column and a CHECK;
--   * a partitioned events table;
--   * a view (never a source);
--   * one shadow already there but outdated (__products lacks `stock`),
--     so the plan has an ALTER beside the CREATEs.

CREATE TABLE customers (
  id bigint NOT NULL AUTO_INCREMENT,
  email varchar(190) NOT NULL,
  name varchar(100) NOT NULL DEFAULT '',
  created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  UNIQUE KEY uk_customers_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='people who buy';

CREATE TABLE addresses (
  id bigint NOT NULL AUTO_INCREMENT,
  customer_id bigint NOT NULL,
  line1 varchar(200) NOT NULL,
  city varchar(100) NOT NULL,
  country char(2) NOT NULL DEFAULT 'DE',
  PRIMARY KEY (id),
  KEY idx_addresses_customer (customer_id),
  CONSTRAINT fk_addresses_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE categories (
  id int NOT NULL AUTO_INCREMENT,
  name varchar(80) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_categories_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE products (
  id bigint NOT NULL AUTO_INCREMENT,
  sku varchar(40) NOT NULL,
  title varchar(200) NOT NULL,
  price decimal(10,2) NOT NULL,
  gross_price decimal(12,2) AS (price * 1.19) STORED,
  stock int NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  UNIQUE KEY uk_products_sku (sku),
  CONSTRAINT chk_products_price CHECK (price >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE product_categories (
  product_id bigint NOT NULL,
  category_id int NOT NULL,
  PRIMARY KEY (product_id, category_id),
  KEY idx_pc_category (category_id),
  CONSTRAINT fk_pc_product FOREIGN KEY (product_id) REFERENCES products (id),
  CONSTRAINT fk_pc_category FOREIGN KEY (category_id) REFERENCES categories (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE orders (
  id bigint NOT NULL AUTO_INCREMENT,
  customer_id bigint NOT NULL,
  status varchar(20) NOT NULL DEFAULT 'new',
  total decimal(12,2) NOT NULL DEFAULT 0.00,
  placed_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  KEY idx_orders_customer (customer_id, status),
  CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE order_items (
  order_id bigint NOT NULL,
  line smallint NOT NULL,
  product_id bigint NOT NULL,
  qty int NOT NULL DEFAULT 1,
  unit_price decimal(10,2) NOT NULL,
  PRIMARY KEY (order_id, line),
  KEY idx_items_product (product_id),
  CONSTRAINT fk_items_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE,
  CONSTRAINT fk_items_product FOREIGN KEY (product_id) REFERENCES products (id),
  CONSTRAINT chk_items_qty CHECK (qty > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE payments (
  id bigint NOT NULL AUTO_INCREMENT,
  order_id bigint NOT NULL,
  amount decimal(12,2) NOT NULL,
  method varchar(20) NOT NULL,
  paid_at datetime DEFAULT NULL,
  PRIMARY KEY (id),
  KEY idx_payments_order (order_id),
  CONSTRAINT fk_payments_order FOREIGN KEY (order_id) REFERENCES orders (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE coupons (
  code varchar(32) NOT NULL,
  percent_off tinyint NOT NULL,
  valid_until date DEFAULT NULL,
  PRIMARY KEY (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Click-stream events, partitioned by month range of the event time.
CREATE TABLE events (
  id bigint NOT NULL,
  happened date NOT NULL,
  kind varchar(30) NOT NULL,
  customer_id bigint DEFAULT NULL,
  PRIMARY KEY (id, happened),
  KEY idx_events_kind (kind)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
PARTITION BY RANGE COLUMNS (happened) (
  PARTITION p2025 VALUES LESS THAN ('2026-01-01'),
  PARTITION p2026 VALUES LESS THAN ('2027-01-01'),
  PARTITION pmax VALUES LESS THAN (MAXVALUE)
);

CREATE VIEW order_totals AS
  SELECT o.customer_id, count(*) AS orders, sum(o.total) AS spent
  FROM orders o GROUP BY o.customer_id;

-- The outdated shadow: created by shadowsync (hence the marker in its
-- comment) for an older `products`, before `stock`.
CREATE TABLE __products (
  id bigint NOT NULL AUTO_INCREMENT,
  sku varchar(40) NOT NULL,
  title varchar(200) NOT NULL,
  price decimal(10,2) NOT NULL,
  gross_price decimal(12,2) AS (price * 1.19) STORED,
  PRIMARY KEY (id),
  UNIQUE KEY uk_products_sku (sku),
  CONSTRAINT __chk_products_price CHECK (price >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='[shadowsync:shadow]';

INSERT INTO customers (email, name) VALUES ('ada@example.com', 'Ada'), ('alan@example.com', 'Alan');
INSERT INTO products (sku, title, price, stock) VALUES ('MUG-1', 'Mug', 9.90, 120), ('TEE-1', 'T-shirt', 19.00, 40);
