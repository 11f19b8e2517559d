//! Tests of the task center's C functions.

use std::collections::BTreeMap;
use std::ffi::{CStr, CString};
use std::ptr::null_mut;
use std::sync::Mutex;

use serde_json::{json, Value};
use shadowsync_core::{Flavor, Relation, RelationKind, ServerInfo};

use super::*;
use crate::analysis::{ss_analysis_free, ss_analyze_snapshot};
use crate::executor::ss_executor_free;
use crate::ptr::ss_string_free;
use crate::status::{
    ss_last_error_message, SS_INVALID_REQUEST, SS_INVALID_TRANSITION, SS_NOT_FOUND, SS_NULL_ARG,
    SS_OK,
};

const SOURCE: &str = "CREATE TABLE `t` (\n  `id` int NOT NULL,\n  PRIMARY KEY (`id`)\n)";
const URL: &CStr = c"mysql://u:secret@db:3306";

/// A server holding the DDL of the tables of one database; a `CREATE
/// TABLE` it runs adds a table.
struct FakeServer {
    database: String,
    tables: BTreeMap<String, String>,
}

impl Executor for FakeServer {
    fn server_info(&mut self) -> Result<ServerInfo, Error> {
        Ok(ServerInfo {
            flavor: Flavor::Mysql,
            version: "8.0.36".into(),
            database: self.database.clone(),
            lower_case_table_names: 0,
            max_identifier_length: 64,
        })
    }
    fn list_relations(&mut self) -> Result<Vec<Relation>, Error> {
        Ok(self
            .tables
            .keys()
            .map(|name| Relation {
                name: name.clone(),
                kind: RelationKind::Table,
            })
            .collect())
    }
    fn show_create_tables(&mut self, names: &[String]) -> Result<Vec<Option<String>>, Error> {
        Ok(names.iter().map(|n| self.tables.get(n).cloned()).collect())
    }
    fn execute(&mut self, sql: &str) -> Result<(), Error> {
        let name = sql
            .strip_prefix("CREATE TABLE `")
            .and_then(|rest| rest.split('`').next())
            .ok_or_else(|| Error::Executor(format!("unexpected statement: {sql}")))?;
        self.tables.insert(name.to_string(), sql.to_string());
        Ok(())
    }
}

fn executor(database: &str) -> *mut SsExecutor {
    let tables = BTreeMap::from([("t".to_string(), SOURCE.to_string())]);
    ptr::into_handle(SsExecutor {
        inner: Box::new(FakeServer {
            database: database.into(),
            tables,
        }),
    })
}

/// An analysis of the snapshot of `database` holding `tables`, with the
/// default request.
fn analysis(database: &str, tables: &[(&str, &str)]) -> *mut SsAnalysis {
    let snapshot = json!({
        "server": {"flavor": "mysql", "version": "8.0.36", "database": database,
                   "lower_case_table_names": 0, "max_identifier_length": 64},
        "relations": tables.iter().map(|(n, _)| json!({"name": n, "kind": "table"})).collect::<Vec<_>>(),
        "ddl": tables.iter().map(|(n, d)| (n.to_string(), json!(d))).collect::<serde_json::Map<_, _>>(),
    });
    let snapshot = CString::new(snapshot.to_string()).unwrap();
    let mut out = null_mut();
    // SAFETY: valid strings and out slot.
    let status = unsafe { ss_analyze_snapshot(snapshot.as_ptr(), std::ptr::null(), &mut out) };
    assert_eq!(status, SS_OK, "{}", last_message());
    out
}

fn last_message() -> String {
    // SAFETY: set by the failed call on this thread.
    unsafe { CStr::from_ptr(ss_last_error_message()) }
        .to_string_lossy()
        .into_owned()
}

/// The status of `call` and the string it gave (or the error message).
fn call(call: impl FnOnce(*mut *mut c_char) -> SsStatus) -> (SsStatus, String) {
    let mut out = null_mut();
    let status = call(&mut out);
    if status != SS_OK {
        assert!(out.is_null());
        return (status, last_message());
    }
    // SAFETY: a string returned by the library, freed once.
    let text = unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_string();
    unsafe { ss_string_free(out) };
    (status, text)
}

fn ok_text(result: (SsStatus, String)) -> String {
    assert_eq!(result.0, SS_OK, "{}", result.1);
    result.1
}

fn ok_json(result: (SsStatus, String)) -> Value {
    serde_json::from_str(&ok_text(result)).unwrap()
}

fn center() -> *mut SsTaskCenter {
    let mut center = null_mut();
    // SAFETY: a valid out slot.
    assert_eq!(unsafe { ss_task_center_new_in_memory(&mut center) }, SS_OK);
    center
}

/// Submit `analysis` by alice; the new task's id, and its JSON.
fn submit(center: *mut SsTaskCenter, analysis: *mut SsAnalysis) -> (u64, Value) {
    let mut id = 0;
    // SAFETY: live handles, valid strings and out slots.
    let task = ok_json(call(|out| unsafe {
        ss_task_center_submit(
            center,
            analysis,
            URL.as_ptr(),
            c"{\"creator\":\"alice\"}".as_ptr(),
            &mut id,
            out,
        )
    }));
    assert_eq!(task["id"], json!(id));
    (id, task)
}

#[test]
fn flows_round_trip_and_nothing_is_overdue() {
    let center = center();
    let flows = json!([{"name": "dba", "nodes": [{"name": "review", "approvers": {"role": "dba"}}],
        "rules": [{"connection": "*", "database": "shop"}],
        "approval_expiry_ms": 3_600_000, "execution_expiry_ms": 7_200_000}]);
    // SAFETY: live handle, valid strings and out slots.
    unsafe {
        assert_eq!(
            ok_json(call(|out| ss_task_center_flows(center, out))),
            json!([])
        );
        let text = CString::new(flows.to_string()).unwrap();
        assert_eq!(ss_task_center_set_flows(center, text.as_ptr()), SS_OK);
        assert_eq!(
            ok_json(call(|out| ss_task_center_flows(center, out))),
            flows
        );
        // Checked as the CLI's flow files are: an unknown field is refused
        // and the store keeps its flows.
        let typo =
            CString::new(flows.to_string().replace("approval_expiry_ms", "aproval")).unwrap();
        assert_eq!(
            ss_task_center_set_flows(center, typo.as_ptr()),
            SS_INVALID_REQUEST
        );
        assert_eq!(
            ok_json(call(|out| ss_task_center_flows(center, out))),
            flows
        );
        let report = ok_text(call(|out| ss_task_center_expire_overdue(center, out)));
        assert_eq!(
            report,
            to_json(&DueReportView::of(&DuePass::default())).unwrap()
        );
        let (status, _) = call(|out| ss_task_center_flows(std::ptr::null(), out));
        assert_eq!(status, SS_NULL_ARG);
        ss_task_center_free(center);
    }
}

#[test]
fn tasks_and_their_records_are_the_host_views_and_scalars() {
    let center = center();
    let shop = analysis("shop", &[("t", SOURCE)]);
    let ex = executor("shop");
    // SAFETY: live handles, valid strings and out slots.
    unsafe {
        // Only the id is wanted: NULL for the JSON.
        let mut id = 0;
        let status = ss_task_center_submit(
            center,
            shop,
            URL.as_ptr(),
            c"{\"creator\":\"alice\",\"on_error\":\" Continue\"}".as_ptr(),
            &mut id,
            null_mut(),
        );
        assert_eq!(status, SS_OK, "{}", last_message());
        let task = (*center).inner.task(id).unwrap();
        assert_eq!(
            task.spec.on_error,
            shadowsync_core::task::ErrorStrategy::Continue
        );
        let mut before = SsTaskStatus::Aborted;
        assert_eq!(ss_task_center_task_status(center, id, &mut before), SS_OK);
        assert_eq!(before, SsTaskStatus::WaitingForExecution);

        let mut ended = SsTaskStatus::PendingApproval;
        let run = ok_text(call(|out| {
            ss_task_center_execute(center, id, c"w1".as_ptr(), ex, &mut ended, out)
        }));
        assert_eq!(ended, SsTaskStatus::Succeeded);
        let task = (*center).inner.task(id).unwrap();
        assert_eq!(run, to_json(&TaskView::of(&task)).unwrap());
        assert!(run.ends_with("}\n"), "{run}");

        let shown = ok_text(call(|out| ss_task_center_task(center, id, out)));
        assert_eq!(shown, run);
        let value: Value = serde_json::from_str(&shown).unwrap();
        assert_eq!(
            (&value["kind"], &value["status"]),
            (&json!("task"), &json!("succeeded"))
        );
        let mut counts = SsTableCounts::default();
        assert_eq!(ss_task_center_task_counts(center, id, &mut counts), SS_OK);
        assert_eq!(counts, TableCounts::of(&task).into());
        assert_eq!((counts.total, counts.succeeded), (1, 1));

        let timeline = ok_text(call(|out| ss_task_center_timeline(center, id, out)));
        let events = (*center).inner.timeline(id).unwrap();
        assert_eq!(timeline, to_json(&TimelineView::of(id, &events)).unwrap());
        let logs = ok_text(call(|out| {
            ss_task_center_logs(center, id, std::ptr::null(), out)
        }));
        let entries = (*center).inner.logs(id, &LogFilter::all()).unwrap();
        assert_eq!(logs, to_json(&LogsView::of(id, &entries)).unwrap());
        let page = ok_text(call(|out| {
            ss_task_center_list(center, std::ptr::null(), out)
        }));
        let tasks = (*center).inner.list(&TaskQuery::default()).unwrap();
        assert_eq!(page, to_json(&TaskPageView::of(&tasks)).unwrap());

        // Unknown tasks and missing out-parameters.
        assert_eq!(
            ss_task_center_task_status(center, 999, &mut ended),
            SS_NOT_FOUND
        );
        assert_eq!(
            ss_task_center_task_counts(center, 999, &mut counts),
            SS_NOT_FOUND
        );
        assert_eq!(
            ss_task_center_task_status(center, id, null_mut()),
            SS_NULL_ARG
        );
        assert_eq!(
            ss_task_center_task_counts(center, id, null_mut()),
            SS_NULL_ARG
        );
        assert_eq!(
            call(|out| ss_task_center_timeline(center, 999, out)).0,
            SS_NOT_FOUND
        );
        assert_eq!(
            call(|out| ss_task_center_logs(center, 999, std::ptr::null(), out)).0,
            SS_NOT_FOUND
        );

        // A word the host parser does not know.
        let (status, message) = call(|out| {
            ss_task_center_submit(
                center,
                shop,
                URL.as_ptr(),
                c"{\"creator\":\"alice\",\"on_error\":\"retry\"}".as_ptr(),
                null_mut(),
                out,
            )
        });
        assert_eq!(status, SS_INVALID_REQUEST);
        assert!(message.contains("`retry`"), "{message}");
        let (status, message) = call(|out| {
            ss_task_center_submit(
                center,
                shop,
                URL.as_ptr(),
                c"{\"creator\":\" \"}".as_ptr(),
                null_mut(),
                out,
            )
        });
        assert_eq!(status, SS_INVALID_REQUEST, "{message}");

        ss_analysis_free(shop);
        ss_executor_free(ex);
        ss_task_center_free(center);
    }
}

/// The events a progress callback heard.
#[derive(Default)]
struct Heard(Mutex<Vec<Value>>);

unsafe extern "C" fn hear(user_data: *mut c_void, event_json: *const c_char) {
    // SAFETY: the test passes a live `Heard`, the library a C string.
    let (heard, text) = unsafe { (&*(user_data as *const Heard), CStr::from_ptr(event_json)) };
    let event = serde_json::from_str(text.to_str().unwrap()).unwrap();
    heard.0.lock().unwrap().push(event);
}

#[test]
fn progress_reaches_the_callback_while_it_is_set() {
    let center = center();
    let shop = analysis("shop", &[("t", SOURCE)]);
    let ex = executor("shop");
    let heard = Heard::default();
    let data = &heard as *const Heard as *mut c_void;
    let (first, _) = submit(center, shop);
    let (second, _) = submit(center, shop);
    // SAFETY: live handles; `heard` outlives the callback's use.
    unsafe {
        assert_eq!(ss_task_center_set_progress(center, Some(hear), data), SS_OK);
        let status =
            ss_task_center_execute(center, first, c"w".as_ptr(), ex, null_mut(), null_mut());
        assert_eq!(status, SS_OK, "{}", last_message());
        let kinds: Vec<String> = heard
            .0
            .lock()
            .unwrap()
            .iter()
            .map(|e| e["event"].as_str().unwrap().to_string())
            .collect();
        for kind in [
            "task_started",
            "table_started",
            "statement_sent",
            "task_finished",
        ] {
            assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
        }
        let events = heard.0.lock().unwrap().clone();
        assert_eq!(
            events.last().unwrap(),
            &json!({"event": "task_finished", "task": first, "status": "succeeded"})
        );
        let sent = events
            .iter()
            .find(|e| e["event"] == "statement_sent")
            .unwrap();
        assert_eq!(
            (&sent["table"], &sent["statement"]),
            (&json!("t"), &json!(1))
        );

        // Cleared: the second task runs unheard.
        assert_eq!(ss_task_center_set_progress(center, None, null_mut()), SS_OK);
        let heard_before = heard.0.lock().unwrap().len();
        let status =
            ss_task_center_execute(center, second, c"w".as_ptr(), ex, null_mut(), null_mut());
        assert_eq!(status, SS_OK, "{}", last_message());
        assert_eq!(heard.0.lock().unwrap().len(), heard_before);
        assert_eq!(
            ss_task_center_set_progress(std::ptr::null(), None, null_mut()),
            SS_NULL_ARG
        );
        ss_analysis_free(shop);
        ss_executor_free(ex);
        ss_task_center_free(center);
    }
}

#[test]
fn run_due_runs_the_tasks_on_the_executors_database_and_initiate_again_follows() {
    let center = center();
    let shop = analysis("shop", &[("t", SOURCE)]);
    let other = analysis("other", &[("t", SOURCE)]);
    let ex = executor("shop");
    let (first, task) = submit(center, shop);
    let (elsewhere, _) = submit(center, other);
    assert_eq!(task["status"], "waiting_for_execution");

    // SAFETY: live handles, valid strings and out slots.
    unsafe {
        // Nothing is executing: there is nothing to resume.
        let (status, message) =
            call(|out| ss_task_center_resume(center, first, c"w2".as_ptr(), ex, null_mut(), out));
        assert_eq!(status, SS_INVALID_TRANSITION, "{message}");

        let report = ok_json(call(|out| {
            ss_task_center_run_due(center, c"w1".as_ptr(), ex, out)
        }));
        assert_eq!(report["kind"], "due_report");
        assert_eq!(report["expired"], json!([]));
        assert_eq!(
            report["finished"],
            json!([{"id": first, "status": "succeeded"}])
        );
        assert_eq!(report["not_claimed"], json!([]));
        let not_started = report["not_started"].as_array().unwrap();
        assert_eq!(not_started.len(), 1, "{report}");
        assert_eq!(not_started[0]["id"], json!(elsewhere));
        assert!(
            not_started[0]["reason"]
                .as_str()
                .unwrap()
                .contains("`other`"),
            "{report}"
        );
        let mut status = SsTaskStatus::Aborted;
        assert_eq!(
            ss_task_center_task_status(center, elsewhere, &mut status),
            SS_OK
        );
        assert_eq!(status, SsTaskStatus::WaitingForExecution);

        // The executor is back in its handle, with the shadow created.
        let ex_ref = &mut *ex;
        assert_eq!(ex_ref.inner.server_info().unwrap().database, "shop");
        let shadow = ex_ref.inner.show_create_tables(&["__t".into()]).unwrap();
        assert!(shadow[0].is_some());

        // Again, from a fresh analysis of the old plan's tables.
        let mut fresh = null_mut();
        assert_eq!(
            ss_task_center_analyze_again(center, first, ex, &mut fresh),
            SS_OK,
            "{}",
            last_message()
        );
        assert_eq!((&(*fresh).inner.tables)[0].source, "t");
        let mut again_id = 0;
        let again = ok_json(call(|out| {
            ss_task_center_initiate_again(
                center,
                first,
                fresh,
                c"mysql://u:other@db:3306".as_ptr(),
                c"{\"creator\":\"bob\"}".as_ptr(),
                &mut again_id,
                out,
            )
        }));
        assert_eq!(again["id"], json!(again_id));
        assert_eq!(again["creator"], "bob");
        assert_eq!(again["initiated_from"], json!(first));
        let (status, message) = call(|out| {
            ss_task_center_initiate_again(
                center,
                first,
                other,
                URL.as_ptr(),
                c"{\"creator\":\"bob\"}".as_ptr(),
                null_mut(),
                out,
            )
        });
        assert_eq!(status, SS_INVALID_REQUEST, "{message}");
        assert!(message.contains("database"), "{message}");
        let (status, _) = call(|out| {
            ss_task_center_initiate_again(
                center,
                999,
                fresh,
                URL.as_ptr(),
                c"{\"creator\":\"bob\",\"mode\":{\"kind\":\"immediate\"}}".as_ptr(),
                null_mut(),
                out,
            )
        });
        assert_eq!(status, SS_NOT_FOUND);
        let mut none = null_mut();
        assert_eq!(
            ss_task_center_analyze_again(center, 999, ex, &mut none),
            SS_NOT_FOUND
        );
        assert!(none.is_null());
        let (status, _) = call(|out| {
            ss_task_center_initiate_again(
                center,
                first,
                fresh,
                URL.as_ptr(),
                c"{\"creator\":\"bob\",\"when\":1}".as_ptr(),
                null_mut(),
                out,
            )
        });
        assert_eq!(status, SS_INVALID_REQUEST);

        for a in [shop, other, fresh] {
            ss_analysis_free(a);
        }
        ss_executor_free(ex);
        ss_task_center_free(center);
    }
}

#[test]
fn decisions_give_the_status_reached() {
    let center = center();
    let shop = analysis("shop", &[("t", SOURCE)]);
    let (id, _) = submit(center, shop);
    // SAFETY: live handles, valid strings and out slots.
    unsafe {
        let mut status = SsTaskStatus::Executing;
        let task = ok_json(call(|out| {
            ss_task_center_cancel(
                center,
                id,
                c"{\"name\":\"alice\"}".as_ptr(),
                c"not today".as_ptr(),
                &mut status,
                out,
            )
        }));
        assert_eq!(status, SsTaskStatus::Cancelled);
        assert_eq!(task["status"], "cancelled");
        let status_before = status;
        let (code, message) = call(|out| {
            ss_task_center_approve(
                center,
                id,
                c"{\"name\":\"bob\"}".as_ptr(),
                c"".as_ptr(),
                &mut status,
                out,
            )
        });
        assert_eq!(code, SS_INVALID_TRANSITION, "{message}");
        assert_eq!(status, status_before, "untouched on failure");
        ss_analysis_free(shop);
        ss_task_center_free(center);
    }
}
