//! Parsing with a time budget and the single pass over the syntax tree that measures
//! every function: an explicit TreeCursor walk (no recursion, so deeply nested code cannot
//! overflow the stack), a per-grammar flag table indexed by node kind id, and no
//! allocation per node (only per function: its name and two reusable Halstead sets).

use crate::lang::Language;
use crate::spec::{
    QUIRK_NO_ELSE_IF, QUIRK_NO_INNER_FUNCTIONS, QUIRK_PREPROC, QUIRK_RUST, QUIRK_SHORT_TERNARY,
    Spec, grammar, grammar_slot,
};
use crate::{CognitiveProfile, CyclomaticProfile, Options};
use codevoyage_model::{FunctionMetrics, Halstead};
use std::cell::RefCell;
use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::ControlFlow;
use std::sync::OnceLock;
use std::time::Instant;
use tree_sitter::{Node, Parser, TreeCursor};

const FUNC: u32 = 1;
const CLASS: u32 = 1 << 1;
const CC: u32 = 1 << 2;
const MCC: u32 = 1 << 3;
const IF: u32 = 1 << 4;
const HYBRID: u32 = 1 << 5;
const STRUCT: u32 = 1 << 6;
const NEST: u32 = 1 << 7;
const LOGIC: u32 = 1 << 8;
const JUMP: u32 = 1 << 9;
const GOTO: u32 = 1 << 10;
const CALL: u32 = 1 << 11;
const PARAMS: u32 = 1 << 12;
const COMMENT: u32 = 1 << 13;
/// A token counted only under some parents (`Spec::token_parents`).
const RESTRICTED: u32 = 1 << 14;
/// `preproc_if` / `preproc_elif` (with `QUIRK_PREPROC`).
const PREPROC_COND: u32 = 1 << 15;
const ELSE: u32 = 1 << 16;
const OPLEAF: u32 = 1 << 17;
const SIGNATURE: u32 = 1 << 18;
/// A ternary that lizard's flat cognitive profile does not count (`Spec::lizard_flat`).
const FLAT_SKIP: u32 = 1 << 19;

/// Flags by node kind id for one grammar, built once per process.
struct Table {
    flags: Vec<u32>,
    language: tree_sitter::Language,
    /// Qualified names use `::` (Rust, C++) or `.` (everything else).
    separator: &'static str,
    /// For restricted tokens: the parent kinds under which they count.
    restricted: Vec<(u16, Vec<u16>)>,
    quirks: u32,
    /// The arm kind and arrow token of `Spec::arms` (0 when the language has none).
    match_arm: u16,
    arm_arrow: u16,
    /// Named kinds under which `else` is a default (`Spec::else_defaults`).
    else_defaults: Vec<u16>,
    closure_parameters: u16,
    let_declaration: u16,
    /// Rust: a macro's token tree (its operators are bare leaves) and an `impl` block.
    token_tree: u16,
    impl_item: u16,
    /// Field ids of `object`, `function` and `name` (a call's parts; looked up by name,
    /// tree-sitter compares the name with every field name of the grammar).
    field_object: Option<std::num::NonZeroU16>,
    field_function: Option<std::num::NonZeroU16>,
    field_name: Option<std::num::NonZeroU16>,
    /// Operator texts of `Spec::operator_leaf` that count (Scala `&&`, `||`).
    leaf_ops: &'static [&'static str],
    /// lizard's cognitive profile counts this language flat (`Spec::lizard_flat`).
    lizard_flat: bool,
    /// lizard's cognitive profile nests lambdas here (`Spec::lizard_nests_lambdas`).
    lizard_nests_lambdas: bool,
    /// By field id: the fields that hold a structure's head (its condition, the subject of
    /// a switch, a loop's header), which Campbell does not nest.
    header_fields: Vec<bool>,
}

impl Table {
    fn build(lang: Language, ts: tree_sitter::Language, spec: &'static Spec) -> Table {
        let count = ts.node_kind_count();
        let mut flags = vec![0u32; count + 1];
        for (id, slot) in flags.iter_mut().enumerate().take(count) {
            let Ok(id16) = u16::try_from(id) else { break };
            let Some(name) = ts.node_kind_for_id(id16) else {
                continue;
            };
            let mut f = 0;
            if ts.node_kind_is_named(id16) {
                let has = |list: &[&str]| list.contains(&name);
                // Swift's grammar makes `else` a named leaf (Ruby's named `else` is a clause
                // with children, handled through the token inside it).
                if name == "else" {
                    f |= ELSE;
                }
                for (list, bit) in [
                    (spec.functions, FUNC),
                    (spec.signatures, SIGNATURE),
                    (spec.classes, CLASS),
                    (spec.ifs, IF),
                    (spec.hybrids, HYBRID),
                    (spec.structures, STRUCT),
                    (spec.nest_only, NEST),
                    (spec.jumps, JUMP),
                    (spec.gotos, GOTO),
                    (spec.calls, CALL),
                    (spec.parameter_lists, PARAMS),
                    (spec.comments, COMMENT),
                    (spec.cc_named, CC | MCC),
                    (spec.lizard_flat.unwrap_or(&[]), FLAT_SKIP),
                ] {
                    if has(list) {
                        f |= bit;
                    }
                }
            } else {
                if spec.cc_tokens.contains(&name) {
                    f |= CC;
                }
                if spec.mccabe_tokens.contains(&name) {
                    f |= MCC;
                }
                if spec.logical_ops.contains(&name) {
                    f |= LOGIC;
                }
                if spec.token_parents.iter().any(|(t, _)| *t == name) {
                    f |= RESTRICTED;
                }
                if name == "else" {
                    f |= ELSE;
                }
            }
            if spec.quirks & QUIRK_PREPROC != 0
                && ts.node_kind_is_named(id16)
                && (name == "preproc_if" || name == "preproc_elif")
            {
                f |= PREPROC_COND;
            }
            if let Some((leaf, _)) = spec.operator_leaf
                && leaf == name
                && ts.node_kind_is_named(id16)
            {
                f |= OPLEAF;
            }
            *slot = f;
        }
        let separator = match lang {
            Language::Rust | Language::Cpp | Language::CppHeader | Language::CHeader => "::",
            _ => ".",
        };
        let ids_of = |name: &str, named: bool| -> Vec<u16> {
            (0..count)
                .filter_map(|id| u16::try_from(id).ok())
                .filter(|&id| {
                    ts.node_kind_is_named(id) == named && ts.node_kind_for_id(id) == Some(name)
                })
                .collect()
        };
        let mut restricted = Vec::new();
        for (token, parents) in spec.token_parents {
            let parent_ids: Vec<u16> = parents.iter().flat_map(|p| ids_of(p, true)).collect();
            for id in ids_of(token, false) {
                restricted.push((id, parent_ids.clone()));
            }
        }
        let named_id = |name: &str| ts.id_for_node_kind(name, true);
        let field_count = ts.field_count();
        let header_fields = (0..=field_count)
            .map(|id| {
                u16::try_from(id)
                    .ok()
                    .and_then(|id| ts.field_name_for_id(id))
                    .is_some_and(|name| HEADER_FIELDS.contains(&name))
            })
            .collect();
        Table {
            header_fields,
            lizard_flat: spec.lizard_flat.is_some(),
            lizard_nests_lambdas: spec.lizard_nests_lambdas,
            restricted,
            quirks: spec.quirks,
            match_arm: spec.arms.map_or(0, |(k, _)| named_id(k)),
            arm_arrow: spec.arms.map_or(0, |(_, t)| ts.id_for_node_kind(t, false)),
            else_defaults: spec
                .else_defaults
                .iter()
                .flat_map(|k| ids_of(k, true))
                .collect(),
            closure_parameters: named_id("closure_parameters"),
            let_declaration: named_id("let_declaration"),
            token_tree: named_id("token_tree"),
            impl_item: named_id("impl_item"),
            field_object: ts.field_id_for_name("object"),
            field_function: ts.field_id_for_name("function"),
            field_name: ts.field_id_for_name("name"),
            flags,

            language: ts,
            separator,
            leaf_ops: spec.operator_leaf.map_or(&[][..], |(_, ops)| ops),
        }
    }

    fn get(&self, kind: u16) -> u32 {
        self.flags.get(usize::from(kind)).copied().unwrap_or(0)
    }
}

/// Fields of a nesting structure that are its head, not its body: Campbell nests what a
/// structure controls (SonarSource's implementations add nesting for the `consequent`,
/// `alternate`, loop `body`, `case`s and `catch` body), so `if (a ? b : c)` has its ternary
/// at the `if`'s own level. Names as the grammars spell them.
const HEADER_FIELDS: &[&str] = &[
    "condition",
    "value",
    "subject",
    "initializer",
    "init",
    "initialize",
    "increment",
    "update",
    "left",
    "right",
    "pattern",
    "enumerators",
    "clause",
    "collection",
    "item",
    "variable",
    "exceptions",
    "parameter",
    "expr",
    "error",
    "bound_identifier",
];

const SLOTS: usize = crate::lang::ALL_LANGUAGES.len();
static TABLES: [OnceLock<Option<Table>>; SLOTS] = [const { OnceLock::new() }; SLOTS];

fn table(lang: Language) -> Option<&'static Table> {
    let slot = grammar_slot(lang);
    TABLES
        .get(slot)?
        .get_or_init(|| grammar(lang).map(|(ts, spec)| Table::build(lang, ts, spec)))
        .as_ref()
}

thread_local! {
    /// One parser per thread per grammar, created on first use.
    static PARSERS: RefCell<Vec<Option<Parser>>> = RefCell::new((0..SLOTS).map(|_| None).collect());
}

/// FNV-1a, enough to tell operands apart without allocating their text.
#[derive(Default)]
struct Fnv(u64);
impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}
type FnvSet<T> = HashSet<T, BuildHasherDefault<Fnv>>;

fn fnv(bytes: &[u8]) -> u64 {
    let mut h = Fnv::default();
    h.write(bytes);
    h.finish()
}

struct Frame {
    node_id: usize,
    name: String,
    short_hash: u64,
    start_line: u32,
    end_line: u32,
    parameters: u32,
    cc: u32,
    mccabe: u32,
    cognitive: u32,
    nest_base: usize,
    unnest_base: usize,
    max_nesting: u32,
    recursed: bool,
    operators: FnvSet<u16>,
    operands: FnvSet<u64>,
    total_operators: u32,
    total_operands: u32,
}

/// Result of measuring the functions of one file.
pub(crate) struct Measured {
    pub functions: Vec<FunctionMetrics>,
    pub diagnostics: Vec<String>,
}

/// Parses `bytes` as `lang` within the options' time budget and measures every function.
/// Returns `None` when no grammar is compiled in for `lang`.
pub(crate) fn measure_functions(lang: Language, bytes: &[u8], opts: &Options) -> Option<Measured> {
    let table = table(lang)?;
    let slot = grammar_slot(lang);
    let mut diagnostics = Vec::new();
    let deadline = Instant::now() + opts.parse_budget;
    let mut tree = parse(table, slot, bytes, deadline);
    let has_error =
        |t: &Option<tree_sitter::Tree>| t.as_ref().is_some_and(|t| t.root_node().has_error());
    // Two TypeScript constructs tree-sitter-typescript 0.23.2 (the newest) cannot parse; a
    // file that fails to parse is parsed again with them rewritten, offsets and lines kept.
    let mut rewritten: Option<Vec<u8>> = None;
    if lang == Language::TypeScript && has_error(&tree) {
        // Variance annotations (`interface Z<out T>`, TypeScript 4.7): blanked out.
        if let Some(masked) = mask_variance_annotations(bytes)
            && let Some(t) = parse(table, slot, &masked, deadline)
        {
            tree = Some(t);
            rewritten = Some(masked);
        }
        // Call signatures on consecutive lines (`): T` then `<U>(…): V` on the next line):
        // TypeScript ends a member at a line break before `<` (type arguments may not
        // follow one), the grammar reads `T <U>` as a generic type. Kept only when it makes
        // the file parse without any error.
        if has_error(&tree)
            && let Some(separated) = separate_signature_lines(rewritten.as_deref().unwrap_or(bytes))
            && let Some(t) = parse(table, slot, &separated, deadline)
            && !t.root_node().has_error()
        {
            tree = Some(t);
            rewritten = Some(separated);
        }
    }
    let src = rewritten.as_deref().unwrap_or(bytes);
    let Some(tree) = tree else {
        diagnostics.push(format!(
            "parse budget of {} ms exceeded; functions not measured",
            opts.parse_budget.as_millis()
        ));
        return Some(Measured {
            functions: Vec::new(),
            diagnostics,
        });
    };
    let root = tree.root_node();
    if root.has_error() {
        diagnostics.push(format!(
            "syntax errors (first near line {}); function metrics are partial",
            first_error_line(root)
        ));
    }
    let functions = Walker::new(table, src, opts).run(root.walk());
    Some(Measured {
        functions,
        diagnostics,
    })
}

/// Parses with the thread's parser for `slot`, giving up at `deadline`.
fn parse(table: &Table, slot: usize, bytes: &[u8], deadline: Instant) -> Option<tree_sitter::Tree> {
    PARSERS.with(|cell| {
        let mut parsers = cell.borrow_mut();
        let entry = parsers.get_mut(slot)?;
        if entry.is_none() {
            let mut p = Parser::new();
            if p.set_language(&table.language).is_err() {
                return None;
            }
            *entry = Some(p);
        }
        let parser = entry.as_mut()?;
        let mut ticks = 0u32;
        let mut progress = |_: &tree_sitter::ParseState| {
            ticks = ticks.wrapping_add(1);
            if ticks.is_multiple_of(32) && Instant::now() > deadline {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        let options = tree_sitter::ParseOptions::new().progress_callback(&mut progress);
        let len = bytes.len();
        let tree = parser.parse_with_options(
            &mut |offset, _| if offset < len { &bytes[offset..] } else { &[] },
            None,
            Some(options),
        );
        if tree.is_none() {
            // A cancelled parse leaves the parser mid-document: start afresh next time.
            parser.reset();
        }
        tree
    })
}

/// Blanks TypeScript variance modifiers (`in`, `out`, `in out` before a type parameter:
/// `interface Z<out T, in U>`) so that the grammar, which predates them, can parse the
/// file. Offsets and lines are unchanged. Only a word `in`/`out` that follows `<` or `,`
/// and is followed by another identifier (not `extends`) qualifies, which is not valid
/// TypeScript anywhere else. `None` when there is nothing to blank.
fn mask_variance_annotations(bytes: &[u8]) -> Option<Vec<u8>> {
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    let mut out: Option<Vec<u8>> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        i += 1;
        if b != b'<' && b != b',' {
            continue;
        }
        let mut j = i;
        let mut words = Vec::new();
        loop {
            j = skip_space_and_comments(bytes, j);
            let word_end = bytes[j..]
                .iter()
                .position(|&c| !is_ident(c))
                .map_or(bytes.len(), |n| j + n);
            let word = &bytes[j..word_end];
            let spaced = bytes.get(word_end).is_some_and(u8::is_ascii_whitespace);
            if (word == b"in" || word == b"out") && spaced && words.len() < 2 {
                words.push(j..word_end);
                j = word_end;
                continue;
            }
            let starts_ident = word
                .first()
                .is_some_and(|&c| c.is_ascii_alphabetic() || c == b'_' || c == b'$');
            // `<out extends X>` names a type parameter `out`.
            let modifier = starts_ident && !matches!(word, b"in" | b"out" | b"extends");
            if !words.is_empty() && modifier {
                let buf = out.get_or_insert_with(|| bytes.to_vec());
                for range in words.drain(..) {
                    buf[range].fill(b' ');
                }
            }
            break;
        }
    }
    out
}

/// Puts a `;` (a member separator in interfaces and type literals) in place of the
/// indentation byte just before a `<` that starts a line, so that an interface's call
/// signature `<U>(…): V` on its own line is not read as type arguments of the type that
/// ends the line before (TypeScript itself reads no type arguments after a line break).
/// Only where the code before it (comments skipped, such as the doc comment of each
/// overload) ends a type: a name that is not a keyword, or `)`, `]`, `}`, `>`; a generic arrow
/// function that continues an argument list (`f(a,⏎ <A>(x: A) => …)`), an assignment or a
/// `return` keeps its line. Offsets and lines are unchanged. `None` when no line qualifies.
/// The caller keeps the result only if the file then parses without error, so a line that
/// starts with `<` for another reason (a comparison continued on the next line) cannot be
/// misread.
fn separate_signature_lines(bytes: &[u8]) -> Option<Vec<u8>> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Code,
        LineComment,
        BlockComment,
        Quoted(u8),
    }
    const KEYWORDS: &[&[u8]] = &[
        b"return",
        b"yield",
        b"await",
        b"typeof",
        b"keyof",
        b"case",
        b"default",
        b"else",
        b"extends",
        b"in",
        b"of",
        b"new",
        b"throw",
        b"as",
        b"satisfies",
        b"is",
        b"infer",
        b"readonly",
        b"unique",
        b"delete",
        b"do",
    ];
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$';
    let ends_a_type = |at: usize| -> bool {
        let Some(&c) = bytes.get(at) else {
            return false;
        };
        if matches!(c, b')' | b']' | b'}' | b'>') {
            // `=>` ends an arrow, not a type.
            return !(c == b'>' && at > 0 && bytes.get(at - 1) == Some(&b'='));
        }
        if !is_word(c) {
            return false;
        }
        let start = bytes[..=at]
            .iter()
            .rposition(|&b| !is_word(b))
            .map_or(0, |p| p + 1);
        !KEYWORDS.contains(&&bytes[start..=at])
    };
    let mut out: Option<Vec<u8>> = None;
    let mut state = State::Code;
    // The last byte of code seen (not whitespace, not in a comment).
    let mut last_code: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match state {
            State::Code => {
                if c == b'\n' {
                    let line = i + 1;
                    let indent = bytes[line..]
                        .iter()
                        .take_while(|&&b| b == b' ' || b == b'\t')
                        .count();
                    if indent > 0
                        && bytes.get(line + indent) == Some(&b'<')
                        && last_code.is_some_and(ends_a_type)
                    {
                        out.get_or_insert_with(|| bytes.to_vec())[line + indent - 1] = b';';
                    }
                } else if c == b'/' && bytes.get(i + 1) == Some(&b'/') {
                    state = State::LineComment;
                    i += 1;
                } else if c == b'/' && bytes.get(i + 1) == Some(&b'*') {
                    state = State::BlockComment;
                    i += 1;
                } else if matches!(c, b'"' | b'\'' | b'`') {
                    state = State::Quoted(c);
                    last_code = Some(i);
                } else if !c.is_ascii_whitespace() {
                    last_code = Some(i);
                }
            }
            State::LineComment => {
                if c == b'\n' {
                    state = State::Code;
                    continue; // the line break is looked at as code
                }
            }
            State::BlockComment => {
                if c == b'*' && bytes.get(i + 1) == Some(&b'/') {
                    state = State::Code;
                    i += 1;
                }
            }
            State::Quoted(q) => {
                if c == b'\\' {
                    i += 1;
                } else if c == q {
                    state = State::Code;
                    last_code = Some(i);
                } else if c == b'\n' && q != b'`' {
                    // An unterminated string ends at the line (a stray quote in a regex).
                    state = State::Code;
                    continue;
                }
            }
        }
        i += 1;
    }
    out
}

/// Index of the first byte at or after `i` that is neither whitespace nor inside a `//` or
/// `/* */` comment.
fn skip_space_and_comments(bytes: &[u8], mut i: usize) -> usize {
    loop {
        match bytes.get(i..) {
            Some([c, ..]) if c.is_ascii_whitespace() => i += 1,
            Some([b'/', b'/', ..]) => {
                i = bytes[i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(bytes.len(), |n| i + n);
            }
            Some([b'/', b'*', ..]) => {
                i = bytes[i + 2..]
                    .windows(2)
                    .position(|w| w == b"*/")
                    .map_or(bytes.len(), |n| i + 2 + n + 2);
            }
            _ => return i,
        }
    }
}

fn first_error_line(root: Node<'_>) -> usize {
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            return node.start_position().row + 1;
        }
        if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return root.start_position().row + 1;
            }
        }
    }
}

struct Walker<'a> {
    t: &'static Table,
    src: &'a [u8],
    profile: CyclomaticProfile,
    /// lizard's flat cognitive profile applies (no nesting penalty, no ternary).
    flat: bool,
    /// Lambdas and closures that are not functions of their own nest (Campbell). lizard's
    /// profile gives them a nesting level only in C++, Java, C# (its `lambda_style`) and
    /// Python (whose counter follows indentation).
    nest_closures: bool,
    frames: Vec<Frame>,
    /// Ids of nodes that raised the cognitive nesting level, innermost last.
    nest: Vec<usize>,
    /// Ids of nodes that cancel one level of `nest`: the head of the innermost nesting
    /// structure (its condition), and else-if/elif nodes, which nest their body at the
    /// level of the `if` they continue.
    unnest: Vec<usize>,
    /// Enclosing classes: (node id, name).
    classes: Vec<(usize, String)>,
    pool: Vec<(FnvSet<u16>, FnvSet<u64>)>,
    out: Vec<FunctionMetrics>,
}

impl<'a> Walker<'a> {
    fn new(t: &'static Table, src: &'a [u8], opts: &Options) -> Self {
        Walker {
            t,
            src,
            profile: opts.cyclomatic,
            flat: t.lizard_flat && opts.cognitive == CognitiveProfile::Lizard,
            nest_closures: opts.cognitive != CognitiveProfile::Lizard || t.lizard_nests_lambdas,
            frames: Vec::new(),
            nest: Vec::new(),
            unnest: Vec::new(),
            classes: Vec::new(),
            pool: Vec::new(),
            out: Vec::new(),
        }
    }

    fn text(&self, node: Node<'_>) -> &'a [u8] {
        self.src.get(node.byte_range()).unwrap_or(&[])
    }

    fn run(mut self, mut cursor: TreeCursor<'_>) -> Vec<FunctionMetrics> {
        // Our own ancestor stack and, per depth, the previous sibling's kind and the number
        // of match arms seen: tree-sitter's `parent()` and `prev_sibling()` search from the
        // root, which made the walk quadratic in depth.
        let mut anc: Vec<Node<'_>> = Vec::new();
        let mut prev: Vec<u16> = vec![0];
        let mut arms: Vec<u16> = vec![0];
        'outer: loop {
            let node = cursor.node();
            let kind = node.kind_id();
            let depth = anc.len();
            if kind == self.t.match_arm {
                arms[depth] = arms[depth].saturating_add(1);
            }
            let parent = anc.last().copied();
            // Whether the node heads the innermost nesting structure: only a child of that
            // structure can, so the field lookup (a search of the parent's field map in
            // tree-sitter, per node) runs for those children alone.
            let header = parent.is_some_and(|p| self.nest.last() == Some(&p.id()))
                && cursor
                    .field_id()
                    .is_some_and(|f| self.t.header_fields.get(usize::from(f.get())) == Some(&true));
            let ctx = Ctx {
                kind,
                parent,
                prev_kind: prev[depth],
                header,
                arms_before_parent: if depth > 0 { arms[depth - 1] } else { 0 },
            };
            self.enter(node, &ctx, &anc);
            prev[depth] = kind;
            if cursor.goto_first_child() {
                anc.push(node);
                if prev.len() <= depth + 1 {
                    prev.push(0);
                    arms.push(0);
                } else {
                    prev[depth + 1] = 0;
                    arms[depth + 1] = 0;
                }
                continue;
            }
            loop {
                self.leave(cursor.node());
                if cursor.goto_next_sibling() {
                    continue 'outer;
                }
                if !cursor.goto_parent() {
                    break 'outer;
                }
                anc.pop();
            }
        }
        self.out.sort_by_key(|f| (f.start_line, f.end_line));
        self.out
    }

    fn enter(&mut self, node: Node<'_>, ctx: &Ctx<'_>, anc: &[Node<'_>]) {
        let f = self.t.get(ctx.kind);
        if f & CLASS != 0 {
            let name = node
                .child_by_field_name("name")
                .or_else(|| node.child_by_field_name("type"))
                .map(|n| String::from_utf8_lossy(self.text(n)).into_owned())
                .unwrap_or_default();
            self.classes.push((node.id(), name));
        }
        // The head of the innermost nesting structure is not nested by it.
        if ctx.header {
            self.unnest.push(node.id());
        }
        let inner_folded = f & FUNC != 0
            && self.t.quirks & QUIRK_NO_INNER_FUNCTIONS != 0
            && self
                .frames
                .last()
                .is_some_and(|frame| in_local_class(frame.node_id, anc));
        if !inner_folded
            && (f & FUNC != 0 || (f & SIGNATURE != 0 && is_listed_signature(node, ctx.parent)))
        {
            self.push_frame(node);
            return;
        }
        let nesting = match self.frames.last() {
            Some(frame) => {
                (self.nest.len() - frame.nest_base - (self.unnest.len() - frame.unnest_base)) as u32
            }
            None => return,
        };
        // The nesting penalty of a structural increment (none in lizard's flat profile).
        let penalty = if self.flat { 0 } else { nesting };
        let mut add = 0u32;
        let mut push_nest = false;
        // An else-if (or `elif`) opens a level for its body that the `if` it continues
        // already counts: its head stays at that `if`'s level, its body one deeper.
        let mut transparent = false;
        let leaf = node.child_count() == 0;
        if leaf && !node.is_named() {
            let frame = self.frames.last_mut().expect("checked above");
            frame.total_operators += 1;
            frame.operators.insert(ctx.kind);
            let counts = f & (CC | MCC | LOGIC) != 0 && self.token_counts(node, f, ctx, anc);
            if counts {
                // PHP's short ternary `a ?: b`: lizard's PHP reader reads `?:` as one token
                // it does not list (like `??`); a decision for McCabe.
                let short_ternary = self.t.quirks & QUIRK_SHORT_TERNARY != 0
                    && node.kind() == "?"
                    && node.next_sibling().is_some_and(|n| n.kind() == ":");
                let frame = self.frames.last_mut().expect("checked above");
                if f & CC != 0 && !short_ternary {
                    frame.cc += 1;
                }
                if f & MCC != 0 {
                    frame.mccabe += 1;
                }
            }
            if f & ELSE != 0
                && self.t.quirks & QUIRK_RUST != 0
                && ctx
                    .parent
                    .is_some_and(|p| p.kind_id() == self.t.let_declaration)
            {
                let frame = self.frames.last_mut().expect("checked above");
                frame.cc += 1;
                frame.mccabe += 1;
            }
            if f & ELSE != 0
                && ctx
                    .parent
                    .is_none_or(|p| self.t.get(p.kind_id()) & STRUCT == 0)
                && !self.else_is_default(anc)
            {
                add += 1;
            }
            if ctx.parent.is_some_and(|p| p.is_error())
                && matches!(node.kind(), "if" | "for" | "while" | "switch")
            {
                // A structure tree-sitter could not parse (`if MACRO (cond)`): its keyword
                // still costs the structural increment; its extent is unknown, so no nesting.
                add += 1 + penalty;
            }
            if f & LOGIC != 0
                && counts
                && self.starts_logical_run(node, ctx.parent, anc)
                && !(self.t.quirks & QUIRK_PREPROC != 0 && continues_misread_template(node, anc))
            {
                add += 1;
            }
        } else if leaf || f & COMMENT != 0 {
            if f & ELSE != 0 {
                // A named `else` leaf (Swift): the keyword, as the token elsewhere.
                let frame = self.frames.last_mut().expect("checked above");
                frame.total_operators += 1;
                frame.operators.insert(ctx.kind);
                if ctx
                    .parent
                    .is_none_or(|p| self.t.get(p.kind_id()) & STRUCT == 0)
                    && !self.else_is_default(anc)
                {
                    add += 1;
                }
            } else if f & OPLEAF != 0 {
                let text = self.text(node);
                if self.t.leaf_ops.iter().any(|op| op.as_bytes() == text) {
                    let symbolic = !text.first().is_some_and(u8::is_ascii_alphabetic);
                    let frame = self.frames.last_mut().expect("checked above");
                    frame.cc += 1;
                    if symbolic {
                        frame.mccabe += 1;
                    }
                    let prev_same = ctx.parent.and_then(|p| p.child(0)).is_some_and(|l| {
                        l.kind_id() == ctx.parent.map_or(0, |p| p.kind_id())
                            && l.child(1).is_some_and(|o| self.text(o) == text)
                    });
                    if symbolic && !prev_same {
                        add += 1;
                    }
                }
            } else if f & CC != 0 {
                let frame = self.frames.last_mut().expect("checked above");
                frame.cc += 1;
                frame.mccabe += 1;
            } else if f & COMMENT == 0 {
                let h = fnv(self.text(node));
                let frame = self.frames.last_mut().expect("checked above");
                frame.total_operands += 1;
                frame.operands.insert(h);
            }
        } else {
            if self.t.quirks & QUIRK_RUST != 0
                && ctx.kind == self.t.closure_parameters
                && node.child_count() == 2
            {
                // lizard reads `|| expr` as a logical or (for both complexities).
                let frame = self.frames.last_mut().expect("checked above");
                frame.cc += 1;
                add += 1;
            }
            if f & IF != 0 {
                let after_else =
                    self.t.get(ctx.prev_kind) & ELSE != 0 && self.t.quirks & QUIRK_NO_ELSE_IF == 0;
                if after_else {
                    transparent = true;
                } else {
                    add += 1 + penalty;
                    push_nest = true;
                }
            }
            if f & HYBRID != 0 {
                add += 1;
                transparent = true;
            }
            if f & STRUCT != 0 {
                if !(self.flat && f & FLAT_SKIP != 0) {
                    add += 1 + penalty;
                }
                push_nest = true;
            }
            if f & NEST != 0 && self.nest_closures {
                push_nest = true;
            }
            if f & GOTO != 0 {
                add += 1;
            }
            if f & JUMP != 0 && node.named_child_count() > 0 {
                add += 1;
            }
            if f & CALL != 0 {
                self.check_recursion(node, anc);
            }
        }
        let frame = self.frames.last_mut().expect("checked above");
        frame.cognitive += add;
        if push_nest {
            self.nest.push(node.id());
            frame.max_nesting = frame.max_nesting.max(nesting + 1);
        } else if transparent {
            self.nest.push(node.id());
            self.unnest.push(node.id());
        }
    }

    /// Whether the `else` token whose ancestors are `anc` is the default branch of a
    /// multi-way branch (Kotlin `when`, Ruby `case`): no hybrid increment, like `default:`.
    /// Ruby wraps the token in a named `else` node; its owner is one level up.
    fn else_is_default(&self, anc: &[Node<'_>]) -> bool {
        if self.t.else_defaults.is_empty() {
            return false;
        }
        let n = anc.len();
        let owner = match anc.last() {
            Some(p) if p.is_named() && p.kind() == "else" && n >= 2 => anc[n - 2],
            Some(p) => *p,
            None => return false,
        };
        self.t.else_defaults.contains(&owner.kind_id())
    }

    /// Whether a decision token counts where it stands: restricted tokens only under their
    /// parents, C preprocessor conditions never, Rust's first match arm never.
    fn token_counts(&self, node: Node<'_>, f: u32, ctx: &Ctx<'_>, anc: &[Node<'_>]) -> bool {
        let parent = ctx.parent;
        if f & RESTRICTED != 0 {
            let kind = ctx.kind;
            let Some(parent) = parent else { return false };
            let pk = parent.kind_id();
            if !self
                .t
                .restricted
                .iter()
                .any(|(t, parents)| *t == kind && parents.contains(&pk))
            {
                return false;
            }
        }
        if self.t.quirks & QUIRK_PREPROC != 0 && !node.kind().starts_with('#') {
            for a in anc.iter().rev().take(12) {
                if self.t.get(a.kind_id()) & PREPROC_COND != 0 {
                    if a.child_by_field_name("condition")
                        .is_some_and(|c| c.byte_range().contains(&node.start_byte()))
                    {
                        return false;
                    }
                    break;
                }
            }
        }
        if self.t.arm_arrow != 0 && ctx.kind == self.t.arm_arrow {
            // Counts from the second arm on (lizard counts `=>`/`->` after the first).
            return parent.is_some_and(|p| p.kind_id() == self.t.match_arm)
                && ctx.arms_before_parent > 1;
        }
        true
    }

    /// Whether a logical operator starts a new run: Campbell (and SonarSource's
    /// implementations) list the operators of an unparenthesised logical expression in
    /// source order and count one per change of operator, so `a && b && c` is 1 and
    /// `a || b && c || d && e` is 4. The operator before `op` is the last one of its left
    /// operand, or, when that has none, the one of the expression it is the right operand
    /// of. In a Rust macro's token tree, operators are bare leaves: the previous operator
    /// leaf of the same tree, unless a `,`, `;`, `=` or `=>` separates them.
    fn starts_logical_run(&self, op: Node<'_>, parent: Option<Node<'_>>, anc: &[Node<'_>]) -> bool {
        let Some(parent) = parent else { return true };
        if self.t.token_tree != 0 && parent.kind_id() == self.t.token_tree {
            let mut prev = op.prev_sibling();
            while let Some(p) = prev {
                if !p.is_named() {
                    if matches!(p.kind(), "," | ";" | "=" | "=>") {
                        return true;
                    }
                    if self.t.get(p.kind_id()) & LOGIC != 0 {
                        return p.kind_id() != op.kind_id();
                    }
                }
                prev = p.prev_sibling();
            }
            return true;
        }
        let logical_op = |n: Node<'_>| -> Option<u16> {
            if n.kind_id() != parent.kind_id() {
                return None;
            }
            (0..n.child_count())
                .filter_map(|i| n.child(i))
                .find(|c| !c.is_named() && self.t.get(c.kind_id()) & LOGIC != 0)
                .map(|c| c.kind_id())
        };
        // The last operator, in source order, of an unparenthesised logical expression.
        let last_op = |mut n: Node<'_>| -> Option<u16> {
            let mut last = None;
            while let Some(k) = logical_op(n) {
                last = Some(k);
                match right_operand(n) {
                    Some(right) => n = right,
                    None => break,
                }
            }
            last
        };
        let before = match parent.child(0).and_then(last_op) {
            Some(k) => Some(k),
            None => {
                // `op` opens its expression: the operator before it belongs to the
                // expression that has this one as its right operand.
                let n = anc.len();
                match (n >= 2).then(|| anc[n - 2]) {
                    Some(grand)
                        if logical_op(grand).is_some()
                            && right_operand(grand).is_some_and(|r| r.id() == parent.id()) =>
                    {
                        logical_op(grand)
                    }
                    _ => None,
                }
            }
        };
        before != Some(op.kind_id())
    }

    fn check_recursion(&mut self, call: Node<'_>, anc: &[Node<'_>]) {
        let Some(frame) = self.frames.last() else {
            return;
        };
        if frame.recursed {
            return;
        }
        // JavaScript `onError?.(e)` inside a method `onError`: an optional call is the null
        // check of an outside callback (a method's name is not in scope inside it).
        // (JavaScript's grammar names the `?.` node `optional_chain`; TypeScript's leaves the
        // bare token.)
        if call
            .child(1)
            .is_some_and(|c| matches!(c.kind(), "optional_chain" | "?."))
        {
            return;
        }
        // Java `members.size()`: a call on another object is not recursion.
        let field =
            |id: Option<std::num::NonZeroU16>| id.and_then(|id| call.child_by_field_id(id.get()));
        if let Some(object) = field(self.t.field_object)
            && self.text(object) != b"this"
        {
            return;
        }
        let Some(callee) = field(self.t.field_function)
            .or_else(|| field(self.t.field_name))
            .or_else(|| call.named_child(0))
        else {
            return;
        };
        // `foo(...)`, `self.foo(...)`, `this.foo(...)`; not `other.foo(...)` (as lizard:
        // a call on another object is not recursion).
        let text = self.text(callee);
        let own = [
            &b"self."[..],
            b"this.",
            b"this->",
            b"Self::",
            b"cls.",
            b"$this->",
        ]
        .iter()
        .find_map(|p| text.strip_prefix(*p))
        .unwrap_or(text);
        // In `impl Trait for T`, `Self::f(…)` hands the call on to another `f` (an inherent
        // method or another trait's): recursion only in an inherent `impl`.
        if text.starts_with(b"Self::")
            && anc
                .iter()
                .rev()
                .find(|a| a.kind_id() == self.t.impl_item)
                .is_some_and(|i| i.child_by_field_name("trait").is_some())
        {
            return;
        }
        if fnv(own) == frame.short_hash {
            let frame = self.frames.last_mut().expect("checked above");
            frame.recursed = true;
            frame.cognitive += 1;
        }
    }

    fn leave(&mut self, node: Node<'_>) {
        let id = node.id();
        if self.unnest.last() == Some(&id) {
            self.unnest.pop();
        }
        if self.nest.last() == Some(&id) {
            self.nest.pop();
        }
        if self.frames.last().is_some_and(|f| f.node_id == id) {
            self.pop_frame();
        }
        if self.classes.last().is_some_and(|c| c.0 == id) {
            self.classes.pop();
        }
    }

    fn push_frame(&mut self, node: Node<'_>) {
        let short = function_name(node, self.src);
        let mut name = String::new();
        for (_, class) in &self.classes {
            if !class.is_empty() {
                name.push_str(class);
                name.push_str(self.t.separator);
            }
        }
        for frame in &self.frames {
            name.push_str(frame.name.rsplit(self.t.separator).next().unwrap_or(""));
            name.push_str(self.t.separator);
        }
        name.push_str(&String::from_utf8_lossy(short));
        let (operators, operands) = self.pool.pop().unwrap_or_default();
        let frame = Frame {
            node_id: node.id(),
            // `file::read` recurses by calling `read`.
            short_hash: fnv(short.rsplit(|&b| b == b':').next().unwrap_or(short)),
            name,
            start_line: start_line(node) as u32,
            end_line: (node.end_position().row + 1) as u32,
            parameters: count_parameters(node, self.t),
            cc: 0,
            mccabe: 0,
            cognitive: 0,
            nest_base: self.nest.len(),
            unnest_base: self.unnest.len(),
            max_nesting: 0,
            recursed: false,
            operators,
            operands,
            total_operators: 0,
            total_operands: 0,
        };
        self.frames.push(frame);
    }

    fn pop_frame(&mut self) {
        let Some(mut frame) = self.frames.pop() else {
            return;
        };
        let n1 = frame.operators.len() as u32;
        let n2 = frame.operands.len() as u32;
        let (big_n1, big_n2) = (frame.total_operators, frame.total_operands);
        let vocabulary = f64::from(n1 + n2);
        let length = f64::from(big_n1 + big_n2);
        let volume = if vocabulary > 0.0 {
            length * vocabulary.log2()
        } else {
            0.0
        };
        let difficulty = if n2 > 0 {
            f64::from(n1) / 2.0 * f64::from(big_n2) / f64::from(n2)
        } else {
            0.0
        };
        let decisions = match self.profile {
            CyclomaticProfile::Lizard => frame.cc,
            CyclomaticProfile::McCabe => frame.mccabe,
        };
        self.out.push(FunctionMetrics {
            name: std::mem::take(&mut frame.name),
            start_line: frame.start_line,
            end_line: frame.end_line,
            cyclomatic: 1 + decisions,
            cognitive: frame.cognitive,
            parameters: frame.parameters,
            max_nesting: frame.max_nesting,
            halstead: Halstead {
                distinct_operators: n1,
                distinct_operands: n2,
                total_operators: big_n1,
                total_operands: big_n2,
                volume,
                difficulty,
                effort: difficulty * volume,
            },
        });
        frame.operators.clear();
        frame.operands.clear();
        self.pool.push((frame.operators, frame.operands));
    }
}

/// Where a node stands: its parent, its previous sibling's kind, and (for Rust) how many
/// match arms its parent's list had up to and including the parent.
struct Ctx<'t> {
    /// The node's kind id (read once per node: each read is a call into tree-sitter).
    kind: u16,
    parent: Option<Node<'t>>,
    prev_kind: u16,
    arms_before_parent: u16,
    /// The node is the head (condition, subject, loop header) of its parent, and that parent
    /// is the innermost nesting structure.
    header: bool,
}

/// Overload signatures count as functions at top level and in class bodies, not in
/// interfaces or object types (as lizard lists them).
/// Whether the innermost ancestors up to the function `fn_id` are a class, struct or union
/// declared inside that function's body, with no error node in between (tree-sitter's error
/// recovery can nest a real function inside a misparsed one; those stay functions).
fn in_local_class(fn_id: usize, anc: &[Node<'_>]) -> bool {
    let mut saw_class = false;
    let mut saw_body = false;
    for a in anc.iter().rev() {
        if a.id() == fn_id {
            return saw_class && saw_body;
        }
        match a.kind() {
            "class_specifier" | "struct_specifier" | "union_specifier" => saw_class = true,
            "compound_statement" if saw_class => saw_body = true,
            "ERROR" => return false,
            _ => {}
        }
    }
    false
}

fn is_listed_signature(node: Node<'_>, parent: Option<Node<'_>>) -> bool {
    node.kind() == "function_signature" || parent.is_some_and(|p| p.kind() == "class_body")
}

/// The right operand of a binary expression: its `right` field (every grammar here names
/// it so), else its last named child.
fn right_operand(n: Node<'_>) -> Option<Node<'_>> {
    n.child_by_field_name("right").or_else(|| {
        let last = u32::try_from(n.named_child_count()).ok()?.checked_sub(1)?;
        n.named_child(last)
    })
}

/// C++: tree-sitter reads `a && x < b && x > -c` as a call of the template `x<b && x>`, so
/// the second `&&` sits alone in a template argument list. It continues the run of the
/// same operator found in the enclosing expression (Campbell counts one sequence; lizard too).
fn continues_misread_template(op: Node<'_>, anc: &[Node<'_>]) -> bool {
    let n = anc.len();
    if n < 4
        || anc[n - 2].kind() != "template_argument_list"
        || anc[n - 3].kind() != "template_function"
    {
        return false;
    }
    for a in anc[..n - 3].iter().rev() {
        if a.kind() != "binary_expression" {
            return false;
        }
        let same = (0..a.child_count())
            .filter_map(|i| a.child(i))
            .any(|c| !c.is_named() && c.kind_id() == op.kind_id());
        if same {
            return true;
        }
    }
    false
}

/// Line of the function's name when it has one (lizard reports functions there: after
/// decorators, annotations and a return type on a line of its own), else its first line.
fn start_line(node: Node<'_>) -> usize {
    let named = node
        .child_by_field_name("name")
        .or_else(|| declarator_name(node));
    named.unwrap_or(node).start_position().row + 1
}

/// C and C++: the identifier inside `declarator: function_declarator(declarator: …)`.
fn declarator_name(node: Node<'_>) -> Option<Node<'_>> {
    let mut d = node.child_by_field_name("declarator")?;
    for _ in 0..16 {
        if d.kind() == "function_declarator" {
            return d.child_by_field_name("declarator");
        }
        d = d.child_by_field_name("declarator")?;
    }
    None
}

/// The function's own name, or what it is assigned to, or `(anonymous)`.
fn function_name<'s>(node: Node<'_>, src: &'s [u8]) -> &'s [u8] {
    let text = |n: Node<'_>| src.get(n.byte_range()).unwrap_or(&[]);
    // Accessors and subscripts have no name of their own; lizard names them so.
    match node.kind() {
        "computed_getter" | "getter" => return b"get",
        "computed_setter" | "setter" => return b"set",
        "subscript_declaration" => return b"subscript",
        _ => {}
    }
    if let Some(n) = node
        .child_by_field_name("name")
        .or_else(|| declarator_name(node))
    {
        return text(n);
    }
    if let Some(parent) = node.parent() {
        let target = match parent.kind() {
            "variable_declarator" | "pair" | "public_field_definition" | "field_definition" => {
                parent
                    .child_by_field_name("name")
                    .or_else(|| parent.child_by_field_name("key"))
                    .or_else(|| parent.child_by_field_name("property"))
            }
            "assignment_expression" | "assignment" => parent.child_by_field_name("left"),
            _ => None,
        };
        if let Some(t) = target {
            return text(t);
        }
    }
    // A grammar that gives the name no field of its own: the first identifier child, but
    // not a parameter or the body (`x => x + 1` is anonymous, not named `x`).
    let mut cursor = node.walk();
    if cursor.goto_first_child() {
        loop {
            let child = cursor.node();
            let k = child.kind();
            let skipped = matches!(
                cursor.field_name(),
                Some("parameter" | "parameters" | "body")
            );
            if child.is_named()
                && !skipped
                && (k.ends_with("identifier") || k == "name" || k == "word")
            {
                return text(child);
            }
            if !cursor.goto_next_sibling() {
                break;
            }
        }
    }
    b"(anonymous)"
}

fn count_parameters(node: Node<'_>, t: &Table) -> u32 {
    let list = node
        .child_by_field_name("parameters")
        .or_else(|| {
            declarator_name(node).and_then(|n| n.parent()?.child_by_field_name("parameters"))
        })
        .or_else(|| {
            let mut cursor = node.walk();
            node.named_children(&mut cursor)
                .find(|c| t.get(c.kind_id()) & PARAMS != 0)
        });
    if let Some(list) = list {
        let mut cursor = list.walk();
        return list
            .named_children(&mut cursor)
            .filter(|c| t.get(c.kind_id()) & COMMENT == 0)
            .count() as u32;
    }
    // Swift lists `parameter` nodes directly under the function.
    let mut cursor = node.walk();
    let direct = node
        .named_children(&mut cursor)
        .filter(|c| c.kind() == "parameter")
        .count() as u32;
    // `x => x + 1`
    direct.max(u32::from(node.child_by_field_name("parameter").is_some()))
}
