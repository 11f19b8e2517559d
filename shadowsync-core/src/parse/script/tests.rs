use super::*;

/// The shape of a `mariadb-dump --routines --events --triggers` of
/// MariaDB 10.11 (trimmed): header, rows, a trigger in a DELIMITER block,
/// a view's stand-in and final definition, a procedure.
const MARIADB_DUMP: &str = r#"/*M!999999\- enable the sandbox mode */ 
-- MariaDB dump 10.19  Distrib 10.11.14-MariaDB, for debian-linux-gnu (x86_64)
--
-- Host: 127.0.0.1    Database: dumpdemo
-- ------------------------------------------------------

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET NAMES utf8mb4 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;

--
-- Table structure for table `a`
--

DROP TABLE IF EXISTS `a`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
CREATE TABLE `a` (
  `id` int(11) NOT NULL,
  `name` varchar(20) DEFAULT 'x;y',
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `a` WRITE;
/*!40000 ALTER TABLE `a` DISABLE KEYS */;
INSERT INTO `a` VALUES
(1,'it\'s; DROP TABLE a');
/*!40000 ALTER TABLE `a` ENABLE KEYS */;
UNLOCK TABLES;
DELIMITER ;;
/*!50003 CREATE*/ /*!50017 DEFINER=`shadowsync`@`127.0.0.1`*/ /*!50003 TRIGGER trg BEFORE INSERT ON a FOR EACH ROW BEGIN SET NEW.name = 'q;'; END */;;
DELIMITER ;

--
-- Table structure for table `b`
--

DROP TABLE IF EXISTS `b`;
CREATE TABLE `b` (
  `id` int(11) NOT NULL,
  `a_id` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`),
  CONSTRAINT `b_ibfk_1` FOREIGN KEY (`a_id`) REFERENCES `a` (`id`)
) ENGINE=InnoDB;

--
-- Temporary table structure for view `v`
--

DROP TABLE IF EXISTS `v`;
/*!50001 DROP VIEW IF EXISTS `v`*/;
/*!50001 CREATE VIEW `v` AS SELECT
 1 AS `id` */;
DELIMITER ;;
CREATE DEFINER=`shadowsync`@`127.0.0.1` PROCEDURE `p`()
BEGIN SELECT 1; SELECT 2; END ;;
DELIMITER ;
/*!50001 CREATE ALGORITHM=UNDEFINED */
/*!50013 DEFINER=`shadowsync`@`127.0.0.1` SQL SECURITY DEFINER */
/*!50001 VIEW `v` AS select `a`.`id` AS `id` from `a` */;
/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;

-- Dump completed on 2026-12-02 16:45:53
"#;

#[test]
fn a_dump_gives_its_tables_and_names_what_it_passes_over() {
    let script = parse_script(MARIADB_DUMP).unwrap();
    let names: Vec<&str> = script.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(script.tables[0].columns.len(), 2);
    let objects: Vec<(PassedOverKind, Option<&str>, usize)> = script
        .passed_over
        .iter()
        .filter(|p| p.kind.is_schema_object())
        .map(|p| (p.kind, p.name.as_deref(), p.location.line))
        .collect();
    assert_eq!(
        objects,
        [
            (PassedOverKind::Trigger, Some("trg"), 31),
            (PassedOverKind::View, Some("v"), 52),
            (PassedOverKind::Routine, Some("p"), 55),
            (PassedOverKind::View, Some("v"), 58),
        ]
    );
    let rows = script
        .passed_over
        .iter()
        .filter(|p| p.kind == PassedOverKind::Data)
        .count();
    assert_eq!(rows, 1);
}

#[test]
fn a_plain_ddl_file_reads_as_before() {
    let sql = "CREATE TABLE a (id int);\n\nCREATE TABLE b (id int)";
    let script = parse_script(sql).unwrap();
    assert_eq!(script.tables, crate::parse::parse_tables(sql).unwrap());
    assert!(script.passed_over.is_empty());
}

#[test]
fn errors_point_into_the_original_text() {
    // A bad column type on line 5, after statements that are blanked out.
    let sql = "SET NAMES utf8mb4;\nDROP TABLE IF EXISTS `t`;\nINSERT INTO x VALUES ('é;é');\nCREATE TABLE `t` (\n  `a` int DEFAULT\n);\n";
    let err = parse_script(sql).unwrap_err();
    let direct = crate::parse::parse_tables("\n\n\nCREATE TABLE `t` (\n  `a` int DEFAULT\n);\n")
        .unwrap_err();
    assert_eq!(err.location, direct.location);
    assert_eq!(err.location.line, 6);
    assert_eq!(err.table.as_deref(), Some("t"));
}

#[test]
fn a_statement_that_would_change_a_table_is_refused_with_its_line() {
    let sql = "CREATE TABLE a (id int);\n\nALTER TABLE a ADD COLUMN b int;\n";
    let err = parse_script(sql).unwrap_err();
    assert_eq!(err.location, Location { line: 3, column: 1 });
    assert!(
        err.message.contains("`ALTER TABLE a …` is not read"),
        "{}",
        err.message
    );
}

#[test]
fn old_view_stand_in_tables_are_not_tables() {
    let sql = "/*!50001 CREATE TABLE `v` (\n `id` tinyint NOT NULL\n) ENGINE=MyISAM */;\n\
               /*!50001 DROP TABLE IF EXISTS `v`*/;\n\
               /*!50001 CREATE ALGORITHM=UNDEFINED */ /*!50001 VIEW `v` AS select 1 AS `id` */;\n\
               CREATE TABLE w (id int);";
    let script = parse_script(sql).unwrap();
    let names: Vec<&str> = script.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["w"]);
}

#[test]
fn a_table_inside_a_delimiter_block_is_read() {
    let sql = "DELIMITER $$\nCREATE TABLE a (id int)$$\nCREATE TABLE b (id int)$$\nDELIMITER ;\n";
    let names: Vec<String> = parse_script(sql)
        .unwrap()
        .tables
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, ["a", "b"]);
}

#[test]
fn a_semicolon_inside_parentheses_ends_the_statement_for_both_readers() {
    let sql = "CREATE TABLE t (a int CHECK (f(a);))";
    let direct = crate::parse::parse_tables(sql).unwrap_err();
    assert!(
        direct.message.contains("`;` inside parentheses"),
        "{}",
        direct.message
    );
    assert_eq!(direct.table.as_deref(), Some("t"));
    assert!(parse_script(sql).is_err());
}
