//! The config file and its named profiles: TOML, found at `--config PATH`,
//! else `$SHADOWSYNC_CONFIG`, else `$XDG_CONFIG_HOME/shadowsync/config.toml`,
//! else `~/.config/shadowsync/config.toml` (no file there: no config).
//!
//! A profile (`[profile.NAME]`, chosen by `--profile` or
//! `$SHADOWSYNC_PROFILE`, else `default` when the file has one) gives the
//! server (`url`, `database`), its password (`password`, `password_file`,
//! or a MySQL `mysql_option_file`), connection options that become URL
//! parameters, the naming rule (`prefix`/`suffix`), the task `store`, and
//! approval `flows`. Everywhere a command-line option beats its
//! environment variable, which beats the profile, which beats the default.

pub(crate) mod mode;
mod option_file;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use shadowsync_mysql::redact_url;

pub use mode::{check_not_world_writable, check_private};
pub use option_file::OptionFile;

use crate::context::env_text;
use crate::failure::Failure;

/// Environment variable naming the config file.
pub const CONFIG_VAR: &str = "SHADOWSYNC_CONFIG";

/// Environment variable naming the profile.
pub const PROFILE_VAR: &str = "SHADOWSYNC_PROFILE";

/// The profile used when none is named, if the file has it.
const DEFAULT_PROFILE: &str = "default";

/// Where settings come from: the options every command that reaches a
/// server or a task store takes.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SettingsArgs {
    /// Config file [default: $SHADOWSYNC_CONFIG, else
    /// $XDG_CONFIG_HOME/shadowsync/config.toml, else ~/.config/shadowsync/config.toml].
    #[arg(long, value_name = "PATH", global = true)]
    config: Option<PathBuf>,
    /// Profile of the config file [default: $SHADOWSYNC_PROFILE, else `default` if the file has it].
    #[arg(long, value_name = "NAME", global = true)]
    profile: Option<String>,
    /// Ask for the server's password on the terminal (not echoed); it then
    /// wins over every other source. Without it nobody is asked.
    #[arg(short = 'p', long, global = true)]
    password_prompt: bool,
}

/// The settings a command runs with.
#[derive(Debug, Default)]
pub struct Settings {
    /// The chosen profile, if any.
    pub profile: Option<Profile>,
    /// `--password-prompt`.
    pub prompt: bool,
}

impl SettingsArgs {
    /// Find the config file and read the chosen profile.
    pub fn load(&self) -> Result<Settings, Failure> {
        let named = match &self.profile {
            Some(name) => Some(name.clone()),
            None => env_text(PROFILE_VAR)?,
        };
        let profile = match config_path(self.config.as_deref())? {
            Some(path) => load_profile(&path, named.as_deref())?,
            None => match named {
                Some(name) => {
                    return Err(Failure::BadInput(format!(
                        "profile `{name}` was asked for, but there is no config file \
                         (give --config PATH or set {CONFIG_VAR})"
                    )))
                }
                None => None,
            },
        };
        Ok(Settings {
            profile,
            prompt: self.password_prompt,
        })
    }
}

/// A profile of the config file, its files read and checked.
#[derive(Debug, Default)]
pub struct Profile {
    /// Its name.
    pub name: String,
    /// The config file.
    pub file: PathBuf,
    /// The server's URL (`url`).
    pub url: Option<String>,
    /// The database when the URL comes from the option file (`database`).
    pub database: Option<String>,
    /// The password from `password`, `password_file` or the option file.
    pub password: Option<Secret>,
    /// The option file (`mysql_option_file`).
    pub option_file: Option<OptionFile>,
    /// `prefix`.
    pub prefix: Option<String>,
    /// `suffix`.
    pub suffix: Option<String>,
    /// `store`.
    pub store: Option<String>,
    /// `flows`: inline, or the path of a flow file.
    pub flows: Option<Flows>,
    /// Connection options, as the URL parameters they become (then the
    /// option file's TLS settings, which they override).
    pub params: Vec<(&'static str, String)>,
}

/// A password, never shown by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// A profile's approval flows.
#[derive(Debug, Clone)]
pub enum Flows {
    /// Written in the config file.
    Inline(Vec<toml::Value>),
    /// In this file (TOML or JSON), relative paths taken from the config file's directory.
    File(PathBuf),
}

/// A connection option's value: TOML integers and strings alike.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged, expecting = "expected an integer or a string")]
enum Scalar {
    Integer(i64),
    Text(String),
}

impl Scalar {
    fn text(&self) -> String {
        match self {
            Scalar::Integer(n) => n.to_string(),
            Scalar::Text(s) => s.clone(),
        }
    }
}

/// The config file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigDoc {
    #[serde(default)]
    profile: BTreeMap<String, ProfileDoc>,
}

/// A profile as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileDoc {
    url: Option<String>,
    database: Option<String>,
    password: Option<String>,
    password_file: Option<PathBuf>,
    mysql_option_file: Option<PathBuf>,
    prefix: Option<String>,
    suffix: Option<String>,
    store: Option<String>,
    flows: Option<toml::Value>,
    connect_timeout: Option<Scalar>,
    read_timeout: Option<Scalar>,
    write_timeout: Option<Scalar>,
    lock_wait_timeout: Option<Scalar>,
    ssl_mode: Option<Scalar>,
    ssl_ca: Option<Scalar>,
    ssl_cert: Option<Scalar>,
    ssl_key: Option<Scalar>,
}

impl ProfileDoc {
    /// Whether the profile writes a password down: `password`, or one in
    /// its server or store URL.
    fn holds_password(&self) -> bool {
        let in_url = |url: &Option<String>| url.as_deref().is_some_and(|u| redact_url(u) != u);
        self.password.is_some() || in_url(&self.url) || in_url(&self.store)
    }

    /// The connection options, each by its URL parameter.
    fn params(&self) -> Vec<(&'static str, String)> {
        [
            ("connect-timeout", &self.connect_timeout),
            ("read-timeout", &self.read_timeout),
            ("write-timeout", &self.write_timeout),
            ("lock-wait-timeout", &self.lock_wait_timeout),
            ("ssl-mode", &self.ssl_mode),
            ("ssl-ca", &self.ssl_ca),
            ("ssl-cert", &self.ssl_cert),
            ("ssl-key", &self.ssl_key),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.as_ref().map(|v| (name, v.text())))
        .collect()
    }
}

/// The config file to read: the option's, the environment's (both must
/// exist), else the default place if a file is there.
fn config_path(option: Option<&Path>) -> Result<Option<PathBuf>, Failure> {
    let explicit = match option {
        Some(path) => Some((path.to_path_buf(), "--config")),
        None => env_text(CONFIG_VAR)?.map(|p| (PathBuf::from(p), CONFIG_VAR)),
    };
    if let Some((path, from)) = explicit {
        if !path.is_file() {
            return Err(Failure::BadInput(format!(
                "the config file {} ({from}) does not exist or is not a file",
                path.display()
            )));
        }
        return Ok(Some(path));
    }
    // The XDG base directory rules ignore a relative XDG_CONFIG_HOME.
    let base = env_text("XDG_CONFIG_HOME")?
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".config")));
    Ok(base
        .map(|dir| dir.join("shadowsync").join("config.toml"))
        .filter(|path| path.is_file()))
}

/// Profile `named` (else `default`, if present) of the config file `path`.
fn load_profile(path: &Path, named: Option<&str>) -> Result<Option<Profile>, Failure> {
    check_not_world_writable(path, "config file")?;
    let text = fs::read_to_string(path)
        .map_err(|e| Failure::BadInput(format!("cannot read {}: {e}", path.display())))?;
    let doc: ConfigDoc = toml::from_str(&text).map_err(|e| toml_error(path, &text, &e))?;
    if doc.profile.values().any(ProfileDoc::holds_password) {
        check_private(path, "config file")?;
    }
    let name = match named {
        Some(name) => name,
        None if doc.profile.contains_key(DEFAULT_PROFILE) => DEFAULT_PROFILE,
        None => return Ok(None),
    };
    let Some(profile) = doc.profile.get(name) else {
        let known: Vec<&str> = doc.profile.keys().map(String::as_str).collect();
        return Err(Failure::BadInput(format!(
            "{}: there is no profile `{name}` (profiles: {})",
            path.display(),
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        )));
    };
    resolve(path, name, profile).map(Some)
}

/// `doc`, profile `name` of `file`, with its files read and checked.
fn resolve(file: &Path, name: &str, doc: &ProfileDoc) -> Result<Profile, Failure> {
    let bad =
        |why: String| Failure::BadInput(format!("{}: profile `{name}`: {why}", file.display()));
    if doc.prefix.is_some() && doc.suffix.is_some() {
        return Err(bad("give `prefix` or `suffix`, not both".into()));
    }
    let dir = file.parent().unwrap_or(Path::new("."));
    let relative = |p: &Path| dir.join(expand_home(p));
    let option_file = doc
        .mysql_option_file
        .as_deref()
        .map(|p| OptionFile::read(&relative(p)))
        .transpose()?;
    let password = match (&doc.password, &doc.password_file) {
        (Some(_), Some(_)) => {
            return Err(bad("give `password` or `password_file`, not both".into()))
        }
        (Some(password), None) => Some(Secret(password.clone())),
        (None, Some(p)) => Some(read_password_file(&relative(p))?),
        (None, None) => option_file
            .as_ref()
            .and_then(|o| o.password.clone())
            .map(Secret),
    };
    let flows = match &doc.flows {
        None => None,
        Some(toml::Value::String(p)) => Some(Flows::File(relative(Path::new(p)))),
        Some(toml::Value::Array(items)) => Some(Flows::Inline(items.clone())),
        Some(_) => {
            return Err(bad(
                "`flows` is an array of flow tables or the path of a flow file".into(),
            ))
        }
    };
    let mut params = doc.params();
    for (key, value) in option_file.iter().flat_map(|o| &o.tls) {
        if !params.iter().any(|(k, _)| k == key) {
            params.push((key, value.clone()));
        }
    }
    Ok(Profile {
        name: name.to_string(),
        file: file.to_path_buf(),
        url: doc.url.clone(),
        database: doc.database.clone(),
        password,
        option_file,
        prefix: doc.prefix.clone(),
        suffix: doc.suffix.clone(),
        store: doc.store.clone(),
        flows,
        params,
    })
}

/// `~/x` as `$HOME/x`; other paths unchanged.
fn expand_home(path: &Path) -> PathBuf {
    match (path.strip_prefix("~"), std::env::var_os("HOME")) {
        (Ok(rest), Some(home)) => Path::new(&home).join(rest),
        _ => path.to_path_buf(),
    }
}

/// The first line of a `password_file`, which must be private.
fn read_password_file(path: &Path) -> Result<Secret, Failure> {
    check_not_world_writable(path, "password file")?;
    check_private(path, "password file")?;
    let text = fs::read_to_string(path)
        .map_err(|e| Failure::BadInput(format!("cannot read {}: {e}", path.display())))?;
    Ok(Secret(text.lines().next().unwrap_or_default().to_string()))
}

/// A TOML error as `FILE:LINE:COLUMN: message`.
fn toml_error(path: &Path, text: &str, err: &toml::de::Error) -> Failure {
    let place = match err.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before
                .rsplit('\n')
                .next()
                .unwrap_or_default()
                .chars()
                .count()
                + 1;
            format!("{}:{line}:{column}", path.display())
        }
        None => path.display().to_string(),
    };
    Failure::BadInput(format!("{place}: {}", err.message().trim_end()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn write(dir: &Path, name: &str, text: &str, mode: u32) -> PathBuf {
        let path = dir.join(name);
        fs::write(&path, text).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
        path
    }

    #[test]
    fn unknown_keys_name_the_file_line_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "c.toml",
            "[profile.default]\nurl = \"mysql://u@h/db\"\nprefx = \"__\"\n",
            0o600,
        );
        let msg = load_profile(&path, None).unwrap_err().to_string();
        assert!(
            msg.starts_with(&format!("{}:3:1: unknown field `prefx`", path.display())),
            "{msg}"
        );
    }

    #[test]
    fn profiles_are_chosen_by_name_else_default() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "c.toml",
            "[profile.default]\nprefix = \"__\"\n[profile.qa]\nsuffix = \"_s\"\nconnect_timeout = 5\nssl_ca = \"/a b.pem\"\n",
            0o644,
        );
        let default = load_profile(&path, None).unwrap().unwrap();
        assert_eq!(default.prefix.as_deref(), Some("__"));
        let qa = load_profile(&path, Some("qa")).unwrap().unwrap();
        assert_eq!(qa.suffix.as_deref(), Some("_s"));
        assert_eq!(
            qa.params,
            vec![
                ("connect-timeout", "5".to_string()),
                ("ssl-ca", "/a b.pem".to_string())
            ]
        );
        let msg = load_profile(&path, Some("prod")).unwrap_err().to_string();
        assert!(
            msg.contains("no profile `prod` (profiles: default, qa)"),
            "{msg}"
        );
        let none = write(dir.path(), "n.toml", "[profile.qa]\n", 0o644);
        assert!(load_profile(&none, None).unwrap().is_none());
    }

    #[test]
    fn a_password_in_a_readable_config_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let text = "[profile.default]\npassword = \"hunter22\"\n";
        let path = write(dir.path(), "c.toml", text, 0o644);
        let msg = load_profile(&path, None).unwrap_err().to_string();
        assert!(msg.contains("644") && msg.contains("chmod 600"), "{msg}");
        assert!(!msg.contains("hunter22"), "{msg}");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        let profile = load_profile(&path, None).unwrap().unwrap();
        assert_eq!(profile.password, Some(Secret("hunter22".into())));
        for text in [
            "[profile.a]\nurl = \"mysql://u:hunter22@h/db\"\n",
            "[profile.b]\nstore = \"mysql://u:hunter22@h/tasks\"\n",
        ] {
            let path = write(dir.path(), "u.toml", text, 0o640);
            let msg = load_profile(&path, None).unwrap_err().to_string();
            assert!(msg.contains("640") && !msg.contains("hunter22"), "{msg}");
        }
    }

    #[test]
    fn connection_options_are_integers_or_strings() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "c.toml",
            "[profile.default]\nread_timeout = 1.5\n",
            0o644,
        );
        let msg = load_profile(&path, None).unwrap_err().to_string();
        assert!(
            msg.contains(":2:16: expected an integer or a string"),
            "{msg}"
        );
    }

    #[test]
    fn option_file_tls_yields_to_the_profile() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "my.cnf",
            "[client]\npassword=pw\nssl-ca=/o.pem\nssl-mode=REQUIRED\n",
            0o600,
        );
        let path = write(
            dir.path(),
            "c.toml",
            "[profile.default]\nmysql_option_file = \"my.cnf\"\nssl_mode = \"VERIFY_CA\"\n",
            0o644,
        );
        let profile = load_profile(&path, None).unwrap().unwrap();
        assert_eq!(profile.password, Some(Secret("pw".into())));
        assert_eq!(
            profile.params,
            vec![
                ("ssl-mode", "VERIFY_CA".to_string()),
                ("ssl-ca", "/o.pem".to_string())
            ]
        );
    }

    #[test]
    fn flows_are_inline_or_a_path_beside_the_config() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "c.toml",
            "[profile.a]\nflows = \"flows.toml\"\n[[profile.b.flows]]\nname = \"x\"\n[profile.c]\nflows = 3\n",
            0o644,
        );
        let a = load_profile(&path, Some("a")).unwrap().unwrap();
        assert!(matches!(a.flows, Some(Flows::File(p)) if p == dir.path().join("flows.toml")));
        let b = load_profile(&path, Some("b")).unwrap().unwrap();
        assert!(matches!(b.flows, Some(Flows::Inline(items)) if items.len() == 1));
        assert!(load_profile(&path, Some("c")).is_err());
    }
}
