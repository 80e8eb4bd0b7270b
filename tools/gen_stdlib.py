#!/usr/bin/env python3
"""Generate stdlib.tsv: Python standard-library names that modern Python removed, with their
replacements, from what real interpreters have.

    python3 tools/gen_stdlib.py --out core/src/rules/data --tf-python PY221/bin/python \\
        --python PY36/bin/python --python PY37/bin/python ... --python PY313/bin/python

Give one interpreter per minor version from 3.6 (or 3.7) to the newest (3.13): pyenv's
`versions/3.X.Y/bin/python` will do.  Each runs this file in a subprocess (`-I -S`: the standard
library only) and answers questions as JSON; the rows come from the answers:

  1. Candidates.  Whole modules: the public modules of the oldest interpreters' standard library
     (read from the file system, tests left out) that `importlib.util.find_spec` finds no more in
     the newest (a removed package's submodules fold into it).  Names: the public module-level
     names of MODULES (in `__all__`, or defined in the module itself, or an UPPER_CASE constant)
     in 3.6 or 3.7 that the newest Python lacks (`hasattr`, so that names a module `__getattr__`
     still answers count as present).  unittest.TestCase: its public attributes in the oldest
     Pythons that the newest lacks (`assertEquals`...).
  2. The removing version: the first interpreter, in version order, that lacks the name.
  3. Replacements: tools/stdlib_curated.tsv (name, replacement, note) first; else an object of
     the same identity under another public name of the module or of one of its public
     submodules (`collections.Mapping` is `collections.abc.Mapping`); else what a deprecated
     wrapper only forwards to (`base64.encodestring` returns `encodebytes(s)`;
     `TestCase.assertEquals` is `_deprecate(assertEqual)`), all in the last Python that has the
     old name.
  4. Checks: every replacement resolves in every interpreter from 3.10 on, in a fresh process,
     as the engine writes it (`import <module>` then the attribute path, the module being the
     longest importable prefix: `collections.abc` for `collections.abc.Mapping`).  The safety is
     `safe` only where, in the last Python that has both, the old name is the replacement object
     (`is`), a module whose every public name is the replacement module's, or a wrapper that
     only warns and forwards its arguments to the replacement object; else `review`; `-` (no
     replacement) is guidance.  A curated row whose name is not removed, or whose replacement
     does not resolve, fails the run.
  5. --tf-python (TensorFlow 2.x with absl): which TestCase aliases tf.test.TestCase and absl's
     TestCase classes still define themselves (the `kept` column: the engine leaves those alone
     in their subclasses).
Output: sorted unique keys, `# source:` provenance, no dates, no paths.

Helper mode: `--probe REQUEST OUT` answers a JSON request in the interpreter that runs it.
Python 3.6+ standard library only.
"""

import argparse
import ast
import importlib
import importlib.util
import inspect
import json
import keyword
import os
import subprocess
import sys
import tempfile
import textwrap
import types
import warnings

GENERATOR = "tools/gen_stdlib.py"
# Modules whose module-level names are compared (ML code reaches for these).
MODULES = (
    "asyncio", "base64", "binascii", "collections", "configparser", "fractions", "gettext",
    "importlib", "inspect", "locale", "logging", "math", "os", "pkgutil", "platform", "plistlib",
    "random", "re", "shutil", "ssl", "string", "sys", "tarfile", "threading", "time", "types",
    "typing", "unittest", "xml.etree.ElementTree",
)
# Classes of TensorFlow and absl that user tests subclass, which may define TestCase aliases of
# their own (`assertRaisesRegexp` in tf.test.TestCase).
TEST_BASES = (
    "tensorflow.test.TestCase",
    "tensorflow.compat.v1.test.TestCase",
    "tensorflow.python.framework.test_util.TensorFlowTestCase",
    "absl.testing.absltest.TestCase",
    "absl.testing.parameterized.TestCase",
)
TESTCASE = "unittest.TestCase"
# Parts of the standard library that are not an API.
NOT_API = {"test", "tests", "idlelib", "turtledemo", "pydoc_data", "site-packages", "lib2to3.tests",
           "ensurepip._bundled", "this", "antigravity", "__phello__"}
# Module-level names that are no API although the module defines them: self-tests and the
# unittest protocol hook.
NOT_API_NAMES = {"test", "main", "load_tests"}
# Replacements must work from here on (TensorFlow 2.21 supports Python 3.10-3.13).
CHECK_FROM = (3, 10)


# ----------------------------------------------------------------------------------
# Probe: runs inside each interpreter (Python 3.6+)
# ----------------------------------------------------------------------------------

def stdlib_modules():
    """Public module names of this interpreter's standard library, from the file system."""
    import sysconfig
    stdlib = sysconfig.get_paths()["stdlib"]
    found = set()

    def walk(folder, prefix):
        for entry in sorted(os.listdir(folder)):
            path = os.path.join(folder, entry)
            if os.path.isdir(path):
                if os.path.exists(os.path.join(path, "__init__.py")) and entry.isidentifier():
                    name = prefix + entry
                    if public_module(name):
                        found.add(name)
                        walk(path, name + ".")
            elif entry.endswith(".py") and entry[:-3].isidentifier():
                name = prefix + entry[:-3]
                if entry != "__init__.py" and public_module(name):
                    found.add(name)

    walk(stdlib, "")
    dynload = os.path.join(stdlib, "lib-dynload")
    if os.path.isdir(dynload):
        for entry in os.listdir(dynload):
            name = entry.split(".")[0]
            if entry.endswith(".so") and public_module(name):
                found.add(name)
    found.update(n for n in sys.builtin_module_names if public_module(n))
    return sorted(found)


def public_module(name):
    parts = name.split(".")
    if any(p.startswith("_") for p in parts) or (len(parts) > 1 and parts[0] == "encodings"):
        return False  # private, or a codec (found by its name, never imported)
    return not any(".".join(parts[:i + 1]) in NOT_API or parts[i] in ("test", "tests")
                   for i in range(len(parts)))


def is_module(name):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return importlib.util.find_spec(name) is not None
    except Exception:
        return False


def locate(dotted):
    """The object `dotted` names, the way code reaches it: the longest importable prefix, then
    attributes.  Raises when it does not resolve."""
    parts = dotted.split(".")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(len(parts), 0, -1):
            name = ".".join(parts[:i])
            if is_module(name):
                obj = importlib.import_module(name)
                for part in parts[i:]:
                    obj = getattr(obj, part)
                return obj
    raise LookupError(dotted)


def exists(dotted):
    try:
        locate(dotted)
        return True
    except Exception:
        return False


def module_part(dotted):
    """The longest prefix of `dotted` that is an importable module."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        if is_module(".".join(parts[:i])):
            return ".".join(parts[:i])
    return None


def public_names(modname):
    """Public module-level names of a module: {name: kind}.  Those in `__all__` where the module
    has one; else the functions and classes it defines (its C accelerator's too) and its
    UPPER_CASE constants of builtin types or of its own types."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            mod = importlib.import_module(modname)
        except Exception:
            return {}
        listed = getattr(mod, "__all__", None)
        out = {}
        for name in dir(mod):
            if name.startswith("_") or name in NOT_API_NAMES:
                continue
            try:
                value = getattr(mod, name)
            except Exception:
                continue
            if isinstance(value, types.ModuleType):
                continue  # imported modules, and submodules (the module listing covers those)
            short = modname.split(".")[-1]
            if callable(value):
                home = getattr(value, "__module__", None)
            else:  # a constant: of a builtin type, or of a type of its own module (not ssl.AF_INET)
                home = type(value).__module__
                home = modname if home == "builtins" and name.isupper() else home
            public = name in listed if listed is not None else home in (modname, "_" + short)
            if public:
                out[name] = type(value).__name__
        return out


def testcase_names():
    import unittest
    return sorted(n for n in dir(unittest.TestCase) if not n.startswith("_"))


def is_text(node):
    if type(node).__name__ == "Str":
        return True
    return type(node).__name__ == "Constant" and isinstance(getattr(node, "value", None), str)


def text_of(node):
    return node.s if type(node).__name__ == "Str" else node.value


def is_warning(stmt):
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
        return False
    func = stmt.value.func
    return (isinstance(func, ast.Attribute) and func.attr == "warn") or (isinstance(func, ast.Name) and func.id == "warn")


def function_tree(fn):
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except Exception:
        return None
    f = tree.body[0] if tree.body else None
    return f if isinstance(f, ast.FunctionDef) else None


def deprecation(fn):
    """The message of the DeprecationWarning a function gives, if it is a string literal."""
    f = function_tree(fn)
    if f is None:
        return None
    for stmt in f.body:
        if is_warning(stmt) and stmt.value.args and is_text(stmt.value.args[0]):
            return " ".join(text_of(stmt.value.args[0]).split())
    return None


def forwarded(fn):
    """The object a function only forwards its arguments to (after a docstring, imports and
    warnings), or None."""
    return forwarding(fn)[0]


def forwarding(fn):
    """`forwarded`, and the public path of the callee where the call reaches it through a module
    (`stat.filemode(mode)`): (object, path or None)."""
    f = function_tree(getattr(fn, "__func__", fn))
    if f is None:
        return None, None
    body = [s for s in f.body if not (isinstance(s, ast.Expr) and is_text(s.value))]
    body = [s for s in body if not isinstance(s, (ast.Import, ast.ImportFrom)) and not is_warning(s)]
    if len(body) != 1 or not isinstance(body[0], ast.Return) or not isinstance(body[0].value, ast.Call):
        return None, None
    call = body[0].value
    params = [a.arg for a in f.args.args]
    positional = [a for a in call.args if not type(a).__name__ == "Starred"]
    if [getattr(a, "id", None) for a in positional] != params[:len(positional)]:
        return None, None
    for a in call.args[len(positional):]:
        if not (type(a).__name__ == "Starred" and f.args.vararg and getattr(a.value, "id", None) == f.args.vararg.arg):
            return None, None
    for k in call.keywords:
        name = getattr(k.value, "id", None)
        if k.arg is None and not (f.args.kwarg and name == f.args.kwarg.arg):
            return None, None
        if k.arg is not None and k.arg != name:
            return None, None
    code = getattr(fn, "__func__", fn).__code__
    scope = dict(getattr(fn, "__globals__", {}))
    for var, cell in zip(code.co_freevars, getattr(fn, "__closure__", None) or ()):
        scope[var] = cell.cell_contents
    target = call.func
    chain = []
    while isinstance(target, ast.Attribute):
        chain.insert(0, target.attr)
        target = target.value
    if not isinstance(target, ast.Name) or target.id not in scope:
        return None, None
    obj = scope[target.id]
    path = obj.__name__ if isinstance(obj, types.ModuleType) and chain else None
    for part in chain:
        obj = getattr(obj, part, None)
    return obj, (path + "." + ".".join(chain) if path else None)


def same_members(old, new):
    names = [n for n in dir(old) if not n.startswith("_")]
    return bool(names) and all(getattr(new, n, None) is getattr(old, n) for n in names)


def relation(old, new):
    """How the object at `old` relates to the one at `new`: same, members, forwards, differs."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a, b = locate(old), locate(new)
        if a is b:
            return "same"
        if isinstance(a, types.ModuleType) and isinstance(b, types.ModuleType) and same_members(a, b):
            return "members"
        if callable(a) and forwarded(a) is b:
            return "forwards"
        return "differs"


def same_elsewhere(dotted):
    """Other public names of the object at `dotted`: in its module (or class), or in one of the
    module's public submodules."""
    owner, _, name = dotted.rpartition(".")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        obj = locate(dotted)
        if isinstance(obj, (int, float, str, bytes, bool, type(None))):
            return []  # equal constants are not one object to rename to
        home = locate(owner)
        spaces = [(owner, home)]
        if isinstance(home, types.ModuleType) and hasattr(home, "__path__"):
            import pkgutil
            for m in pkgutil.iter_modules(home.__path__):
                if not m[1].startswith("_") and public_module(owner + "." + m[1]):
                    try:
                        spaces.append((owner + "." + m[1], importlib.import_module(owner + "." + m[1])))
                    except Exception:
                        pass
        out = []
        for space, ns in spaces:
            for other in sorted(dir(ns)):
                if other.startswith("_") or (space == owner and other == name):
                    continue
                try:
                    if getattr(ns, other) is obj:
                        out.append(space + "." + other)
                except Exception:
                    pass
        return out


def wrapper_target(dotted):
    """What the function at `dotted` forwards to, as public names of the object: same module,
    its class, or the module the callee lives in."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fn = locate(dotted)
        target, via = forwarding(fn) if callable(fn) else (None, None)
        if target is None:
            return []
        owner = dotted.rpartition(".")[0]
        spaces = [owner]
        home = getattr(target, "__module__", None)
        if home and not home.startswith("_"):
            spaces.append(home)
        out = [via] if via and not any(p.startswith("_") for p in via.split(".")) else []
        for space in spaces:
            try:
                ns = locate(space)
            except Exception:
                continue
            for other in sorted(dir(ns)):
                path = space + "." + other
                if not other.startswith("_") and path not in (dotted, via) and getattr(ns, other, None) is target:
                    out.append(path)
        return out


def note_of(dotted):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            obj = locate(dotted)
        except Exception:
            return None
        return deprecation(obj) if callable(obj) and not isinstance(obj, type) else None


def kept_by(names):
    """For each TestCase alias, the TEST_BASES that still define it outside unittest."""
    out = {}
    classes = {}
    for base in TEST_BASES:
        try:
            classes[base] = locate(base)
        except Exception:
            pass
    for name in names:
        out[name] = [b for b, cls in sorted(classes.items())
                     if any(name in vars(c) for c in cls.__mro__ if c.__module__ not in ("unittest.case", "builtins"))]
    versions = {}
    for dist in ("tensorflow", "absl"):
        try:
            versions[dist] = importlib.import_module(dist).__version__
        except Exception:
            pass
    if "absl" not in versions:
        try:
            from importlib import metadata
            versions["absl-py"] = metadata.version("absl-py")
        except Exception:
            pass
    return {"kept": out, "versions": versions, "bases": sorted(classes)}


def probe(request):
    out = {"version": list(sys.version_info[:3])}
    if request.get("modules"):
        out["modules"] = stdlib_modules()
    if request.get("names"):
        out["names"] = {m: public_names(m) for m in request["names"]}
        out["testcase"] = testcase_names()
    out["present"] = {n: (is_module(n) if kind == "module" else exists(n)) for n, kind in request.get("present", [])}
    out["module_part"] = {n: module_part(n) for n in request.get("module_part", [])}
    out["resolves"] = {"%s|%s" % (t, m): resolves(t, m) for t, m in request.get("resolve", [])}
    out["relation"] = {"%s|%s" % (a, b): relation(a, b) for a, b in request.get("relation", [])}
    out["elsewhere"] = {n: same_elsewhere(n) for n in request.get("elsewhere", [])}
    out["forwards"] = {n: wrapper_target(n) for n in request.get("forwards", [])}
    out["notes"] = {n: note_of(n) for n in request.get("notes", [])}
    if request.get("kept"):
        out["kept"] = kept_by(request["kept"])
    return out


def resolves(target, module):
    """`import module`, then the rest of `target` as attributes."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            obj = importlib.import_module(module)
            rest = target[len(module):].lstrip(".")
            for part in rest.split(".") if rest else []:
                obj = getattr(obj, part)
        return True
    except Exception:
        return False


# ----------------------------------------------------------------------------------
# Driver
# ----------------------------------------------------------------------------------

class Python:
    def __init__(self, path, isolated=True):
        self.path = path
        self.isolated = isolated
        self.version = tuple(self.ask({})["version"])

    @property
    def name(self):
        return "%d.%d" % self.version[:2]

    def ask(self, request):
        with tempfile.TemporaryDirectory() as tmp:
            req, out = os.path.join(tmp, "request.json"), os.path.join(tmp, "answer.json")
            with open(req, "w", encoding="utf-8") as f:
                json.dump(request, f)
            flags = ["-I", "-S"] if self.isolated else ["-I"]
            env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
            subprocess.run([self.path] + flags + [os.path.abspath(__file__), "--probe", req, out],
                           check=True, cwd=tmp, env=env, stdout=subprocess.DEVNULL)
            with open(out, encoding="utf-8") as f:
                return json.load(f)


def fail(message):
    raise SystemExit("gen_stdlib: " + message)


def read_curated():
    rows = {}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "stdlib_curated.tsv")
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != 3 or not cols[2]:
                fail("stdlib_curated.tsv: want name, replacement, note: %r" % line)
            if cols[0] in rows:
                fail("stdlib_curated.tsv: %s twice" % cols[0])
            rows[cols[0]] = (cols[1], cols[2])
    return rows


def removed_in(pythons, answers, name):
    """The first version (in order) that lacks `name`, after one that has it."""
    seen = False
    for py in pythons:
        here = answers[py.name]["present"][name]
        if here:
            seen = True
        elif seen:
            return py.name
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", help="output directory")
    ap.add_argument("--python", action="append", default=[], metavar="PYTHON",
                    help="a CPython interpreter (one per minor version, 3.6 or 3.7 to the newest)")
    ap.add_argument("--tf-python", metavar="PYTHON", help="an interpreter with TensorFlow 2.x and absl-py")
    ap.add_argument("--probe", nargs=2, metavar=("REQUEST", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.probe:
        with open(args.probe[0], encoding="utf-8") as f:
            request = json.load(f)
        with open(args.probe[1], "w", encoding="utf-8") as f:
            json.dump(probe(request), f, sort_keys=True)
        return
    if not args.out or not args.tf_python:
        ap.error("--out and --tf-python are required")
    pythons = sorted((Python(p) for p in args.python), key=lambda p: p.version)
    minors = [p.version[:2] for p in pythons]
    if len(set(minors)) != len(minors):
        fail("one interpreter per minor version, please: %s" % minors)
    old = [p for p in pythons if p.version[:2] <= (3, 7)]
    newest = pythons[-1] if pythons else None
    if not old or newest is None or newest.version[:2] < (3, 13):
        fail("need an interpreter of 3.6 or 3.7 and one of 3.13 or later")
    if [m for m in minors if m >= old[-1].version[:2]] != [(3, m) for m in range(old[-1].version[1], newest.version[1] + 1)]:
        fail("need every minor version from %s to %s: have %s" % (old[-1].name, newest.name, minors))
    checked = [p for p in pythons if p.version[:2] >= CHECK_FROM]
    curated = read_curated()

    # 1. Candidates, from the oldest interpreters.
    first = {p.name: p.ask({"modules": True, "names": list(MODULES)}) for p in old}
    newest_modules = set(newest.ask({"modules": True})["modules"])
    old_modules = sorted(set().union(*(set(a["modules"]) for a in first.values())))
    old_names = {}
    for a in first.values():
        for mod, names in a["names"].items():
            for n, kind in names.items():
                old_names.setdefault(mod + "." + n, kind)
    old_tc = sorted(set().union(*(set(a["testcase"]) for a in first.values())))
    candidates = [(m, "module") for m in old_modules]
    candidates += [(n, "name") for n in sorted(old_names) if not keyword.iskeyword(n.rsplit(".", 1)[1])]
    candidates += [(TESTCASE + "." + n, "name") for n in old_tc]
    for key in curated:
        if key not in dict(candidates):
            candidates.append((key, "module" if key in old_modules else "name"))

    # 2. Presence in every interpreter.
    answers = {p.name: p.ask({"present": candidates}) for p in pythons}
    removed = {}
    for name, kind in candidates:
        version = removed_in(pythons, answers, name)
        if version and not answers[newest.name]["present"][name]:
            removed[name] = (kind, version)
    # A submodule of a removed package folds into the package; a listing artefact (a module
    # the newest Python still finds) is not removed.
    for name in list(removed):
        parts = name.split(".")
        if any(".".join(parts[:i]) in removed for i in range(1, len(parts))) and name not in curated:
            del removed[name]
    modules_gone = [n for n, (k, _) in removed.items() if k == "module"]
    for name in modules_gone:
        if name in newest_modules:
            fail("%s is listed by %s but find_spec does not find it" % (name, newest.name))
    for key in curated:
        if key not in removed:
            fail("stdlib_curated.tsv: %s is not a name that 3.6/3.7 has and %s lacks" % (key, newest.name))

    # 3. Replacements: curated, else derived in the last Python that has the name.
    last_with = {}
    for name in removed:
        having = [p for p in pythons if answers[p.name]["present"][name]]
        last_with[name] = having[-1]
    by_python = {}
    for name, (kind, _) in removed.items():
        if kind == "name" and name not in curated:
            by_python.setdefault(last_with[name].name, []).append(name)
    derived, notes = {}, {}
    for pyname, names in sorted(by_python.items()):
        py = next(p for p in pythons if p.name == pyname)
        a = py.ask({"elsewhere": names, "forwards": names, "notes": names})
        for name in names:
            alive = lambda cands: [c for c in cands if c not in removed]
            same, fwd = alive(a["elsewhere"][name]), alive(a["forwards"][name])
            # Prefer the name the object calls itself (`assertEqual` for `assertEquals`).
            short = name.rsplit(".", 1)[1]
            pick = sorted(same or fwd, key=lambda c: (c.rsplit(".", 1)[0] != name.rsplit(".", 1)[0],
                                                      not short.lower().startswith(c.rsplit(".", 1)[1].lower()), c))
            said = a["notes"][name]
            if pick:
                how = "the same object" if same else "a deprecated alias that only called it"
                derived[name] = (pick[0], how + (" (%s)" % said if said else ""))
            elif said:
                notes[name] = said

    rows = {}
    for name, (kind, version) in sorted(removed.items()):
        if name in curated:
            repl, note = curated[name]
            origin = "curated"
        elif name in derived:
            repl, note = derived[name]
            origin = "derived"
        else:
            repl, note = "-", notes.get(name) or "no replacement in the standard library recorded"
            origin = "module" if kind == "module" else "name"
        rows[name] = {"replacement": repl, "note": note, "removed": version, "origin": origin,
                      "kind": kind, "import": "-", "safety": "-", "kept": "-"}

    # 4. Checks: replacements resolve from 3.10 on; safety in the last Python with both.
    targets = sorted({r["replacement"] for r in rows.values() if r["replacement"] != "-"})
    parts = newest.ask({"module_part": targets})["module_part"]
    for t in targets:
        if not parts[t]:
            fail("replacement %s is no module path in %s" % (t, newest.name))
    queries = [[t, parts[t]] for t in targets]
    for py in checked:
        got = py.ask({"resolve": queries})["resolves"]
        bad = [t for t, m in queries if not got["%s|%s" % (t, m)]]
        if bad:
            fail("replacements that do not resolve in %s: %s" % (py.name, bad))
    by_python = {}
    for name, r in rows.items():
        if r["replacement"] != "-":
            r["import"] = parts[r["replacement"]]
            by_python.setdefault(last_with[name].name, []).append(name)
    for pyname, names in sorted(by_python.items()):
        py = next(p for p in pythons if p.name == pyname)
        present = py.ask({"present": [[rows[n]["replacement"], "name"] for n in names]})["present"]
        pairs = [[n, rows[n]["replacement"]] for n in names if present[rows[n]["replacement"]]]
        rel = py.ask({"relation": pairs})["relation"]
        for name in names:
            how = rel.get("%s|%s" % (name, rows[name]["replacement"]), "absent")
            rows[name]["safety"] = "safe" if how in ("same", "members", "forwards") else "review"

    # 5. TestCase aliases that TensorFlow's and absl's test cases still define.
    tf = Python(args.tf_python, isolated=False)
    aliases = [n[len(TESTCASE) + 1:] for n in rows if n.startswith(TESTCASE + ".")]
    kept = tf.ask({"kept": aliases})["kept"]
    if "tensorflow.test.TestCase" not in kept["bases"]:
        fail("--tf-python has no tensorflow.test.TestCase")
    for alias, bases in kept["kept"].items():
        if bases:
            rows[TESTCASE + "." + alias]["kept"] = ",".join(bases)

    write(args.out, rows, pythons, checked, kept, tf)


def write(out_dir, rows, pythons, checked, kept, tf):
    counts = {}
    for r in rows.values():
        counts[r["origin"]] = counts.get(r["origin"], 0) + 1
    safeties = {}
    for r in rows.values():
        safeties[r["safety"]] = safeties.get(r["safety"], 0) + 1
    names = ", ".join(".".join(map(str, p.version)) for p in pythons)
    libs = ", ".join("%s %s" % kv for kv in sorted(kept["versions"].items()))
    lines = [
        "# table: stdlib",
        "# columns: old name (module, module.attribute or unittest.TestCase.method), replacement (- = none), "
        "import (the module to import for the replacement), safety (safe = the same object, or a deprecated "
        "wrapper that only called it; review = otherwise; - = guidance only), removed (the first Python without it), "
        "kept (test-case classes of TensorFlow and absl that still define the alias; - = none), note",
        "# source: generated by %s from CPython %s (public modules of the standard library, module-level names of "
        "%d modules, unittest.TestCase attributes) and tools/stdlib_curated.tsv (replacements and notes); "
        "test-case aliases kept: Python %s with %s" % (GENERATOR, names, len(MODULES),
                                                       ".".join(map(str, tf.version)), libs),
        "# counts: " + " ".join("%s=%d" % kv for kv in sorted(counts.items()))
        + " | " + " ".join("%s=%d" % kv for kv in sorted(safeties.items())),
        "# check: every replacement resolves in CPython %s (import the module, then the attribute path, "
        "in a fresh -I -S interpreter); safety from the last Python that has the old name"
        % ", ".join(".".join(map(str, p.version)) for p in checked),
        "# rows: %d" % len(rows),
    ]
    for key in sorted(rows):
        r = rows[key]
        lines.append("\t".join((key, r["replacement"], r["import"], r["safety"], r["removed"], r["kept"],
                                r["note"].replace("\t", " "))))
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "stdlib.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    sys.stderr.write("gen_stdlib: %d rows (%s)\n" % (len(rows), lines[3][2:]))


if __name__ == "__main__":
    main()
