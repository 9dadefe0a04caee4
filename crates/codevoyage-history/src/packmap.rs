//! A hash table from object id to its place in the repository's packs, for the diff workers.
//!
//! gitoxide finds a packed object by binary search in the pack index: the fan-out table
//! narrows the search to ids with the same first byte, then about log2(objects / 256) 20-byte
//! comparisons follow, each on a cache line of its own. On a 60,000-commit repository
//! (571,057 packed objects) those comparisons were 15 % of the whole walk's CPU time: every
//! tree and blob of every diff is looked up, both sides. This table answers the same question
//! with one probe: open addressing over the ids' own bits (they are SHA-1 or SHA-256 hashes,
//! uniform already), a 23-bit fingerprint per slot so that a probe rarely touches the index,
//! and the full id compared against the index once before an answer is given, so an answer
//! is exact. Objects it does not hold (loose objects, packs added after it was built,
//! alternates) are for the caller's fallback, the object database.
//!
//! Built once per walk from `objects/pack/*.idx`, in one pass over each index (about 10 ms for
//! 571,057 objects), and shared by the workers. Memory: 8 bytes per slot, two slots per
//! object, plus the mapped packs (which the object database maps too).

use gix::odb::pack::Bundle;
use std::path::Path;

/// At most this many packs (the bundle number has 8 bits in a slot).
const MAX_PACKS: usize = 255;
/// Set in every used slot, so that an empty slot is 0.
const USED: u64 = 1 << 63;
const FINGERPRINT_BITS: u32 = 23;
const FINGERPRINT_MASK: u64 = (1 << FINGERPRINT_BITS) - 1;

/// See the module documentation.
pub(crate) struct PackMap {
    bundles: Vec<Bundle>,
    table: Table,
}

/// The slots, apart from the packs so that building can borrow both.
struct Table {
    /// 0 = empty; else `USED | fingerprint << 40 | bundle << 32 | position in its index`.
    slots: Vec<u64>,
    mask: usize,
}

/// Where to start probing, and the fingerprint, from bits of the id that do not overlap.
fn home_and_fingerprint(id: &gix::hash::oid) -> (usize, u64) {
    let b = id.as_bytes();
    let word = |at: usize| {
        let mut w = [0u8; 8];
        if let Some(s) = b.get(at..at + 8) {
            w.copy_from_slice(s);
        }
        u64::from_le_bytes(w)
    };
    (word(4) as usize, word(12) & FINGERPRINT_MASK)
}

impl PackMap {
    /// The table over every pack of `objects_dir` (`objects/pack/*.idx`); `None` when there
    /// is no pack or more than [`MAX_PACKS`] (then the object database answers everything,
    /// as without this table). A pack that cannot be
    /// opened is left out: its objects are found through the fallback.
    pub(crate) fn open(objects_dir: &Path, hash: gix::hash::Kind) -> Option<PackMap> {
        let mut idx_paths: Vec<_> = std::fs::read_dir(objects_dir.join("pack"))
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "idx"))
            .collect();
        idx_paths.sort();
        if idx_paths.is_empty() || idx_paths.len() > MAX_PACKS {
            return None;
        }
        let mut bundles = Vec::with_capacity(idx_paths.len());
        for path in &idx_paths {
            if let Ok(mut bundle) = Bundle::at(path, hash) {
                // Ids of our own, so entries of the delta-base cache this map's reads fill
                // are keyed unambiguously (`Bundle::at` derives one from the path).
                bundle.pack.id = bundles.len() as u32;
                bundles.push(bundle);
            }
        }
        let objects: usize = bundles.iter().map(|b| b.index.num_objects() as usize).sum();
        if objects == 0 {
            return None;
        }
        let capacity = (objects * 2).next_power_of_two().max(16);
        let mut table = Table {
            slots: vec![0; capacity],
            mask: capacity - 1,
        };
        for (n, b) in bundles.iter().enumerate() {
            for position in 0..b.index.num_objects() {
                table.insert(&bundles, b.index.oid_at_index(position), n, position);
            }
        }
        Some(PackMap { bundles, table })
    }

    /// The pack and index position holding `id`.
    fn position(&self, id: &gix::hash::oid) -> Option<(&Bundle, u32)> {
        self.table.position(&self.bundles, id)
    }

    /// Decodes `id` into `buffer` and returns its kind, if one of the packs holds it
    /// (`Ok(None)` if none does; `buffer` is then unchanged). The kind rather than the object,
    /// so that a caller can fall back to another source with the same buffer.
    pub(crate) fn find(
        &self,
        id: &gix::hash::oid,
        buffer: &mut Vec<u8>,
        inflate: &mut gix::zlib::Inflate,
        cache: &mut dyn gix::odb::pack::cache::DecodeEntry,
    ) -> gix::Result<Option<gix::objs::Kind>> {
        let Some((bundle, position)) = self.position(id) else {
            return Ok(None);
        };
        let (data, _location) = bundle.get_object_by_index(position, buffer, inflate, cache)?;
        Ok(Some(data.kind))
    }

    /// Objects in the table.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.table.slots.iter().filter(|s| **s != 0).count()
    }
}

impl Table {
    /// Adds `id` at `position` of pack `bundle`, unless a pack already holds it.
    fn insert(&mut self, bundles: &[Bundle], id: &gix::hash::oid, bundle: usize, position: u32) {
        if self.position(bundles, id).is_some() {
            return;
        }
        let (home, fingerprint) = home_and_fingerprint(id);
        let mut i = home & self.mask;
        while self.slots.get(i).is_some_and(|s| *s != 0) {
            i = (i + 1) & self.mask;
        }
        if let Some(slot) = self.slots.get_mut(i) {
            *slot = USED | fingerprint << 40 | (bundle as u64) << 32 | u64::from(position);
        }
    }

    /// The pack and index position holding `id`.
    fn position<'b>(
        &self,
        bundles: &'b [Bundle],
        id: &gix::hash::oid,
    ) -> Option<(&'b Bundle, u32)> {
        let (home, fingerprint) = home_and_fingerprint(id);
        let mut i = home & self.mask;
        loop {
            let slot = *self.slots.get(i)?;
            if slot == 0 {
                return None;
            }
            if (slot >> 40) & FINGERPRINT_MASK == fingerprint {
                let bundle = bundles.get(((slot >> 32) & 0xFF) as usize)?;
                let position = slot as u32;
                if bundle.index.oid_at_index(position) == id {
                    return Some((bundle, position));
                }
            }
            i = (i + 1) & self.mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_AUTHOR_DATE", "2020-01-01T00:00:00Z")
            .env("GIT_COMMITTER_DATE", "2020-01-01T00:00:00Z")
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Two packs (one object in both), one loose object: every packed object is found with
    /// git's content, the loose one and an absent id are not.
    #[test]
    fn finds_every_packed_object_and_nothing_else() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        git(d, &["init", "-q"]);
        git(d, &["config", "user.name", "T"]);
        git(d, &["config", "user.email", "t@example.com"]);
        for i in 0..40 {
            std::fs::write(
                d.join(format!("f{}.txt", i % 7)),
                format!("line {i}\n").repeat(i + 1),
            )
            .expect("write");
            git(d, &["add", "-A"]);
            git(d, &["commit", "-q", "-m", &format!("c{i}")]);
            if i == 20 {
                git(d, &["repack", "-adq"]);
            }
        }
        // A second pack with what came after the first, and one object left loose.
        git(d, &["repack", "-dq"]);
        std::fs::write(d.join("loose.txt"), "only loose\n").expect("write");
        git(d, &["hash-object", "-w", "loose.txt"]);
        let objects = d.join(".git/objects");
        let map = PackMap::open(&objects, gix::hash::Kind::Sha1).expect("packs");
        assert_eq!(map.bundles.len(), 2);

        let all = git(
            d,
            &[
                "cat-file",
                "--batch-all-objects",
                "--batch-check=%(objectname)",
            ],
        );
        let loose_ids: Vec<String> = std::fs::read_dir(&objects)
            .expect("objects")
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().len() == 2 && e.file_name() != "pa")
            .flat_map(|e| {
                let prefix = e.file_name().to_string_lossy().into_owned();
                std::fs::read_dir(e.path())
                    .expect("fan-out dir")
                    .filter_map(|f| f.ok())
                    .map(move |f| format!("{prefix}{}", f.file_name().to_string_lossy()))
            })
            .collect();
        assert_eq!(loose_ids.len(), 1, "{loose_ids:?}");
        let mut inflate = gix::zlib::Inflate::default();
        let mut cache = gix::odb::pack::cache::Never;
        let mut buf = Vec::new();
        let mut found = 0;
        for hex in all.lines() {
            let id = gix::ObjectId::from_hex(hex.as_bytes()).expect("id");
            let got = map
                .find(&id, &mut buf, &mut inflate, &mut cache)
                .expect("decodes");
            if loose_ids.iter().any(|l| l == hex) {
                assert!(got.is_none(), "{hex} is loose");
                continue;
            }
            let kind = got.expect("packed object found").to_string();
            let want = Command::new("git")
                .args(["cat-file", &kind, hex])
                .current_dir(d)
                .output()
                .expect("git cat-file");
            assert_eq!(buf, want.stdout, "{hex}");
            found += 1;
        }
        assert_eq!(found, map.len(), "each packed object once");
        let absent =
            gix::ObjectId::from_hex(b"0123456789abcdef0123456789abcdef01234567").expect("id");
        assert!(
            map.find(&absent, &mut buf, &mut inflate, &mut cache)
                .expect("ok")
                .is_none()
        );
    }

    #[test]
    fn no_packs_no_map() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("pack")).expect("mkdir");
        assert!(PackMap::open(dir.path(), gix::hash::Kind::Sha1).is_none());
        assert!(PackMap::open(&dir.path().join("missing"), gix::hash::Kind::Sha1).is_none());
    }
}
