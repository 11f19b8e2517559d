/*
 * The C ABI's side of the cross-front-end parity test: prints exactly the
 * JSON view the library gives, and nothing else, so that a test can compare
 * it byte for byte with the command line's --format json and Python's
 * to_json().
 *
 *   parity plan URL                 the plan of URL's database, analysed with
 *                                   the defaults (prefix __, every table)
 *   parity task STORE_PATH ID       task ID of the SQLite store at STORE_PATH
 *                                   (an existing file; a mysql:// store URL
 *                                   works too)
 *   parity timeline STORE_PATH ID   its timeline
 *   parity logs STORE_PATH ID       its logs (every entry)
 *
 * Exits 0 after printing the view; on failure prints the library's message
 * on stderr (nothing on stdout) and exits 1, or 2 for a bad command line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shadowsync.h"

static int usage(void) {
    fputs("usage: parity plan URL\n"
          "       parity task|timeline|logs STORE_PATH ID\n",
          stderr);
    return 2;
}

/* Report a failed call: its status and the library's message. */
static int fail(ss_status status, const char *what) {
    const char *message = ss_last_error_message();
    fprintf(stderr, "parity: %s: %s: %s\n", what, ss_status_name(status), message ? message : "(no message)");
    return 1;
}

/* Print `json` (a view, which ends with its newline) and release it. */
static int print(char *json) {
    int ok = fputs(json, stdout) >= 0 && fflush(stdout) == 0;
    ss_string_free(json);
    if (!ok) {
        perror("parity: stdout");
        return 1;
    }
    return 0;
}

static int plan(const char *url) {
    ss_executor *exec = NULL;
    ss_analysis *analysis = NULL;
    char *json = NULL;
    ss_status status = ss_executor_connect(url, &exec);
    if (status != SS_OK) {
        return fail(status, "connect");
    }
    status = ss_analyze(exec, NULL, &analysis);
    ss_executor_free(exec);
    if (status != SS_OK) {
        return fail(status, "analyze");
    }
    status = ss_analysis_plan_json(analysis, &json);
    ss_analysis_free(analysis);
    if (status != SS_OK) {
        return fail(status, "plan");
    }
    return print(json);
}

/* A task id as the command line gives it: decimal digits only. */
static int parse_id(const char *text, uint64_t *id) {
    char *end = NULL;
    if (text[0] < '0' || text[0] > '9') {
        return 0;
    }
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0') {
        return 0;
    }
    *id = (uint64_t)value;
    return 1;
}

static int task_view(const char *what, const char *store, const char *id_text) {
    uint64_t id = 0;
    if (!parse_id(id_text, &id)) {
        fprintf(stderr, "parity: `%s` is not a task id\n", id_text);
        return 2;
    }
    /* Opening a store creates a missing SQLite file: read only existing ones. */
    FILE *file = strncmp(store, "mysql://", 8) == 0 ? NULL : fopen(store, "rb");
    if (file == NULL && strncmp(store, "mysql://", 8) != 0) {
        fprintf(stderr, "parity: no store at %s: %s\n", store, strerror(errno));
        return 1;
    }
    if (file != NULL) {
        fclose(file);
    }
    ss_task_center *center = NULL;
    ss_status status = ss_task_center_open(store, &center);
    if (status != SS_OK) {
        return fail(status, "open the store");
    }
    char *json = NULL;
    if (strcmp(what, "task") == 0) {
        status = ss_task_center_task(center, id, &json);
    } else if (strcmp(what, "timeline") == 0) {
        status = ss_task_center_timeline(center, id, &json);
    } else {
        status = ss_task_center_logs(center, id, NULL, &json);
    }
    ss_task_center_free(center);
    if (status != SS_OK) {
        return fail(status, what);
    }
    return print(json);
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "plan") == 0) {
        return plan(argv[2]);
    }
    if (argc == 4 && (strcmp(argv[1], "task") == 0 || strcmp(argv[1], "timeline") == 0 ||
                      strcmp(argv[1], "logs") == 0)) {
        return task_view(argv[1], argv[2], argv[3]);
    }
    return usage();
}
