//! The names of tf.contrib's successors: the public name behind a private `….python.…` path,
//! and whether a name derived from a `contrib.tsv` row exists in the package it points into
//! (`data/successors.tsv`, generated from the API listings of tf-slim and TensorFlow
//! Probability). A derived name that the package does not have is never written; nor is a
//! member that a tf.* module a whole private, tf.contrib or Keras 2 module maps to lacks
//! (`data/public_members.tsv`: `tf.contrib.data.LMDBDataset`, `tf.python.util.nest.flatten_up_to`).

use foldhash::HashMap;
use std::sync::OnceLock;

use super::table::{SUCCESSORS, Tables, tables};

/// How the written name is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reach {
    /// `from tf_slim.nets.vgg import vgg_16`: a module of the package may be one it does not
    /// import itself.
    Import,
    /// `tf_slim.nets.vgg.vgg_16` after `import tf_slim`: every step must be an attribute.
    Attribute,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Exists,
    /// In a package the table covers, under a module whose members it lists, and not there.
    Missing,
    /// Reached as an attribute through modules their package does not load (`tf_slim.nets.vgg`):
    /// the length of the deepest one's name.
    NotLoaded(usize),
    /// Not a package the table covers, or under something whose members it does not list.
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A module whose public members are all rows (`import`: one its package does not import).
    Module {
        import_only: bool,
    },
    /// A module on the way, other members not listed.
    Path,
    Member,
}

struct Successors {
    names: HashMap<&'static str, Kind>,
    /// (package, version) of each listing the table comes from (its `# api:` line), for messages.
    packages: Vec<(&'static str, &'static str)>,
}

fn successors() -> &'static Successors {
    static TABLE: OnceLock<Successors> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut names = HashMap::default();
        for row in SUCCESSORS.rows() {
            let kind = match row.field(1) {
                "module" | "namespace" => Kind::Module { import_only: false },
                "import" => Kind::Module { import_only: true },
                "path" => Kind::Path,
                "-" => Kind::Member,
                other => panic!("core/src/rules/data/successors.tsv:{}: unknown kind {other:?}", row.line),
            };
            names.insert(row.field(0), kind);
        }
        let api = SUCCESSORS.provenance().into_iter().find(|(k, _)| *k == "api").map_or("", |(_, v)| v);
        let packages = api.split(", ").filter_map(|p| p.split_once(' ')).collect();
        Successors { names, packages }
    })
}

/// Whether `target` (`tf_slim.nets.vgg.vgg_16`) exists, reached as `reach` says.
pub(crate) fn verdict(target: &str, reach: Reach) -> Verdict {
    let table = successors();
    let mut end = target.find('.').unwrap_or(target.len());
    let Some(mut kind) = table.names.get(&target[..end]).copied() else {
        // A tf.* module a whole contrib module maps to (`tf.data.experimental`): its members.
        return match missing_member(target) {
            Some(_) => Verdict::Missing,
            None => Verdict::Unknown,
        };
    };
    // The deepest module on the way that only an `import` of it loads.
    let mut not_loaded = None;
    while end < target.len() {
        let next = target[end + 1..].find('.').map_or(target.len(), |i| end + 1 + i);
        match table.names.get(&target[..next]).copied() {
            Some(k) => kind = k,
            None if matches!(kind, Kind::Module { .. }) => return Verdict::Missing,
            None => return Verdict::Unknown,
        }
        if kind == (Kind::Module { import_only: true }) && reach == Reach::Attribute {
            not_loaded = Some(next);
        }
        end = next;
    }
    not_loaded.map_or(Verdict::Exists, Verdict::NotLoaded)
}

/// Why a derived name is not written (`verdict`: what [`verdict`] said of it): `` `tf_slim.vgg`
/// is not in tf_slim 1.1.0 ``.
pub(crate) fn why_not(target: &str, verdict: Verdict) -> String {
    if let Some(why) = missing_member(target) {
        return why;
    }
    let top = target.split('.').next().unwrap_or(target);
    let version = successors().packages.iter().find(|(p, _)| *p == top).map_or("", |(_, v)| v);
    match verdict {
        Verdict::NotLoaded(end) => {
            format!("`{target}` needs `import {}` first (`import {top}` does not load it)", &target[..end])
        }
        _ => format!("`{target}` is not in {top} {version}"),
    }
}

/// Whether `verdict` rules the name out.
pub(crate) fn ruled_out(verdict: Verdict) -> bool {
    matches!(verdict, Verdict::Missing | Verdict::NotLoaded(_))
}

/// A private `….python.…` run of a tf.contrib name collapsed to the public name the package
/// re-exported (`tf.contrib.rnn.python.ops.core_rnn_cell.RNNCell` → `tf.contrib.rnn.RNNCell`,
/// `tf.contrib.slim.python.slim.nets.vgg` → `tf.contrib.slim.nets.vgg`): the collapsed name, the
/// index of the `python` segment and of the first segment kept after the run. Chosen among the
/// collapses whose successor name exists, else that the table names more precisely than the
/// module the run starts in and not known to be missing; failing those, the most precise one
/// known to be missing (so that the finding names it).
pub(crate) fn collapse_private(name: &str, reach: Reach) -> Option<(String, usize, usize)> {
    let segs: Vec<&str> = name.split('.').collect();
    let p = segs.iter().position(|s| *s == "python").filter(|&p| p >= 3)?;
    let contrib = &tables().contrib;
    // (usable, exists, key segments, k, collapsed): the greatest wins.
    let mut best: Option<(bool, bool, usize, usize, String)> = None;
    for k in p + 1..segs.len() {
        let collapsed = segs[..p].iter().chain(&segs[k..]).copied().collect::<Vec<_>>().join(".");
        let Some((key, entry)) = Tables::longest_prefix(contrib, &collapsed) else {
            continue;
        };
        let found =
            entry.replacement.map_or(Verdict::Unknown, |r| verdict(&format!("{r}{}", &collapsed[key.len()..]), reach));
        let n = key.split('.').count();
        let exists = found == Verdict::Exists;
        if !exists && n <= p {
            continue;
        }
        let candidate = (exists || !ruled_out(found), exists, n, k, collapsed);
        let rank = |c: &(bool, bool, usize, usize, String)| (c.0, c.1, c.2, c.3);
        if best.as_ref().is_none_or(|b| rank(&candidate) > rank(b)) {
            best = Some(candidate);
        }
    }
    best.map(|(_, _, _, k, collapsed)| (collapsed, p, k))
}

/// `the public tf.nest has no flatten_up_to` when `target` is under one of the modules that
/// `public_members.tsv` lists (those a private, tf.contrib or Keras 2 module maps to as a whole)
/// and its module lacks the member (in TensorFlow 2.15.1, or as a TensorFlow 1.x name that the
/// rename table knows).
pub(crate) fn missing_member(target: &str) -> Option<String> {
    let t = tables();
    // The longest listed module `target` is under.
    let module = target.rmatch_indices('.').map(|(i, _)| &target[..i]).find(|m| t.public_modules.contains(m))?;
    let rest = &target[module.len() + 1..];
    let member = rest.split('.').next().unwrap_or(rest);
    // Module attributes (`__version__`, `__file__`) are not in the listing.
    if member.starts_with("__") {
        return None;
    }
    let full = format!("{module}.{member}");
    // A TensorFlow 1.x name that TensorFlow 2 renamed (`tf.keras.metrics.cosine_proximity`) is
    // there for the rename rules.
    let known = t.public_members.contains(full.as_str()) || Tables::longest_prefix(&t.renames, &full).is_some();
    (!known).then(|| format!("the public `{module}` has no `{member}`"))
}

#[cfg(test)]
mod tests {
    use super::{Reach, Verdict, collapse_private, verdict, why_not};

    #[test]
    fn verdicts() {
        assert_eq!(verdict("tf_slim.nets.vgg.vgg_16", Reach::Import), Verdict::Exists);
        assert_eq!(verdict("tf_slim.nets.vgg.vgg_16", Reach::Attribute), Verdict::NotLoaded("tf_slim.nets.vgg".len()));
        assert_eq!(verdict("tf_slim.vgg", Reach::Import), Verdict::Missing);
        assert_eq!(verdict("tf_slim.arg_scope", Reach::Attribute), Verdict::Exists);
        assert_eq!(verdict("tensorflow_probability.distributions.Normal", Reach::Attribute), Verdict::Exists);
        assert_eq!(verdict("tensorflow_probability.bijectors.Affine", Reach::Attribute), Verdict::Missing);
        // Members of a class, modules the table does not list, other packages: unknown.
        assert_eq!(verdict("tensorflow_probability.distributions.Normal.foo", Reach::Attribute), Verdict::Unknown);
        assert_eq!(verdict("tensorflow_probability.glm.fit", Reach::Attribute), Verdict::Unknown);
        assert_eq!(verdict("tf.compat.v1.nn.rnn_cell.LSTMCell", Reach::Attribute), Verdict::Unknown);
        assert_eq!(why_not("tf_slim.vgg", Verdict::Missing), "`tf_slim.vgg` is not in tf_slim 1.1.0");
        assert_eq!(
            why_not("tf_slim.nets.vgg.vgg_16", Verdict::NotLoaded(12)),
            "`tf_slim.nets.vgg.vgg_16` needs `import tf_slim.nets` first (`import tf_slim` does not load it)"
        );
    }

    #[test]
    fn private_paths_collapse_to_names_that_exist() {
        let collapsed = |n| collapse_private(n, Reach::Import).map(|(c, _, _)| c);
        assert_eq!(
            collapsed("tf.contrib.slim.python.slim.nets.resnet_v1.resnet_v1_152").as_deref(),
            Some("tf.contrib.slim.nets.resnet_v1.resnet_v1_152")
        );
        assert_eq!(collapsed("tf.contrib.slim.python.slim.nets.vgg").as_deref(), Some("tf.contrib.slim.nets.vgg"));
        assert_eq!(
            collapsed("tf.contrib.layers.python.layers.initializers.xavier_initializer").as_deref(),
            Some("tf.contrib.layers.xavier_initializer")
        );
        assert_eq!(
            collapsed("tf.contrib.framework.python.ops.add_arg_scope").as_deref(),
            Some("tf.contrib.framework.add_arg_scope")
        );
        // Nothing that exists: the most precise spelling, for the finding to name.
        assert_eq!(
            collapse_private("tf.contrib.slim.python.slim.nets.vgg.vgg_16", Reach::Attribute).map(|(c, _, _)| c),
            Some("tf.contrib.slim.nets.vgg.vgg_16".to_owned())
        );
        assert_eq!(
            collapsed("tf.contrib.slim.python.slim.nets.vgg.no_such_net").as_deref(),
            Some("tf.contrib.slim.nets.vgg.no_such_net")
        );
        assert_eq!(collapsed("tf.contrib.slim"), None);
    }
}
