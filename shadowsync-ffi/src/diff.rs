//! Diff of two DDL texts.

use std::ffi::c_char;

use shadowsync::host::options::parse_flavor;
use shadowsync_core::diff::{diff_schemas, DiffOptions};
use shadowsync_core::parse::parse_script;
use shadowsync_core::statement::sql_of;
use shadowsync_core::Error;

use crate::json::compact;
use crate::ptr;
use crate::status::{guard, SsStatus};

/// The statements that turn the tables of `current_ddl` into those of
/// `desired_ddl` (each a text of `CREATE TABLE` statements or a
/// `mysqldump`/`mariadb-dump` dump, whose other statements are passed over), for server
/// family `flavor` (`mysql`, `mariadb` or `oceanbase`, also `seekdb` or
/// `ob`, any case); tables only in
/// `current_ddl` are dropped when `drop_tables` is true. `*out_json` is a
/// JSON array of statements without trailing `;` (empty when the tables are
/// equivalent), owned by the caller (free with `ss_string_free`).
/// `SS_PARSE_ERROR` for DDL that cannot be read: the message names the line,
/// column and table.
///
/// # Safety
/// `current_ddl`, `desired_ddl` and `flavor` must be NUL-terminated strings;
/// `out_json` must point to writable storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn ss_diff(
    current_ddl: *const c_char,
    desired_ddl: *const c_char,
    flavor: *const c_char,
    drop_tables: bool,
    out_json: *mut *mut c_char,
) -> SsStatus {
    guard(|| {
        // SAFETY: per this function's contract.
        let (current, desired, flavor) = unsafe {
            (
                ptr::text(current_ddl, "current_ddl")?,
                ptr::text(desired_ddl, "desired_ddl")?,
                ptr::text(flavor, "flavor")?,
            )
        };
        let flavor = parse_flavor(flavor)?;
        let options = DiffOptions {
            flavor,
            drop_tables,
            ..DiffOptions::default()
        };
        let statements = diff_schemas(
            &parse_script(current).map_err(Error::from)?.tables,
            &parse_script(desired).map_err(Error::from)?.tables,
            &options,
        )?;
        // The C API hands out the SQL texts.
        let statements = sql_of(&statements);
        // SAFETY: per this function's contract.
        unsafe { ptr::put_string(out_json, "out_json", compact(&statements)?) }
    })
}

#[cfg(test)]
mod tests {
    use std::ffi::{CStr, CString};
    use std::ptr::null_mut;

    use super::*;
    use crate::ptr::ss_string_free;
    use crate::status::{
        ss_last_error_message, SS_INVALID_REQUEST, SS_INVALID_UTF8, SS_NULL_ARG, SS_OK,
        SS_PARSE_ERROR,
    };

    fn diff(current: &CStr, desired: &CStr, flavor: &CStr) -> (SsStatus, String) {
        let mut out = null_mut();
        // SAFETY: valid strings and out slot.
        let status = unsafe {
            ss_diff(
                current.as_ptr(),
                desired.as_ptr(),
                flavor.as_ptr(),
                false,
                &mut out,
            )
        };
        let text = if status == SS_OK {
            // SAFETY: a string returned by the library, freed once.
            let text = unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_string();
            unsafe { ss_string_free(out) };
            text
        } else {
            assert!(out.is_null());
            // SAFETY: set by the failed call on this thread.
            unsafe { CStr::from_ptr(ss_last_error_message()) }
                .to_str()
                .unwrap()
                .to_string()
        };
        (status, text)
    }

    #[test]
    fn diffs_two_texts_into_a_json_array() {
        let (status, json) = diff(
            c"CREATE TABLE t (id int NOT NULL, PRIMARY KEY (id))",
            c"CREATE TABLE t (id int NOT NULL, v int, PRIMARY KEY (id))",
            c"mariadb",
        );
        assert_eq!(status, SS_OK, "{json}");
        let statements: Vec<String> = serde_json::from_str(&json).unwrap();
        assert_eq!(statements.len(), 1);
        assert!(statements[0].starts_with("ALTER TABLE `t`"), "{json}");
        let same = c"CREATE TABLE t (id int)";
        assert_eq!(diff(same, same, c"mysql"), (SS_OK, "[]".to_string()));
    }

    #[test]
    fn reads_dumps_as_the_cli_does() {
        let dump = c"/*!40101 SET NAMES utf8mb4 */;\nDROP TABLE IF EXISTS `t`;\n\
            CREATE TABLE `t` (`id` int NOT NULL, `v` int, PRIMARY KEY (`id`));\n\
            LOCK TABLES `t` WRITE;\nINSERT INTO `t` VALUES (1,2);\nUNLOCK TABLES;\n\
            /*!50001 CREATE VIEW `w` AS select 1 AS `id` */;\n";
        let (status, json) = diff(
            c"CREATE TABLE t (id int NOT NULL, PRIMARY KEY (id))",
            dump,
            c"mariadb",
        );
        assert_eq!(status, SS_OK, "{json}");
        let statements: Vec<String> = serde_json::from_str(&json).unwrap();
        assert_eq!(statements.len(), 1, "{json}");
        assert!(statements[0].contains("ADD COLUMN `v` int"), "{json}");
    }

    #[test]
    fn bad_arguments_have_their_own_statuses() {
        let (status, message) = diff(c"CREATE TABLE t (\n  id int,\n  v int,,\n)", c"", c"mysql");
        assert_eq!(status, SS_PARSE_ERROR);
        assert!(message.contains("line 3, column"), "{message}");
        assert!(message.contains("table `t`"), "{message}");
        let (status, message) = diff(c"", c"", c"db2");
        assert_eq!(
            (status, message.contains("db2")),
            (SS_INVALID_REQUEST, true)
        );

        let mut out = null_mut();
        // SAFETY: NULL is what is tested; the other strings are valid.
        let status = unsafe {
            ss_diff(
                std::ptr::null(),
                c"".as_ptr(),
                c"mysql".as_ptr(),
                false,
                &mut out,
            )
        };
        assert_eq!(status, SS_NULL_ARG);
        let bad = CString::new(vec![0xffu8, 0xfe]).unwrap();
        // SAFETY: NUL-terminated, only not UTF-8.
        let status = unsafe {
            ss_diff(
                bad.as_ptr(),
                c"".as_ptr(),
                c"mysql".as_ptr(),
                false,
                &mut out,
            )
        };
        assert_eq!(status, SS_INVALID_UTF8);
        // SAFETY: valid strings; the out slot is what is tested.
        let status = unsafe {
            ss_diff(
                c"".as_ptr(),
                c"".as_ptr(),
                c"mysql".as_ptr(),
                false,
                std::ptr::null_mut(),
            )
        };
        assert_eq!(status, SS_NULL_ARG);
    }
}
