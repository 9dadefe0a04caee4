//! One static table of tree-sitter node kinds per language: which nodes are functions,
//! which tokens add cyclomatic complexity (lizard's rules and strict McCabe), which
//! structures add cognitive complexity and nesting. A test checks every name against the
//! grammar so that a grammar upgrade cannot silently rename a kind.

use crate::lang::Language;

/// Node kinds of one grammar, by role. "Tokens" are anonymous nodes (keywords and
/// operators as they appear in the source); everything else names named nodes.
#[derive(Debug)]
pub(crate) struct Spec {
    /// Named nodes that open a function (a new measured unit).
    pub functions: &'static [&'static str],
    /// Declarations without a body that lizard still lists as functions: TypeScript
    /// overload signatures (`function_signature`, and `method_signature` in a class body).
    pub signatures: &'static [&'static str],
    /// Named nodes whose `name` qualifies the functions inside them (`Class.method`).
    pub classes: &'static [&'static str],
    /// Tokens each adding one to lizard-style cyclomatic complexity.
    pub cc_tokens: &'static [&'static str],
    /// Tokens each adding one to strict McCabe cyclomatic complexity.
    pub mccabe_tokens: &'static [&'static str],
    /// Tokens that count only under one of the listed parents (so that TypeScript's
    /// optional `x?: T`, Java's wildcard `<?>` and C++'s `T&&` are not branches).
    pub token_parents: &'static [(&'static str, &'static [&'static str])],
    /// Lexical quirks of lizard reproduced for this language (`QUIRK_*`).
    pub quirks: u32,
    /// `if` nodes: +1 + nesting, nest their body; +0 when they directly follow `else`.
    pub ifs: &'static [&'static str],
    /// else-if nodes of their own kind (`elif`): +1, no nesting penalty.
    pub hybrids: &'static [&'static str],
    /// Loops, switches, catches, ternaries: +1 + nesting, nest their body.
    pub structures: &'static [&'static str],
    /// Structures that nest without an increment (lambdas that are not functions here).
    pub nest_only: &'static [&'static str],
    /// Binary logical operator tokens: +1 per run of the same operator.
    pub logical_ops: &'static [&'static str],
    /// Named jump nodes (`goto`, `break`, `continue`): +1 when they carry a label.
    pub jumps: &'static [&'static str],
    /// Named nodes that are always +1 (`goto`).
    pub gotos: &'static [&'static str],
    /// Call expressions (recursion detection through their first named child).
    pub calls: &'static [&'static str],
    /// Named nodes holding the parameter list.
    pub parameter_lists: &'static [&'static str],
    /// Named comment nodes (never operands).
    pub comments: &'static [&'static str],
    /// Named leaf nodes that count like a cyclomatic token (Swift's `catch_keyword`).
    pub cc_named: &'static [&'static str],
    /// Named leaf kind holding operators as text (Scala's `operator_identifier`), and the
    /// operator texts that count as cyclomatic decisions and logical operators there.
    pub operator_leaf: Option<(&'static str, &'static [&'static str])>,
    /// Languages lizard's `-Ecognitive` counts flat (no nesting penalty, no ternary): the
    /// ternary kinds, which the lizard cognitive profile does not count. `None` elsewhere.
    pub lizard_flat: Option<&'static [&'static str]>,
    /// lizard's cognitive profile nests the `nest_only` lambdas of this language (its
    /// `lambda_style`: C++, Java, C#; Python's indentation counter): elsewhere the lizard
    /// profile gives them no nesting level.
    pub lizard_nests_lambdas: bool,
    /// The arms of a multi-way branch whose arrow token counts from the second arm on, as
    /// lizard counts them: (arm kind, arrow token). Rust `match` (`=>`), Kotlin `when` (`->`).
    pub arms: Option<(&'static str, &'static str)>,
    /// Named nodes under which an `else` is a multi-way branch's default, not the hybrid
    /// `else` of an `if` (Kotlin `when`, Ruby `case` and `begin`/`rescue`).
    pub else_defaults: &'static [&'static str],
}

const NONE: &[&str] = &[];

/// C preprocessor: `#if`, `#ifdef`, `#elif` count; operators inside their conditions don't.
pub(crate) const QUIRK_PREPROC: u32 = 1;
/// Rust: the first arm of a `match` does not count, the others do (lizard counts `=>`
/// after the first); a parameterless closure `|| x` counts (lizard sees `||`); the
/// `else` of `let … else` counts.
pub(crate) const QUIRK_RUST: u32 = 2;
/// C/C++: a function defined inside another one (a member of a local class or struct) is
/// part of the enclosing function, as lizard's C++ reader sees no function inside a body.
pub(crate) const QUIRK_NO_INNER_FUNCTIONS: u32 = 4;
/// PHP: the short ternary `a ?: b` is not a lizard decision (its PHP reader takes `?:` for
/// one token it does not list, as it does not list `??`); McCabe counts it.
pub(crate) const QUIRK_SHORT_TERNARY: u32 = 8;
/// Ruby, Lua: else-if is spelled `elsif`/`elseif`, and `else` opens a statement list, so an
/// `if` right after `else` is a nested `if`, not an else-if.
pub(crate) const QUIRK_NO_ELSE_IF: u32 = 16;

macro_rules! spec {
    ($($field:ident : $value:expr),* $(,)?) => {
        Spec {
            $($field: $value,)*
            ..EMPTY
        }
    };
}

const EMPTY: Spec = Spec {
    functions: NONE,
    signatures: NONE,
    classes: NONE,
    cc_tokens: NONE,
    mccabe_tokens: NONE,
    token_parents: &[],
    quirks: 0,
    ifs: NONE,
    hybrids: NONE,
    structures: NONE,
    nest_only: NONE,
    logical_ops: NONE,
    jumps: NONE,
    gotos: NONE,
    calls: NONE,
    parameter_lists: NONE,
    comments: &["comment"],
    cc_named: NONE,
    operator_leaf: None,
    lizard_flat: None,
    lizard_nests_lambdas: false,
    arms: None,
    else_defaults: NONE,
};

pub(crate) static PYTHON: Spec = spec! {
    functions: &["function_definition"],
    classes: &["class_definition"],
    cc_tokens: &["if", "elif", "for", "while", "except", "finally", "and", "or"],
    mccabe_tokens: &["if", "elif", "for", "while", "except", "and", "or", "case"],
    ifs: &["if_statement"],
    hybrids: &["elif_clause"],
    structures: &["for_statement", "while_statement", "except_clause", "conditional_expression",
        "match_statement"],
    nest_only: &["lambda"],
    logical_ops: &["and", "or"],
    calls: &["call"],
    parameter_lists: &["parameters"],
    lizard_nests_lambdas: true,
};

pub(crate) static JAVASCRIPT: Spec = spec! {
    functions: &["function_declaration", "function_expression", "arrow_function",
        "method_definition", "generator_function", "generator_function_declaration"],
    classes: &["class_declaration", "class"],
    // A logical assignment (`a ||= b`, `a ??= b`) is its operator: `a || (a = b)`.
    cc_tokens: &["if", "for", "while", "catch", "case", "&&", "||", "??", "?", "=", "&&=",
        "||=", "??="],
    mccabe_tokens: &["if", "for", "while", "catch", "case", "&&", "||", "??", "?", "&&=",
        "||=", "??="],
    token_parents: &[
        ("?", &["ternary_expression"]),
        // lizard 1.24 counts each default value of a binding pattern (a parameter's
        // `b = 2`, a destructured `{a = 1}` or `[x = 1]`): an implicit `=== undefined ?`.
        ("=", &["assignment_pattern", "object_assignment_pattern"]),
    ],
    ifs: &["if_statement"],
    structures: &["for_statement", "for_in_statement", "while_statement", "do_statement",
        "switch_statement", "catch_clause", "ternary_expression"],
    // `??` is null-coalescing: no cognitive increment (Campbell); `&&=`/`||=` are a
    // logical operator each.
    logical_ops: &["&&", "||", "&&=", "||="],
    jumps: &["break_statement", "continue_statement"],
    calls: &["call_expression"],
    parameter_lists: &["formal_parameters"],
};

pub(crate) static TYPESCRIPT: Spec = spec! {
    functions: &["function_declaration", "function_expression", "arrow_function",
        "method_definition", "generator_function", "generator_function_declaration"],
    signatures: &["function_signature", "method_signature", "abstract_method_signature"],
    classes: &["class_declaration", "class", "abstract_class_declaration"],
    cc_tokens: &["if", "for", "while", "catch", "case", "&&", "||", "??", "?", "=", "&&=",
        "||=", "??="],
    mccabe_tokens: &["if", "for", "while", "catch", "case", "&&", "||", "??", "?", "&&=",
        "||=", "??="],
    token_parents: &[
        ("?", &["ternary_expression", "conditional_type"]),
        // lizard counts each default value of a binding pattern: a parameter's `b = 2`
        // and a destructured `{a = 1}` or `[x = 1]`, as in JavaScript.
        ("=", &["required_parameter", "optional_parameter", "assignment_pattern",
            "object_assignment_pattern"]),
    ],
    // lizard reads `p.catch` as the keyword `catch`.
    operator_leaf: Some(("property_identifier", &["if", "for", "while", "catch", "case"])),
    ifs: &["if_statement"],
    structures: &["for_statement", "for_in_statement", "while_statement", "do_statement",
        "switch_statement", "catch_clause", "ternary_expression", "conditional_type"],
    // `??` is null-coalescing: no cognitive increment (Campbell); `&&=`/`||=` are a
    // logical operator each.
    logical_ops: &["&&", "||", "&&=", "||="],
    jumps: &["break_statement", "continue_statement"],
    calls: &["call_expression"],
    parameter_lists: &["formal_parameters"],
};

pub(crate) static JAVA: Spec = spec! {
    functions: &["method_declaration", "constructor_declaration", "compact_constructor_declaration"],
    classes: &["class_declaration", "interface_declaration", "enum_declaration",
        "record_declaration"],
    cc_tokens: &["if", "for", "while", "catch", "case", "&&", "||", "?"],
    mccabe_tokens: &["if", "for", "while", "catch", "case", "&&", "||", "?"],
    token_parents: &[("?", &["ternary_expression"])],
    ifs: &["if_statement"],
    structures: &["for_statement", "enhanced_for_statement", "while_statement", "do_statement",
        "switch_expression", "catch_clause", "ternary_expression"],
    nest_only: &["lambda_expression"],
    logical_ops: &["&&", "||"],
    jumps: &["break_statement", "continue_statement"],
    calls: &["method_invocation"],
    parameter_lists: &["formal_parameters"],
    comments: &["line_comment", "block_comment"],
    lizard_nests_lambdas: true,
};

pub(crate) static GO: Spec = spec! {
    functions: &["function_declaration", "method_declaration", "func_literal"],
    cc_tokens: &["if", "for", "case", "&&", "||"],
    mccabe_tokens: &["if", "for", "case", "&&", "||"],
    ifs: &["if_statement"],
    structures: &["for_statement", "expression_switch_statement", "type_switch_statement",
        "select_statement"],
    logical_ops: &["&&", "||"],
    jumps: &["break_statement", "continue_statement"],
    gotos: &["goto_statement"],
    calls: &["call_expression"],
    parameter_lists: &["parameter_list"],
};

pub(crate) static RUST: Spec = spec! {
    functions: &["function_item"],
    classes: &["impl_item", "trait_item", "mod_item"],
    cc_tokens: &["if", "for", "while", "where", "=>", "&&", "||", "?"],
    mccabe_tokens: &["if", "for", "while", "=>", "&&", "||"],
    quirks: QUIRK_RUST,
    arms: Some(("match_arm", "=>")),
    ifs: &["if_expression"],
    structures: &["for_expression", "while_expression", "loop_expression", "match_expression"],
    nest_only: &["closure_expression"],
    logical_ops: &["&&", "||"],
    jumps: &["break_expression", "continue_expression"],
    calls: &["call_expression"],
    parameter_lists: &["parameters"],
    comments: &["line_comment", "block_comment"],
};

pub(crate) static C: Spec = spec! {
    functions: &["function_definition"],
    cc_tokens: &["if", "for", "while", "case", "&&", "||", "?", "#if", "#ifdef", "#elif"],
    mccabe_tokens: &["if", "for", "while", "case", "&&", "||", "?"],
    quirks: QUIRK_PREPROC | QUIRK_NO_INNER_FUNCTIONS,
    ifs: &["if_statement"],
    structures: &["for_statement", "while_statement", "do_statement", "switch_statement",
        "conditional_expression"],
    logical_ops: &["&&", "||"],
    jumps: NONE,
    gotos: &["goto_statement"],
    calls: &["call_expression"],
    parameter_lists: &["parameter_list"],
};

pub(crate) static CPP: Spec = spec! {
    functions: &["function_definition"],
    classes: &["class_specifier", "struct_specifier", "namespace_definition"],
    cc_tokens: &["if", "for", "while", "case", "catch", "&&", "||", "?", "#if", "#ifdef",
        "#elif"],
    mccabe_tokens: &["if", "for", "while", "case", "catch", "&&", "||", "?"],
    token_parents: &[
        ("&&", &["binary_expression"]),
        ("||", &["binary_expression"]),
        ("?", &["conditional_expression"]),
    ],
    quirks: QUIRK_PREPROC | QUIRK_NO_INNER_FUNCTIONS,
    ifs: &["if_statement"],
    structures: &["for_statement", "for_range_loop", "while_statement", "do_statement",
        "switch_statement", "catch_clause", "conditional_expression"],
    nest_only: &["lambda_expression"],
    logical_ops: &["&&", "||"],
    gotos: &["goto_statement"],
    calls: &["call_expression"],
    parameter_lists: &["parameter_list"],
    lizard_nests_lambdas: true,
};

pub(crate) static CSHARP: Spec = spec! {
    functions: &["method_declaration", "constructor_declaration", "destructor_declaration",
        "local_function_statement", "accessor_declaration", "operator_declaration"],
    classes: &["class_declaration", "struct_declaration", "interface_declaration",
        "record_declaration"],
    cc_tokens: &["if", "for", "while", "catch", "case", "&&", "||", "?", "??", "??="],
    mccabe_tokens: &["if", "for", "foreach", "while", "catch", "case", "&&", "||", "?", "??",
        "??="],
    // The null-conditional `a?.b`, `a?[i]` is a decision for lizard (as `??` is); the `?`
    // of a nullable type `T?` is not.
    token_parents: &[("?", &["conditional_expression", "conditional_access_expression"])],
    ifs: &["if_statement"],
    structures: &["for_statement", "foreach_statement", "while_statement", "do_statement",
        "switch_statement", "switch_expression", "catch_clause", "conditional_expression"],
    nest_only: &["lambda_expression", "anonymous_method_expression"],
    logical_ops: &["&&", "||"],
    jumps: NONE,
    gotos: &["goto_statement"],
    calls: &["invocation_expression"],
    parameter_lists: &["parameter_list"],
    lizard_nests_lambdas: true,
};

pub(crate) static RUBY: Spec = spec! {
    functions: &["method", "singleton_method"],
    classes: &["class", "module"],
    cc_tokens: &["if", "elsif", "until", "for", "while", "rescue", "ensure", "when",
        "and", "or", "&&", "||", "?", "&&=", "||="],
    mccabe_tokens: &["if", "elsif", "unless", "until", "for", "while", "rescue", "when",
        "and", "or", "&&", "||", "?", "&&=", "||="],
    ifs: &["if", "unless", "if_modifier", "unless_modifier"],
    hybrids: &["elsif"],
    structures: &["while", "until", "for", "while_modifier", "until_modifier", "case",
        "rescue", "rescue_modifier", "conditional"],
    nest_only: &["lambda", "block", "do_block"],
    logical_ops: &["and", "or", "&&", "||", "&&=", "||="],
    lizard_flat: Some(&["conditional"]),
    quirks: QUIRK_NO_ELSE_IF,
    else_defaults: &["case"],
    calls: &["call"],
    parameter_lists: &["method_parameters"],
};

pub(crate) static PHP: Spec = spec! {
    // lizard folds closures and arrow functions into the enclosing function; they nest
    // (Campbell), as Java lambdas do.
    functions: &["function_definition", "method_declaration"],
    nest_only: &["anonymous_function", "arrow_function"],
    classes: &["class_declaration", "interface_declaration", "trait_declaration",
        "enum_declaration"],
    cc_tokens: &["if", "elseif", "for", "foreach", "while", "catch", "match", "case", "&&",
        "||", "?"],
    mccabe_tokens: &["if", "elseif", "for", "foreach", "while", "catch", "case", "&&", "||",
        "?"],
    token_parents: &[("?", &["conditional_expression"])],
    quirks: QUIRK_SHORT_TERNARY,
    ifs: &["if_statement"],
    hybrids: &["else_if_clause"],
    structures: &["for_statement", "foreach_statement", "while_statement", "do_statement",
        "switch_statement", "match_expression", "catch_clause", "conditional_expression"],
    logical_ops: &["&&", "||", "and", "or"],
    jumps: &["break_statement", "continue_statement"],
    gotos: &["goto_statement"],
    calls: &["function_call_expression"],
    parameter_lists: &["formal_parameters"],
};

pub(crate) static KOTLIN: Spec = spec! {
    functions: &["function_declaration", "anonymous_function", "secondary_constructor",
        "getter", "setter"],
    classes: &["class_declaration", "object_declaration", "companion_object"],
    // A `when` with n arms is n - 1 decisions (lizard counts each `->` after the first).
    cc_tokens: &["if", "for", "while", "catch", "&&", "||", "?:", "->"],
    mccabe_tokens: &["if", "for", "while", "catch", "&&", "||", "->"],
    token_parents: &[("->", &["when_entry"])],
    arms: Some(("when_entry", "->")),
    else_defaults: &["when_entry"],
    ifs: &["if_expression"],
    structures: &["for_statement", "while_statement", "do_while_statement", "when_expression",
        "catch_block"],
    nest_only: &["lambda_literal"],
    logical_ops: &["&&", "||"],
    calls: &["call_expression"],
    parameter_lists: &["function_value_parameters"],
    comments: &["line_comment", "block_comment"],
};

pub(crate) static SWIFT: Spec = spec! {
    functions: &["function_declaration", "init_declaration", "deinit_declaration",
        "protocol_function_declaration", "subscript_declaration", "computed_getter",
        "computed_setter"],
    classes: &["class_declaration", "protocol_declaration"],
    cc_tokens: &["if", "for", "while", "guard", "case", "&&", "||", "?"],
    mccabe_tokens: &["if", "for", "while", "guard", "case", "&&", "||", "?"],
    cc_named: &["catch_keyword"],
    token_parents: &[("?", &["ternary_expression"])],
    ifs: &["if_statement", "guard_statement"],
    structures: &["for_statement", "while_statement", "repeat_while_statement",
        "switch_statement", "catch_block", "ternary_expression"],
    nest_only: &["lambda_literal"],
    logical_ops: &["&&", "||"],
    calls: &["call_expression"],
    comments: &["comment", "multiline_comment"],
    // A `guard`'s `else` is its mandatory body, not an alternative branch (lizard agrees).
    else_defaults: &["guard_statement"],
};

pub(crate) static SCALA: Spec = spec! {
    functions: &["function_definition"],
    classes: &["class_definition", "object_definition", "trait_definition"],
    cc_tokens: &["if", "for", "while", "catch", "do", "case"],
    mccabe_tokens: &["if", "for", "while", "catch", "case"],
    operator_leaf: Some(("operator_identifier", &["&&", "||"])),
    ifs: &["if_expression"],
    structures: &["for_expression", "while_expression", "do_while_expression",
        "match_expression", "catch_clause"],
    nest_only: &["lambda_expression"],
    calls: &["call_expression"],
    parameter_lists: &["parameters"],
    comments: &["comment", "block_comment"],
};

pub(crate) static BASH: Spec = spec! {
    functions: &["function_definition"],
    cc_tokens: &["if", "elif", "for", "while", "until", "&&", "||"],
    mccabe_tokens: &["if", "elif", "for", "while", "until", "&&", "||"],
    ifs: &["if_statement"],
    hybrids: &["elif_clause"],
    structures: &["for_statement", "c_style_for_statement", "while_statement",
        "case_statement", "ternary_expression"],
    logical_ops: &["&&", "||"],
};

pub(crate) static LUA: Spec = spec! {
    functions: &["function_declaration", "function_definition"],
    cc_tokens: &["if", "elseif", "for", "while", "repeat", "and", "or"],
    mccabe_tokens: &["if", "elseif", "for", "while", "until", "and", "or"],
    ifs: &["if_statement"],
    hybrids: &["elseif_statement"],
    structures: &["for_statement", "while_statement", "repeat_statement"],
    logical_ops: &["and", "or"],
    lizard_flat: Some(NONE),
    quirks: QUIRK_NO_ELSE_IF,
    gotos: &["goto_statement"],
    calls: &["function_call"],
    parameter_lists: &["parameters"],
};

/// The grammar and table used to measure functions of `lang`, when compiled in.
pub(crate) fn grammar(lang: Language) -> Option<(tree_sitter::Language, &'static Spec)> {
    #[allow(unreachable_patterns)]
    let pair: (tree_sitter::Language, &'static Spec) = match lang {
        #[cfg(feature = "python")]
        Language::Python => (tree_sitter_python::LANGUAGE.into(), &PYTHON),
        #[cfg(feature = "javascript")]
        Language::JavaScript | Language::Jsx => {
            (tree_sitter_javascript::LANGUAGE.into(), &JAVASCRIPT)
        }
        #[cfg(feature = "typescript")]
        Language::TypeScript => (
            tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            &TYPESCRIPT,
        ),
        #[cfg(feature = "typescript")]
        Language::Tsx => (tree_sitter_typescript::LANGUAGE_TSX.into(), &TYPESCRIPT),
        #[cfg(feature = "java")]
        Language::Java => (tree_sitter_java::LANGUAGE.into(), &JAVA),
        #[cfg(feature = "go")]
        Language::Go => (tree_sitter_go::LANGUAGE.into(), &GO),
        #[cfg(feature = "rust")]
        Language::Rust => (tree_sitter_rust::LANGUAGE.into(), &RUST),
        #[cfg(feature = "c")]
        Language::C => (tree_sitter_c::LANGUAGE.into(), &C),
        // Headers are parsed as C++: lizard does the same, and C++ is a superset in practice.
        #[cfg(feature = "cpp")]
        Language::Cpp | Language::CppHeader | Language::CHeader => {
            (tree_sitter_cpp::LANGUAGE.into(), &CPP)
        }
        #[cfg(feature = "csharp")]
        Language::CSharp => (tree_sitter_c_sharp::LANGUAGE.into(), &CSHARP),
        #[cfg(feature = "ruby")]
        Language::Ruby => (tree_sitter_ruby::LANGUAGE.into(), &RUBY),
        #[cfg(feature = "php")]
        Language::Php => (tree_sitter_php::LANGUAGE_PHP.into(), &PHP),
        #[cfg(feature = "kotlin")]
        Language::Kotlin => (tree_sitter_kotlin_ng::LANGUAGE.into(), &KOTLIN),
        #[cfg(feature = "swift")]
        Language::Swift => (tree_sitter_swift::LANGUAGE.into(), &SWIFT),
        #[cfg(feature = "scala")]
        Language::Scala => (tree_sitter_scala::LANGUAGE.into(), &SCALA),
        #[cfg(feature = "bash")]
        Language::Bash | Language::Shell => (tree_sitter_bash::LANGUAGE.into(), &BASH),
        #[cfg(feature = "lua")]
        Language::Lua => (tree_sitter_lua::LANGUAGE.into(), &LUA),
        _ => return None,
    };
    Some(pair)
}

/// Index of the grammar used for `lang` (one parser per thread per grammar).
pub(crate) fn grammar_slot(lang: Language) -> usize {
    match lang {
        Language::JavaScript | Language::Jsx => 1,
        Language::CppHeader | Language::CHeader => Language::Cpp as usize,
        Language::Shell => Language::Bash as usize,
        other => other as usize,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::ALL_LANGUAGES;

    /// Every kind named in a table must exist in its grammar, named or anonymous as the
    /// table says: a grammar upgrade that renames a kind fails here instead of silently
    /// measuring less.
    #[test]
    fn every_kind_in_the_tables_exists_in_its_grammar() {
        let mut problems = Vec::new();
        let mut checked = 0;
        for &lang in ALL_LANGUAGES {
            let Some((ts, spec)) = grammar(lang) else {
                continue;
            };
            let leaf = spec.operator_leaf.map(|(k, _)| vec![k]).unwrap_or_default();
            let arm = spec.arms.map(|(k, _)| vec![k]).unwrap_or_default();
            let named_lists: [(&str, &[&str]); 17] = [
                ("arms", &arm),
                ("else_defaults", spec.else_defaults),
                ("lizard_flat", spec.lizard_flat.unwrap_or(NONE)),
                ("cc_named", spec.cc_named),
                ("operator_leaf", &leaf),
                ("functions", spec.functions),
                ("signatures", spec.signatures),
                ("classes", spec.classes),
                ("ifs", spec.ifs),
                ("hybrids", spec.hybrids),
                ("structures", spec.structures),
                ("nest_only", spec.nest_only),
                ("jumps", spec.jumps),
                ("gotos", spec.gotos),
                ("calls", spec.calls),
                ("parameter_lists", spec.parameter_lists),
                ("comments", spec.comments),
            ];
            for (list, kinds) in named_lists {
                for kind in kinds {
                    checked += 1;
                    if ts.id_for_node_kind(kind, true) == 0 {
                        problems.push(format!("{}: named {list} kind {kind:?}", lang.name()));
                    }
                }
            }
            let arrow = spec.arms.map(|(_, t)| vec![t]).unwrap_or_default();
            for (list, kinds) in [
                ("arms", &arrow[..]),
                ("cc_tokens", spec.cc_tokens),
                ("mccabe_tokens", spec.mccabe_tokens),
                ("logical_ops", spec.logical_ops),
            ] {
                for kind in kinds {
                    checked += 1;
                    if ts.id_for_node_kind(kind, false) == 0 {
                        problems.push(format!("{}: token {list} kind {kind:?}", lang.name()));
                    }
                }
            }
            for (token, parents) in spec.token_parents {
                checked += 1;
                if ts.id_for_node_kind(token, false) == 0 {
                    problems.push(format!("{}: restricted token {token:?}", lang.name()));
                }
                for kind in *parents {
                    checked += 1;
                    if ts.id_for_node_kind(kind, true) == 0 {
                        problems.push(format!("{}: token parent {kind:?}", lang.name()));
                    }
                }
            }
        }
        assert!(checked > 300, "only {checked} kinds checked");
        assert!(
            problems.is_empty(),
            "unknown kinds:\n{}",
            problems.join("\n")
        );
    }
}
