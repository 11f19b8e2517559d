/*
 * shadowsync from C: diff, analysis, skips, preview, the task center, a
 * host-callback executor and the error paths, against a real MariaDB.
 *
 *   SHADOWSYNC_MARIADB_URL=mysql://user:pass@127.0.0.1:33061/ ./sync_example
 *
 * Prints one "ok - ..." line per check and a closing "N passed, N failed"
 * line; exits nonzero when a check fails. Every handle and string is freed,
 * so the program runs clean under valgrind --leak-check=full.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shadowsync.h"

#define SCRATCH_DB "ssc_example"

static int passed;
static int failed;

static void check(int ok, const char *what) {
    if (ok) {
        passed++;
        printf("ok - %s\n", what);
    } else {
        failed++;
        printf("not ok - %s\n", what);
    }
}

static const char *last_error(void) {
    const char *message = ss_last_error_message();
    return message ? message : "(no message)";
}

/* A call that must succeed: stop the program otherwise. */
static void must(ss_status status, const char *what) {
    if (status != SS_OK) {
        fprintf(stderr, "fatal: %s: %s: %s\n", what, ss_status_name(status), last_error());
        exit(2);
    }
}

/* A call that must fail with `expected` and a message containing `needle`. */
static void expect_failure(ss_status status, ss_status expected, const char *needle, const char *what) {
    int ok = status == expected && strstr(last_error(), needle) != NULL;
    if (!ok) {
        fprintf(stderr, "  got %s: %s\n", ss_status_name(status), status == SS_OK ? "" : last_error());
    }
    check(ok, what);
    if (ok) {
        printf("     %s: %s\n", ss_status_name(status), last_error());
    }
}

static int contains(const char *text, const char *needle) {
    return text != NULL && strstr(text, needle) != NULL;
}

/* The task id at the start of a task's JSON ({"id":N,...}). */
static uint64_t task_id(const char *task_json) {
    unsigned long long id = 0;
    if (sscanf(task_json, "{\"id\":%llu", &id) != 1) {
        fprintf(stderr, "fatal: no id in %s\n", task_json);
        exit(2);
    }
    return (uint64_t)id;
}

/* ---- A host executor: a fixed schema in memory --------------------------- */

struct fake_db {
    const char *server_json;
    const char *relations_json;
    const char *table;
    const char *ddl;
    const char *list_error; /* non-NULL: list_relations fails with it */
    int executed;
    int freed;
};

static int32_t fake_server_info(void *user_data, ss_reply *reply) {
    struct fake_db *db = user_data;
    return ss_reply_set(reply, db->server_json) == SS_OK ? 0 : 1;
}

static int32_t fake_list_relations(void *user_data, ss_reply *reply) {
    struct fake_db *db = user_data;
    if (db->list_error) {
        ss_reply_set(reply, db->list_error);
        return 7;
    }
    return ss_reply_set(reply, db->relations_json) == SS_OK ? 0 : 1;
}

static int32_t fake_show_create_table(void *user_data, const char *name, ss_reply *reply) {
    struct fake_db *db = user_data;
    if (strcmp(name, db->table) != 0) {
        return 0; /* no such table: no reply */
    }
    return ss_reply_set(reply, db->ddl) == SS_OK ? 0 : 1;
}

static int32_t fake_execute(void *user_data, const char *sql, ss_reply *reply) {
    struct fake_db *db = user_data;
    (void)sql;
    (void)reply;
    db->executed++;
    return 0;
}

static void fake_free(void *user_data) {
    struct fake_db *db = user_data;
    db->freed++;
}

#define FAKE_SERVER                                                                                \
    "{\"flavor\":\"mariadb\",\"version\":\"10.11.0-MariaDB\",\"database\":\"shop\","             \
    "\"lower_case_table_names\":0,\"max_identifier_length\":64}"
#define FAKE_RELATIONS "[{\"name\":\"widget\",\"kind\":\"table\"}]"
#define FAKE_DDL                                                                                   \
    "CREATE TABLE `widget` (\n  `id` int NOT NULL,\n  `label` varchar(20) DEFAULT NULL,\n"          \
    "  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"

static void host_executor_section(void) {
    struct fake_db db = {FAKE_SERVER, FAKE_RELATIONS, "widget", FAKE_DDL, NULL, 0, 0};
    ss_executor_callbacks callbacks = {&db, fake_server_info, fake_list_relations, fake_show_create_table,
                                       fake_execute, fake_free};
    ss_executor *host = NULL;
    ss_analysis *analysis = NULL;
    char *preview = NULL;

    must(ss_executor_from_callbacks(&callbacks, &host), "host executor");
    must(ss_analyze(host, "{\"rule\":\"prefix:__\"}", &analysis), "analyze through callbacks");
    must(ss_analysis_preview(analysis, &preview), "preview");
    printf("     host preview: %s\n", preview);
    check(contains(preview, "CREATE TABLE `__widget`"), "host executor: analysis plans CREATE TABLE `__widget`");
    ss_string_free(preview);
    ss_analysis_free(analysis);

    must(ss_executor_execute(host, "CREATE TABLE `__widget` (`id` int)"), "execute through callbacks");
    check(db.executed == 1, "host executor: execute callback ran the statement");
    ss_executor_free(host);
    check(db.freed == 1, "host executor: free_user_data called once on free");

    /* A failing callback becomes an executor error carrying its message. */
    struct fake_db broken = {FAKE_SERVER, FAKE_RELATIONS, "widget", FAKE_DDL, "catalog offline", 0, 0};
    ss_executor_callbacks broken_callbacks = {&broken, fake_server_info, fake_list_relations,
                                              fake_show_create_table, NULL, NULL};
    must(ss_executor_from_callbacks(&broken_callbacks, &host), "broken host executor");
    analysis = (ss_analysis *)&broken; /* must be reset to NULL by the failing call */
    expect_failure(ss_analyze(host, "{\"rule\":\"prefix:__\"}", &analysis), SS_EXECUTOR_ERROR,
                   "catalog offline", "host executor: a failing callback is SS_EXECUTOR_ERROR with its message");
    check(analysis == NULL, "host executor: the out-parameter is NULL after a failure");
    expect_failure(ss_executor_execute(host, "SELECT 1"), SS_EXECUTOR_ERROR, "no execute callback",
                   "host executor: no execute callback is an executor error");
    ss_executor_free(host);

    ss_executor_callbacks incomplete = {&db, fake_server_info, NULL, fake_show_create_table, NULL, NULL};
    expect_failure(ss_executor_from_callbacks(&incomplete, &host), SS_NULL_ARG, "list_relations",
                   "host executor: a missing required callback is SS_NULL_ARG");
}

static void snapshot_section(void) {
    const char *snapshot = "{\"server\":" FAKE_SERVER ",\"relations\":" FAKE_RELATIONS
                           ",\"ddl\":{\"widget\":\"CREATE TABLE `widget` (`id` int NOT NULL, PRIMARY KEY "
                           "(`id`))\"}}";
    ss_analysis *analysis = NULL;
    char *tables = NULL;
    must(ss_analyze_snapshot(snapshot, "{\"rule\":\"suffix:_shadow\"}", &analysis), "snapshot analysis");
    must(ss_analysis_tables(analysis, &tables), "snapshot tables");
    check(contains(tables, "\"shadow\":\"widget_shadow\"") && contains(tables, "\"action\":\"create\""),
          "snapshot: host-supplied DDL analysed (widget_shadow to create)");
    ss_string_free(tables);
    ss_analysis_free(analysis);

    expect_failure(ss_analyze_snapshot(snapshot, "{\"rule\":\"prefix:a-b\"}", &analysis), SS_INVALID_NAME, "a-b",
                   "snapshot: a bad affix is SS_INVALID_NAME");
    expect_failure(ss_analyze_snapshot(snapshot, "{\"rule\":\"prefix:__\",\"tabels\":[]}", &analysis),
                   SS_INVALID_REQUEST, "tabels", "snapshot: an unknown request field is SS_INVALID_REQUEST");
}

static void error_section(void) {
    char *out = NULL;
    expect_failure(ss_diff(NULL, "", "mysql", false, &out), SS_NULL_ARG, "current_ddl",
                   "errors: a NULL argument is SS_NULL_ARG naming it");
    expect_failure(ss_diff("CREATE TABLE t (id int)", "\xff\xfe", "mysql", false, &out), SS_INVALID_UTF8,
                   "desired_ddl", "errors: invalid UTF-8 is SS_INVALID_UTF8 naming the argument");
    expect_failure(ss_diff("CREATE TABLE t (\n  id int,\n  v int,,\n)", "", "mysql", false, &out),
                   SS_PARSE_ERROR, "line 3, column", "errors: bad DDL is SS_PARSE_ERROR with line and column");
    check(contains(last_error(), "table `t`"), "errors: the parse error names the table");
    expect_failure(ss_diff("", "", "db2", false, &out), SS_INVALID_REQUEST, "db2",
                   "errors: an unknown flavor is SS_INVALID_REQUEST");
    check(out == NULL, "errors: nothing is returned on failure");
    ss_executor *unreachable = NULL;
    expect_failure(ss_executor_connect("mysql://nobody:secret@127.0.0.1:1/", &unreachable), SS_EXECUTOR_ERROR,
                   "cannot connect", "errors: an unreachable server is SS_EXECUTOR_ERROR");
    check(!contains(last_error(), "secret"), "errors: the message hides the password");
}

static void diff_section(void) {
    char *statements = NULL;
    must(ss_diff("CREATE TABLE t (id int NOT NULL, PRIMARY KEY (id));",
                 "CREATE TABLE t (id int NOT NULL, note varchar(20), PRIMARY KEY (id));", "mariadb", false,
                 &statements),
         "diff");
    printf("     diff: %s\n", statements);
    check(contains(statements, "ADD COLUMN `note` varchar(20)"), "diff: the missing column is added");
    ss_string_free(statements);
}

/* ---- Live: analysis, skips, the task center, convergence ----------------- */

static void live_section(const char *base_url) {
    char db_url[1024];
    snprintf(db_url, sizeof db_url, "%s%s" SCRATCH_DB, base_url,
             base_url[strlen(base_url) - 1] == '/' ? "" : "/");

    ss_executor *admin = NULL;
    must(ss_executor_connect(base_url, &admin), "connect");
    must(ss_executor_execute(admin, "DROP DATABASE IF EXISTS `" SCRATCH_DB "`"), "drop scratch database");
    must(ss_executor_execute(admin, "CREATE DATABASE `" SCRATCH_DB "`"), "create scratch database");

    /* How definitions are read: a bad name is refused before connecting. */
    ss_executor *refused = NULL;
    expect_failure(ss_executor_connect_with(db_url, "fast", &refused), SS_INVALID_REQUEST,
                   "introspection must be", "unknown introspection");
    check(refused == NULL, "no executor for an unknown introspection");

    ss_executor *exec = NULL;
    must(ss_executor_connect_with(db_url, "show-create", &exec), "connect to the scratch database");
    must(ss_executor_execute(exec, "CREATE TABLE customer (id bigint unsigned NOT NULL AUTO_INCREMENT, "
                                   "email varchar(190) NOT NULL, PRIMARY KEY (id), UNIQUE KEY uk_email (email))"),
         "create customer");
    must(ss_executor_execute(exec, "CREATE TABLE orders (id bigint unsigned NOT NULL, customer_id bigint unsigned "
                                   "NOT NULL, total decimal(12,2) NOT NULL DEFAULT 0, PRIMARY KEY (id), "
                                   "CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customer (id))"),
         "create orders");
    /* Insisting on OceanBase's catalog fails on MariaDB when reading tables. */
    ss_executor *catalog = NULL;
    must(ss_executor_connect_with(db_url, "catalog", &catalog), "connect for catalog reads");
    ss_analysis *none = NULL;
    expect_failure(ss_analyze(catalog, "{\"rule\":\"prefix:__\"}", &none), SS_EXECUTOR_ERROR,
                   "not OceanBase", "catalog introspection on MariaDB");
    if (none != NULL) {
        ss_analysis_free(none);
    }
    ss_executor_free(catalog);

    ss_analysis *analysis = NULL;
    char *preview = NULL;
    must(ss_analyze(exec, "{\"rule\":\"prefix:__\"}", &analysis), "analyze");
    must(ss_analysis_preview(analysis, &preview), "preview");
    printf("     preview: %s\n", preview);
    check(contains(preview, "CREATE TABLE `__customer`") && contains(preview, "REFERENCES `__customer`"),
          "analysis: both shadows to create, the FK on the parent's shadow");
    ss_string_free(preview);

    must(ss_analysis_skip(analysis, "customer"), "skip");
    must(ss_analysis_preview(analysis, &preview), "preview after skip");
    check(!contains(preview, "CREATE TABLE `__customer`") && contains(preview, "REFERENCES `customer`"),
          "skip: no `__customer`, the FK falls back to the source");
    ss_string_free(preview);
    must(ss_analysis_unskip(analysis, "customer"), "unskip");
    must(ss_analysis_preview(analysis, &preview), "preview after unskip");
    check(contains(preview, "CREATE TABLE `__customer`"), "unskip: `__customer` planned again");
    ss_string_free(preview);
    expect_failure(ss_analysis_skip(analysis, "nope"), SS_NOT_FOUND, "nope",
                   "skip: an unknown table is SS_NOT_FOUND");

    /* The task center, on an SQLite file in a fresh directory. */
    char dir[] = "/tmp/shadowsync-c-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        exit(2);
    }
    char path[256];
    snprintf(path, sizeof path, "%s/tasks.db", dir);
    ss_task_center *center = NULL;
    must(ss_task_center_open(path, &center), "open task center");

    char *task = NULL;
    must(ss_task_center_submit(center, analysis, db_url, "{\"creator\":\"c-example\",\"remarks\":\"from C\"}", &task),
         "submit");
    uint64_t id = task_id(task);
    check(contains(task, "\"status\":\"waiting_for_execution\""), "task center: auto-approved, waiting");
    check(!contains(task, "shadowsync:shadowsync@"), "task center: the stored connection is redacted");
    ss_string_free(task);

    must(ss_task_center_execute(center, id, "c-worker", exec, &task), "execute");
    check(contains(task, "\"status\":\"succeeded\""), "task center: executed, succeeded");
    ss_string_free(task);

    /* A plan analysed with a non-default shadow policy runs and verifies
       with that policy (the executor used to take the default one, and
       verification failed every table it changed). */
    ss_analysis *kept_fks = NULL;
    must(ss_analyze(exec, "{\"rule\":\"suffix:_kept\",\"tables\":[\"customer\",\"orders\"],"
                          "\"policy\":{\"redirect_foreign_keys\":false}}", &kept_fks),
         "analyze keeping foreign keys on the sources");
    must(ss_task_center_submit(center, kept_fks, db_url, "{\"creator\":\"c-example\"}", &task), "submit");
    uint64_t kept_id = task_id(task);
    ss_string_free(task);
    ss_analysis_free(kept_fks);
    must(ss_task_center_execute(center, kept_id, "c-worker", exec, &task), "execute the kept-FK plan");
    check(contains(task, "\"status\":\"succeeded\""),
          "task center: the plan's own shadow policy is used (FKs kept on the sources), succeeded");
    ss_string_free(task);
    must(ss_executor_execute(exec, "DROP TABLE orders_kept"), "drop a kept-FK shadow");
    must(ss_executor_execute(exec, "DROP TABLE customer_kept"), "drop a kept-FK shadow");

    char *text = NULL;
    must(ss_task_center_export_logs(center, id, NULL, &text), "export logs");
    printf("     logs:\n%s", text);
    check(contains(text, "INFO") && contains(text, "succeeded"), "task center: log exported as text");
    ss_string_free(text);
    must(ss_task_center_logs(center, id, "{\"alerts_only\":true}", &text), "alert log");
    check(strcmp(text, "[]") == 0, "task center: no alert in a clean run");
    ss_string_free(text);
    must(ss_task_center_list(center, "{\"creator\":\"c-example\"}", &text), "list");
    check(contains(text, "\"total\":2"), "task center: listed");
    ss_string_free(text);
    must(ss_task_center_timeline(center, id, &text), "timeline");
    check(contains(text, "\"kind\":\"precheck_passed\""), "task center: timeline has the precheck");
    ss_string_free(text);

    expect_failure(ss_task_center_abort(center, id, "{\"name\":\"ops\"}", "too late"), SS_INVALID_TRANSITION,
                   "aborted", "task center: aborting a finished task is SS_INVALID_TRANSITION");
    expect_failure(ss_task_center_approve(center, id, "{\"name\":\"ops\"}", "", &text), SS_INVALID_TRANSITION,
                   "succeeded", "task center: approving a finished task is SS_INVALID_TRANSITION");
    expect_failure(ss_task_center_task(center, 424242, &text), SS_NOT_FOUND, "424242",
                   "task center: an unknown task is SS_NOT_FOUND");
    expect_failure(ss_task_center_list(center, "{\"page_size\":0}", &text), SS_INVALID_REQUEST, "page size",
                   "task center: a bad query is SS_INVALID_REQUEST");
    ss_task_center_free(center);

    /* The same task center API on a store in a database of the server, which
       every host that opens it shares: a second handle finds the task. */
    char store_url[1100];
    snprintf(store_url, sizeof store_url, "%s_tasks", db_url);
    must(ss_executor_execute(admin, "DROP DATABASE IF EXISTS `" SCRATCH_DB "_tasks`"), "drop store database");
    must(ss_executor_execute(admin, "CREATE DATABASE `" SCRATCH_DB "_tasks`"), "create store database");
    ss_task_center *shared = NULL;
    must(ss_task_center_open(store_url, &shared), "open the server store");
    must(ss_task_center_submit(shared, analysis, db_url, "{\"creator\":\"c-shared\"}", &task),
         "submit to the server store");
    uint64_t shared_id = task_id(task);
    ss_string_free(task);
    ss_task_center *second = NULL;
    must(ss_task_center_open(store_url, &second), "open the server store again");
    must(ss_task_center_task(second, shared_id, &text), "read from the server store");
    check(contains(text, "\"creator\":\"c-shared\"") && contains(text, "\"status\":\"waiting_for_execution\""),
          "server store: a second handle reads the task");
    ss_string_free(text);
    ss_task_center_free(second);
    ss_task_center_free(shared);
    char missing_url[1200];
    snprintf(missing_url, sizeof missing_url, "%s_missing", store_url);
    ss_task_center *missing = NULL;
    expect_failure(ss_task_center_open(missing_url, &missing), SS_STORE_ERROR, "_missing",
                   "server store: a missing database is SS_STORE_ERROR");
    check(!contains(last_error(), "shadowsync:shadowsync@"), "server store: the error holds no password");
    must(ss_executor_execute(admin, "DROP DATABASE `" SCRATCH_DB "_tasks`"), "drop store database");
    ss_analysis_free(analysis);

    /* Converged: the shadows exist and a new analysis finds them identical. */
    must(ss_analyze(exec, "{\"rule\":\"prefix:__\"}", &analysis), "re-analyze");
    must(ss_analysis_preview(analysis, &preview), "preview after the run");
    must(ss_analysis_tables(analysis, &text), "tables after the run");
    check(strcmp(preview, "[]") == 0 && contains(text, "\"reason\":\"identical\"") &&
              !contains(text, "\"action\":\"create\""),
          "converged: re-analysis finds every shadow identical");
    ss_string_free(preview);
    ss_string_free(text);
    ss_analysis_free(analysis);

    must(ss_executor_execute(admin, "DROP DATABASE `" SCRATCH_DB "`"), "drop scratch database");
    ss_executor_free(exec);
    ss_executor_free(admin);
    const char *suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        char file[300];
        snprintf(file, sizeof file, "%s%s", path, suffixes[i]);
        unlink(file);
    }
    rmdir(dir);
}

int main(void) {
    const char *url = getenv("SHADOWSYNC_MARIADB_URL");
    if (!url || !*url) {
        fprintf(stderr, "SHADOWSYNC_MARIADB_URL is not set: start the engines with "
                        "eval \"$(scripts/engines.sh start)\"\n");
        return 1;
    }
    error_section();
    diff_section();
    snapshot_section();
    host_executor_section();
    live_section(url);
    printf("sync_example: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
