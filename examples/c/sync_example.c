/*
 * shadowsync from C: diff, analysis, skips, the plan, the task center (task
 * ids, statuses and table counts as plain values, progress events to a
 * callback), initiating a task again, a host-callback executor and the
 * error paths, against a real server (MariaDB, or OceanBase seekdb).
 *
 *   SHADOWSYNC_MARIADB_URL=mysql://user:pass@127.0.0.1:33061/ ./sync_example
 *   SHADOWSYNC_EXAMPLE_URL=mysql://root@127.0.0.1:2881/ ./sync_example   (another server)
 *
 * With SHADOWSYNC_PARITY_CMD set (the command that runs the parity program,
 * e.g. "valgrind ... parity"), it also runs parity on the scratch database
 * and the task store and checks that it prints exactly the library's views.
 *
 * Prints one "ok - ..." line per check and a closing "N passed, N failed"
 * line; exits nonzero when a check fails. Every handle and string is freed,
 * so the program runs clean under valgrind --leak-check=full.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
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

/* ---- Progress events: counted by kind ------------------------------------ */

struct progress_counts {
    int task_started;
    int table_started;
    int statement_sent;
    int statement_finished;
    int table_finished;
    int task_finished;
    int other;
    int bad; /* an event that is no JSON object with an "event" */
};

/* The progress callback: `user_data` is a struct progress_counts. It runs on
   the thread that runs the task (here the main thread), and the text is
   valid only during the call. */
static void on_progress(void *user_data, const char *event_json) {
    struct progress_counts *counts = user_data;
    if (event_json == NULL || event_json[0] != '{' || !strstr(event_json, "\"event\":\"")) {
        counts->bad++;
    } else if (strstr(event_json, "\"event\":\"task_started\"")) {
        counts->task_started++;
    } else if (strstr(event_json, "\"event\":\"table_started\"")) {
        counts->table_started++;
    } else if (strstr(event_json, "\"event\":\"statement_sent\"")) {
        counts->statement_sent++;
    } else if (strstr(event_json, "\"event\":\"statement_finished\"")) {
        counts->statement_finished++;
    } else if (strstr(event_json, "\"event\":\"table_finished\"")) {
        counts->table_finished++;
    } else if (strstr(event_json, "\"event\":\"task_finished\"")) {
        counts->task_finished++;
    } else {
        counts->other++;
    }
}

/* ---- Parity: the parity program prints exactly the library's views -------- */

/* Everything `command` prints on stdout (malloc'd, NUL-terminated), and its
   exit status in *exit_status (-1 when it did not exit normally). */
static char *run_command(const char *command, int *exit_status) {
    FILE *pipe = popen(command, "r");
    if (!pipe) {
        perror("popen");
        exit(2);
    }
    size_t size = 0, capacity = 4096;
    char *text = malloc(capacity);
    size_t n;
    while (text && (n = fread(text + size, 1, capacity - size - 1, pipe)) > 0) {
        size += n;
        if (capacity - size - 1 == 0) {
            char *bigger = realloc(text, capacity * 2);
            if (!bigger) {
                free(text);
                text = NULL;
                break;
            }
            text = bigger;
            capacity *= 2;
        }
    }
    int status = pclose(pipe);
    if (!text) {
        fprintf(stderr, "fatal: out of memory\n");
        exit(2);
    }
    text[size] = '\0';
    *exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return text;
}

/* Run `parity ARGS` (each argument single-quoted) and check that it exits 0
   printing exactly `expected`. */
static void check_parity(const char *parity, const char *mode, const char *arg1, const char *arg2,
                         const char *expected, const char *what) {
    char command[4096];
    if (strchr(arg1, '\'') || (arg2 && strchr(arg2, '\''))) {
        fprintf(stderr, "fatal: quote in a parity argument\n");
        exit(2);
    }
    snprintf(command, sizeof command, "%s %s '%s'%s%s%s", parity, mode, arg1, arg2 ? " '" : "",
             arg2 ? arg2 : "", arg2 ? "'" : "");
    int status = 0;
    char *out = run_command(command, &status);
    int ok = status == 0 && strcmp(out, expected) == 0;
    if (!ok) {
        fprintf(stderr, "  parity exited %d, printed:\n%s\n  expected:\n%s\n", status, out, expected);
    }
    check(ok, what);
    free(out);
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
    must(ss_analyze(host, NULL, &analysis), "analyze through callbacks (default prefix __)");
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
    expect_failure(ss_analyze(host, NULL, &analysis), SS_EXECUTOR_ERROR,
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
    char *plan = NULL;
    must(ss_analyze_snapshot(snapshot, "{\"suffix\":\"_shadow\"}", &analysis), "snapshot analysis");
    must(ss_analysis_plan_json(analysis, &plan), "snapshot plan");
    check(contains(plan, "\"kind\": \"plan\"") && contains(plan, "\"shadow\": \"widget_shadow\"") &&
              contains(plan, "\"action\": \"create\""),
          "snapshot: host-supplied DDL analysed (plan view: widget_shadow to create)");
    check(plan[strlen(plan) - 1] == '\n', "snapshot: the plan view ends with a newline");
    ss_string_free(plan);
    ss_analysis_free(analysis);

    expect_failure(ss_analyze_snapshot(snapshot, "{\"prefix\":\"a-b\"}", &analysis), SS_INVALID_NAME, "a-b",
                   "snapshot: a bad affix is SS_INVALID_NAME");
    expect_failure(ss_analyze_snapshot(snapshot, "{\"tabels\":[]}", &analysis), SS_INVALID_REQUEST, "tabels",
                   "snapshot: an unknown request field is SS_INVALID_REQUEST");
    expect_failure(ss_analyze_snapshot(snapshot, "{\"skip\":[\"gadget\"]}", &analysis), SS_INVALID_REQUEST,
                   "not selected: gadget", "snapshot: skipping a table that is not selected is refused");
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

static void live_section(const char *base_url, const char *parity) {
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
                   "unknown introspection mode `fast`", "unknown introspection");
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
    /* Insisting on OceanBase's catalog: read on OceanBase, refused elsewhere
       when reading tables. */
    ss_executor *catalog = NULL;
    must(ss_executor_connect_with(db_url, "catalog", &catalog), "connect for catalog reads");
    ss_analysis *by_catalog = NULL;
    ss_status catalog_status = ss_analyze(catalog, NULL, &by_catalog);
    check(catalog_status == SS_OK ? by_catalog != NULL
                                  : catalog_status == SS_EXECUTOR_ERROR && contains(last_error(), "not OceanBase"),
          "catalog introspection: read on OceanBase, SS_EXECUTOR_ERROR elsewhere");
    printf("     catalog introspection: %s\n", ss_status_name(catalog_status));
    ss_analysis_free(by_catalog);
    ss_executor_free(catalog);

    ss_analysis *analysis = NULL;
    char *preview = NULL;
    must(ss_analyze(exec, "{\"prefix\":\"__\"}", &analysis), "analyze");
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
    char *plan = NULL;
    must(ss_analysis_plan_json(analysis, &plan), "plan after skip");
    check(contains(plan, "\"reason\": \"user\""), "skip: the plan view shows the user skip");
    ss_string_free(plan);
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
    uint64_t id = 0;
    must(ss_task_center_submit(center, analysis, db_url, "{\"creator\":\"c-example\",\"remarks\":\"from C\"}", &id,
                               &task),
         "submit");
    check(id > 0 && contains(task, "\"kind\": \"task\""), "task center: submitted; the id as a plain value");
    check(!contains(task, "shadowsync:shadowsync@"), "task center: the stored connection is redacted");
    ss_string_free(task);
    ss_task_status status = SS_TASK_STATUS_ABORTED;
    must(ss_task_center_task_status(center, id, &status), "task status");
    check(status == SS_TASK_STATUS_WAITING_FOR_EXECUTION, "task center: auto-approved, waiting (status enum)");
    check(strcmp(ss_task_status_name(status), "waiting_for_execution") == 0,
          "task center: ss_task_status_name gives the core's name");
    check(strcmp(ss_task_status_name(99), "unknown") == 0, "task center: a value that is no status is unknown");

    /* Progress events while it runs, to a callback. */
    struct progress_counts progress = {0};
    must(ss_task_center_set_progress(center, on_progress, &progress), "set the progress callback");
    ss_task_status ended = SS_TASK_STATUS_PENDING_APPROVAL;
    must(ss_task_center_execute(center, id, "c-worker", exec, &ended, NULL), "execute (status only)");
    check(ended == SS_TASK_STATUS_SUCCEEDED, "task center: executed, succeeded (status enum)");
    printf("     progress: %d task_started, %d table_started, %d statement_sent, %d statement_finished, "
           "%d table_finished, %d task_finished, %d other\n",
           progress.task_started, progress.table_started, progress.statement_sent, progress.statement_finished,
           progress.table_finished, progress.task_finished, progress.other);
    check(progress.bad == 0 && progress.task_started == 1 && progress.task_finished == 1,
          "progress: one task_started and one task_finished, every event JSON");
    check(progress.table_started == 2 && progress.table_finished == 2, "progress: both tables started and finished");
    check(progress.statement_sent >= 2 && progress.statement_sent == progress.statement_finished,
          "progress: every statement sent is finished");
    ss_table_counts counts = {0};
    must(ss_task_center_task_counts(center, id, &counts), "task counts");
    check(counts.total == 2 && counts.succeeded == 2 && counts.failed == 0 && counts.skipped == 0 &&
              counts.waiting == 0 && counts.running == 0,
          "task center: table counts as plain values (2 of 2 succeeded)");
    must(ss_task_center_set_progress(center, NULL, NULL), "clear the progress callback");

    /* A plan analysed with a non-default shadow policy runs and verifies
       with that policy (the executor used to take the default one, and
       verification failed every table it changed). */
    ss_analysis *kept_fks = NULL;
    must(ss_analyze(exec, "{\"suffix\":\"_kept\",\"tables\":[\"customer\",\"orders\"],"
                          "\"policy\":{\"redirect_foreign_keys\":false}}", &kept_fks),
         "analyze keeping foreign keys on the sources");
    uint64_t kept_id = 0;
    must(ss_task_center_submit(center, kept_fks, db_url, "{\"creator\":\"c-example\"}", &kept_id, NULL), "submit");
    ss_analysis_free(kept_fks);
    int heard_before = progress.task_started;
    must(ss_task_center_execute(center, kept_id, "c-worker", exec, NULL, &task), "execute the kept-FK plan");
    check(contains(task, "\"status\": \"succeeded\""),
          "task center: the plan's own shadow policy is used (FKs kept on the sources), succeeded");
    check(progress.task_started == heard_before, "progress: nothing is heard once the callback is cleared");
    ss_string_free(task);
    must(ss_executor_execute(exec, "DROP TABLE orders_kept"), "drop a kept-FK shadow");
    must(ss_executor_execute(exec, "DROP TABLE customer_kept"), "drop a kept-FK shadow");

    char *text = NULL;
    must(ss_task_center_export_logs(center, id, NULL, &text), "export logs");
    printf("     logs:\n%s", text);
    check(contains(text, "INFO") && contains(text, "succeeded"), "task center: log exported as text");
    ss_string_free(text);
    must(ss_task_center_logs(center, id, "{\"alerts_only\":true}", &text), "alert log");
    check(contains(text, "\"kind\": \"logs\"") && contains(text, "\"entries\": []"),
          "task center: no alert in a clean run");
    ss_string_free(text);
    must(ss_task_center_list(center, "{\"creator\":\"c-example\"}", &text), "list");
    check(contains(text, "\"kind\": \"task_page\"") && contains(text, "\"total\": 2"), "task center: listed");
    ss_string_free(text);
    must(ss_task_center_timeline(center, id, &text), "timeline");
    check(contains(text, "\"kind\": \"precheck_passed\""), "task center: timeline has the precheck");
    ss_string_free(text);

    expect_failure(ss_task_center_abort(center, id, "{\"name\":\"ops\"}", "too late"), SS_INVALID_TRANSITION,
                   "aborted", "task center: aborting a finished task is SS_INVALID_TRANSITION");
    expect_failure(ss_task_center_approve(center, id, "{\"name\":\"ops\"}", "", NULL, &text), SS_INVALID_TRANSITION,
                   "succeeded", "task center: approving a finished task is SS_INVALID_TRANSITION");
    expect_failure(ss_task_center_task(center, 424242, &text), SS_NOT_FOUND, "424242",
                   "task center: an unknown task is SS_NOT_FOUND");
    expect_failure(ss_task_center_task_status(center, 424242, &status), SS_NOT_FOUND, "424242",
                   "task center: the status of an unknown task is SS_NOT_FOUND");
    expect_failure(ss_task_center_list(center, "{\"page_size\":0}", &text), SS_INVALID_REQUEST, "page size",
                   "task center: a bad query is SS_INVALID_REQUEST");
    expect_failure(ss_task_center_submit(center, analysis, db_url, "{\"creator\":\"c\",\"on_error\":\"retry\"}",
                                         NULL, NULL),
                   SS_INVALID_REQUEST, "`retry`", "task center: an unknown error strategy is SS_INVALID_REQUEST");

    /* Initiate the first task again: the old plan's selection analysed
       afresh (every shadow exists now), a new task, run. */
    ss_analysis *again = NULL;
    must(ss_task_center_analyze_again(center, id, exec, &again), "analyze again");
    uint64_t again_id = 0;
    must(ss_task_center_initiate_again(center, id, again, db_url, "{\"creator\":\"c-again\"}", &again_id, &task),
         "initiate again");
    char from[64];
    snprintf(from, sizeof from, "\"initiated_from\": %llu", (unsigned long long)id);
    check(again_id > kept_id && contains(task, from), "again: a new task initiated from the first");
    ss_string_free(task);
    ss_analysis_free(again);
    must(ss_task_center_execute(center, again_id, "c-worker", exec, &ended, NULL), "execute again");
    check(ended == SS_TASK_STATUS_SUCCEEDED, "again: succeeded");
    must(ss_task_center_task_counts(center, again_id, &counts), "counts again");
    check(counts.total == 2 && counts.skipped == 2, "again: both tables identical, skipped");
    ss_task_center_free(center);

    /* The same task center API on a store in a database of the server, which
       every host that opens it shares: a second handle finds the task. */
    char store_url[1100];
    snprintf(store_url, sizeof store_url, "%s_tasks", db_url);
    must(ss_executor_execute(admin, "DROP DATABASE IF EXISTS `" SCRATCH_DB "_tasks`"), "drop store database");
    must(ss_executor_execute(admin, "CREATE DATABASE `" SCRATCH_DB "_tasks`"), "create store database");
    ss_task_center *shared = NULL;
    must(ss_task_center_open(store_url, &shared), "open the server store");
    uint64_t shared_id = 0;
    must(ss_task_center_submit(shared, analysis, db_url, "{\"creator\":\"c-shared\"}", &shared_id, NULL),
         "submit to the server store");
    ss_task_center *second = NULL;
    must(ss_task_center_open(store_url, &second), "open the server store again");
    must(ss_task_center_task(second, shared_id, &text), "read from the server store");
    check(contains(text, "\"creator\": \"c-shared\"") && contains(text, "\"status\": \"waiting_for_execution\""),
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
    must(ss_analyze(exec, NULL, &analysis), "re-analyze");
    must(ss_analysis_preview(analysis, &preview), "preview after the run");
    must(ss_analysis_plan_json(analysis, &plan), "plan after the run");
    check(strcmp(preview, "[]") == 0 && contains(plan, "\"reason\": \"identical\"") &&
              !contains(plan, "\"action\": \"create\""),
          "converged: re-analysis finds every shadow identical");
    ss_string_free(preview);

    /* Parity: the parity program prints exactly these views. */
    if (parity) {
        check_parity(parity, "plan", db_url, NULL, plan, "parity: plan prints the plan view");
        char id_text[32];
        snprintf(id_text, sizeof id_text, "%llu", (unsigned long long)id);
        ss_task_center *reader = NULL;
        must(ss_task_center_open(path, &reader), "reopen the task store");
        must(ss_task_center_task(reader, id, &text), "task view");
        check_parity(parity, "task", path, id_text, text, "parity: task prints the task view");
        ss_string_free(text);
        must(ss_task_center_timeline(reader, id, &text), "timeline view");
        check_parity(parity, "timeline", path, id_text, text, "parity: timeline prints the timeline view");
        ss_string_free(text);
        must(ss_task_center_logs(reader, id, NULL, &text), "logs view");
        check_parity(parity, "logs", path, id_text, text, "parity: logs prints the logs view");
        ss_string_free(text);
        ss_task_center_free(reader);
        char command[2048];
        snprintf(command, sizeof command, "%s task '%s' 424242 2>/dev/null", parity, path);
        int code = 0;
        char *out = run_command(command, &code);
        check(code == 1 && out[0] == '\0', "parity: an unknown task exits 1 and prints nothing on stdout");
        free(out);
    } else {
        printf("     (SHADOWSYNC_PARITY_CMD not set: parity not run)\n");
    }
    ss_string_free(plan);
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

/* Database mode: the shadows in another database (created by the task),
   under the sources' names; the source database itself refused. */
static void mapped_section(const char *base_url) {
    char db_url[1024];
    snprintf(db_url, sizeof db_url, "%s%s" SCRATCH_DB "_src", base_url,
             base_url[strlen(base_url) - 1] == '/' ? "" : "/");
    ss_executor *admin = NULL;
    must(ss_executor_connect(base_url, &admin), "connect");
    must(ss_executor_execute(admin, "DROP DATABASE IF EXISTS `" SCRATCH_DB "_src`"), "drop source database");
    must(ss_executor_execute(admin, "DROP DATABASE IF EXISTS `" SCRATCH_DB "_sh`"), "drop shadow database");
    must(ss_executor_execute(admin, "CREATE DATABASE `" SCRATCH_DB "_src`"), "create source database");
    ss_executor *source = NULL;
    must(ss_executor_connect(db_url, &source), "connect to the source database");
    must(ss_executor_execute(source, "CREATE TABLE customer (id bigint NOT NULL, PRIMARY KEY (id))"),
         "create customer");
    must(ss_executor_execute(source, "CREATE TABLE orders (id bigint NOT NULL, customer_id bigint NOT NULL, "
                                     "PRIMARY KEY (id), KEY k_c (customer_id), CONSTRAINT fk_o_c FOREIGN KEY "
                                     "(customer_id) REFERENCES customer (id))"),
         "create orders");

    ss_executor *self = NULL;
    must(ss_executor_connect_mapped(db_url, NULL, SCRATCH_DB "_src", NULL, &self), "map onto itself");
    ss_analysis *refused = NULL;
    expect_failure(ss_analyze(self, NULL, &refused), SS_INVALID_REQUEST, "is the source database itself",
                   "database mode: the source database is never its own shadow");
    ss_executor_free(self);

    ss_executor *mapped = NULL;
    must(ss_executor_connect_mapped(db_url, NULL, SCRATCH_DB "_sh", NULL, &mapped), "connect mapped");
    ss_analysis *analysis = NULL;
    char *preview = NULL;
    must(ss_analyze(mapped, NULL, &analysis), "analyze mapped");
    must(ss_analysis_preview(analysis, &preview), "preview mapped");
    check(contains(preview, "CREATE TABLE `orders`") && contains(preview, "REFERENCES `customer`"),
          "database mode: the sources' names, the FK on the shadow parent");
    ss_string_free(preview);
    ss_task_center *center = NULL;
    must(ss_task_center_new_in_memory(&center), "memory task center");
    uint64_t id = 0;
    must(ss_task_center_submit(center, analysis, db_url, "{\"creator\":\"c-example\"}", &id, NULL), "submit");
    ss_executor *runner = NULL;
    must(ss_task_center_task_executor(center, id, db_url, NULL, &runner), "task executor");
    ss_task_status status;
    must(ss_task_center_execute(center, id, "c-worker", runner, &status, NULL), "execute mapped");
    check(status == SS_TASK_STATUS_SUCCEEDED, "database mode: the task succeeded");
    ss_executor *shadows = NULL;
    must(ss_executor_connect_mapped(db_url, NULL, SCRATCH_DB "_sh", NULL, &shadows), "connect mapped again");
    ss_analysis *after = NULL;
    must(ss_analyze(shadows, NULL, &after), "analyze after the task");
    must(ss_analysis_preview(after, &preview), "preview after the task");
    check(strcmp(preview, "[]") == 0,
          "database mode: the shadow database was created, its shadows in step");
    printf("     mapped preview after the task: %s\n", preview);
    ss_string_free(preview);
    ss_analysis_free(after);
    ss_executor_free(shadows);
    /* The same database as a one-member fleet, in database mode. */
    char fleet[2048];
    snprintf(fleet, sizeof fleet,
             "shadow_schema = \"" SCRATCH_DB "_sh\"\n[[server]]\nurl = \"%s\"\nschemas = [\"" SCRATCH_DB
             "_src\"]\n",
             base_url);
    char *fleet_json = NULL;
    must(ss_check_fleet(fleet, "fleet.toml", 1, 2, &fleet_json), "fleet check");
    check(contains(fleet_json, "\"kind\": \"fleet_check\"") && contains(fleet_json, "\"ready\": true"),
          "fleet check: the synced member is ready");
    ss_string_free(fleet_json);
    /* A new source table: the fleet sync submits one task for the one
       database and runs it; synced again, nothing is submitted. */
    must(ss_executor_execute(source, "CREATE TABLE ledger (id bigint NOT NULL, PRIMARY KEY (id))"),
         "create ledger");
    must(ss_task_center_sync_fleet(center, fleet, "fleet.toml", "{\"creator\":\"c-example\"}", "c-worker", 1, 2,
                                   &fleet_json),
         "fleet sync");
    check(contains(fleet_json, "\"kind\": \"fleet_sync\"") && contains(fleet_json, "\"complete\": true") &&
              contains(fleet_json, "\"succeeded\": 1") && contains(fleet_json, "\"status\": \"succeeded\""),
          "fleet sync: one task submitted under the fleet id, run and succeeded");
    /* The fleet id, followed as one: its tasks and where they stand. */
    char fleet_id[512] = "";
    const char *id_at = strstr(fleet_json, "\"fleet\": \"");
    if (id_at != NULL) {
        id_at += strlen("\"fleet\": \"");
        size_t n = strcspn(id_at, "\"");
        if (n < sizeof fleet_id) {
            memcpy(fleet_id, id_at, n);
            fleet_id[n] = '\0';
        }
    }
    ss_string_free(fleet_json);
    must(ss_task_center_fleet(center, fleet_id, &fleet_json), "fleet tasks");
    check(contains(fleet_json, "\"kind\": \"fleet_tasks\"") && contains(fleet_json, "\"complete\": true") &&
              contains(fleet_json, "\"tasks\": 1"),
          "fleet tasks: the fleet id names its one task, succeeded");
    ss_string_free(fleet_json);
    char *no_decision = NULL;
    expect_failure(ss_task_center_decide_fleet(center, fleet_id, true, "{\"name\":\"c-example\"}", "ok",
                                               &no_decision),
                   SS_INVALID_REQUEST, "waits for approval",
                   "fleet approval: nothing waits under the built-in flow, SS_INVALID_REQUEST");
    char *no_fleet = NULL;
    expect_failure(ss_task_center_fleet(center, "fleet-0@nowhere", &no_fleet), SS_NOT_FOUND, "no task of fleet",
                   "fleet tasks: an unknown fleet is SS_NOT_FOUND");
    must(ss_task_center_sync_fleet(center, fleet, "fleet.toml", "{\"creator\":\"c-example\"}", "c-worker", 1, 2,
                                   &fleet_json),
         "fleet sync again");
    check(contains(fleet_json, "\"fleet\": null") && contains(fleet_json, "\"statements\": 0"),
          "fleet sync: in step, nothing submitted");
    ss_string_free(fleet_json);
    char *none = NULL;
    expect_failure(ss_task_center_sync_fleet(center, "colour = 1", "bad.toml", "{\"creator\":\"c\"}", "w", 1, 1,
                                             &none),
                   SS_INVALID_REQUEST, "bad.toml", "fleet sync: a bad fleet file is SS_INVALID_REQUEST naming it");
    expect_failure(ss_check_fleet("colour = 1", "bad.toml", 1, 1, &none), SS_INVALID_REQUEST, "bad.toml",
                   "fleet check: a bad fleet file is SS_INVALID_REQUEST naming it");
    ss_executor_free(runner);
    ss_task_center_free(center);
    ss_analysis_free(analysis);
    ss_executor_free(mapped);
    ss_executor_free(source);
    must(ss_executor_execute(admin, "DROP DATABASE `" SCRATCH_DB "_sh`"), "drop shadow database");
    must(ss_executor_execute(admin, "DROP DATABASE `" SCRATCH_DB "_src`"), "drop source database");
    ss_executor_free(admin);
}

/* One watch pass at a time, as a host with its own scheduler calls it. */
static void watch_section(const char *base_url) {
    char db_url[1024];
    snprintf(db_url, sizeof db_url, "%s%s" SCRATCH_DB "_watch", base_url,
             base_url[strlen(base_url) - 1] == '/' ? "" : "/");
    ss_executor *admin = NULL;
    must(ss_executor_connect(base_url, &admin), "connect");
    must(ss_executor_execute(admin, "DROP DATABASE IF EXISTS `" SCRATCH_DB "_watch`"), "drop watch database");
    must(ss_executor_execute(admin, "CREATE DATABASE `" SCRATCH_DB "_watch`"), "create watch database");
    ss_executor *exec = NULL;
    must(ss_executor_connect(db_url, &exec), "connect to the watch database");
    must(ss_executor_execute(exec, "CREATE TABLE orders (id bigint NOT NULL, PRIMARY KEY (id))"), "create orders");
    ss_task_center *center = NULL;
    must(ss_task_center_new_in_memory(&center), "memory task center");
    const char *submit = "{\"creator\":\"c-watch\"}";
    char *pass = NULL;
    must(ss_watch_once(center, exec, db_url, "{\"include\":[\"ord*\"]}", submit, &pass), "first watch pass");
    check(contains(pass, "\"kind\": \"watch\"") && contains(pass, "\"outcome\": \"submitted\"") &&
              contains(pass, "\"drift\": \"drift:"),
          "watch: a missing shadow is submitted as a drift");
    ss_string_free(pass);
    must(ss_watch_once(center, exec, db_url, "{\"include\":[\"ord*\"]}", submit, &pass), "second watch pass");
    check(contains(pass, "\"outcome\": \"held\""), "watch: the same drift is held, not submitted again");
    ss_string_free(pass);
    char *report = NULL;
    must(ss_task_center_run_due(center, "c-worker", exec, &report), "run the due task");
    check(contains(report, "\"status\": \"succeeded\""), "watch: the submitted task ran");
    ss_string_free(report);
    must(ss_watch_once(center, exec, db_url, "{\"include\":[\"ord*\"]}", submit, &pass), "third watch pass");
    check(contains(pass, "\"outcome\": \"in_step\"") && contains(pass, "\"task\": null"),
          "watch: in step after the run");
    ss_string_free(pass);
    must(ss_executor_execute(exec, "CREATE TABLE refunds (id bigint NOT NULL, PRIMARY KEY (id))"), "create refunds");
    expect_failure(ss_watch_once(center, exec, db_url, NULL, submit, NULL), SS_NULL_ARG, "out_json",
                   "watch: a NULL out_json is refused");
    must(ss_watch_once(center, exec, db_url, NULL, submit, &pass), "watch pass after the refusal");
    check(contains(pass, "\"outcome\": \"submitted\""),
          "watch: the refused call submitted nothing, the next pass submits the new table");
    ss_string_free(pass);
    expect_failure(ss_watch_once(center, exec, db_url, "{\"cache\":\"x.db\"}", submit, &pass), SS_INVALID_REQUEST,
                   "cache", "watch: a cache of its own is refused");
    check(pass == NULL, "watch: a failed call leaves *out_json NULL");
    expect_failure(ss_watch_once(center, exec, db_url, NULL, "{}", &pass), SS_INVALID_REQUEST, "creator",
                   "watch: a submission without a creator is refused");
    ss_task_center_free(center);
    ss_executor_free(exec);
    must(ss_executor_execute(admin, "DROP DATABASE `" SCRATCH_DB "_watch`"), "drop watch database");
    ss_executor_free(admin);
}

int main(void) {
    const char *url = getenv("SHADOWSYNC_EXAMPLE_URL");
    if (!url || !*url) {
        url = getenv("SHADOWSYNC_MARIADB_URL");
    }
    if (!url || !*url) {
        fprintf(stderr, "neither SHADOWSYNC_EXAMPLE_URL nor SHADOWSYNC_MARIADB_URL is set: start the engines "
                        "with eval \"$(scripts/engines.sh start)\"\n");
        return 1;
    }
    const char *parity = getenv("SHADOWSYNC_PARITY_CMD");
    error_section();
    diff_section();
    snapshot_section();
    host_executor_section();
    live_section(url, parity && *parity ? parity : NULL);
    mapped_section(url);
    watch_section(url);
    printf("sync_example: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
