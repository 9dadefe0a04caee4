//! Physical line classification (code / comment / blank) following tokei 15's rules.
//!
//! This is a port of tokei's `SyntaxCounter`, keeping its observable quirks so that our
//! counts equal tokei's: a line is blank when it is only ASCII whitespace; a line is a
//! comment when it holds nothing but comments (or lies inside a multi-line comment, or is
//! a Python doc string line ending a doc string that started in a comment); every other
//! line is code, including lines inside multi-line strings. Rust `///` and `//!` blocks and
//! Markdown code fences are counted as embedded languages and summed in, as tokei's
//! summary does. See the crate README for the full list of rules.

use crate::lang::{Language, LexSyntax};
use codevoyage_model::LineCounts;

fn is_ws(b: u8) -> bool {
    b == b' ' || (0x09..=0x0d).contains(&b)
}

fn trim(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&b| !is_ws(b)).unwrap_or(s.len());
    let end = s.iter().rposition(|&b| !is_ws(b)).map_or(start, |e| e + 1);
    &s[start..end.max(start)]
}

fn trim_start(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&b| !is_ws(b)).unwrap_or(s.len());
    &s[start..]
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    find(hay, needle).is_some()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    if needle.len() > hay.len() {
        return None;
    }
    let first = needle[0];
    (0..=hay.len() - needle.len()).find(|&i| hay[i] == first && hay[i..].starts_with(needle))
}

/// Next line `[start, end)` of `bytes[pos..limit]`, the terminator included.
fn next_line(bytes: &[u8], pos: &mut usize, limit: usize) -> Option<(usize, usize)> {
    if *pos >= limit {
        return None;
    }
    let start = *pos;
    let end = bytes[start..limit]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(limit, |i| start + i + 1);
    *pos = end;
    Some((start, end))
}

struct Counter {
    lang: Language,
    syn: &'static LexSyntax,
    quote: Option<&'static str>,
    quote_is_doc_quote: bool,
    quote_is_verbatim: bool,
    stack: Vec<&'static str>,
    /// Openers that force the careful path (tokei's "important syntax"), and a table of
    /// their first bytes so that most lines are rejected in one pass.
    important: Vec<&'static [u8]>,
    first_bytes: [bool; 256],
    /// First bytes of everything the careful path looks for at a byte (quote and comment
    /// openers and closers, line comments, a backslash): any other byte is stepped over without
    /// the comparisons (Rust and Markdown also look for embedded blocks: every byte).
    triggers: [bool; 256],
    every_byte: bool,
    /// Offset of the text's last non-whitespace byte.
    last_non_ws: Option<usize>,
}

enum Analysis {
    Normal,
    /// An embedded block was counted; continue stepping at this offset.
    Child {
        end: usize,
    },
}

impl Counter {
    fn new(lang: Language) -> Self {
        let syn = lang.lex();
        let important: Vec<&'static [u8]> = syn
            .quotes
            .iter()
            .chain(syn.doc_quotes)
            .chain(syn.multi_line_comments)
            .map(|(open, _)| open.as_bytes())
            .chain(syn.important_extra.iter().map(|s| s.as_bytes()))
            .collect();
        let mut first_bytes = [false; 256];
        for p in &important {
            if let Some(&b) = p.first() {
                first_bytes[usize::from(b)] = true;
            }
        }
        let mut triggers = [false; 256];
        let pairs = syn
            .quotes
            .iter()
            .chain(syn.verbatim_quotes)
            .chain(syn.doc_quotes)
            .chain(syn.multi_line_comments);
        for p in pairs
            .flat_map(|(open, close)| [*open, *close])
            .chain(syn.line_comments.iter().copied())
            .chain(["\\"])
        {
            if let Some(&b) = p.as_bytes().first() {
                triggers[usize::from(b)] = true;
            }
        }
        Counter {
            last_non_ws: None,
            important,
            first_bytes,
            triggers,
            every_byte: matches!(lang, Language::Rust | Language::Markdown),
            lang,
            syn,
            quote: None,
            quote_is_doc_quote: false,
            quote_is_verbatim: false,
            stack: Vec::new(),
        }
    }

    fn important(&self, line: &[u8]) -> bool {
        line.iter().enumerate().any(|(i, &b)| {
            self.first_bytes[usize::from(b)]
                && self.important.iter().any(|p| line[i..].starts_with(p))
        })
    }

    fn plain(&self) -> bool {
        self.quote.is_none() && self.stack.is_empty()
    }

    fn count(&mut self, text: &[u8], stats: &mut LineCounts) {
        self.last_non_ws = text.iter().rposition(|&b| !is_ws(b));
        let mut pos = 0;
        let limit = text.len();
        while let Some((start, end)) = next_line(text, &mut pos, limit) {
            let line = trim(&text[start..end]);
            if self.plain() {
                if line.is_empty() {
                    stats.blank += 1;
                    continue;
                }
                if !self.important(line) {
                    if self.syn.literate
                        || self
                            .syn
                            .line_comments
                            .iter()
                            .any(|c| line.starts_with(c.as_bytes()))
                    {
                        stats.comment += 1;
                    } else {
                        stats.code += 1;
                    }
                    continue;
                }
            }
            let started_in_comments = !self.stack.is_empty();
            match self.multi_line(text, start, end, stats) {
                Analysis::Child { end } => {
                    pos = end;
                    continue;
                }
                Analysis::Normal => {}
            }
            if self.syn.literate || self.line_is_comment(line, started_in_comments) {
                stats.comment += 1;
            } else {
                stats.code += 1;
            }
        }
    }

    fn multi_line(
        &mut self,
        text: &[u8],
        start: usize,
        end: usize,
        stats: &mut LineCounts,
    ) -> Analysis {
        let mut skip = 0usize;
        for i in start..end {
            if skip != 0 {
                skip -= 1;
                continue;
            }
            // Nothing below can match at a byte that starts none of the syntax (and past
            // the last non-blank byte only blanks are left: the loop would stop there).
            if !self.every_byte && !self.triggers[usize::from(text[i])] {
                continue;
            }
            let window = &text[i..];
            // tokei stops when the rest of the *file* is whitespace; `last_non_ws` answers
            // that in O(1) (trimming the rest at every byte was quadratic).
            if self.last_non_ws.is_none_or(|last| i > last) {
                break;
            }
            if let Some(n) = self
                .end_of_quote(window)
                .or_else(|| self.end_of_multi(window))
            {
                skip = n - 1;
                continue;
            } else if self.quote.is_some() {
                continue;
            }
            if self.plain()
                && let Some(child) = self.context(text, i, end, stats)
            {
                return child;
            }
            if let Some(n) = self
                .start_quote(window)
                .or_else(|| self.start_multi(window))
            {
                skip = n - 1;
                continue;
            }
            if self.plain()
                && self
                    .syn
                    .line_comments
                    .iter()
                    .any(|c| window.starts_with(c.as_bytes()))
            {
                break;
            }
        }
        Analysis::Normal
    }

    /// Embedded languages: Rust doc comments (Markdown) and Markdown code fences.
    fn context(
        &mut self,
        text: &[u8],
        start: usize,
        end: usize,
        stats: &mut LineCounts,
    ) -> Option<Analysis> {
        match self.lang {
            Language::Rust => {
                let rest = trim_start(&text[start..]);
                let syntax: &[u8] = if rest.starts_with(b"///") {
                    b"///"
                } else if rest.starts_with(b"//!") {
                    b"//!"
                } else {
                    return None;
                };
                let mut markdown = Vec::new();
                let mut end_of_block = text.len();
                let mut pos = start;
                let mut doc_lines: u64 = 0;
                while let Some((s, e)) = next_line(text, &mut pos, text.len()) {
                    if trim_start(&text[s..]).starts_with(syntax) {
                        let line = trim_start(&text[s..e]);
                        markdown.extend_from_slice(&line[3.min(line.len())..]);
                        end_of_block = e;
                        doc_lines += 1;
                    } else {
                        end_of_block = s;
                        break;
                    }
                }
                let mut child = Counter::new(Language::Markdown);
                let mut doc = LineCounts::default();
                child.count(trim(&markdown), &mut doc);
                // Markdown resumes counting mid-line after a closing fence, so fences that
                // open and close on joined doc lines could count more lines than the
                // comment block has: a block never counts more than its physical lines
                // (the excess is taken from comments, then code, then blanks).
                let mut excess = doc.total().saturating_sub(doc_lines);
                for field in [&mut doc.comment, &mut doc.code, &mut doc.blank] {
                    let cut = excess.min(*field);
                    *field -= cut;
                    excess -= cut;
                }
                stats.code += doc.code;
                stats.comment += doc.comment;
                stats.blank += doc.blank;
                Some(Analysis::Child { end: end_of_block })
            }
            Language::Markdown => {
                let line = &text[start..end];
                if !contains(line, b"```") {
                    return None;
                }
                // Opening fence: "```" followed by a non-space run and one whitespace byte,
                // starting within this line.
                let fence_at = (start..end).find(|&i| {
                    text[i..].starts_with(b"```")
                        && text.get(i + 3).is_some_and(|&b| !is_ws(b))
                        && {
                            let mut j = i + 3;
                            while j < text.len() && !is_ws(text[j]) {
                                j += 1;
                            }
                            j < text.len()
                        }
                })?;
                let mut id_end = fence_at + 3;
                while id_end < text.len() && !is_ws(text[id_end]) {
                    id_end += 1;
                }
                let start_of_code = id_end + 1;
                let identifier = &text[fence_at + 3..id_end];
                let language = identifier
                    .split(|&b| b == b',')
                    .find_map(|s| std::str::from_utf8(s).ok().and_then(Language::from_name))?;
                let rest = &text[start_of_code.min(text.len())..];
                let (end_of_code, end_of_block, balanced) = match find(rest, b"```") {
                    Some(f) => {
                        let after = start_of_code + f + 3;
                        let after = if text.get(after).is_some_and(|&b| is_ws(b)) {
                            after + 1
                        } else {
                            after
                        };
                        (start_of_code + f, after, true)
                    }
                    None => (text.len(), text.len(), false),
                };
                let code = &text[start_of_code.min(end_of_code)..end_of_code];
                let mut child = Counter::new(language);
                child.count(trim(code), stats);
                stats.comment += if balanced { 2 } else { 1 };
                Some(Analysis::Child { end: end_of_block })
            }
            _ => None,
        }
    }

    fn start_quote(&mut self, window: &[u8]) -> Option<usize> {
        if !self.stack.is_empty() {
            return None;
        }
        let s = self.syn;
        for (list, verbatim, doc) in [
            (s.doc_quotes, false, true),
            (s.verbatim_quotes, true, false),
            (s.quotes, false, false),
        ] {
            if let Some((open, close)) = list.iter().find(|(o, _)| window.starts_with(o.as_bytes()))
            {
                self.quote = Some(close);
                self.quote_is_verbatim = verbatim;
                self.quote_is_doc_quote = doc;
                return Some(open.len());
            }
        }
        None
    }

    fn end_of_quote(&mut self, window: &[u8]) -> Option<usize> {
        if let Some(q) = self.quote
            && window.starts_with(q.as_bytes())
        {
            self.quote = None;
            return Some(q.len());
        }
        // tokei skips escapes even outside strings; kept for identical counts.
        if !self.quote_is_verbatim && window.starts_with(b"\\\\") {
            return Some(2);
        }
        if !self.quote_is_verbatim
            && window.starts_with(b"\\")
            && self
                .syn
                .quotes
                .iter()
                .any(|(o, _)| window[1..].starts_with(o.as_bytes()))
        {
            return Some(2);
        }
        None
    }

    fn start_multi(&mut self, window: &[u8]) -> Option<usize> {
        if self.quote.is_some() {
            return None;
        }
        for &(open, close) in self.syn.multi_line_comments {
            if window.starts_with(open.as_bytes()) {
                if self.stack.is_empty() || self.syn.allows_nested {
                    self.stack.push(close);
                }
                return Some(open.len());
            }
        }
        None
    }

    fn end_of_multi(&mut self, window: &[u8]) -> Option<usize> {
        let last = *self.stack.last()?;
        if window.starts_with(last.as_bytes()) {
            self.stack.pop();
            Some(last.len())
        } else {
            None
        }
    }

    fn line_is_comment(&self, line: &[u8], started_in_comments: bool) -> bool {
        let trimmed = trim(line);
        if self.quote.is_some() {
            return false;
        }
        if started_in_comments
            && self
                .syn
                .doc_quotes
                .iter()
                .any(|(_, e)| contains(line, e.as_bytes()))
        {
            return true;
        }
        let whole_line_is_comment =
            self.syn
                .line_comments
                .iter()
                .any(|c| trimmed.starts_with(c.as_bytes()))
                || self.syn.multi_line_comments.iter().any(|(s, e)| {
                    trimmed.starts_with(s.as_bytes()) && trimmed.ends_with(e.as_bytes())
                });
        if whole_line_is_comment || started_in_comments {
            return true;
        }
        match self.stack.last() {
            Some(q) => self
                .syn
                .multi_line_comments
                .iter()
                .any(|(s, e)| e == q && trimmed.starts_with(s.as_bytes())),
            None => false,
        }
    }
}

/// Counts code, comment and blank lines of `text` in `lang`, as tokei would.
pub fn count_lines(lang: Language, text: &[u8]) -> LineCounts {
    let mut stats = LineCounts::default();
    Counter::new(lang).count(text, &mut stats);
    stats
}

/// Counts lines of a file in an unknown language: every non-blank line is code.
pub fn count_plain(text: &[u8]) -> LineCounts {
    let mut stats = LineCounts::default();
    let mut pos = 0;
    while let Some((s, e)) = next_line(text, &mut pos, text.len()) {
        if trim(&text[s..e]).is_empty() {
            stats.blank += 1;
        } else {
            stats.code += 1;
        }
    }
    stats
}
