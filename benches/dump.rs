//! Reading dumps (`parse_script`) against reading the same tables as a
//! plain DDL text (`parse_tables`), the baseline, in the same run.
//!
//!     cargo bench --bench dump
//!
//! The dump is shaped like `mariadb-dump` output: per table a heading
//! comment, `DROP TABLE IF EXISTS`, `SET` statements around the `CREATE
//! TABLE`, `LOCK TABLES`, a batch of rows, `UNLOCK TABLES`. Statements other
//! than tables are classified and passed over; the time must grow with the
//! size of the text, not with its square (a first version located every
//! statement from the start of the text: 6.2 s for a 2.7 MB dump).

use std::fmt::Write;
use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput};
use shadowsync::core::parse::{parse_script, parse_tables};

fn table(i: usize) -> String {
    format!(
        "CREATE TABLE `t{i}` (\n  `id` int(11) NOT NULL,\n  `a` varchar(40) DEFAULT 'x;y',\n  \
         `b` int(11) DEFAULT NULL,\n  PRIMARY KEY (`id`),\n  KEY `kb` (`b`)\n) ENGINE=InnoDB"
    )
}

fn ddl(tables: usize) -> String {
    (0..tables).map(|i| table(i) + ";\n").collect()
}

fn dump(tables: usize, rows: usize) -> String {
    let mut out = String::from("/*M!999999\\- enable the sandbox mode */ \n-- MariaDB dump\n");
    out.push_str("/*!40101 SET NAMES utf8mb4 */;\n");
    for i in 0..tables {
        let _ = write!(
            out,
            "\n--\n-- Table structure for table `t{i}`\n--\n\nDROP TABLE IF EXISTS `t{i}`;\n\
             /*!40101 SET character_set_client = utf8mb4 */;\n{};\n\
             /*!40101 SET character_set_client = @saved_cs_client */;\n\
             LOCK TABLES `t{i}` WRITE;\nINSERT INTO `t{i}` VALUES ",
            table(i)
        );
        let values: Vec<String> = (0..rows)
            .map(|j| format!("({j},'v{j};\\'q',{j})"))
            .collect();
        out.push_str(&values.join(","));
        out.push_str(";\nUNLOCK TABLES;\n");
    }
    out
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("read_tables");
    group.measurement_time(Duration::from_secs(5));
    for tables in [100, 1_000] {
        let plain = ddl(tables);
        let dumped = dump(tables, 50);
        group.throughput(Throughput::Elements(tables as u64));
        group.bench_with_input(
            BenchmarkId::new("ddl_parse_tables", tables),
            &plain,
            |b, t| b.iter(|| black_box(parse_tables(t).unwrap())),
        );
        group.bench_with_input(
            BenchmarkId::new("dump_parse_script", tables),
            &dumped,
            |b, t| b.iter(|| black_box(parse_script(t).unwrap())),
        );
    }
    group.finish();
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion);
    criterion.final_summary();
}
