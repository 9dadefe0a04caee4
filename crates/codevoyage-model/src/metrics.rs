//! Code metrics of one file and of the functions in it, as produced by the metrics engine.

use serde::{Deserialize, Serialize};

/// Physical line classification, counted the way tokei counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineCounts {
    pub code: u64,
    pub comment: u64,
    pub blank: u64,
}

impl LineCounts {
    pub fn total(&self) -> u64 {
        self.code + self.comment + self.blank
    }
}

/// Halstead's measures for one function.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Halstead {
    pub distinct_operators: u32,
    pub distinct_operands: u32,
    pub total_operators: u32,
    pub total_operands: u32,
    pub volume: f64,
    pub difficulty: f64,
    pub effort: f64,
}

/// Metrics of one function or method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionMetrics {
    /// Qualified with its class or impl where the language has one (`Parser::parse`).
    pub name: String,
    /// 1-based, inclusive.
    pub start_line: u32,
    /// 1-based, inclusive.
    pub end_line: u32,
    pub cyclomatic: u32,
    pub cognitive: u32,
    pub parameters: u32,
    pub max_nesting: u32,
    pub halstead: Halstead,
}

/// Metrics of one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileMetrics {
    /// The language's display name ("Python", "TypeScript"), `None` when unknown.
    pub language: Option<String>,
    pub lines: LineCounts,
    /// Size in bytes.
    pub bytes: u64,
    pub functions: Vec<FunctionMetrics>,
    /// Sum of the functions' cyclomatic complexity.
    pub cyclomatic: u32,
    /// Sum of the functions' cognitive complexity.
    pub cognitive: u32,
    /// Maintainability index (0–100 Visual Studio form), `None` without functions.
    pub maintainability_index: Option<f64>,
    /// True when the content looked binary; nothing else was measured then.
    pub binary: bool,
    /// Problems met while measuring (syntax errors, time budget); never fatal.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<String>,
}
