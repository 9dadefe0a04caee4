//! Where a repository comes from: a local path read in place, or a remote URL cloned into a
//! cache folder and fetched again before each later analysis.
//!
//! Cloning runs the system `git` (see `docs/adr/0005`): one subprocess per clone or fetch,
//! with a time limit, a size limit on the clone folder, retries with exponential backoff for
//! network failures, no prompts, no redirects, and only the https, http, ssh, git and file
//! transports. Before anything is contacted, [`check_source`] applies the server-side request
//! forgery guard: a URL whose host resolves to a loopback, private, link-local or otherwise
//! non-public address is refused unless `allow_private_urls` is set, and a local path (or
//! `file://` URL) must lie inside one of the `allowed_roots` after resolving `..` and
//! symbolic links.

use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// What a caller may register.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourcePolicy {
    /// Accept URLs whose host resolves to a private, loopback or link-local address.
    pub allow_private_urls: bool,
    /// Local paths (and `file://` URLs) are accepted only inside one of these folders. Empty:
    /// no local path is accepted.
    pub allowed_roots: Vec<PathBuf>,
}

/// How remote repositories are cloned and fetched.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Clones live in `<repos_dir>/<hash of the URL>`; `None`: remote sources are refused.
    pub repos_dir: Option<PathBuf>,
    /// Longest one clone or fetch may take.
    pub timeout: Duration,
    /// Largest clone folder, in bytes.
    pub max_bytes: u64,
    /// Tries of a clone or fetch that fails for a network reason.
    pub attempts: u32,
    /// Delay before the second try; doubled for each further one.
    pub backoff_base: Duration,
    /// Applied again at fetch time: the name may resolve differently than when registered.
    pub policy: SourcePolicy,
    /// Reads GitHub metadata of GitHub sources in the fetch stage; `None`: no metadata. One
    /// client per process, shared, so its rate limits see every request.
    pub forge: Option<Arc<codevoyage_forge::GitHubClient>>,
}

impl Default for FetchOptions {
    fn default() -> Self {
        Self {
            repos_dir: None,
            timeout: Duration::from_secs(600),
            max_bytes: 2 * 1024 * 1024 * 1024,
            attempts: 3,
            backoff_base: Duration::from_secs(2),
            policy: SourcePolicy::default(),
            forge: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error(
        "{0:?} is neither an absolute local path nor a URL with one of the schemes https, http, ssh, git, file (or user@host:path)"
    )]
    Unrecognised(String),
    #[error("{0}")]
    InvalidUrl(String),
    #[error(
        "local paths are not accepted by this server: start it with --allowed-root DIR (or set allowed_roots in codevoyage.toml / CODEVOYAGE_ALLOWED_ROOTS) to allow repositories under DIR"
    )]
    NoRoots,
    #[error(
        "{} is outside the allowed folders ({}); move the repository there or add its folder with --allowed-root",
        .path.display(), .roots
    )]
    OutsideRoots { path: PathBuf, roots: String },
    #[error("{} does not exist or cannot be read: check the path", .0.display())]
    Missing(PathBuf),
    #[error("cannot resolve the host {host:?}: {reason}; check the URL")]
    Unresolvable { host: String, reason: String },
    #[error(
        "{host} resolves to {addr}, a private, loopback or link-local address, which this server refuses (server-side request forgery guard); set allow_private_urls = true (CODEVOYAGE_ALLOW_PRIVATE_URLS=true) to allow it"
    )]
    PrivateAddress { host: String, addr: IpAddr },
    #[error(
        "remote repositories need a clone folder: this process has none configured (set --data-dir)"
    )]
    NoCloneDir,
    #[error("could not {action} {url} after {attempts} attempt(s): {detail}")]
    Git {
        action: &'static str,
        url: String,
        attempts: u32,
        detail: String,
    },
    #[error(
        "the clone of {url} grew beyond the size limit of {limit_mb} MB and was stopped; raise max_clone_mb if this repository is expected to be that large"
    )]
    TooLarge { url: String, limit_mb: u64 },
    #[error(
        "{action} {url} took longer than {secs} s and was stopped; check the network or raise clone_timeout_secs"
    )]
    Timeout {
        action: &'static str,
        url: String,
        secs: u64,
    },
    #[error("cannot run git: {0} (is git installed and on PATH?)")]
    Spawn(std::io::Error),
    #[error("cannot prepare the clone folder {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the clone was cancelled")]
    Cancelled,
}

/// A source that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckedSource {
    /// A local repository, by its canonical path.
    Local(PathBuf),
    /// A remote repository, by its URL (as given, trimmed).
    Remote(String),
}

impl CheckedSource {
    /// The text stored as the repository's source.
    pub fn as_stored(&self) -> String {
        match self {
            CheckedSource::Local(p) => p.to_string_lossy().into_owned(),
            CheckedSource::Remote(u) => u.clone(),
        }
    }

    /// A display name: the folder or the last URL segment, without `.git`.
    pub fn default_name(&self) -> String {
        let raw = match self {
            CheckedSource::Local(p) => p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            CheckedSource::Remote(u) => u
                .trim_end_matches('/')
                .rsplit(['/', ':'])
                .next()
                .unwrap_or_default()
                .to_string(),
        };
        let name = raw.strip_suffix(".git").unwrap_or(&raw);
        if name.is_empty() {
            "repository".into()
        } else {
            name.to_string()
        }
    }
}

/// A parsed remote URL: enough to check where it points.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Remote {
    scheme: &'static str,
    host: String,
    port: u16,
}

/// True for a source that names a remote repository (a URL or `user@host:path`), as opposed
/// to a local path or a `file://` URL.
pub fn is_remote(source: &str) -> bool {
    matches!(parse(source), Ok(Parsed::Remote(_)))
}

enum Parsed {
    Remote(Remote),
    Local(PathBuf),
}

fn parse(source: &str) -> Result<Parsed, SourceError> {
    let s = source.trim();
    if s.is_empty() || s.chars().any(char::is_control) {
        return Err(SourceError::Unrecognised(source.to_string()));
    }
    if let Some(rest) = s.strip_prefix("file://") {
        let path = PathBuf::from(rest);
        if !path.is_absolute() {
            return Err(SourceError::InvalidUrl(format!(
                "{s:?}: a file:// URL needs an absolute path (file:///path/to/repo)"
            )));
        }
        return Ok(Parsed::Local(path));
    }
    if let Some((scheme, rest)) = s.split_once("://") {
        let (scheme, default_port): (&'static str, u16) = match scheme.to_ascii_lowercase().as_str()
        {
            "https" => ("https", 443),
            "http" => ("http", 80),
            "ssh" | "git+ssh" => ("ssh", 22),
            "git" => ("git", 9418),
            other => {
                return Err(SourceError::InvalidUrl(format!(
                    "{s:?}: the scheme {other:?} is not supported; use https, http, ssh, git or file"
                )));
            }
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        if let Some(u) = userinfo
            && (u.contains(':') || scheme != "ssh")
        {
            return Err(SourceError::InvalidUrl(format!(
                "{s:?}: credentials in the URL are not accepted (they would be stored in plain text); register a public URL or an ssh URL"
            )));
        }
        let (host, port) = split_host_port(hostport, default_port).ok_or_else(|| {
            SourceError::InvalidUrl(format!("{s:?}: the host or port is not valid"))
        })?;
        return Ok(Parsed::Remote(Remote { scheme, host, port }));
    }
    // scp-like ssh: user@host:path (no slash before the colon).
    if let Some((before, _path)) = s.split_once(':')
        && !before.contains('/')
        && let Some((_, host)) = before.split_once('@')
        && !host.is_empty()
    {
        return Ok(Parsed::Remote(Remote {
            scheme: "ssh",
            host: host.to_string(),
            port: 22,
        }));
    }
    let path = PathBuf::from(s);
    if path.is_absolute() {
        Ok(Parsed::Local(path))
    } else {
        Err(SourceError::Unrecognised(source.to_string()))
    }
}

fn split_host_port(hostport: &str, default_port: u16) -> Option<(String, u16)> {
    if let Some(rest) = hostport.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().ok()?,
            None if after.is_empty() => default_port,
            None => return None,
        };
        return Some((host.to_string(), port));
    }
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (h, p.parse().ok()?),
        None => (hostport, default_port),
    };
    let valid = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    valid.then(|| (host.to_ascii_lowercase(), port))
}

/// True for addresses that are not on the public internet.
pub fn is_non_public(addr: IpAddr) -> bool {
    match addr {
        IpAddr::V4(v4) => non_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return non_public_v4(v4);
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link-local
        }
    }
}

fn non_public_v4(v4: Ipv4Addr) -> bool {
    let [a, b, ..] = v4.octets();
    v4.is_loopback()
        || v4.is_private()
        || v4.is_link_local()
        || v4.is_unspecified()
        || v4.is_broadcast()
        || v4.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT
}

/// Checks a source against the policy; a remote host is resolved and every address it
/// resolves to must be public (unless allowed).
pub async fn check_source(
    source: &str,
    policy: &SourcePolicy,
) -> Result<CheckedSource, SourceError> {
    match parse(source)? {
        Parsed::Local(path) => check_local(&path, policy).map(CheckedSource::Local),
        Parsed::Remote(remote) => {
            check_remote(&remote, policy).await?;
            Ok(CheckedSource::Remote(source.trim().to_string()))
        }
    }
}

fn check_local(path: &Path, policy: &SourcePolicy) -> Result<PathBuf, SourceError> {
    if policy.allowed_roots.is_empty() {
        return Err(SourceError::NoRoots);
    }
    let canonical =
        std::fs::canonicalize(path).map_err(|_| SourceError::Missing(path.to_path_buf()))?;
    let inside = policy
        .allowed_roots
        .iter()
        .any(|root| std::fs::canonicalize(root).is_ok_and(|root| canonical.starts_with(&root)));
    if inside {
        Ok(canonical)
    } else {
        Err(SourceError::OutsideRoots {
            path: canonical,
            roots: policy
                .allowed_roots
                .iter()
                .map(|r| r.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        })
    }
}

async fn check_remote(remote: &Remote, policy: &SourcePolicy) -> Result<(), SourceError> {
    let addrs: Vec<IpAddr> = match remote.host.parse::<IpAddr>() {
        Ok(ip) => vec![ip],
        Err(_) => tokio::net::lookup_host((remote.host.as_str(), remote.port))
            .await
            .map_err(|e| SourceError::Unresolvable {
                host: remote.host.clone(),
                reason: e.to_string(),
            })?
            .map(|a| a.ip())
            .collect(),
    };
    if addrs.is_empty() {
        return Err(SourceError::Unresolvable {
            host: remote.host.clone(),
            reason: "no address".into(),
        });
    }
    if !policy.allow_private_urls
        && let Some(addr) = addrs.into_iter().find(|a| is_non_public(*a))
    {
        return Err(SourceError::PrivateAddress {
            host: remote.host.clone(),
            addr,
        });
    }
    tracing::debug!(scheme = remote.scheme, host = %remote.host, "remote source accepted");
    Ok(())
}

/// The clone folder of a URL: `<repos_dir>/<16 hex digits of a hash of the URL>`.
pub fn clone_dir(repos_dir: &Path, url: &str) -> PathBuf {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in url.trim().bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    repos_dir.join(format!("{h:016x}"))
}

/// Clones `url` (first time) or fetches it (later), returning the clone's path. Network
/// failures are retried with exponential backoff; a timeout, the size limit and
/// cancellation are not.
pub async fn fetch_remote(
    url: &str,
    options: &FetchOptions,
    cancel: &Arc<AtomicBool>,
) -> Result<PathBuf, SourceError> {
    let Parsed::Remote(remote) = parse(url)? else {
        return Err(SourceError::InvalidUrl(format!(
            "{url:?} is not a remote URL"
        )));
    };
    check_remote(&remote, &options.policy).await?;
    let repos_dir = options.repos_dir.as_ref().ok_or(SourceError::NoCloneDir)?;
    std::fs::create_dir_all(repos_dir).map_err(|source| SourceError::Io {
        path: repos_dir.clone(),
        source,
    })?;
    let dir = clone_dir(repos_dir, url);
    let exists = dir.join("HEAD").is_file();
    let action = if exists { "fetch" } else { "clone" };
    let attempts = options.attempts.max(1);
    let mut last = String::new();
    for attempt in 1..=attempts {
        if cancel.load(Ordering::Relaxed) {
            return Err(SourceError::Cancelled);
        }
        let result = if exists {
            run_git(
                &[
                    "-C",
                    path_str(&dir)?,
                    "fetch",
                    "--prune",
                    "--quiet",
                    "origin",
                ],
                &dir,
                url,
                action,
                options,
                cancel,
            )
            .await
        } else {
            let partial = dir.with_extension("partial");
            let _ = std::fs::remove_dir_all(&partial);
            let r = run_git(
                &[
                    "clone",
                    "--mirror",
                    "--quiet",
                    "--",
                    url.trim(),
                    path_str(&partial)?,
                ],
                &partial,
                url,
                action,
                options,
                cancel,
            )
            .await;
            match r {
                Ok(()) => std::fs::rename(&partial, &dir).map_err(|source| SourceError::Io {
                    path: dir.clone(),
                    source,
                }),
                Err(e) => {
                    let _ = std::fs::remove_dir_all(&partial);
                    Err(e)
                }
            }
        };
        match result {
            Ok(()) => return Ok(dir),
            Err(SourceError::Git { detail, .. }) => {
                last = detail;
                if attempt < attempts {
                    let delay = options
                        .backoff_base
                        .saturating_mul(1u32 << (attempt - 1).min(16));
                    tracing::warn!(%url, attempt, ?delay, error = %last, "git {action} failed; retrying");
                    tokio::time::sleep(delay).await;
                }
            }
            Err(other) => return Err(other),
        }
    }
    Err(SourceError::Git {
        action,
        url: url.to_string(),
        attempts,
        detail: last,
    })
}

fn path_str(p: &Path) -> Result<&str, SourceError> {
    p.to_str().ok_or_else(|| SourceError::Io {
        path: p.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "the path is not UTF-8"),
    })
}

/// Runs one git command with no prompts, no redirects and a limited set of transports,
/// watching the time, the size of `watch` and the cancel flag.
async fn run_git(
    args: &[&str],
    watch: &Path,
    url: &str,
    action: &'static str,
    options: &FetchOptions,
    cancel: &Arc<AtomicBool>,
) -> Result<(), SourceError> {
    let mut command = tokio::process::Command::new("git");
    command
        .args([
            "-c",
            "http.followRedirects=false",
            "-c",
            "http.lowSpeedLimit=1000",
            "-c",
            "http.lowSpeedTime=60",
            "-c",
            "credential.helper=",
            "-c",
            "core.askPass=",
        ])
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_ALLOW_PROTOCOL", "https:http:ssh:git:file")
        .env(
            "GIT_SSH_COMMAND",
            "ssh -o BatchMode=yes -o ConnectTimeout=30",
        )
        .env_remove("GIT_ASKPASS")
        .env_remove("SSH_ASKPASS")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    let mut child = command.spawn().map_err(SourceError::Spawn)?;
    let mut stderr = child.stderr.take();
    let read_stderr = tokio::spawn(async move {
        use tokio::io::AsyncReadExt;
        let mut buf = Vec::new();
        if let Some(s) = stderr.as_mut() {
            let _ = s.take(64 * 1024).read_to_end(&mut buf).await;
        }
        buf
    });
    let deadline = tokio::time::Instant::now() + options.timeout;
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    let status = loop {
        tokio::select! {
            status = child.wait() => break status.map_err(SourceError::Spawn)?,
            _ = tick.tick() => {
                if cancel.load(Ordering::Relaxed) {
                    let _ = child.kill().await;
                    return Err(SourceError::Cancelled);
                }
                if tokio::time::Instant::now() >= deadline {
                    let _ = child.kill().await;
                    return Err(SourceError::Timeout { action, url: url.to_string(), secs: options.timeout.as_secs() });
                }
                let watched = watch.to_path_buf();
                let size = tokio::task::spawn_blocking(move || dir_size(&watched)).await.unwrap_or(0);
                if size > options.max_bytes {
                    let _ = child.kill().await;
                    return Err(SourceError::TooLarge { url: url.to_string(), limit_mb: options.max_bytes / (1024 * 1024) });
                }
            }
        }
    };
    let stderr = read_stderr.await.unwrap_or_default();
    if status.success() {
        // A transfer quicker than one size check is measured at the end.
        let watched = watch.to_path_buf();
        let size = tokio::task::spawn_blocking(move || dir_size(&watched))
            .await
            .unwrap_or(0);
        if size > options.max_bytes {
            return Err(SourceError::TooLarge {
                url: url.to_string(),
                limit_mb: options.max_bytes / (1024 * 1024),
            });
        }
        return Ok(());
    }
    let text = String::from_utf8_lossy(&stderr);
    let detail = text
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or("git failed without a message")
        .to_string();
    Err(SourceError::Git {
        action,
        url: url.to_string(),
        attempts: 1,
        detail,
    })
}

/// Bytes of the regular files under `dir` (0 when it does not exist yet).
fn dir_size(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(entry.path()),
                Ok(t) if t.is_file() => total += entry.metadata().map(|m| m.len()).unwrap_or(0),
                _ => {}
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_urls_paths_and_scp_syntax() {
        assert!(is_remote("https://github.com/pallets/flask.git"));
        assert!(is_remote("git@github.com:pallets/flask.git"));
        assert!(is_remote("ssh://git@example.com:2222/x.git"));
        assert!(is_remote("git://example.com/x.git"));
        assert!(!is_remote("/srv/repos/x"));
        assert!(!is_remote("file:///srv/repos/x"));
        assert!(matches!(
            parse("relative/path"),
            Err(SourceError::Unrecognised(_))
        ));
        assert!(matches!(
            parse("ftp://x/y"),
            Err(SourceError::InvalidUrl(_))
        ));
        assert!(matches!(
            parse("https://user:secret@example.com/x.git"),
            Err(SourceError::InvalidUrl(_))
        ));
        let Ok(Parsed::Remote(r)) = parse("http://[::1]:8080/x.git") else {
            panic!("IPv6 literal")
        };
        assert_eq!((r.host.as_str(), r.port), ("::1", 8080));
    }

    #[test]
    fn non_public_addresses() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "224.0.0.1",
        ] {
            assert!(is_non_public(a.parse().expect("ip")), "{a}");
        }
        for a in ["140.82.112.3", "8.8.8.8", "2606:4700::1111"] {
            assert!(!is_non_public(a.parse().expect("ip")), "{a}");
        }
    }

    #[test]
    fn default_names() {
        assert_eq!(
            CheckedSource::Remote("https://h/o/flask.git".into()).default_name(),
            "flask"
        );
        assert_eq!(
            CheckedSource::Remote("git@h:o/x".into()).default_name(),
            "x"
        );
        assert_eq!(CheckedSource::Local("/a/b".into()).default_name(), "b");
    }

    #[tokio::test]
    async fn private_addresses_are_refused_unless_allowed() {
        let strict = SourcePolicy::default();
        let err = check_source("http://127.0.0.1:9/x.git", &strict).await;
        assert!(
            matches!(err, Err(SourceError::PrivateAddress { .. })),
            "{err:?}"
        );
        let err = check_source("https://localhost/x.git", &strict).await;
        assert!(
            matches!(err, Err(SourceError::PrivateAddress { .. })),
            "{err:?}"
        );
        let open = SourcePolicy {
            allow_private_urls: true,
            ..Default::default()
        };
        assert_eq!(
            check_source("http://127.0.0.1:9/x.git", &open).await.ok(),
            Some(CheckedSource::Remote("http://127.0.0.1:9/x.git".into()))
        );
    }

    #[test]
    fn local_paths_must_be_inside_a_root() {
        let root = tempfile::tempdir().expect("tmp");
        let inside = root.path().join("repo");
        std::fs::create_dir(&inside).expect("mkdir");
        let outside = tempfile::tempdir().expect("tmp");
        let none = SourcePolicy::default();
        assert!(matches!(
            check_local(&inside, &none),
            Err(SourceError::NoRoots)
        ));
        let policy = SourcePolicy {
            allowed_roots: vec![root.path().to_path_buf()],
            ..Default::default()
        };
        assert!(check_local(&inside, &policy).is_ok());
        assert!(matches!(
            check_local(&inside.join("..").join(".."), &policy),
            Err(SourceError::OutsideRoots { .. })
        ));
        assert!(matches!(
            check_local(outside.path(), &policy),
            Err(SourceError::OutsideRoots { .. })
        ));
        #[cfg(unix)]
        {
            let link = root.path().join("escape");
            std::os::unix::fs::symlink(outside.path(), &link).expect("symlink");
            assert!(matches!(
                check_local(&link, &policy),
                Err(SourceError::OutsideRoots { .. })
            ));
        }
    }
}
