#!/usr/bin/env python3
"""Run tf2-migrate and TensorFlow's own upgrader, tf_upgrade_v2, on the inputs of
tf_upgrade_v2's unit tests, and judge both outputs with tools/api_check.py.

    tools/upgrade_pairs.py TEST_FILE --tfu PATH/tf_upgrade_v2 [--bin PATH/tf2-migrate]
                           [--work DIR] [--keep] [--json OUT]

TEST_FILE is TensorFlow's tensorflow/tools/compatibility/tf_upgrade_v2_test.py (third-party
code: keep it out of this repository). It is read with `ast`, never run.

Inputs. In every `test*` method, the first argument of each `self._upgrade(ARG, ...)` call and
each element of `self._upgrade_multiple([...])` is evaluated statically, walking the method's
statements in order: a string constant (implicit concatenation included), a name bound earlier
in the method (the latest binding before the call), `+`, `%` and `.format` of such values, and
literal lists, tuples and dicts (`.items()` too). A `for` over a list that evaluates binds its
target once per element, so a call in the loop body yields one input per element; a name bound
to something else (a call, a lambda's result, a method parameter) makes the call unevaluable.
Unevaluable calls, calls with `import_rename=` or `upgrade_compat_v1_import=` (anything but
False; those test another mode of the upgrader) and inputs that do not parse as Python 3 are
skipped and counted. Identical inputs are kept once.

Each input becomes WORK/input/case_NNNN.py, preceded by `import tensorflow as tf` when it does
not import TensorFlow itself (the tests assume `tf` is TensorFlow; our tool and the checker
resolve names through imports). Then:

  tfu   `tf_upgrade_v2 --intree WORK/input --outtree WORK/tfu --reportfile WORK/tfu_report.txt`
  ours  a copy of WORK/input, then `tf2-migrate apply --unsafe --no-cache -q WORK/ours`

A file is VALID when it exists, is not emptied, parses, and `api_check.py` reports no name,
import or keyword finding in it (against the TF 2.21 listings of tools/api). The unmigrated
inputs are judged the same way: many are valid as they are (a name the checker cannot resolve,
such as `slim.x` without an import, or one TF 2.21 still has), so the table has a second column
with only the inputs that are not valid before migration.

Printed: how many inputs were found and skipped; the table (valid after each tool, both, only
one, neither); findings of each tree (input, tfu, ours) by kind and by group; up to 15 inputs
valid after tf_upgrade_v2 but not after tf2-migrate (input, our output, why) and up to 10 the
other way. `--json OUT` writes all of it, per input. Exit 0 (a measuring tool, not a gate).

Limits: validity is static: the names, imports and keywords exist in TF 2.21, not that the
code behaves as before. A rewrite to `tf.compat.v1` is valid, and so is a call whose positional
arguments now land on other parameters (arity and positions are not checked). `tf.compat.v2.X`
is judged as `tf.X` (the listings' walk starts at tf.compat.v2). Names the input never imports
(`slim.x`, `contrib_layers.x`, `dataset.x`) are not checked. Many test inputs are fragments
(`tf.contrib.rnn`, `tf.gradients(yx=a)`) rather than meaningful TF1 code. Calls in helper methods
(`verify_compat_v1_rename_correctness`) and in `@parameterized` tests are not followed.
"""

from __future__ import annotations

import argparse
import ast
import collections
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
UPGRADE_CALLS = ("_upgrade", "_upgrade_multiple")
MODE_KEYWORDS = ("import_rename", "upgrade_compat_v1_import")
TREES = ("input", "tfu", "ours")
KINDS = ("name", "import", "keyword")


class Unknown(Exception):
    """The expression has no static value."""


# --- extracting the inputs -------------------------------------------------------------------

def evaluate(node: ast.expr, env: dict):
    """The value of a constant expression under env (name -> value); raises Unknown."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in env:
            return env[node.id]
        raise Unknown
    if isinstance(node, (ast.List, ast.Tuple)):
        values = [evaluate(e, env) for e in node.elts]
        return values if isinstance(node, ast.List) else tuple(values)
    if isinstance(node, ast.Dict) and None not in node.keys:
        return {evaluate(k, env): evaluate(v, env) for k, v in zip(node.keys, node.values)}
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        left, right = evaluate(node.left, env), evaluate(node.right, env)
        if isinstance(node.op, ast.Add) and type(left) is type(right) and isinstance(left, (str, list, tuple)):
            return left + right
        if isinstance(node.op, ast.Mod) and isinstance(left, str):
            try:
                return left % right
            except (TypeError, ValueError) as e:
                raise Unknown from e
        raise Unknown
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return evaluate_method(node, env)
    raise Unknown


def evaluate_method(node: ast.Call, env: dict):
    """`"...".format(...)` and `{...}.items()` of constant values."""
    obj = evaluate(node.func.value, env)
    args = [evaluate(a, env) for a in node.args]
    kwargs = {k.arg: evaluate(k.value, env) for k in node.keywords if k.arg}
    if len(kwargs) != len(node.keywords):
        raise Unknown
    if node.func.attr == "format" and isinstance(obj, str):
        try:
            return obj.format(*args, **kwargs)
        except (IndexError, KeyError, ValueError) as e:
            raise Unknown from e
    if node.func.attr == "items" and isinstance(obj, dict) and not args and not kwargs:
        return list(obj.items())
    raise Unknown


def bind(target: ast.expr, value, env: dict) -> None:
    """Bind an assignment or loop target; names whose value is unknown are forgotten."""
    if isinstance(target, ast.Name):
        env[target.id] = value
    elif (isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (list, tuple))
          and len(value) == len(target.elts)):
        for t, v in zip(target.elts, value):
            bind(t, v, env)
    else:
        forget(target, env)


def forget(node: ast.AST, env: dict) -> None:
    """Forget every name that node stores to."""
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            env.pop(n.id, None)


def upgrade_calls(node: ast.AST):
    """The `self._upgrade(...)` / `self._upgrade_multiple(...)` calls in node."""
    for n in ast.walk(node):
        if (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in UPGRADE_CALLS
                and isinstance(n.func.value, ast.Name) and n.func.value.id == "self"):
            yield n


def call_inputs(call: ast.Call, env: dict) -> tuple[list[str], str | None]:
    """(input texts, None) of one call, or ([], reason it is skipped)."""
    for k in call.keywords:
        if k.arg in MODE_KEYWORDS and not (isinstance(k.value, ast.Constant) and k.value.value is False):
            return [], "mode"
    try:
        value = evaluate(call.args[0], env) if call.args else None
    except Unknown:
        return [], "unevaluable"
    texts = value if call.func.attr == "_upgrade_multiple" else [value]
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        return [], "unevaluable"
    return texts, None


class Extractor:
    """Walks one test method's statements in order, keeping the constant value of names."""

    def __init__(self, method: str):
        self.method = method
        self.inputs: list[tuple[str, int, str]] = []  # (method, index, text)
        self.skipped: collections.Counter = collections.Counter()

    def take(self, node: ast.AST, env: dict) -> None:
        for call in upgrade_calls(node):
            texts, reason = call_inputs(call, env)
            if reason:
                self.skipped[reason] += 1
            for text in texts:
                self.inputs.append((self.method, len(self.inputs), text))

    def body(self, stmts: list[ast.stmt], env: dict) -> None:
        for st in stmts:
            if isinstance(st, (ast.For, ast.AsyncFor)):
                self.loop(st, env)
            elif isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.body(st.body, {})  # a nested function: its names are its own
            elif isinstance(st, (ast.If, ast.While)):
                self.take(st.test, env)
                self.body(st.body + st.orelse, env)
            elif isinstance(st, (ast.With, ast.AsyncWith)):
                for item in st.items:
                    self.take(item.context_expr, env)
                    if item.optional_vars is not None:
                        forget(item.optional_vars, env)
                self.body(st.body, env)
            elif isinstance(st, ast.Try):
                self.body(st.body + [s for h in st.handlers for s in h.body] + st.orelse + st.finalbody, env)
            else:
                self.take(st, env)
                self.assign(st, env)

    def loop(self, st: ast.For, env: dict) -> None:
        try:
            items = evaluate(st.iter, env)
        except Unknown:
            items = None
        if isinstance(items, (list, tuple)):
            for item in items:
                inner = dict(env)
                bind(st.target, item, inner)
                self.body(st.body, inner)
        else:
            inner = dict(env)
            forget(st.target, inner)
            self.body(st.body, inner)
        forget(st, env)  # after the loop, what it bound is not known

    @staticmethod
    def assign(st: ast.stmt, env: dict) -> None:
        """Record what a simple statement binds: a constant value, else the name is forgotten."""
        if isinstance(st, ast.Assign):
            targets, expr = st.targets, st.value
        elif isinstance(st, ast.AugAssign) and isinstance(st.target, ast.Name):
            targets, expr = [st.target], ast.BinOp(ast.Name(st.target.id, ast.Load()), st.op, st.value)
        else:
            forget(st, env)
            return
        try:
            value = evaluate(expr, env)
        except Unknown:
            forget(st, env)
            return
        for t in targets:
            bind(t, value, env)


def extract(test_file: Path) -> tuple[list[tuple[str, int, str]], collections.Counter]:
    """All (method, index, text) of the test methods, and the skipped calls by reason."""
    tree = ast.parse(test_file.read_text(encoding="utf-8"), filename=str(test_file))
    inputs, skipped = [], collections.Counter()
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
        for fn in cls.body:
            if isinstance(fn, ast.FunctionDef) and fn.name.startswith("test"):
                ex = Extractor(fn.name)
                ex.body(fn.body, {})
                inputs += ex.inputs
                skipped += ex.skipped
    return inputs, skipped


def imports_tensorflow(tree: ast.Module) -> bool:
    for n in ast.walk(tree):
        if isinstance(n, ast.Import):
            names = [a.name for a in n.names]
        elif isinstance(n, ast.ImportFrom) and n.level == 0 and n.module:
            names = [n.module]
        else:
            continue
        if any(name.split(".")[0] == "tensorflow" for name in names):
            return True
    return False


def as_file(text: str) -> str | None:
    """The case file of one input (with `import tensorflow as tf` where it has no TensorFlow
    import, placed after any `from __future__` imports), or None if it is not Python 3."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    if imports_tensorflow(tree):
        return text
    future = [n for n in tree.body if isinstance(n, ast.ImportFrom) and n.module == "__future__"]
    if not future:
        return "import tensorflow as tf\n" + text
    lines = text.splitlines(keepends=True)
    at = future[-1].end_lineno
    return "".join(lines[:at]) + "import tensorflow as tf\n" + "".join(lines[at:])


def cases_of(inputs: list[tuple[str, int, str]], skipped: collections.Counter) -> list[dict]:
    """One case per distinct input that parses, numbered in order of first appearance."""
    seen: dict[str, dict] = {}
    unparsable = set()
    for method, index, text in inputs:
        if text in seen:
            seen[text]["also"].append(f"{method}#{index}")
            continue
        if text in unparsable:
            continue
        body = as_file(text)
        if body is None:
            unparsable.add(text)
            continue
        seen[text] = {"file": f"case_{len(seen) + 1:04d}.py", "method": method, "index": index,
                      "source": text, "text": body, "also": []}
    skipped["not python 3"] = len(unparsable)
    return list(seen.values())


# --- running the tools and the checker -------------------------------------------------------

def run(cmd: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def make_trees(cases: list[dict], work: Path, tfu: Path, binary: Path) -> None:
    for name in TREES:
        shutil.rmtree(work / name, ignore_errors=True)
    (work / "input").mkdir(parents=True)
    for c in cases:
        (work / "input" / c["file"]).write_text(c["text"], encoding="utf-8")
    p = run([str(tfu), "--intree", str(work / "input"), "--outtree", str(work / "tfu"),
             "--reportfile", str(work / "tfu_report.txt")])
    if p.returncode != 0:
        print(f"tf_upgrade_v2 exited {p.returncode}: {p.stdout[-500:]}", file=sys.stderr)
    shutil.copytree(work / "input", work / "ours")
    p = run([str(binary), "apply", "--unsafe", "--no-cache", "-q", str(work / "ours")])
    if p.returncode not in (0, 1):
        print(f"tf2-migrate apply exited {p.returncode}: {p.stdout[-500:]}", file=sys.stderr)


def api_check(tree: Path, out: Path) -> dict[str, list[dict]]:
    """api_check.py's findings per file of tree."""
    p = run([sys.executable, str(HERE / "api_check.py"), str(tree), "--json", str(out)])
    if p.returncode != 0:
        raise SystemExit(f"api_check.py failed on {tree}: {p.stdout[-500:]}")
    per_file = collections.defaultdict(list)
    for f in json.loads(out.read_text(encoding="utf-8"))["findings"]:
        per_file[f["file"]].append(f)
    return per_file


def read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None


def verdict(text: str | None, source: str, findings: list[dict]) -> str | None:
    """None when an output file (text, None if missing) is valid, else why not."""
    if text is None:
        return "no output"
    if source.strip() and not text.strip():
        return "emptied"
    try:
        ast.parse(text)
    except (SyntaxError, ValueError) as e:
        return f"does not parse: {e.msg} (line {e.lineno})"
    if findings:
        return "; ".join(f"{f['kind']}: {f['name']}" for f in findings)
    return None


def judge(cases: list[dict], work: Path) -> dict[str, dict]:
    """Per tree: per-case verdicts filled into cases, and finding counts by kind and group."""
    totals = {}
    for name in TREES:
        per_file = api_check(work / name, work / f"api_check_{name}.json")
        kinds, groups, unparsed = collections.Counter(), collections.Counter(), 0
        for c in cases:
            findings = per_file.get(c["file"], [])
            text = read(work / name / c["file"])
            why = verdict(text, c["text"], findings)
            c[name] = {"valid": why is None, "why": why}
            if name != "input":
                c[name]["output"] = text
            unparsed += bool(why and why.startswith("does not parse"))
            for f in findings:
                kinds[f["kind"]] += 1
                groups[f["group"]] += 1
        totals[name] = {"valid": sum(c[name]["valid"] for c in cases), "unparsed": unparsed,
                        "findings": sum(kinds.values()), "by_kind": {k: kinds[k] for k in KINDS},
                        "by_group": dict(groups.most_common())}
    return totals


# --- report ----------------------------------------------------------------------------------

def agreement(cases: list[dict]) -> dict[str, int]:
    t = [c["tfu"]["valid"] for c in cases]
    o = [c["ours"]["valid"] for c in cases]
    pairs = list(zip(t, o))
    return {"inputs": len(cases), "valid_tfu": sum(t), "valid_ours": sum(o), "both": pairs.count((True, True)),
            "only_tfu": pairs.count((True, False)), "only_ours": pairs.count((False, True)),
            "neither": pairs.count((False, False))}


def indented(text: str | None) -> str:
    return "      (none)" if text is None else "\n".join("      " + line for line in text.rstrip("\n").splitlines())


def show_cases(title: str, cases: list[dict], tree: str, limit: int) -> None:
    label = {"tfu": "tf_upgrade_v2", "ours": "tf2-migrate"}[tree]
    print(f"\n{title}: {len(cases)} (first {min(limit, len(cases))})")
    for c in cases[:limit]:
        print(f"\n  {c['file']}  {c['method']}#{c['index']}")
        print("    input:")
        print(indented(c["source"]))
        print(f"    after {label}:")
        print(indented(c[tree]["output"]))
        print(f"    why: {c[tree]['why']}")


def report(found: int, skipped: collections.Counter, cases: list[dict], totals: dict) -> dict:
    print(f"inputs: {found} from the test methods ({skipped['unevaluable']} calls unevaluable, {skipped['mode']} "
          f"with import_rename/upgrade_compat_v1_import skipped); {len(cases) + skipped['not python 3']} distinct, "
          f"{skipped['not python 3']} of them not Python 3: {len(cases)} cases")
    needing = [c for c in cases if not c["input"]["valid"]]
    figures = {"all": agreement(cases), "invalid_unmigrated": agreement(needing)}
    labels = {"inputs": "inputs", "valid_tfu": "valid after tf_upgrade_v2", "valid_ours": "valid after tf2-migrate",
              "both": "valid after both", "only_tfu": "only after tf_upgrade_v2",
              "only_ours": "only after tf2-migrate", "neither": "after neither"}
    print(f"\n  {'':<30s} {'all':>5s}  {'invalid unmigrated':>18s}")
    for key, label in labels.items():
        print(f"  {label:<30s} {figures['all'][key]:5d}  {figures['invalid_unmigrated'][key]:18d}")
    print("\nfindings (api_check, TF 2.21)  " + "  ".join(f"{k:>8s}" for k in ("total",) + KINDS + ("unparsed",)))
    for name in TREES:
        t = totals[name]
        print(f"  {name:<30s}{t['findings']:8d}  " + "  ".join(f"{t['by_kind'][k]:8d}" for k in KINDS) + f"  {t['unparsed']:8d}")
    for name in TREES:
        groups = ", ".join(f"{g} {n}" for g, n in totals[name]["by_group"].items()) or "-"
        print(f"  by group, {name}: {groups}")
    show_cases("valid after tf_upgrade_v2, not after tf2-migrate",
               [c for c in cases if c["tfu"]["valid"] and not c["ours"]["valid"]], "ours", 15)
    show_cases("valid after tf2-migrate, not after tf_upgrade_v2",
               [c for c in cases if c["ours"]["valid"] and not c["tfu"]["valid"]], "tfu", 10)
    return figures


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("test_file", type=Path, help="tf_upgrade_v2_test.py of TensorFlow")
    ap.add_argument("--tfu", type=Path, required=True, help="tf_upgrade_v2 executable")
    ap.add_argument("--bin", type=Path, default=ROOT / "target" / "release" / "tf2-migrate",
                    help="tf2-migrate binary (default: target/release/tf2-migrate)")
    ap.add_argument("--work", type=Path, default=None, help="work folder (default: temporary, removed unless --keep)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary work folder")
    ap.add_argument("--json", type=Path, default=None, help="write the figures and every case as JSON")
    a = ap.parse_args()
    for path, what in ((a.test_file, "test file"), (a.tfu, "tf_upgrade_v2"), (a.bin, "tf2-migrate binary")):
        if not path.is_file():
            ap.error(f"{what} not found: {path}")

    inputs, skipped = extract(a.test_file)
    cases = cases_of(inputs, skipped)
    tmp = None if a.work else Path(tempfile.mkdtemp(prefix="tf2m-pairs."))
    work = (a.work or tmp).resolve()
    try:
        make_trees(cases, work, a.tfu.absolute(), a.bin.absolute())
        totals = judge(cases, work)
        figures = report(len(inputs), skipped, cases, totals)
    finally:
        if tmp and not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    if tmp and a.keep:
        print(f"\nwork folder kept: {work}")
    if a.json:
        a.json.write_text(json.dumps({"found": len(inputs), "skipped": dict(skipped), "figures": figures,
                                      "trees": totals, "cases": cases}, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
