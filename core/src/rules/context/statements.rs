//! Edits of whole statements, on the lines where they stand: replacing one by several,
//! deleting one, making an import optional; and the line and indentation facts they need.

use std::fmt::Write as _;
use std::ops::Range;

use crate::fix::Edit;
use crate::rules::context::Ctx;

impl<'a> Ctx<'a> {
    /// The edit replacing the statement at `range` by the statements `lines`, where Python allows
    /// them: on lines of their own at the statement's indentation, or, when the statement shares
    /// its line with others (`if x: from a import b`, `import a; b()`), joined by `; ` in place.
    /// Comments inside the statement (a parenthesised import list) are kept after the new text;
    /// `None` when that would comment out code that follows on the line.
    pub(crate) fn replace_statement(&self, range: Range<usize>, lines: &[String]) -> Option<Edit> {
        let text = self.src.text.as_str();
        let (code_before, rest) = self.around_statement(&range);
        let after = &text[rest];
        let inline = code_before || after.starts_with(';');
        let indent = self.indent_at(range.start);
        let nl = self.src.newline();
        let mut new = if inline { lines.join("; ") } else { lines.join(&format!("{nl}{indent}")) };
        let root = self.src.tree.root_node();
        let mut comments = Vec::new();
        let mut cursor = root.walk();
        let mut node = root.descendant_for_byte_range(range.start, range.end).unwrap_or(root);
        while node.byte_range().start > range.start || node.byte_range().end < range.end {
            match node.parent() {
                Some(p) => node = p,
                None => break,
            }
        }
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            if n.kind() == "comment" && range.start <= n.start_byte() && n.end_byte() <= range.end {
                comments.push(n.byte_range());
            } else if n.start_byte() < range.end && range.start < n.end_byte() {
                stack.extend(n.children(&mut cursor));
            }
        }
        comments.sort_by_key(|r| r.start);
        if !comments.is_empty() {
            let code_follows = !only_comment(after);
            if inline || code_follows {
                return None;
            }
            for (i, c) in comments.iter().enumerate() {
                if i == 0 {
                    new.push_str("  ");
                } else {
                    new.push_str(nl);
                    new.push_str(indent);
                }
                new.push_str(&text[c.clone()]);
            }
        }
        Some(Edit::replacement(range, new))
    }

    /// The edit making the import statement at `range` optional where it stands on lines of its
    /// own: `try:` around it, and an `except ImportError:` that binds each of `names` to `None`,
    /// with `# comment` on the `except` line. The statement's lines are kept, one level deeper.
    /// `None` when it shares a line with other code.
    pub(crate) fn guard_import(&self, range: Range<usize>, names: &[String], comment: &str) -> Option<Edit> {
        let text = self.src.text.as_str();
        let (code_before, rest) = self.around_statement(&range);
        if code_before || !only_comment(&text[rest]) || names.is_empty() {
            return None;
        }
        let start = self.line_start(range.start);
        let end = self.line_end(range.end);
        let indent = self.indent_at(range.start);
        let unit = if indent.contains('\t') { "\t" } else { self.indent_unit() };
        let nl = self.src.newline();
        let mut new = format!("{indent}try:{nl}");
        for line in text[start..end].split_inclusive('\n') {
            new.push_str(unit);
            new.push_str(line);
        }
        if !new.ends_with('\n') {
            new.push_str(nl);
        }
        let stand_ins = names.join(" = ");
        let _ = write!(new, "{indent}except ImportError:  # {comment}{nl}{indent}{unit}{stand_ins} = None");
        if text[start..end].ends_with('\n') {
            new.push_str(nl);
        }
        Some(Edit::replacement(start..end, new))
    }

    /// One level of indentation as the file writes it: that of its first indented block over
    /// the statement that opens it (a tab, or 2, 4… spaces); 4 spaces in a file without blocks.
    fn indent_unit(&self) -> &'static str {
        let mut cursor = self.src.tree.walk();
        loop {
            let node = cursor.node();
            let mut children = node.walk();
            let first = node.named_children(&mut children).find(|c| c.kind() != "comment");
            if node.kind() == "block"
                && let Some(first) = first
                && let Some(header) = node.parent()
                && first.start_position().row > header.start_position().row
            {
                let inner = self.indent_at(first.start_byte());
                let outer = self.indent_at(header.start_byte());
                if let Some(unit) = inner.strip_prefix(outer).filter(|u| !u.is_empty()) {
                    return if unit.starts_with('\t') {
                        "\t"
                    } else {
                        ["  ", "   ", "    ", "     ", "      ", "       ", "        "]
                            .into_iter()
                            .find(|s| s.len() == unit.len())
                            .unwrap_or("    ")
                    };
                }
            }
            if cursor.goto_first_child() {
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    return "    ";
                }
            }
        }
    }

    /// Whether the import statement at `range` runs in the body of a `try` (in the same scope)
    /// that catches its failure: `except ImportError`, `ModuleNotFoundError`, `Exception`,
    /// `BaseException`, or a bare `except`.
    pub(crate) fn import_is_optional(&self, range: Range<usize>) -> bool {
        let root = self.src.tree.root_node();
        let Some(mut from) = root.descendant_for_byte_range(range.start, range.end) else { return false };
        while let Some(n) = from.parent() {
            match n.kind() {
                "function_definition" | "class_definition" | "lambda" => return false,
                "try_statement" if n.child_by_field_name("body") == Some(from) => {
                    let mut cursor = n.walk();
                    let catches = n.children(&mut cursor).filter(|c| c.kind() == "except_clause").any(|clause| {
                        let mut cursor = clause.walk();
                        let caught: Vec<_> = clause
                            .named_children(&mut cursor)
                            .filter(|c| c.kind() != "block" && c.kind() != "comment")
                            .collect();
                        caught.is_empty()
                            || caught.iter().any(|c| {
                                self.src.node_text(*c).split(|ch: char| !(ch.is_alphanumeric() || ch == '_')).any(
                                    |word| {
                                        matches!(
                                            word,
                                            "ImportError" | "ModuleNotFoundError" | "Exception" | "BaseException"
                                        )
                                    },
                                )
                            })
                    });
                    if catches {
                        return true;
                    }
                }
                _ => {}
            }
            from = n;
        }
        false
    }

    /// The edit deleting the statement at `range` (on lines of its own): its lines go, a trailing
    /// comment stays; the only statement of a block becomes `pass`. `None` when it shares its
    /// line with other code.
    pub(crate) fn delete_statement(&self, range: Range<usize>) -> Option<Edit> {
        let (code_before, rest) = self.around_statement(&range);
        let after = &self.src.text[rest.clone()];
        if code_before || after.starts_with(';') {
            return None;
        }
        let root = self.src.tree.root_node();
        let node = root.descendant_for_byte_range(range.start, range.end)?;
        let statement =
            std::iter::successors(Some(node), tree_sitter::Node::parent).find(|n| n.byte_range() == range)?;
        let alone = statement.parent().is_some_and(|block| {
            let mut cursor = block.walk();
            block.kind() == "block" && block.named_children(&mut cursor).filter(|c| c.kind() != "comment").count() == 1
        });
        if alone {
            return Some(Edit::replacement(range, "pass"));
        }
        if after.is_empty() || after == "\r" {
            return Some(Edit::deletion(self.line_start(range.start)..self.line_end(range.end)));
        }
        // A trailing comment stays on its line.
        Some(Edit::deletion(range.start..rest.start))
    }

    /// The statement at `range` on its lines: whether code precedes it on its first line, and
    /// the rest of its last line after it, from the first character that is no space or tab.
    fn around_statement(&self, range: &Range<usize>) -> (bool, Range<usize>) {
        let text = self.src.text.as_str();
        let line_end = text[range.end..].find('\n').map_or(text.len(), |i| range.end + i);
        let after = text[range.end..line_end].trim_start_matches([' ', '\t']);
        let code_before = !text[self.line_start(range.start)..range.start].trim().is_empty();
        (code_before, line_end - after.len()..line_end)
    }

    /// The start of the line holding `offset`.
    pub(crate) fn line_start(&self, offset: usize) -> usize {
        self.src.text[..offset].rfind('\n').map_or(0, |i| i + 1)
    }

    /// The offset of the start of the line after the one holding `offset` (or the text's end).
    pub(crate) fn line_end(&self, offset: usize) -> usize {
        self.src.text[offset..].find('\n').map_or(self.src.text.len(), |i| offset + i + 1)
    }

    /// The leading whitespace of the line holding `offset`.
    pub(crate) fn indent_at(&self, offset: usize) -> &'a str {
        let start = self.src.text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line = &self.src.text[start..];
        &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
    }
}

/// Whether the rest of a line after a statement holds no code: nothing, or a comment.
fn only_comment(rest: &str) -> bool {
    rest.is_empty() || rest == "\r" || rest.starts_with('#')
}
