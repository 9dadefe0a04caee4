//! Text forms of the history, byte-compatible with the tools people already use.
//!
//! - [`numstat`]: `git log --numstat --no-renames --format='commit %H'`.
//! - [`code_maat`]: code-maat's `git2` input, i.e.
//!   `git log --numstat --date=short --pretty=format:'--%h--%ad--%aN' --no-renames`.
//! - [`jsonl`]: one JSON object per commit with every field of [`Commit`].
//!
//! Paths are quoted as git quotes them with `core.quotePath` on (its default): a path holding a
//! control character, `"`, `\` or a byte ≥ 0x80 is written in double quotes with C escapes and
//! octal bytes.

use codevoyage_model::{Commit, FileChange};
use std::io::{self, Write};

/// Writes one commit as `git log --numstat --no-renames --format='commit %H'` does.
pub fn numstat(out: &mut dyn Write, commit: &Commit) -> io::Result<()> {
    numstat_with(out, commit, true)
}

/// [`numstat`] with an explicit `core.quotePath` (see [`crate::Repository::quote_path`]).
pub fn numstat_with(out: &mut dyn Write, commit: &Commit, quote_path: bool) -> io::Result<()> {
    writeln!(out, "commit {}", commit.id)?;
    if !commit.changes.is_empty() {
        out.write_all(b"\n")?;
        for change in &commit.changes {
            numstat_line(out, change, quote_path)?;
        }
    }
    Ok(())
}

fn numstat_line(out: &mut dyn Write, change: &FileChange, quote_path: bool) -> io::Result<()> {
    if change.binary {
        out.write_all(b"-\t-\t")?;
    } else {
        write!(out, "{}\t{}\t", change.added, change.removed)?;
    }
    match &change.old_path {
        Some(old) => write_rename(out, old.as_bytes(), change.path.as_bytes(), quote_path)?,
        None => write_quoted(out, change.path.as_bytes(), quote_path)?,
    }
    out.write_all(b"\n")
}

/// Writes a renamed path as git's `pprint_rename` does for `--numstat -M`: the common leading
/// directories and trailing path components outside braces (`src/{a.rs => b.rs}`,
/// `{old => new}/lib.rs`), or `old => new` when nothing is shared; each side quoted in full
/// instead when either needs quoting.
pub fn write_rename(
    out: &mut dyn Write,
    old: &[u8],
    new: &[u8],
    quote_fully: bool,
) -> io::Result<()> {
    if needs_quoting(old, quote_fully) || needs_quoting(new, quote_fully) {
        write_quoted(out, old, quote_fully)?;
        out.write_all(b" => ")?;
        return write_quoted(out, new, quote_fully);
    }
    let (len_a, len_b) = (old.len() as isize, new.len() as isize);
    // Common prefix, up to and including its last '/'.
    let mut pfx = 0isize;
    for (i, (x, y)) in old.iter().zip(new).enumerate() {
        if x != y {
            break;
        }
        if *x == b'/' {
            pfx = i as isize + 1;
        }
    }
    // Common suffix from the end (both strings' terminators compare equal), starting at its
    // first '/'; with a prefix the scan may run one byte into it to see that same slash.
    let at = |s: &[u8], i: isize| -> u8 {
        usize::try_from(i)
            .ok()
            .and_then(|i| s.get(i))
            .copied()
            .unwrap_or(0)
    };
    let adjust = isize::from(pfx > 0);
    let (mut i, mut j) = (len_a, len_b);
    let mut sfx = 0isize;
    while pfx - adjust <= i && pfx - adjust <= j && at(old, i) == at(new, j) {
        if at(old, i) == b'/' {
            sfx = len_a - i;
        }
        i -= 1;
        j -= 1;
    }
    let a_mid = (len_a - pfx - sfx).max(0);
    let b_mid = (len_b - pfx - sfx).max(0);
    let slice = |s: &'_ [u8], from: isize, len: isize| -> Vec<u8> {
        let from = usize::try_from(from).unwrap_or(0).min(s.len());
        let to = (from + usize::try_from(len).unwrap_or(0)).min(s.len());
        s[from..to].to_vec()
    };
    let braces = pfx + sfx > 0;
    if braces {
        out.write_all(&old[..usize::try_from(pfx).unwrap_or(0)])?;
        out.write_all(b"{")?;
    }
    out.write_all(&slice(old, pfx, a_mid))?;
    out.write_all(b" => ")?;
    out.write_all(&slice(new, pfx, b_mid))?;
    if braces {
        out.write_all(b"}")?;
        out.write_all(&slice(old, len_a - sfx, sfx))?;
    }
    Ok(())
}

fn needs_quoting(path: &[u8], quote_fully: bool) -> bool {
    path.iter()
        .any(|&b| b < 0x20 || b == b'"' || b == b'\\' || b == 0x7f || (quote_fully && b >= 0x80))
}

/// Writes one commit in code-maat's `git2` form. `short_id` is the abbreviated id (`%h`, see
/// [`crate::Repository::abbreviator`]); `first` is true for the first commit written, because
/// git separates (rather than terminates) `format:` entries.
pub fn code_maat(
    out: &mut dyn Write,
    commit: &Commit,
    short_id: &str,
    first: bool,
) -> io::Result<()> {
    code_maat_with(out, commit, short_id, first, true)
}

/// [`code_maat`] with an explicit `core.quotePath`.
pub fn code_maat_with(
    out: &mut dyn Write,
    commit: &Commit,
    short_id: &str,
    first: bool,
    quote_path: bool,
) -> io::Result<()> {
    if !first {
        out.write_all(b"\n")?;
    }
    let date = short_date(commit.author.time, commit.author.offset_minutes);
    write!(out, "--{short_id}--{date}--{}", commit.author.identity.name)?;
    if !commit.changes.is_empty() {
        out.write_all(b"\n")?;
        for change in &commit.changes {
            numstat_line(out, change, quote_path)?;
        }
    }
    Ok(())
}

/// Writes one commit as a JSON object on one line.
pub fn jsonl(out: &mut dyn Write, commit: &Commit) -> io::Result<()> {
    // `io::Error::from` keeps the kind of an underlying write error (a closed pipe stays BrokenPipe).
    serde_json::to_writer(&mut *out, commit).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

/// The author date as `--date=short` prints it: the calendar day in the signature's own offset.
pub fn short_date(time: i64, offset_minutes: i32) -> String {
    let local = time + i64::from(offset_minutes) * 60;
    let (y, m, d) = codevoyage_model::time::civil_from_days(local.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Writes `path` as git's `quote_c_style` does: verbatim when nothing needs quoting, else in
/// double quotes with `\a \b \t \n \v \f \r \" \\` and octal `\ooo` for other control bytes and
/// (when `quote_fully`, i.e. `core.quotePath`) bytes ≥ 0x80.
pub fn write_quoted(out: &mut dyn Write, path: &[u8], quote_fully: bool) -> io::Result<()> {
    let needs =
        |b: u8| b < 0x20 || b == b'"' || b == b'\\' || b == 0x7f || (quote_fully && b >= 0x80);
    if !needs_quoting(path, quote_fully) {
        return out.write_all(path);
    }
    let mut s = Vec::with_capacity(path.len() + 8);
    s.push(b'"');
    for &b in path {
        match b {
            0x07 => s.extend_from_slice(b"\\a"),
            0x08 => s.extend_from_slice(b"\\b"),
            b'\t' => s.extend_from_slice(b"\\t"),
            b'\n' => s.extend_from_slice(b"\\n"),
            0x0b => s.extend_from_slice(b"\\v"),
            0x0c => s.extend_from_slice(b"\\f"),
            b'\r' => s.extend_from_slice(b"\\r"),
            b'"' => s.extend_from_slice(b"\\\""),
            b'\\' => s.extend_from_slice(b"\\\\"),
            b if needs(b) => s.extend_from_slice(format!("\\{b:03o}").as_bytes()),
            b => s.push(b),
        }
    }
    s.push(b'"');
    out.write_all(&s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use codevoyage_model::{ChangeKind, Identity, RepoPath, Signature};

    fn quoted(p: &[u8]) -> String {
        let mut v = Vec::new();
        write_quoted(&mut v, p, true).expect("write to vec");
        String::from_utf8(v).expect("ascii")
    }

    #[test]
    fn quotes_like_git() {
        assert_eq!(quoted(b"plain/path.txt"), "plain/path.txt");
        assert_eq!(quoted(b"with space.txt"), "with space.txt");
        assert_eq!(quoted(b"docs/caf\xe9.txt"), "\"docs/caf\\351.txt\"");
        assert_eq!(quoted(b"tab\there"), "\"tab\\there\"");
        assert_eq!(quoted(b"a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(quoted("ü".as_bytes()), "\"\\303\\274\"");
        assert_eq!(quoted(b"\x01\x7f"), "\"\\001\\177\"");
    }

    fn renamed(old: &str, new: &str) -> String {
        let mut v = Vec::new();
        write_rename(&mut v, old.as_bytes(), new.as_bytes(), true).expect("write to vec");
        String::from_utf8(v).expect("ascii")
    }

    #[test]
    fn renames_print_like_git() {
        assert_eq!(renamed("a.txt", "b.txt"), "a.txt => b.txt");
        assert_eq!(renamed("src/a.rs", "src/b.rs"), "src/{a.rs => b.rs}");
        assert_eq!(renamed("old/lib.rs", "new/lib.rs"), "{old => new}/lib.rs");
        assert_eq!(renamed("a/b/c/d.txt", "a/c/d.txt"), "a/{b => }/c/d.txt");
        assert_eq!(renamed("a/c/d.txt", "a/b/c/d.txt"), "a/{ => b}/c/d.txt");
        assert_eq!(renamed("x/a.txt", "y/b.txt"), "x/a.txt => y/b.txt");
        assert_eq!(renamed("caf\u{e9}", "cafe"), "\"caf\\303\\251\" => cafe");
    }

    #[test]
    fn short_dates_use_the_signature_offset() {
        assert_eq!(short_date(0, 0), "1970-01-01");
        // 2021-01-04T23:30:00-0100 is 2021-01-05T00:30Z: git prints the local day.
        assert_eq!(short_date(1_609_803_000, -60), "2021-01-04");
        assert_eq!(short_date(951_782_400, 0), "2000-02-29");
    }

    fn sample(changes: Vec<FileChange>) -> Commit {
        let sig = Signature {
            identity: Identity {
                name: "A".into(),
                email: "a@x".into(),
            },
            time: 0,
            offset_minutes: 0,
        };
        Commit {
            id: "abc".into(),
            parents: vec![],
            author: sig.clone(),
            committer: sig,
            summary: "s".into(),
            co_authors: vec![],
            changes,
        }
    }

    #[test]
    fn numstat_and_code_maat_layouts() {
        let change = |p: &str, a, r, binary| FileChange {
            path: RepoPath::from(p),
            old_path: None,
            kind: ChangeKind::Modified,
            added: a,
            removed: r,
            binary,
        };
        let commits = [
            sample(vec![
                change("a.txt", 2, 1, false),
                change("b.png", 0, 0, true),
            ]),
            sample(vec![]),
        ];
        let mut out = Vec::new();
        for c in &commits {
            numstat(&mut out, c).expect("write");
        }
        assert_eq!(
            String::from_utf8_lossy(&out),
            "commit abc\n\n2\t1\ta.txt\n-\t-\tb.png\ncommit abc\n"
        );
        let mut out = Vec::new();
        for (i, c) in commits.iter().rev().enumerate() {
            code_maat(&mut out, c, "abc", i == 0).expect("write");
        }
        assert_eq!(
            String::from_utf8_lossy(&out),
            "--abc--1970-01-01--A\n--abc--1970-01-01--A\n2\t1\ta.txt\n-\t-\tb.png\n"
        );
        let mut out = Vec::new();
        jsonl(&mut out, &commits[0]).expect("write");
        let v: serde_json::Value = serde_json::from_slice(&out).expect("json");
        assert_eq!(v["changes"][0]["added"], 2);
    }

    /// A reader that went away (`| head`): every write fails with a broken pipe.
    struct ClosedPipe;
    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from(io::ErrorKind::BrokenPipe))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn closed_pipes_are_reported_as_broken_pipes_in_every_format() {
        let c = sample(vec![]);
        let kinds = [
            numstat(&mut ClosedPipe, &c).expect_err("numstat").kind(),
            code_maat(&mut ClosedPipe, &c, "abc", true)
                .expect_err("code-maat")
                .kind(),
            jsonl(&mut ClosedPipe, &c).expect_err("jsonl").kind(),
        ];
        assert!(
            kinds.iter().all(|k| *k == io::ErrorKind::BrokenPipe),
            "{kinds:?}"
        );
    }
}
