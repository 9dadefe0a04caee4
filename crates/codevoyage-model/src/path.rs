//! Repository paths, kept byte-exact.
//!
//! Git stores paths as bytes; they are usually UTF-8 but nothing guarantees it. We keep the
//! bytes so that two distinct paths never collapse into one, and only decode lossily when a
//! human (or JSON) has to read them.

use std::fmt;

/// A path inside a repository, `/`-separated, exactly the bytes git stores.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct RepoPath(Vec<u8>);

impl RepoPath {
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self(bytes.into())
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The path for display: invalid UTF-8 sequences become U+FFFD.
    pub fn to_string_lossy(&self) -> String {
        String::from_utf8_lossy(&self.0).into_owned()
    }

    /// True when the stored bytes are valid UTF-8 (so `to_string_lossy` is exact).
    pub fn is_utf8(&self) -> bool {
        std::str::from_utf8(&self.0).is_ok()
    }

    /// The last component (the file name).
    pub fn file_name(&self) -> &[u8] {
        match self.0.iter().rposition(|b| *b == b'/') {
            Some(i) => &self.0[i + 1..],
            None => &self.0,
        }
    }
}

impl fmt::Debug for RepoPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.to_string_lossy())
    }
}

impl fmt::Display for RepoPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_string_lossy())
    }
}

impl From<&str> for RepoPath {
    fn from(s: &str) -> Self {
        Self(s.as_bytes().to_vec())
    }
}

impl From<String> for RepoPath {
    fn from(s: String) -> Self {
        Self(s.into_bytes())
    }
}

impl serde::Serialize for RepoPath {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string_lossy())
    }
}

impl<'de> serde::Deserialize<'de> for RepoPath {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Self::from(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_utf8_paths_stay_distinct_and_display_lossily() {
        let a = RepoPath::new(b"dir/caf\xe9.txt".to_vec());
        let b = RepoPath::new(b"dir/caf\xe8.txt".to_vec());
        assert_ne!(a, b);
        assert!(!a.is_utf8());
        assert_eq!(a.to_string_lossy(), "dir/caf\u{fffd}.txt");
        assert_eq!(a.file_name(), b"caf\xe9.txt");
    }
}
