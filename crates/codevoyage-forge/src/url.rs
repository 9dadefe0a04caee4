//! Which repository on which forge a clone URL names.
//!
//! Only github.com is recognised; a URL of any other host (GitLab, a GitHub Enterprise server,
//! a local path) names no forge and gets no metadata. The forms are the ones `git clone`
//! accepts for GitHub: `https://github.com/o/r(.git)`, `ssh://git@github.com/o/r`,
//! `git://github.com/o/r` and the scp-like `git@github.com:o/r.git`. A URL with more path
//! segments (`/o/r/tree/main`) is a web page, not a repository, and names none.

use std::fmt;

/// One repository on GitHub, as `owner/name`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RepoRef {
    pub owner: String,
    pub name: String,
}

impl fmt::Display for RepoRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

/// The GitHub repository a clone URL names, or `None` for anything else.
pub fn parse_github_url(source: &str) -> Option<RepoRef> {
    let source = source.trim();
    let (authority, path) = if let Some((scheme, rest)) = source.split_once("://") {
        if !matches!(
            scheme.to_ascii_lowercase().as_str(),
            "https" | "http" | "ssh" | "git" | "git+ssh" | "ssh+git"
        ) {
            return None;
        }
        // Query and fragment are no part of a repository's name.
        let rest = rest.split(['?', '#']).next().unwrap_or_default();
        let (authority, path) = rest.split_once('/')?;
        (authority, path)
    } else {
        // scp-like syntax: [user@]host:path, with no slash before the colon.
        let (authority, path) = source.split_once(':')?;
        if authority.contains('/') || path.starts_with("//") {
            return None;
        }
        (authority, path)
    };
    // Drop credentials and the port: `user:token@github.com:443`.
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host_port.rsplit_once(':') {
        Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
        _ => host_port,
    };
    if !(host.eq_ignore_ascii_case("github.com") || host.eq_ignore_ascii_case("www.github.com")) {
        return None;
    }
    let path = path.trim_start_matches('/').trim_end_matches('/');
    let (owner, name) = path.split_once('/')?;
    let name = name.strip_suffix(".git").unwrap_or(name);
    (valid_owner(owner) && valid_name(name)).then(|| RepoRef {
        owner: owner.to_string(),
        name: name.to_string(),
    })
}

/// GitHub logins: letters, digits and single hyphens, at most 39 characters.
fn valid_owner(owner: &str) -> bool {
    (1..=39).contains(&owner.len())
        && owner.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !owner.starts_with('-')
}

/// Repository names: letters, digits, `-`, `_` and `.`, at most 100 characters, never `.`
/// or `..` (which would walk the API's path).
fn valid_name(name: &str) -> bool {
    (1..=100).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && name != "."
        && name != ".."
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(source: &str, expect: Option<&str>) {
        let got = parse_github_url(source).map(|r| r.to_string());
        assert_eq!(got.as_deref(), expect, "{source}");
    }

    #[test]
    fn github_clone_urls_name_owner_and_repository() {
        for source in [
            "https://github.com/rust-lang/cargo",
            "https://github.com/rust-lang/cargo.git",
            "https://github.com/rust-lang/cargo/",
            "https://GitHub.com/rust-lang/cargo",
            "https://www.github.com/rust-lang/cargo",
            "http://github.com/rust-lang/cargo",
            "https://user:secret@github.com/rust-lang/cargo.git",
            "https://github.com:443/rust-lang/cargo",
            "https://github.com/rust-lang/cargo?tab=readme#top",
            "git@github.com:rust-lang/cargo.git",
            "github.com:rust-lang/cargo",
            "ssh://git@github.com/rust-lang/cargo",
            "ssh://git@github.com:22/rust-lang/cargo.git",
            "git://github.com/rust-lang/cargo.git",
            "  https://github.com/rust-lang/cargo\n",
        ] {
            check(source, Some("rust-lang/cargo"));
        }
        check("https://github.com/a/b.c_d-e", Some("a/b.c_d-e"));
        check("https://github.com/a/x.git.git", Some("a/x.git"));
    }

    #[test]
    fn anything_else_names_no_forge() {
        for source in [
            "https://gitlab.com/o/r",
            "https://github.example.com/o/r",
            "https://github.com.evil.example/o/r",
            "https://evil.example/github.com/o/r",
            "https://github.com/o",
            "https://github.com/o/r/tree/main",
            "https://github.com/o/..",
            "https://github.com/o/.git",
            "https://github.com/-o/r",
            "https://github.com/o%2Fx/r",
            "https://github.com/o/r%00",
            "ftp://github.com/o/r",
            "file:///srv/github.com/o/r",
            "/srv/repos/github.com:o/r",
            "./o/r",
            "C:/repos/o/r",
            "",
            "github.com",
        ] {
            check(source, None);
        }
    }
}
