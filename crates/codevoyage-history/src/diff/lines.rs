//! Line tokens for the line diff, in tables kept by each worker and reused for every file.
//!
//! The diff works on line ids: equal lines get equal ids, numbered densely in order of first
//! appearance (the old side first), exactly as `imara-diff`'s `InternedInput` numbers them.
//! Building an `InternedInput` per file allocated a fresh hash table and two token vectors for
//! every changed file, and growing them showed in profiles (allocation and page faults);
//! here the table and the vectors keep their capacity from file to file. Lines keep their
//! terminator, so `a` and `a\n` differ, as in git.

use gix::diff::blob::Token;
use hashbrown::HashTable;
use std::hash::BuildHasher;

/// Where one distinct line was first seen.
#[derive(Clone, Copy)]
struct Span {
    hash: u64,
    after: bool,
    start: usize,
    end: usize,
}

/// Reusable line tokens for one pair of file contents at a time.
#[derive(Default)]
pub(crate) struct LineTokens {
    table: HashTable<u32>,
    spans: Vec<Span>,
    before: Vec<Token>,
    after: Vec<Token>,
    hasher: hashbrown::DefaultHashBuilder,
}

impl LineTokens {
    /// Tokenizes `before` and `after` (replacing what was there) and returns the number of
    /// distinct lines.
    pub(crate) fn intern(&mut self, before: &[u8], after: &[u8]) -> u32 {
        self.table.clear();
        self.spans.clear();
        self.before.clear();
        self.after.clear();
        let Self {
            table,
            spans,
            before: before_tokens,
            after: after_tokens,
            hasher,
        } = self;
        for (data, is_after, out) in [(before, false, before_tokens), (after, true, after_tokens)] {
            let mut start = 0;
            while start < data.len() {
                let end =
                    memchr::memchr(b'\n', &data[start..]).map_or(data.len(), |i| start + i + 1);
                let line = &data[start..end];
                let hash = hasher.hash_one(line);
                let text = |s: &Span| {
                    if s.after {
                        &after[s.start..s.end]
                    } else {
                        &before[s.start..s.end]
                    }
                };
                let entry = table.entry(
                    hash,
                    |&t| {
                        let s = &spans[t as usize];
                        s.hash == hash && text(s) == line
                    },
                    |&t| spans[t as usize].hash,
                );
                let id = match entry {
                    hashbrown::hash_table::Entry::Occupied(o) => *o.get(),
                    hashbrown::hash_table::Entry::Vacant(v) => {
                        let id = u32::try_from(spans.len()).unwrap_or(u32::MAX);
                        spans.push(Span {
                            hash,
                            after: is_after,
                            start,
                            end,
                        });
                        v.insert(id);
                        id
                    }
                };
                out.push(Token(id));
                start = end;
            }
        }
        u32::try_from(self.spans.len()).unwrap_or(u32::MAX)
    }

    /// The old side's line ids, from the last [`LineTokens::intern`].
    pub(crate) fn before(&self) -> &[Token] {
        &self.before
    }

    /// The new side's line ids, from the last [`LineTokens::intern`].
    pub(crate) fn after(&self) -> &[Token] {
        &self.after
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gix::diff::blob::InternedInput;

    /// The ids are the ones `imara-diff`'s own interner gives, so the diff cannot differ.
    #[test]
    fn numbers_lines_like_interned_input() {
        let cases: [(&[u8], &[u8]); 6] = [
            (b"", b""),
            (b"a\nb\n", b"a\nb\nc"),
            (b"a\nb", b"a\nb\n"),
            (b"x\r\ny\r\n\n\n", b"\n\ny\r\nz"),
            (b"same\nsame\nsame\n", b"same\nother\nsame\n"),
            (b"\0\x01\n\xff\n", b"\xff\n\0\x01\n"),
        ];
        let mut tokens = LineTokens::default();
        for (old, new) in cases {
            let n = tokens.intern(old, new);
            let input = InternedInput::new(old, new);
            assert_eq!(n, input.interner.num_tokens(), "{old:?} {new:?}");
            assert_eq!(tokens.before(), input.before.as_slice(), "{old:?}");
            assert_eq!(tokens.after(), input.after.as_slice(), "{new:?}");
        }
    }
}
