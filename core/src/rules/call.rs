//! Call arguments, the one place that reads and rewrites them: positional and keyword access,
//! keyword renames and removals, positional arguments passed by keyword. The tables, the
//! function-specific transformers, the Keras 3 rules and the native rewrites all go through here.
//!
//! Trivia inside the parentheses (comments, backslash continuations) are never arguments, and a
//! removal never deletes a comment.

use std::ops::Range;

use tree_sitter::Node;

use crate::fix::Edit;
use crate::rules::context::Ctx;

/// A function-specific rewrite of one call, given the call and its callee's canonical name.
pub(crate) type Rewrite = fn(&mut Ctx<'_>, &Call<'_>, &str);

/// One call expression and its arguments.
#[derive(Debug, Clone)]
pub(crate) struct Call<'t> {
    pub node: Node<'t>,
    /// The callee expression (`tf.nn.dropout` in `tf.nn.dropout(x, 0.5)`).
    pub callee: Node<'t>,
    /// The arguments in order: expressions, `keyword_argument`, `list_splat`, `dictionary_splat`.
    pub args: Vec<Node<'t>>,
    /// The `( … )` node.
    list: Node<'t>,
    text: &'t str,
}

/// Argument lists with at most this many children (commas and parentheses included) are listed
/// through `Node::child`; a cursor lists longer ones.
const SMALL_LIST: u32 = 16;

impl<'t> Call<'t> {
    /// The call `node` of `text`; `None` for anything else, and for a call whose argument is a
    /// bare generator expression (`f(x for x in y)`), which takes no other argument.
    pub fn new(node: Node<'t>, text: &'t str) -> Option<Self> {
        if node.kind() != "call" {
            return None;
        }
        let g = crate::source::grammar();
        let callee = node.child_by_field_id(g.function_field)?;
        let list = node.child_by_field_id(g.arguments_field).filter(|a| a.kind() == "argument_list")?;
        let count = list.child_count();
        let args = if count <= SMALL_LIST {
            // `Node::child` counts from the first child, but costs no cursor (an allocation).
            (0..count).filter_map(|k| list.child(k)).filter(|c| c.is_named() && !c.is_extra()).collect()
        } else {
            let mut cursor = list.walk();
            list.named_children(&mut cursor).filter(|c| !c.is_extra()).collect()
        };
        Some(Self { node, callee, args, list, text })
    }

    pub(crate) fn text_of(&self, node: Node<'_>) -> &'t str {
        &self.text[node.byte_range()]
    }

    /// The arguments before the first keyword argument or `**`.
    pub(crate) fn positional(&self) -> &[Node<'t>] {
        let n = self.args.iter().take_while(|a| !matches!(a.kind(), "keyword_argument" | "dictionary_splat")).count();
        &self.args[..n]
    }

    /// Whether `*args` or `**kwargs` hides which argument is which.
    pub(crate) fn has_splat(&self) -> bool {
        self.args.iter().any(|a| matches!(a.kind(), "list_splat" | "dictionary_splat"))
    }

    /// The `name=value` argument named `name`.
    pub fn keyword(&self, name: &str) -> Option<Node<'t>> {
        self.args.iter().copied().find(|a| keyword_name(*a).is_some_and(|k| self.text_of(k) == name))
    }

    /// The value of the `name=value` argument.
    pub(crate) fn keyword_value(&self, name: &str) -> Option<Node<'t>> {
        self.keyword(name).and_then(|a| a.child_by_field_name("value"))
    }

    /// The argument `name` as given: by keyword, else at position `position`.
    pub fn argument(&self, name: &str, position: usize) -> Option<Node<'t>> {
        self.keyword_value(name).or_else(|| self.positional().get(position).copied())
    }

    /// The insertion that adds `text` (one argument or several, comma-separated) after the last
    /// argument (before a trailing comma or comment), or into the empty parentheses.
    pub(crate) fn appended(&self, text: &str) -> Edit {
        match self.args.last() {
            Some(last) => Edit::insertion(last.end_byte(), format!(", {text}")),
            None => Edit::insertion(self.list.start_byte() + 1, text),
        }
    }

    /// The edits that pass positional arguments `from..` by keyword: `names[i]` for argument `i`;
    /// `None` when the call passes one of those names by keyword already.
    pub(crate) fn pass_by_keyword(&self, from: usize, names: &[&str]) -> Option<Vec<Edit>> {
        let pairs = self.positional().iter().skip(from).zip(names.iter().skip(from));
        // `add_weight((3, 3), name='W')` against `add_weight(name, shape)`: the call does not fit
        // the signature the names come from, and `name=` twice is a syntax error.
        if pairs.clone().any(|(_, name)| self.keyword(name).is_some()) {
            return None;
        }
        Some(pairs.map(|(arg, name)| Edit::insertion(arg.start_byte(), format!("{name}="))).collect())
    }

    /// Keyword renames and removals: `change(name)` says what becomes of keyword `name` (`None`:
    /// nothing; `Some(None)`: removed; `Some(Some(new))`: renamed), and `removed` (parallel to
    /// `args`) flags further arguments to remove. `None` when a rename would repeat a keyword the
    /// call already gives (`lr=` beside `learning_rate=`), which no rewrite can resolve.
    pub(crate) fn keyword_edits(
        &self,
        change: impl Fn(&str) -> Option<Option<&'static str>>,
        mut removed: Vec<bool>,
    ) -> Option<KeywordEdits> {
        let mut out = KeywordEdits::default();
        for (i, arg) in self.args.iter().enumerate() {
            let Some(kw) = keyword_name(*arg) else { continue };
            let name = self.text_of(kw);
            match change(name) {
                None => {}
                Some(Some(new)) if self.keyword(new).is_some() => return None,
                Some(Some(new)) => {
                    out.edits.push(Edit::replacement(kw.byte_range(), new));
                    out.what.push(format!("{name}= → {new}="));
                }
                Some(None) => {
                    removed[i] = true;
                    out.what.push(format!("{name}= dropped"));
                    out.removed_any = true;
                }
            }
        }
        out.edits.extend(self.removal_edits(&removed));
        Some(out)
    }

    /// Deletions that remove the arguments flagged in `removed` (parallel to `args`) with their
    /// separating commas. Comments between them stay, and so does the line break after a comment.
    pub(crate) fn removal_edits(&self, removed: &[bool]) -> Vec<Edit> {
        self.removal_ranges(removed)
            .into_iter()
            .flat_map(|r| self.keep_comments(r))
            .filter(|r| !r.is_empty())
            .map(Edit::deletion)
            .collect()
    }

    /// Byte ranges covering the flagged arguments and their separators, merged so that no two
    /// ranges overlap.
    fn removal_ranges(&self, removed: &[bool]) -> Vec<Range<usize>> {
        let args = &self.args;
        let mut out = Vec::new();
        let mut i = 0;
        while i < args.len() {
            if !removed[i] {
                i += 1;
                continue;
            }
            let mut j = i;
            while j + 1 < args.len() && removed[j + 1] {
                j += 1;
            }
            if j + 1 < args.len() {
                out.push(args[i].start_byte()..args[j + 1].start_byte());
            } else if i > 0 {
                // The last arguments go: with the comma before them, or, written one a line with
                // a trailing comma, as whole lines.
                let lines = self.whole_lines(args[i].start_byte(), args[j].end_byte());
                out.push(lines.unwrap_or(args[i - 1].end_byte()..args[j].end_byte()));
            } else {
                // Every argument goes: also drop a trailing comma, which `f(,)` would not allow.
                let close = self.list.end_byte() - 1;
                out.push(args[i].start_byte()..close.max(args[j].end_byte()));
            }
            i = j + 1;
        }
        out
    }

    /// The lines from `start` to `end` (the last arguments), their trailing comma included, when
    /// nothing but blanks shares those lines with them: `f(\n    a,\n    b=1,\n)` loses the line
    /// of `b=1,` rather than the comma after `a`.
    fn whole_lines(&self, start: usize, end: usize) -> Option<Range<usize>> {
        let text = self.text;
        let line_start = text[..start].rfind('\n').map_or(0, |n| n + 1);
        if !text[line_start..start].trim_start_matches([' ', '\t']).is_empty() {
            return None;
        }
        let after = &text[end..self.list.end_byte()];
        let comma = end + (after.len() - after.trim_start_matches([' ', '\t']).len());
        if !text[comma..].starts_with(',') {
            return None;
        }
        let rest = &text[comma + 1..];
        let blank = rest.len() - rest.trim_start_matches([' ', '\t', '\r']).len();
        rest[blank..].starts_with('\n').then(|| line_start..comma + 1 + blank + 1)
    }

    /// `range` minus the comments inside it, the blank space just before each comment, and the
    /// line break after it (deleting that would make the comment swallow the code that follows).
    fn keep_comments(&self, range: Range<usize>) -> Vec<Range<usize>> {
        let mut cursor = self.list.walk();
        let comments: Vec<Range<usize>> = self
            .list
            .children(&mut cursor)
            .filter(|c| c.kind() == "comment" && range.start <= c.start_byte() && c.end_byte() <= range.end)
            .map(|c| c.byte_range())
            .collect();
        let mut out = Vec::new();
        let mut start = range.start;
        for c in comments {
            let before = self.text[start..c.start].trim_end_matches([' ', '\t']).len();
            out.push(start..start + before);
            let after = &self.text[c.end..range.end];
            start = c.end + (after.len() - after.trim_start_matches([' ', '\t', '\r', '\n']).len());
        }
        out.push(start..range.end);
        out
    }
}

/// What [`Call::keyword_edits`] does to a call.
#[derive(Debug, Default)]
pub(crate) struct KeywordEdits {
    pub edits: Vec<Edit>,
    /// One line per keyword changed (`lr= → learning_rate=`, `decay= dropped`).
    pub what: Vec<String>,
    /// Whether a keyword was dropped (a possible change of behaviour).
    pub removed_any: bool,
}

/// The edit renaming the keyword of `arg` (a `keyword_argument`) to `new`.
pub(crate) fn rename_keyword(arg: Node<'_>, new: &str) -> Option<Edit> {
    keyword_name(arg).map(|k| Edit::replacement(k.byte_range(), new))
}

/// The keyword name of a `keyword_argument` node.
pub(crate) fn keyword_name(arg: Node<'_>) -> Option<Node<'_>> {
    (arg.kind() == "keyword_argument").then(|| arg.child_by_field_name("name")).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::splice;

    fn with_call<R>(src: &str, f: impl FnOnce(Call<'_>) -> R) -> R {
        let tree = crate::source::parse(src);
        let mut node = tree.root_node();
        while node.kind() != "call" {
            node = node.named_child(0).expect("a call in the source");
        }
        f(Call::new(node, src).expect("a call"))
    }

    fn arg_texts(src: &str) -> Vec<String> {
        with_call(src, |c| c.args.iter().map(|a| c.text_of(*a).to_owned()).collect())
    }

    #[test]
    fn trivia_are_not_arguments() {
        assert_eq!(arg_texts("f(a, \\\n 1, # c\n k=2)\n"), ["a", "1", "k=2"]);
        assert_eq!(arg_texts("f(  # only a comment\n)\n"), Vec::<String>::new());
    }

    #[test]
    fn positional_keywords_and_names() {
        with_call("f(x, 2, *r, k=3, **kw)\n", |c| {
            assert_eq!(c.positional().len(), 3);
            assert!(c.has_splat());
            assert_eq!(c.keyword_value("k").map(|v| c.text_of(v)), Some("3"));
            assert_eq!(c.argument("x", 0).map(|v| c.text_of(v)), Some("x"));
            assert_eq!(c.argument("k", 9).map(|v| c.text_of(v)), Some("3"));
        });
    }

    fn remove(src: &str, which: &[usize]) -> String {
        with_call(src, |c| {
            let removed: Vec<bool> = (0..c.args.len()).map(|i| which.contains(&i)).collect();
            splice(src, &c.removal_edits(&removed))
        })
    }

    #[test]
    fn removals_keep_separators_right() {
        assert_eq!(remove("f(a, b, c)\n", &[1]), "f(a, c)\n");
        assert_eq!(remove("f(a, b, c)\n", &[2]), "f(a, b)\n");
        assert_eq!(remove("f(a, b, c)\n", &[0, 1]), "f(c)\n");
        assert_eq!(remove("f(a, b,)\n", &[0, 1]), "f()\n");
        assert_eq!(remove("f(a, \\\n  b)\n", &[1]), "f(a)\n");
        // One argument a line, with a trailing comma: the last ones go as whole lines.
        assert_eq!(remove("f(\n    a,  # a\n    b=1,\n    c=2,\n)\n", &[1, 2]), "f(\n    a,  # a\n)\n");
        assert_eq!(remove("f(\n    a,\n    b=1,\r\n)\n", &[1]), "f(\n    a,\n)\n");
        // Not alone on its line, or no trailing comma: with the comma before.
        assert_eq!(remove("f(\n    a, b=1,\n)\n", &[1]), "f(\n    a,\n)\n");
        assert_eq!(remove("f(\n    a,\n    b=1\n)\n", &[1]), "f(\n    a\n)\n");
    }

    #[test]
    fn removals_keep_every_comment() {
        let out = remove("f(x,  # the input\n  keep_dims=True)\n", &[1]);
        assert_eq!(out, "f(x  # the input\n  )\n");
        let out = remove("f(keep_dims=True,  # why\n  x)\n", &[0]);
        assert_eq!(out, "f(  # why\n  x)\n");
        for (src, which) in [("f(a, # one\n b, # two\n c)\n", vec![1, 2]), ("f(a, # one\n b)\n", vec![0, 1])] {
            let out = remove(src, &which);
            assert!(out.contains("# one"), "{out}");
            assert!(!crate::source::has_syntax_error(&crate::source::parse(&out)), "{out}");
        }
    }

    #[test]
    fn pass_by_keyword_from_a_position() {
        let src = "f(x, 1, 'n')\n";
        let out = with_call(src, |c| splice(src, &c.pass_by_keyword(1, &["input", "axis", "name"]).unwrap()));
        assert_eq!(out, "f(x, axis=1, name='n')\n");
        // A name the call passes by keyword already: no way to tell which argument is which.
        let src = "f((3, 3), name='W')\n";
        assert!(with_call(src, |c| c.pass_by_keyword(0, &["name", "shape"]).is_none()));
        assert!(with_call(src, |c| c.pass_by_keyword(0, &["shape", "name"]).is_some()));
    }
}
