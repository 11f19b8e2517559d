//! Processes that open one fresh task store at once (a worker and a
//! `task list` started together, as the CLI tests and real operators do)
//! all get it: none fails with "database is locked". No server needed.

use std::process::{Command, Stdio};

#[test]
fn a_fresh_store_opened_by_many_processes_at_once_opens_for_all() {
    let dir = std::env::temp_dir().join(format!("shadowsync-store-open-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for round in 0..10 {
        let store = dir.join(format!("tasks-{round}.db"));
        let children: Vec<_> = (0..8)
            .map(|_| {
                Command::new(env!("CARGO_BIN_EXE_shadowsync"))
                    .args(["task", "list", "--format", "json", "--store"])
                    .arg(&store)
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
