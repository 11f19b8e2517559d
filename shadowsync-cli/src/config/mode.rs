//! The permission checks the config, option and password files pass
//! before they are used, after the MySQL client's: a file anyone may write
//! could be made to point the CLI at another server (or store), and a
//! password in a file others may read is no secret.

use std::fs;
use std::path::Path;

use crate::failure::Failure;

/// Refuse `path` when anyone may write it. The MySQL client skips such
/// option files with a warning; skipping silently changes which server or
/// password is used, so this refuses and says why.
pub fn check_not_world_writable(path: &Path, what: &str) -> Result<(), Failure> {
    let Some(mode) = mode_of(path)? else {
        return Ok(());
    };
    if mode & 0o002 != 0 {
        return Err(Failure::BadInput(format!(
            "{what} {} is refused: it is writable by every user (mode {mode:03o}), so anyone \
             could change which server or password it gives; fix it with `chmod o-w {}`",
            path.display(),
            path.display()
        )));
    }
    Ok(())
}

/// Refuse `path`, which holds a password, when its group or other users
/// may read it.
pub fn check_private(path: &Path, what: &str) -> Result<(), Failure> {
    let Some(mode) = mode_of(path)? else {
        return Ok(());
    };
    if mode & 0o044 != 0 {
        return Err(Failure::BadInput(format!(
            "{what} {} holds a password but is readable by {} (mode {mode:03o}): \
             fix it with `chmod 600 {}`",
            path.display(),
            if mode & 0o004 != 0 {
                "every user"
            } else {
                "its group"
            },
            path.display()
        )));
    }
    Ok(())
}

/// The permission bits of `path` (`None` where the platform has none).
fn mode_of(path: &Path) -> Result<Option<u32>, Failure> {
    let meta = fs::metadata(path)
        .map_err(|e| Failure::BadInput(format!("cannot read {}: {e}", path.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Ok(Some(meta.permissions().mode() & 0o777))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        Ok(None)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn file_with_mode(dir: &Path, mode: u32) -> std::path::PathBuf {
        let path = dir.join(format!("f{mode:o}"));
        fs::write(&path, "x").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
        path
    }

    #[test]
    fn world_writable_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let open = file_with_mode(dir.path(), 0o666);
        let msg = check_not_world_writable(&open, "config file")
            .unwrap_err()
            .to_string();
        assert!(msg.contains("666") && msg.contains("chmod o-w"), "{msg}");
        check_not_world_writable(&file_with_mode(dir.path(), 0o664), "config file").unwrap();
    }

    #[test]
    fn password_files_must_be_private() {
        let dir = tempfile::tempdir().unwrap();
        for mode in [0o644, 0o640, 0o604] {
            let path = file_with_mode(dir.path(), mode);
            let msg = check_private(&path, "option file").unwrap_err().to_string();
            assert!(
                msg.contains(&format!("{mode:03o}")) && msg.contains("chmod 600"),
                "{msg}"
            );
            assert!(msg.contains(&path.display().to_string()), "{msg}");
        }
        for mode in [0o600, 0o400, 0o620] {
            check_private(&file_with_mode(dir.path(), mode), "option file").unwrap();
        }
    }
}
