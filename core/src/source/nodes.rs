//! Every node of a syntax tree in one flat list, in source (pre-)order, made by a single cursor
//! walk. Moving a tree-sitter cursor costs hundreds of instructions a step (it climbs through the
//! grammar's hidden nodes), so the walks that look at every node (the checks for what `CPython`
//! rejects, then the rules) share this list instead of each moving a cursor of its own; a node's
//! parent and its following sibling are an index away.

use std::ops::Range;

use tree_sitter::{Node, Tree};

/// One node of the list.
#[derive(Clone, Copy)]
pub(crate) struct Item<'t> {
    pub node: Node<'t>,
    /// The node's kind id (`Node::kind_id`, asked once).
    pub kind: u16,
    /// The field the node fills in its parent (`TreeCursor::field_id`), 0 for none.
    pub field: u16,
    /// The parent's index; `u32::MAX` for the root.
    parent: u32,
    /// One past the index of the node's last descendant: the next node that is not inside it.
    end: u32,
}

/// The nodes of a tree in pre-order: a node's descendants follow it, up to its `end`.
pub(crate) struct Nodes<'t> {
    items: Vec<Item<'t>>,
}

impl<'t> Nodes<'t> {
    /// All the nodes of `tree`; `Err` with the range of the first node nested deeper than
    /// `max_depth` (the list is then not needed: such a file is left alone).
    pub(crate) fn new(tree: &'t Tree, max_depth: usize) -> Result<Self, Range<usize>> {
        let mut items: Vec<Item<'t>> = Vec::new();
        // The indices of the nodes the cursor is inside.
        let mut open: Vec<u32> = Vec::new();
        let mut cursor = tree.walk();
        loop {
            if open.len() > max_depth {
                return Err(cursor.node().byte_range());
            }
            let node = cursor.node();
            let here = index(items.len());
            items.push(Item {
                node,
                kind: node.kind_id(),
                field: cursor.field_id().map_or(0, std::num::NonZeroU16::get),
                parent: open.last().copied().unwrap_or(u32::MAX),
                end: 0,
            });
            if cursor.goto_first_child() {
                open.push(here);
                continue;
            }
            let next = index(items.len());
            items[here as usize].end = next;
            while !cursor.goto_next_sibling() {
                let Some(parent) = open.pop() else {
                    return Ok(Self { items });
                };
                items[parent as usize].end = next;
                cursor.goto_parent();
            }
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    pub(crate) fn get(&self, i: usize) -> &Item<'t> {
        &self.items[i]
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Item<'t>> {
        self.items.iter()
    }

    /// The index of node `i`'s parent; `None` for the root.
    pub(crate) fn parent(&self, i: usize) -> Option<usize> {
        let p = self.items[i].parent;
        (p != u32::MAX).then_some(p as usize)
    }

    /// The index just past node `i`'s descendants (where a walk that skips them goes on).
    pub(crate) fn end(&self, i: usize) -> usize {
        self.items[i].end as usize
    }

    /// The indices of node `i`'s children, in order.
    pub(crate) fn children(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let end = self.end(i);
        let mut next = i + 1;
        std::iter::from_fn(move || {
            let child = next;
            (child < end).then(|| {
                next = self.end(child);
                child
            })
        })
    }

    /// The indices of node `i`'s named children (as `Node::named_children`), in order.
    pub(crate) fn named_children(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        self.children(i).filter(|&c| self.items[c].node.is_named())
    }
}

/// A list index as stored (a tree has far fewer than 4 billion nodes: a file is at most a few
/// megabytes).
fn index(i: usize) -> u32 {
    u32::try_from(i).expect("a syntax tree has fewer than 2^32 nodes")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every node, with its parent and its children, as tree-sitter's own recursive navigation
    /// gives them, for comparison.
    fn by_recursion<'t>(node: Node<'t>, out: &mut Vec<(Node<'t>, Option<Node<'t>>, Vec<Node<'t>>)>) {
        let mut cursor = node.walk();
        let children: Vec<Node<'t>> = node.children(&mut cursor).collect();
        out.push((node, node.parent(), children.clone()));
        for c in children {
            by_recursion(c, out);
        }
    }

    #[test]
    fn the_list_is_the_tree_in_preorder() {
        let text = "import tensorflow as tf\n\n@deco(1)\nclass A(B):\n    def f(self, x=1, *a, **k):\n        \
                    return tf.nn.relu(x)[0] if x else [y for y in a]  # c\n\nx = (lambda q: q)(2)\nf(a, b=\\\n  3)\n";
        let tree = crate::source::parse(text);
        let nodes = Nodes::new(&tree, 1000).unwrap();
        let mut expected = Vec::new();
        by_recursion(tree.root_node(), &mut expected);
        assert_eq!(nodes.len(), expected.len());
        for (i, (node, parent, children)) in expected.iter().enumerate() {
            let item = nodes.get(i);
            assert_eq!(item.node, *node, "node {i}");
            assert_eq!(item.kind, node.kind_id());
            assert_eq!(nodes.parent(i).map(|p| nodes.get(p).node), *parent, "parent of {i}");
            let listed: Vec<Node<'_>> = nodes.children(i).map(|c| nodes.get(c).node).collect();
            assert_eq!(&listed, children, "children of {i}");
            let mut cursor = node.walk();
            let named: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
            let listed: Vec<Node<'_>> = nodes.named_children(i).map(|c| nodes.get(c).node).collect();
            assert_eq!(listed, named, "named children of {i}");
        }
        // Fields as the cursor reports them, e.g. the callee of a call.
        let call = nodes.iter().position(|it| it.node.kind() == "call").unwrap();
        let function = nodes.children(call).next().unwrap();
        assert_eq!(tree.language().field_name_for_id(nodes.get(function).field), Some("function"));
    }

    #[test]
    fn too_deep_is_refused_with_the_place() {
        let text = format!("x = {}1{}\n", "(".repeat(60), ")".repeat(60));
        let tree = crate::source::parse(&text);
        let err = Nodes::new(&tree, 20).err().expect("deeper than 20");
        assert!(text[err].starts_with('('));
        assert!(Nodes::new(&tree, 1000).is_ok());
    }
}
