//! People in commits: signatures resolved through `.mailmap`, and `Co-authored-by:` trailers.

use codevoyage_model::{Identity, Signature};
use gix::bstr::ByteSlice;

/// A signature as the model wants it, after `.mailmap` when one is given.
pub(crate) fn signature(
    sig: gix::actor::SignatureRef<'_>,
    mailmap: Option<&gix::mailmap::Snapshot>,
) -> Signature {
    let sig = sig.trim();
    let time = sig.time().unwrap_or_default();
    let (name, email) = match mailmap.and_then(|m| m.try_resolve(sig)) {
        Some(resolved) => (
            resolved.name.to_str_lossy().into_owned(),
            resolved.email.to_str_lossy().into_owned(),
        ),
        None => (
            sig.name.to_str_lossy().into_owned(),
            sig.email.to_str_lossy().into_owned(),
        ),
    };
    Signature {
        identity: Identity { name, email },
        time: time.seconds,
        offset_minutes: time.offset / 60,
    }
}

/// The people named in `Co-authored-by: Name <email>` trailers (case-insensitive key), in order,
/// without duplicates, resolved through `.mailmap` like authors.
pub(crate) fn co_authors(
    message: &[u8],
    mailmap: Option<&gix::mailmap::Snapshot>,
) -> Vec<Identity> {
    const KEY: &[u8] = b"co-authored-by:";
    let mut out: Vec<Identity> = Vec::new();
    for line in message.lines() {
        let line = line.trim();
        if line.len() <= KEY.len() || !line[..KEY.len()].eq_ignore_ascii_case(KEY) {
            continue;
        }
        let value = line[KEY.len()..].trim();
        let (Some(open), Some(close)) = (value.rfind_byte(b'<'), value.rfind_byte(b'>')) else {
            continue;
        };
        if close < open {
            continue;
        }
        let name = value[..open].trim();
        let email = value[open + 1..close].trim();
        if email.is_empty() {
            continue;
        }
        let identity = match mailmap.and_then(|m| {
            m.try_resolve(gix::actor::SignatureRef {
                name: name.as_bstr(),
                email: email.as_bstr(),
                time: "0 +0000",
            })
        }) {
            Some(r) => Identity {
                name: r.name.to_str_lossy().into_owned(),
                email: r.email.to_str_lossy().into_owned(),
            },
            None => Identity {
                name: name.to_str_lossy().into_owned(),
                email: email.to_str_lossy().into_owned(),
            },
        };
        if !out.contains(&identity) {
            out.push(identity);
        }
    }
    out
}

/// The first line of a commit message, without trailing whitespace.
pub(crate) fn summary(message: &[u8]) -> String {
    let message = message.trim_start();
    let first = message.lines().next().unwrap_or_default();
    first.trim_end().to_str_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_co_author_trailers() {
        let msg = b"Fix it\n\nBody.\n\nCo-authored-by: Carol Chen <carol@example.com>\nco-authored-by:Dan <dan@x.org>\nCo-Authored-By: Carol Chen <carol@example.com>\nCo-authored-by: nobody\n";
        let people = co_authors(msg, None);
        assert_eq!(
            people,
            vec![
                Identity {
                    name: "Carol Chen".into(),
                    email: "carol@example.com".into()
                },
                Identity {
                    name: "Dan".into(),
                    email: "dan@x.org".into()
                },
            ]
        );
    }

    #[test]
    fn summary_is_first_line() {
        assert_eq!(summary(b"\nTitle  \r\nbody"), "Title");
        assert_eq!(summary(b""), "");
    }
}
