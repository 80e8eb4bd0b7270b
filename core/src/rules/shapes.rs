//! Shape entries read with `.value`: in a TF1 shape each entry is a `Dimension` whose `.value` is
//! the size; in a TF2 shape (and in what Keras 3 hands a layer's `build`) each entry is already an
//! `int` or `None`, and `.value` raises `AttributeError`. `tf.compat.dimension_value(d)` reads both,
//! so the rewrite is right whether the code ends up running with TF1 or TF2 behaviour.

use tree_sitter::Node;

use crate::fix::{Edit, Finding, Fix, Severity};
use crate::rules::context::Ctx;
use crate::rules::{Rule, Strategy};
use crate::source::kind_id;

/// The node kinds this rule looks at, by id.
struct Kinds {
    subscript: u16,
    call: u16,
    slice: u16,
    assignment: u16,
    augmented_assignment: u16,
    delete: u16,
}

fn kinds() -> &'static Kinds {
    static KINDS: std::sync::OnceLock<Kinds> = std::sync::OnceLock::new();
    KINDS.get_or_init(|| Kinds {
        subscript: kind_id("subscript"),
        call: kind_id("call"),
        slice: kind_id("slice"),
        assignment: kind_id("assignment"),
        augmented_assignment: kind_id("augmented_assignment"),
        delete: kind_id("delete_statement"),
    })
}

/// What the subscripted expression says about the entry read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    /// `x.get_shape()[i]`: a TensorFlow shape for certain.
    GetShape,
    /// `x.shape[i]`: TensorFlow's, in a file that uses TensorFlow (`NumPy`'s entries have no `.value`).
    ShapeAttribute,
    /// `input_shape[i]`: a name that says it holds a shape, which may be something else.
    ShapeName,
}

/// `attr` is an attribute that is not a plain dotted name (`x.shape[1].value`); `parent` is its
/// parent node.
pub(crate) fn check_attribute(ctx: &mut Ctx<'_>, attr: Node<'_>, parent: Option<Node<'_>>) {
    if ctx.options.strategy == Strategy::Compat {
        // Under `disable_v2_behavior()` shapes keep their `Dimension`s.
        return;
    }
    let g = crate::source::grammar();
    let k = kinds();
    let (Some(name), Some(object)) =
        (attr.child_by_field_id(g.attribute_field), attr.child_by_field_id(g.object_field))
    else {
        return;
    };
    if ctx.text(name) != "value" || object.kind_id() != k.subscript || is_target(attr, parent) {
        return;
    }
    let Some(source) = shape_source(ctx, object) else { return };
    let range = attr.byte_range();
    let message = "a TF2 shape's entries are ints (or None), not `Dimension`s with `.value`: \
                   `tf.compat.dimension_value(shape[i])` reads both"
        .to_owned();
    // The edits keep the subscript as written: only `.value` goes, and only when nothing (a
    // comment, a line break) stands between it and the subscript.
    let tail = object.end_byte()..attr.end_byte();
    if &ctx.src.text[tail.clone()] != ".value" {
        ctx.push(Finding::new(Rule::DimensionValue, Severity::Error, range, message));
        return;
    }
    let why = "import tensorflow: `tf.compat.dimension_value` reads a shape's entries";
    let Some(tf) = ctx.module_name("tensorflow", &["tf", "tensorflow"], false, Rule::DimensionValue, why, None) else {
        ctx.push(Finding::new(Rule::DimensionValue, Severity::Error, range, message));
        return;
    };
    let edits = vec![
        Edit::insertion(object.start_byte(), format!("{}.compat.dimension_value(", tf.name)),
        Edit::replacement(tail, ")"),
    ];
    let fix = Fix::safe_if(source != Source::ShapeName, edits);
    let mut finding = Finding::new(Rule::DimensionValue, Severity::Error, range, message).with_fix(fix);
    finding.requires.extend(tf.import);
    ctx.push(finding);
}

/// Whether the entry read by subscript `object` is a shape's, and how sure that is.
fn shape_source(ctx: &Ctx<'_>, object: Node<'_>) -> Option<Source> {
    let g = crate::source::grammar();
    let k = kinds();
    let value = object.child_by_field_name("value")?;
    // One index, not a slice and not a tuple of them (`s[1:]` is a shape, `s[1, 2]` no shape's).
    let mut cursor = object.walk();
    let indices: Vec<Node<'_>> = object.children_by_field_name("subscript", &mut cursor).collect();
    if indices.len() != 1 || indices[0].kind_id() == k.slice {
        return None;
    }
    if value.kind_id() == k.call {
        let function = value.child_by_field_id(g.function_field)?;
        let arguments = value.child_by_field_id(g.arguments_field)?;
        let method = function.child_by_field_id(g.attribute_field)?;
        return (function.kind_id() == g.attribute
            && ctx.text(method) == "get_shape"
            && arguments.named_child_count() == 0)
            .then_some(Source::GetShape);
    }
    if value.kind_id() == g.attribute {
        let attribute = value.child_by_field_id(g.attribute_field)?;
        return (ctx.text(attribute) == "shape" && uses_tensorflow(ctx)).then_some(Source::ShapeAttribute);
    }
    if value.kind_id() == g.identifier {
        let name = ctx.text(value).to_ascii_lowercase();
        return (name.ends_with("shape") && uses_tensorflow(ctx)).then_some(Source::ShapeName);
    }
    None
}

/// Whether the file imports TensorFlow or Keras (whose shapes these are).
fn uses_tensorflow(ctx: &Ctx<'_>) -> bool {
    ctx.imports.statements.iter().any(|s| {
        let mut modules = s.from.iter().map(String::as_str).chain(s.names.iter().map(|n| n.name.as_str()));
        modules.any(|m| {
            let root = m.split('.').next().unwrap_or(m);
            root == "tensorflow" || root == "keras"
        })
    })
}

/// Whether `attr` (under `parent`) is written to or deleted (`s[0].value = 3`): no reading to
/// rewrite.
fn is_target(attr: Node<'_>, parent: Option<Node<'_>>) -> bool {
    let k = kinds();
    let Some(parent) = parent else { return false };
    let id = parent.kind_id();
    if id == k.delete {
        return true;
    }
    (id == k.assignment || id == k.augmented_assignment) && parent.child_by_field_name("left") == Some(attr)
}
