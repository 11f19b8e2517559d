//! Command-line conventions that need no server: shell completions, no
//! broken-pipe error when the reader goes away. (Colour only on a terminal
//! and `NO_COLOR`, `-q` and `-v` are proved in `dump_live.rs`.)

use std::process::Command;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_shadowsync")
}

#[test]
fn completions_are_generated_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef shadowsync"),
        ("fish", "complete -c shadowsync"),
    ] {
        let out = Command::new(bin())
            .args(["completions", shell])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains(marker), "{shell}: {script}");
        // Subcommands and their options are in the script.
        assert!(
            script.contains("plan") && script.contains("allow-drop-all"),
            "{shell}"
        );
    }
    let out = Command::new(bin())
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// A diff long enough to fill the pipe, read by `head -n 1`: shadowsync
/// exits without a word on stderr (and `--help | head` does not panic).
#[test]
fn a_closed_pipe_is_not_an_error() {
    let dir = std::env::temp_dir().join(format!("shadowsync-pipe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let tables: String = (0..3000)
        .map(|i| format!("CREATE TABLE t{i} (id int NOT NULL PRIMARY KEY, note varchar(200));\n"))
        .collect();
    std::fs::write(dir.join("to.sql"), tables).unwrap();
    std::fs::write(
        dir.join("from.sql"),
        "CREATE TABLE t0 (id int NOT NULL PRIMARY KEY, note varchar(200));\n",
    )
    .unwrap();
    for command in [
        format!("'{}' diff --from from.sql --to to.sql 2>err.txt | head -n 1 >/dev/null; echo ${{PIPESTATUS[0]}} > status.txt", bin()),
        format!("'{}' --help 2>err.txt | head -c 1 >/dev/null; echo ${{PIPESTATUS[0]}} > status.txt", bin()),
    ] {
        let status = Command::new("bash").arg("-c").arg(&command).current_dir(&dir).status().unwrap();
        assert!(status.success());
        let err = std::fs::read_to_string(dir.join("err.txt")).unwrap();
        assert_eq!(err, "", "{command}");
        let code = std::fs::read_to_string(dir.join("status.txt")).unwrap();
        assert_eq!(code.trim(), "0", "{command}: {err}");
    }
    std::fs::remove_dir_all(dir).ok();
}
