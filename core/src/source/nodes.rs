//! Every node of a syntax tree in one flat list, in source (pre-)order, made by a single walk.
//! The walks that look at every node (the checks for what `CPython` rejects, then the rules) share
//! this list instead of each moving a cursor of its own; a node's parent and its following sibling
//! are an index away.
//!
//! Listing a node's children through `Node::child` costs about half what a tree-sitter cursor
//! costs a step (the cursor climbs in and out of the grammar's hidden nodes on every move), but
//! `Node::child` counts from the first child each time: nodes with many children (a long block, a
//! long argument list) are listed with a cursor.

use std::ops::Range;

use tree_sitter::{Node, Tree};

/// Nodes with at most this many children are listed through `Node::child`, which finds a child
/// by counting from the first; a cursor lists the children of bigger ones.
const SMALL: u32 = 16;

/// One node of the list.
#[derive(Clone, Copy)]
pub(crate) struct Item<'t> {
    pub node: Node<'t>,
    /// The node's kind id (`Node::kind_id`, asked once).
    pub kind: u16,
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
        // Python has about one node for every five bytes: reserved once, the list is not copied as
        // it grows (pages reserved and not used cost nothing).
        let mut items: Vec<Item<'t>> = Vec::with_capacity(tree.root_node().end_byte() / 4 + 16);
        // The nodes still to list, the next one last: (node, depth, parent's index).
        let mut todo: Vec<(Node<'t>, u32, u32)> = vec![(tree.root_node(), 0, u32::MAX)];
        let mut children: Vec<Node<'t>> = Vec::new();
        let mut cursor = tree.walk();
        while let Some((node, depth, parent)) = todo.pop() {
            if depth as usize > max_depth {
                return Err(node.byte_range());
            }
            let here = index(items.len());
            items.push(Item { node, kind: node.kind_id(), parent, end: 0 });
            let count = node.child_count();
            if count == 0 {
                continue;
            }
            children.clear();
            if count <= SMALL {
                children.extend((0..count).filter_map(|k| node.child(k)));
            } else {
                cursor.reset(node);
                cursor.goto_first_child();
                loop {
                    children.push(cursor.node());
                    if !cursor.goto_next_sibling() {
                        break;
                    }
                }
            }
            todo.extend(children.iter().rev().map(|&c| (c, depth + 1, here)));
        }
        // A node's descendants follow it: its end is its last child's end, known first going back.
        for i in (0..items.len()).rev() {
            let end = items[i].end.max(index(i + 1));
            items[i].end = end;
            let parent = items[i].parent as usize;
            if let Some(p) = items.get_mut(parent) {
                p.end = p.end.max(end);
            }
        }
        Ok(Self { items })
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

    /// Whether node `i` is its parent's first child.
    pub(crate) fn is_first_child(&self, i: usize) -> bool {
        self.parent(i).is_some_and(|p| p + 1 == i)
    }

    /// The index of node `i`'s child in field `field` (a field id of the grammar).
    pub(crate) fn field(&self, i: usize, field: u16) -> Option<usize> {
        let child = self.items[i].node.child_by_field_id(field)?;
        self.children(i).find(|&c| self.items[c].node == child)
    }

    /// The index of `node`, if it is a node of this list's tree (a binary search: the list is in
    /// order of start offsets).
    pub(crate) fn index_of(&self, node: Node<'_>) -> Option<usize> {
        let start = node.start_byte();
        let first = self.items.partition_point(|it| it.node.start_byte() < start);
        self.items[first..]
            .iter()
            .take_while(|it| it.node.start_byte() == start)
            .position(|it| it.node.id() == node.id())
            .map(|k| first + k)
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
        let head = "import tensorflow as tf\n\n@deco(1)\nclass A(B):\n    def f(self, x=1, *a, **k):\n        \
                    return tf.nn.relu(x)[0] if x else [y for y in a]  # c\n\nx = (lambda q: q)(2)\nf(a, b=\\\n  3)\n";
        // Nodes with more children than `SMALL` are listed another way: a long call, a long block.
        let many = (0..=SMALL).map(|k| format!("a{k}")).collect::<Vec<_>>();
        let text = format!("{head}g({})\nif x:\n    {}\n", many.join(", "), many.join("\n    "));
        let text = text.as_str();
        let tree = crate::source::parse(text);
        let nodes = Nodes::new(&tree, 1000).unwrap();
        let mut expected = Vec::new();
        by_recursion(tree.root_node(), &mut expected);
        assert_eq!(nodes.len(), expected.len());
        assert!(expected.iter().filter(|(_, _, children)| children.len() > SMALL as usize).count() >= 2);
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
            assert_eq!(nodes.index_of(*node), Some(i), "index of {i}");
            let field = (1..=tree.language().field_count() as u16).find(|&f| node.child_by_field_id(f).is_some());
            if let Some(f) = field {
                let child = nodes.field(i, f).map(|c| nodes.get(c).node);
                assert_eq!(child, node.child_by_field_id(f), "field {f} of {i}");
            }
        }
        let other = crate::source::parse(text);
        assert_eq!(nodes.index_of(other.root_node().child(0).unwrap()), None, "a node of another tree");
        // The first child of a call is its callee, also when a comment follows it.
        let call = nodes.iter().position(|it| it.node.kind() == "call").unwrap();
        let function = nodes.children(call).next().unwrap();
        assert!(nodes.is_first_child(function) && !nodes.is_first_child(call));
        assert_eq!(Some(nodes.get(function).node), nodes.get(call).node.child_by_field_name("function"));
    }

    /// The walks tell a call's callee, an attribute's object and name and a keyword argument's name
    /// by position (asking for a field costs a search a node): the same nodes as the fields, also
    /// with comments and line continuations in between.
    #[test]
    fn positions_give_the_fields_the_walks_use() {
        let text = "(f  # c\n (x))\ng(a=  # c\n 1, b\\\n=2)\ny = (a  # c\n .b  # d\n .c)\nz = a.b.c(d).e(k=v)\n";
        let tree = crate::source::parse(text);
        assert!(!tree.root_node().has_error());
        let nodes = Nodes::new(&tree, 1000).unwrap();
        let mut seen = [0; 4];
        for i in 0..nodes.len() {
            let Some(p) = nodes.parent(i) else { continue };
            let (parent, node) = (nodes.get(p).node, nodes.get(i).node);
            let field = |name| parent.child_by_field_name(name) == Some(node);
            let (which, by_position, by_field) = match parent.kind() {
                "call" => (0, nodes.is_first_child(i), field("function")),
                "keyword_argument" => (1, nodes.is_first_child(i), field("name")),
                "attribute" if node.kind() == "identifier" && !nodes.is_first_child(i) => (2, true, field("attribute")),
                "attribute" => (3, nodes.is_first_child(i), field("object")),
                _ => continue,
            };
            seen[which] += 1;
            assert_eq!(by_position, by_field, "{:?} in {}", &text[node.byte_range()], parent.kind());
        }
        assert!(seen.iter().all(|&n| n >= 4), "{seen:?}");
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
