//! The file tree of one analysed revision: the JSON contract between analysis and the city.
//!
//! The web UI lays out districts and buildings from exactly this shape, served by
//! `GET /api/v1/repositories/{id}/tree`.

use crate::LineCounts;
use serde::{Deserialize, Serialize};

/// A file (a building in the city).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileNode {
    pub name: String,
    pub path: String,
    pub language: Option<String>,
    pub lines: LineCounts,
    pub bytes: u64,
    /// Commits that touched this path in the analysed history.
    pub revisions: u64,
    pub cyclomatic: u32,
    pub binary: bool,
}

/// A folder (a district) or a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TreeNode {
    Dir {
        name: String,
        path: String,
        children: Vec<TreeNode>,
    },
    File(FileNode),
}

impl TreeNode {
    /// Builds the nested tree from a flat list of files, folders sorted before files and both
    /// by name, so that the same input always gives the same tree.
    pub fn from_files(files: impl IntoIterator<Item = FileNode>) -> TreeNode {
        #[derive(Default)]
        struct Dir {
            dirs: std::collections::BTreeMap<String, Dir>,
            files: Vec<FileNode>,
        }
        let mut root = Dir::default();
        for file in files {
            let mut dir = &mut root;
            let parts: Vec<&str> = file.path.split('/').collect();
            for part in &parts[..parts.len().saturating_sub(1)] {
                dir = dir.dirs.entry((*part).to_string()).or_default();
            }
            dir.files.push(file);
        }
        fn build(name: String, path: String, dir: Dir) -> TreeNode {
            let mut children = Vec::with_capacity(dir.dirs.len() + dir.files.len());
            for (child, sub) in dir.dirs {
                let child_path = if path.is_empty() {
                    child.clone()
                } else {
                    format!("{path}/{child}")
                };
                children.push(build(child, child_path, sub));
            }
            let mut files = dir.files;
            files.sort_by(|a, b| a.name.cmp(&b.name));
            children.extend(files.into_iter().map(TreeNode::File));
            TreeNode::Dir {
                name,
                path,
                children,
            }
        }
        build(String::new(), String::new(), root)
    }

    /// Number of files below (or 1 for a file).
    pub fn file_count(&self) -> usize {
        match self {
            TreeNode::File(_) => 1,
            TreeNode::Dir { children, .. } => children.iter().map(TreeNode::file_count).sum(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, code: u64) -> FileNode {
        FileNode {
            name: path.rsplit('/').next().unwrap_or(path).to_string(),
            path: path.to_string(),
            language: None,
            lines: LineCounts {
                code,
                comment: 0,
                blank: 0,
            },
            bytes: 0,
            revisions: 0,
            cyclomatic: 0,
            binary: false,
        }
    }

    #[test]
    fn nests_files_into_sorted_folders() {
        let tree = TreeNode::from_files(vec![
            file("src/b.rs", 1),
            file("README", 2),
            file("src/a/x.rs", 3),
            file("src/a.rs", 4),
        ]);
        let json = serde_json::to_value(&tree).expect("serializes");
        assert_eq!(json["kind"], "dir");
        assert_eq!(json["children"][0]["path"], "src");
        assert_eq!(json["children"][0]["children"][0]["path"], "src/a");
        assert_eq!(json["children"][0]["children"][1]["path"], "src/a.rs");
        assert_eq!(json["children"][1]["kind"], "file");
        assert_eq!(json["children"][1]["lines"]["code"], 2);
        assert_eq!(tree.file_count(), 4);
    }
}
