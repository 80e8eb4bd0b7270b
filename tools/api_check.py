#!/usr/bin/env python3
"""Static check of a (migrated) Python tree against the recorded API listings: which
TensorFlow, Keras, tf_keras, TensorFlow Probability, tf_slim and NumPy names, imports and keyword
arguments would not resolve on TensorFlow 2.21.  No TensorFlow needed: Python 3 standard
library plus tools/api/*.txt (format: tools/apiwalk.py).

    python3 tools/api_check.py TREE [--api-dir tools/api] [--tf 2.21.0] [--json OUT] [--top N]

Every .py file under TREE is parsed with `ast` (files that do not parse are counted and
skipped).  Import aliases are resolved (`import tensorflow as tf`, `import tensorflow.compat.v1
as tf`, `from tensorflow.compat import v1`, `from tensorflow import keras`, `from
tensorflow.keras.layers import Dense`, `import keras`, `import tensorflow_probability as tfp`,
`import tf_slim as slim`, `import numpy as np`...), then reported:

  name     an attribute chain (`tf.contrib.layers.xavier_initializer`, `np.float`) whose first
           missing part follows a module: what comes after a class, function or value is not
           checked (instance members are not listed);
  import   `import X` / `from X import y` where X is not an importable module (a missing or
           attribute-only module such as tensorflow_probability.distributions, or an on-disk
           package that lacks the API, such as tensorflow.distribute), or y is not in X or not
           reachable by `from X import` (tensorflow.compat.v1.app has no `flags`);
  keyword  a keyword argument that the resolved callable does not take (only where its
           recorded signature has no open **kwargs).
A file that mentions TF_USE_LEGACY_KERAS is checked against the legacy-Keras TensorFlow
listing (tf.keras is tf_keras there).  Members of private modules (tensorflow.python.*) are
not listed: only their importability is checked.

Output: findings grouped by root (tf.contrib, tf.keras, tf.compat.v1, tf.python, tf, keras,
tf_keras, tfp, tf_slim, numpy) with counts and the most frequent names; `--json OUT` writes
every finding.  Exit status 0 (a measuring tool, not a gate).
"""

import argparse
import ast
import collections
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import apiwalk  # noqa: E402
ROOTS = ("tensorflow", "keras", "tf_keras", "tensorflow_probability", "tf_slim", "numpy")
CALLABLE = ("class", "function", "method")
GROUP_ORDER = ("tf.contrib", "tf.keras", "tf.compat.v1", "tf.python", "tf", "keras", "tf_keras",
               "tfp", "tf_slim", "numpy")


class Listing:
    """One tools/api listing: {name: (kind, extra)} and the module spellings."""

    def __init__(self, path):
        self.file = os.path.basename(path)
        self.header, self.entries = apiwalk.read_listing(path)
        self.by_real = collections.defaultdict(list)
        for name, (kind, extra) in self.entries.items():
            if kind in ("module", "namespace") and apiwalk.real_name_of(extra):
                self.by_real[apiwalk.real_name_of(extra)].append(name)

    def get(self, name):
        """The entry of name, also through another spelling of a module on its way."""
        # tf.compat.v1 and v2 have the compat module again (tf.compat.v1.compat.v2 is tf at run
        # time); the walk does not enter it twice.
        while name.startswith(("tf.compat.v1.compat.v1", "tf.compat.v1.compat.v2", "tf.compat.v2.compat.v")):
            name = name[len("tf.compat.v1."):]
            name = "tf." + name if not name.startswith("tf.") else name
        if name == "tf.compat.v2" or name.startswith("tf.compat.v2."):
            name = "tf" + name[len("tf.compat.v2"):]  # the walk starts there, listed as `tf`
        e = self.entries.get(name)
        if e is not None:
            return e
        parts = name.split(".")
        for i in range(len(parts) - 1, 0, -1):
            prefix, rest = ".".join(parts[:i]), ".".join(parts[i:])
            pe = self.entries.get(prefix)
            if pe is None:
                continue
            if pe[0] not in ("module", "namespace"):
                return None
            real = apiwalk.real_name_of(pe[1]) or prefix
            for spelling in self.by_real.get(real, []) + [real]:
                if spelling != prefix and spelling + "." + rest in self.entries:
                    return self.entries[spelling + "." + rest]
            return None
        return None


class Apis:
    def __init__(self, api_dir, tf_version):
        self.tf = Listing(os.path.join(api_dir, "tensorflow-%s.txt" % tf_version))
        self.tf_legacy = Listing(os.path.join(api_dir, "tensorflow-%s-legacy-keras.txt" % tf_version))
        self.packages = {
            "keras": Listing(apiwalk.find_listing(api_dir, "keras-", "api_check")),
            "tf_keras": Listing(apiwalk.find_listing(api_dir, "tf_keras-", "api_check")),
            "tensorflow_probability": Listing(apiwalk.find_listing(api_dir, "tensorflow_probability-", "api_check")),
            "tf_slim": Listing(apiwalk.find_listing(api_dir, "tf_slim-", "api_check")),
            "numpy": Listing(apiwalk.find_listing(api_dir, "numpy-", "api_check")),
        }

    def describe(self):
        listings = [self.tf, self.tf_legacy] + list(self.packages.values())
        return ", ".join(l.header.get("api", l.file) + (" (legacy Keras)" if l is self.tf_legacy else "")
                         for l in listings)

    def lookup(self, dotted, legacy):
        """(listing, name as listed) for a Python-spelled dotted name of a checked package."""
        root = dotted.split(".")[0]
        if root == "tensorflow":
            return (self.tf_legacy if legacy else self.tf), "tf" + dotted[len("tensorflow"):]
        return self.packages[root], dotted


def group_of(dotted):
    """The report group of a Python-spelled name."""
    root = dotted.split(".")[0]
    if root != "tensorflow":
        return {"tensorflow_probability": "tfp"}.get(root, root)
    parts = dotted.split(".")
    if len(parts) > 1 and parts[1] == "contrib":
        return "tf.contrib"
    if len(parts) > 1 and parts[1] in ("python", "core"):
        return "tf.python"
    rest = parts[3:] if parts[1:3] in (["compat", "v1"], ["compat", "v2"]) else parts[1:]
    if rest[:1] == ["keras"]:
        return "tf.keras"
    if parts[1:3] == ["compat", "v1"]:
        return "tf.compat.v1"
    return "tf"


def shown(dotted):
    return "tf" + dotted[len("tensorflow"):] if dotted.split(".")[0] == "tensorflow" else dotted


def chain(node):
    """`a.b.c` of a pure Name/Attribute chain, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def scope_nodes(scope):
    """The nodes of a scope's own body (nested functions and lambdas left out)."""
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, SCOPES):
            stack.extend(ast.iter_child_nodes(node))


def local_names(scope):
    """Names a function scope binds other than by import: arguments, assignments, loops..."""
    names = set()
    if isinstance(scope, SCOPES):
        a = scope.args
        for arg in a.posonlyargs + a.args + a.kwonlyargs + [a.vararg, a.kwarg]:
            if arg is not None:
                names.add(arg.arg)
    for node in scope_nodes(scope):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


class FileCheck:
    def __init__(self, apis, tree, text):
        self.apis = apis
        self.tree = tree
        self.legacy = "TF_USE_LEGACY_KERAS" in text
        self.parents = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
        self.scoped = collections.defaultdict(dict)  # scope node -> {local name: dotted}
        self.locals = {}
        self.findings = []

    @property
    def aliases(self):
        return {k: v for names in self.scoped.values() for k, v in names.items()}

    def scope_of(self, node):
        node = self.parents.get(node)
        while node is not None and not isinstance(node, SCOPES):
            node = self.parents.get(node)
        return node if node is not None else self.tree

    def bind(self, node, name, dotted):
        self.scoped[self.scope_of(node)][name] = dotted

    def alias(self, node, name):
        """What `name` means at `node`: an import alias of the innermost scope that binds it
        (by import; None when it binds it otherwise, or both ways)."""
        scope = self.scope_of(node)
        while True:
            if scope not in self.locals:
                self.locals[scope] = local_names(scope)
            if name in self.scoped.get(scope, {}):
                # Also assigned in this function (`layer = f()` ... `import tensorflow as
                # layer`): which one a use sees depends on the flow, so it is not checked.  At
                # module level the import wins (`try: import x as y / except: y = None`).
                ambiguous = scope is not self.tree and name in self.locals[scope]
                return None if ambiguous else self.scoped[scope][name]
            if scope is not self.tree and name in self.locals[scope]:
                return None
            if scope is self.tree:
                return None
            scope = self.scope_of(scope)

    def add(self, node, kind, dotted, detail=None):
        self.findings.append({"line": getattr(node, "lineno", 0), "kind": kind, "group": group_of(dotted),
                              "name": detail or shown(dotted)})

    def entry(self, dotted):
        listing, name = self.apis.lookup(dotted, self.legacy)
        return listing.get(name)

    def resolves(self, dotted):
        """False when the first missing part of the chain follows a module of the package;
        True when every part is listed, or what is missing cannot be known: a member of a
        class, function or value, of a private module, of another package's module
        (tf.compat.v1.flags is absl.flags), or a `_private`/`__dunder__` name."""
        listing, name = self.apis.lookup(dotted, self.legacy)
        parts = name.split(".")
        root = parts[0]
        previous = None
        for i in range(1, len(parts) + 1):
            if parts[i - 1].startswith("_"):
                return True
            e = listing.get(".".join(parts[:i]))
            if e is None:
                if previous is None:
                    return False
                kind, extra = previous
                # A TensorFlow module with a real name is one the walk did not enter; in other
                # packages, a real name of another package likewise (of the same package it is
                # a second spelling, resolved by Listing.get).
                real = apiwalk.real_name_of(extra)
                foreign = kind in ("module", "namespace") and real and (root == "tf" or real.split(".")[0] != root)
                return kind not in ("module", "namespace") or bool(foreign)
            previous = e
        return True

    def importable(self, dotted):
        e = self.entry(dotted)
        return e is not None and e[0] in ("module", "private")

    def imports(self):
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    root = a.name.split(".")[0]
                    if root not in ROOTS:
                        continue
                    if not self.importable(a.name):
                        self.add(node, "import", a.name, "import " + a.name)
                    if a.asname:
                        self.bind(node, a.asname, a.name)
                    else:
                        self.bind(node, root, root)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                if node.module.split(".")[0] not in ROOTS:
                    continue
                module_ok = self.importable(node.module)
                if not module_ok:
                    for a in node.names:
                        self.add(node, "import", node.module, "from %s import %s" % (node.module, a.name))
                module_entry = self.entry(node.module) if module_ok else None
                private = module_ok and module_entry[0] == "private"
                gaps = apiwalk.import_gaps_of(module_entry[1]) if module_ok else set()
                for a in node.names:
                    if a.name == "*":
                        continue
                    full = node.module + "." + a.name
                    self.bind(node, a.asname or a.name, full)
                    if module_ok and not private and (self.entry(full) is None or a.name in gaps):
                        self.add(node, "import", full, "from %s import %s" % (node.module, a.name))

    def uses(self):
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Attribute):
                parent = self.parents.get(node)
                if isinstance(parent, ast.Attribute) and parent.value is node:
                    continue  # not the whole chain
                dotted = self.expand(node, chain(node))
                if dotted and not self.resolves(dotted):
                    self.add(node, "name", dotted)
            elif isinstance(node, ast.Call):
                dotted = self.expand(node, chain(node.func))
                if not dotted or not node.keywords:
                    continue
                e = self.entry(dotted) if self.resolves(dotted) else None
                if e is None or e[0] not in CALLABLE:
                    continue
                sig = apiwalk.parse_signature(e[1])
                if sig is None or sig[2]:
                    continue
                for k in node.keywords:
                    if k.arg is not None and k.arg not in sig[1]:
                        self.add(node, "keyword", dotted, "%s(%s=)" % (shown(dotted), k.arg))

    def expand(self, node, dotted):
        """The Python-spelled full name of a chain whose head is an imported checked name."""
        if not dotted:
            return None
        head, _, rest = dotted.partition(".")
        base = self.alias(node, head)
        if base is None:
            return None
        return base + ("." + rest if rest else "")


def python_files(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for f in sorted(filenames):
            if f.endswith(".py"):
                yield os.path.join(dirpath, f)


def check_tree(root, apis):
    files = unparsed = using = 0
    findings = []
    for path in python_files(root):
        files += 1
        with open(path, "rb") as f:
            data = f.read()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        try:
            tree = ast.parse(text, filename=path)
        except (SyntaxError, ValueError):
            unparsed += 1
            continue
        check = FileCheck(apis, tree, text)
        check.imports()
        if not check.aliases:
            continue
        using += 1
        check.uses()
        rel = os.path.relpath(path, root)
        for fd in check.findings:
            fd["file"] = rel
            findings.append(fd)
    findings.sort(key=lambda f: (f["file"], f["line"], f["kind"], f["name"]))
    return {"files": files, "unparsed": unparsed, "using": using, "findings": findings}


def summary(result, top, top_all):
    groups = collections.defaultdict(collections.Counter)
    names = collections.defaultdict(collections.Counter)
    overall = collections.Counter()
    for f in result["findings"]:
        groups[f["group"]][f["kind"]] += 1
        names[f["group"]][f["name"]] += 1
        overall[f["name"]] += 1
    order = [g for g in GROUP_ORDER if g in groups] + sorted(g for g in groups if g not in GROUP_ORDER)
    rows = []
    for g in order:
        c = groups[g]
        rows.append({"group": g, "name": c["name"], "import": c["import"], "keyword": c["keyword"],
                     "total": sum(c.values()), "distinct": len(names[g]),
                     "top": names[g].most_common(top)})
    return rows, overall.most_common(top_all)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("tree")
    ap.add_argument("--api-dir", default=os.path.join(HERE, "api"))
    ap.add_argument("--tf", default="2.21.0", help="TensorFlow version of the listings (default 2.21.0)")
    ap.add_argument("--json", metavar="OUT", help="write the summary and every finding as JSON")
    ap.add_argument("--top", type=int, default=8, help="names shown per group")
    ap.add_argument("--top-all", type=int, default=40, help="names shown overall")
    args = ap.parse_args()
    apis = Apis(args.api_dir, args.tf)
    result = check_tree(args.tree, apis)
    rows, overall = summary(result, args.top, args.top_all)
    out = sys.stdout
    out.write("api_check: %d .py files, %d not parsed, %d import a checked package\n"
              % (result["files"], result["unparsed"], result["using"]))
    out.write("listings: %s\n\n" % apis.describe())
    out.write("%-14s %7s %7s %8s %7s %9s\n" % ("group", "names", "imports", "keywords", "total", "distinct"))
    tot = collections.Counter()
    for r in rows:
        out.write("%-14s %7d %7d %8d %7d %9d\n" % (r["group"], r["name"], r["import"], r["keyword"], r["total"], r["distinct"]))
        for k in ("name", "import", "keyword", "total", "distinct"):
            tot[k] += r[k]
    out.write("%-14s %7d %7d %8d %7d %9d\n\n" % ("all", tot["name"], tot["import"], tot["keyword"], tot["total"], tot["distinct"]))
    for r in rows:
        out.write("%s: %s\n" % (r["group"], ", ".join("%s (%d)" % kv for kv in r["top"])))
    out.write("\ntop %d overall:\n" % len(overall))
    for name, n in overall:
        out.write("  %5d  %s\n" % (n, name))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"tree": os.path.basename(os.path.abspath(args.tree)), "listings": apis.describe(),
                       "files": result["files"], "unparsed": result["unparsed"], "using": result["using"],
                       "groups": [{k: v for k, v in r.items() if k != "top"} for r in rows],
                       "top": [{"name": n, "count": c} for n, c in overall],
                       "findings": result["findings"]}, f, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
