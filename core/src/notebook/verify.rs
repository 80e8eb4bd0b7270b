//! The check that an edited notebook is the original with only code cells' sources changed,
//! made against `serde_json`'s independent reading of both texts.

use super::{Notebook, json, parse};

/// A code cell whose source an edit changed, for the caller to check (e.g. that it parses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedCell {
    /// 1-based cell index.
    pub cell: usize,
    pub before: String,
    pub after: String,
}

/// Checks that `edited` is `original` with only code cells' sources changed: both are JSON
/// (by `serde_json`) and notebooks, and every byte outside the code cells' `source` (nbformat 3:
/// `input`) values is the same, so keys, their order, outputs, metadata and execution counts are.
///
/// # Errors
/// A message naming the first difference.
pub fn verify(original: &str, edited: &str) -> Result<(), String> {
    changed_cells(original, edited).map(drop)
}

/// Like [`verify`], and returns the code cells whose source changed, for the caller to check.
///
/// # Errors
/// A message naming the first difference.
pub fn changed_cells(original: &str, edited: &str) -> Result<Vec<ChangedCell>, String> {
    let decoded = |text: &str, which: &str| -> Result<(Notebook, Vec<String>), String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("the {which} is not JSON: {e}"))?;
        let nb = parse(text).map_err(|e| format!("the {which}: {e}"))?;
        let sources = serde_sources(&value).ok_or_else(|| format!("the {which}: no cells found by serde_json"))?;
        for (cell, serde_code) in nb.cells.iter().zip(&sources) {
            if nb.source[cell.range.clone()] != **serde_code {
                return Err(format!("the {which}: cell {} decodes differently with serde_json", cell.index));
            }
        }
        if sources.len() != nb.cells.len() {
            return Err(format!("the {which}: serde_json finds another number of code cells"));
        }
        Ok((nb, sources))
    };
    let (a, sources_a) = decoded(original, "original")?;
    let (b, sources_b) = decoded(edited, "edited notebook")?;
    let indices = |nb: &Notebook| nb.cells.iter().map(|c| c.index).collect::<Vec<_>>();
    if indices(&a) != indices(&b) {
        return Err("the code cells are not the same cells".to_owned());
    }
    let (mut at_a, mut at_b) = (0, 0);
    let spans_a = a.cells.iter().map(|c| c.json_range.clone()).chain(std::iter::once(original.len()..original.len()));
    let spans_b = b.cells.iter().map(|c| c.json_range.clone()).chain(std::iter::once(edited.len()..edited.len()));
    for (ra, rb) in spans_a.zip(spans_b) {
        if original[at_a..ra.start] != edited[at_b..rb.start] {
            let (line, column) = json::line_col(original, at_a);
            return Err(format!("the text after {line}:{column} of the original changed outside code cells' sources"));
        }
        (at_a, at_b) = (ra.end, rb.end);
    }
    let changed = a.cells.iter().zip(sources_a).zip(sources_b).filter(|((_, x), y)| x != y);
    Ok(changed.map(|((c, before), after)| ChangedCell { cell: c.index, before, after }).collect())
}

/// Each code cell's source decoded by `serde_json` (list elements joined).
pub(super) fn serde_sources(value: &serde_json::Value) -> Option<Vec<String>> {
    let v3 = value.get("nbformat")?.as_i64()? == 3;
    let cells: Vec<&serde_json::Value> = if v3 {
        let sheets = value.get("worksheets")?.as_array()?;
        sheets.iter().filter_map(|s| s.get("cells")?.as_array()).flatten().collect()
    } else {
        value.get("cells")?.as_array()?.iter().collect()
    };
    let code = cells.into_iter().filter(|c| c.get("cell_type").and_then(|t| t.as_str()) == Some("code"));
    code.map(|c| match c.get(if v3 { "input" } else { "source" })? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Array(items) => items.iter().map(|i| i.as_str()).collect(),
        _ => None,
    })
    .collect()
}
