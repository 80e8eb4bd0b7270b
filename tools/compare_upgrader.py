#!/usr/bin/env python3
"""Compare tf2-migrate with TensorFlow's own upgrader, tf_upgrade_v2, on one tree of Python.

    tools/compare_upgrader.py CORPUS_DIR --tf-venv VENV [--work DIR] [--bin PATH] [--json OUT]

Both tools run on copies of CORPUS_DIR (never on it): ours is `tf2-migrate apply --unsafe`
(default strategy unless --strategy), theirs `tf_upgrade_v2 --intree CORPUS --outtree DIR`.
For every file, the TensorFlow dotted names (`tf.x.y`, `tensorflow.x.y`, read with the tokenizer,
so comments and strings do not count) are counted before and after each tool. A name whose count
fell was rewritten away ("-tf.log"); a name whose count rose was introduced ("+tf.math.log").
The set of these signed names is a file's edit set; agreement is the Jaccard index of the two
tools' edit sets, over the files at least one tool changed. The rewritten-away names are then
split into those only we rewrite and those only they rewrite, with a guessed reason.

Printed: per-file agreement (mean/median Jaccard), the only-ours / only-theirs counts and
top-N of each, files each tool changes and flags, files tf_upgrade_v2 emptied or failed on,
files whose output no longer parses (ast.parse with this interpreter) for each tool.
Nothing is written outside --work (default: a temporary folder, removed unless --keep).
"""

from __future__ import annotations

import argparse
import ast
import collections
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TF_ROOTS = {"tf", "tensorflow"}
DOTTED_RE = re.compile(r"(?<![\w.])(?:tf|tensorflow)(?:\.[A-Za-z_]\w*)+")


def dotted_names(text: str) -> collections.Counter:
    """TensorFlow dotted names in code (not comments/strings), `tensorflow.` written as `tf.`."""
    out: collections.Counter = collections.Counter()
    try:
        toks = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        # Python 2 or broken file: fall back to a regex on the raw text.
        for m in DOTTED_RE.finditer(text):
            out[norm(m.group(0))] += 1
        return out
    i, n = 0, len(toks)
    while i < n:
        t = toks[i]
        prev = toks[i - 1] if i else None
        if (
            t.type == tokenize.NAME
            and t.string in TF_ROOTS
            and not (prev is not None and prev.type == tokenize.OP and prev.string == ".")
            and not (prev is not None and prev.type == tokenize.NAME and prev.string in ("import", "as", "def", "class"))
        ):
            parts = [t.string]
            j = i + 1
            while j + 1 < n and toks[j].type == tokenize.OP and toks[j].string == "." and toks[j + 1].type == tokenize.NAME:
                parts.append(toks[j + 1].string)
                j += 2
            if len(parts) > 1:
                out[norm(".".join(parts))] += 1
            i = j
        else:
            i += 1
    return out


def norm(name: str) -> str:
    return "tf." + name[len("tensorflow."):] if name.startswith("tensorflow.") else name


def edit_set(before: collections.Counter, after: collections.Counter) -> set[str]:
    s = set()
    for k in set(before) | set(after):
        d = after.get(k, 0) - before.get(k, 0)
        if d < 0:
            s.add("-" + k)
        elif d > 0:
            s.add("+" + k)
    return s


def parses(text: str) -> bool:
    try:
        ast.parse(text)
        return True
    except (SyntaxError, ValueError):
        return False


def read(p: Path) -> str | None:
    try:
        return p.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:
        return None


def parse_tfu_report(report: Path, intree: Path) -> dict:
    """Per input file (relative path): renames {old: new}, warnings, errors, failed-to-parse."""
    files: dict = collections.defaultdict(lambda: {"renames": {}, "warn": 0, "error": 0, "failed": False})
    cur = None
    in_detail = False
    proc = re.compile(r"^Processing file '(.*)'$")
    msg = re.compile(r"^(\d+):(\d+): (INFO|WARNING|ERROR): (.*)$")
    ren = re.compile(r"Renamed (?:keyword argument .*? )?'([\w.]+)' to '([\w.]+)'")
    for line in report.read_text(errors="replace").splitlines():
        m = proc.match(line)
        if m:
            in_detail = True
            try:
                cur = str(Path(m.group(1)).resolve().relative_to(intree))
            except ValueError:
                cur = m.group(1)
            files[cur]
            continue
        if not in_detail or cur is None:
            continue
        if line.startswith("ERROR: Failed to parse"):
            files[cur]["failed"] = True
            continue
        m = msg.match(line)
        if m:
            kind, text = m.group(3), m.group(4)
            if kind == "WARNING":
                files[cur]["warn"] += 1
            elif kind == "ERROR":
                files[cur]["error"] += 1
            r = ren.search(text)
            if r and kind == "INFO":
                files[cur]["renames"][r.group(1)] = r.group(2)
    return files


def load_our_tables() -> dict[str, set[str]]:
    """Old names that appear in our data tables (first column), to tell 'our table lacks X'."""
    names: dict[str, set[str]] = {}
    d = ROOT / "src" / "rules" / "data"
    for f in sorted(d.glob("*.tsv")) if d.is_dir() else []:
        s = set()
        for line in f.read_text().splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            s.add(line.split("\t")[0].strip())
        names[f.stem] = s
    return names


def in_our_tables(name: str, tables: dict[str, set[str]]) -> bool:
    for s in tables.values():
        if name in s:
            return True
        # table entries may be prefixes (tf.contrib.slim) or written without the `tf.`
        short = name[3:] if name.startswith("tf.") else name
        if short in s:
            return True
        if any(name.startswith(e + ".") for e in s if e.startswith("tf.")):
            return True
    return False


def tf_binding(text: str) -> str:
    """How a file gets TensorFlow: 'tf' (import tensorflow as tf), 'tensorflow' (import
    tensorflow), 'alias' (another alias), 'indirect' (tf from elsewhere), 'none'."""
    if re.search(r"^\s*import\s+tensorflow\s+as\s+tf\b", text, re.M):
        return "tf"
    if re.search(r"^\s*import\s+tensorflow\.compat\.v1\s+as\s+tf\b", text, re.M):
        return "compat-tf"
    if re.search(r"^\s*import\s+tensorflow\s+as\s+\w+", text, re.M):
        return "alias"
    if re.search(r"^\s*import\s+tensorflow\b", text, re.M):
        return "tensorflow"
    if re.search(r"^\s*from\s+\S+\s+import\s+.*\btf\b", text, re.M) or re.search(r"^\s*tf\s*=", text, re.M):
        return "indirect"
    return "none"


def reason_only_theirs(old: str, binding: str, tables, they_new: str | None) -> str:
    if old.startswith("tf.contrib"):
        return "contrib"
    if old.startswith("tf.keras"):
        return "keras"
    if binding in ("indirect", "none"):
        return "file gets `tf` from elsewhere (re-export/`tf = ...`): we do not resolve it"
    if binding == "compat-tf":
        return "`tf` is already tensorflow.compat.v1: they rewrite anyway (redundant), we rightly leave it"
    if not in_our_tables(old, tables):
        return f"our table lacks {old}" + (f" (-> {they_new})" if they_new else "")
    return "in our table but not rewritten here (alias shadowed / scope / rule guard)"


def reason_only_ours(old: str, binding: str, their_known: set[str], their_failed: bool) -> str:
    if their_failed:
        return "tf_upgrade_v2 failed to parse the file (Python 2?)"
    if binding in ("tensorflow", "alias"):
        return "they only understand `tf`; file uses `tensorflow.`/another alias"
    if old.startswith("tf.contrib"):
        return "contrib (they only warn)"
    if old.startswith("tf.keras") or old.startswith("keras"):
        return "keras"
    if old in their_known:
        return "they rename it elsewhere but not here (context)"
    return "not in their table (TF2 kept the name, or they leave it)"


def run(cmd, **kw):
    t = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    return p, time.monotonic() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--tf-venv", type=Path, default=os.environ.get("TF_VENV"), help="venv with bin/tf_upgrade_v2 (or $TF_VENV)")
    ap.add_argument("--bin", type=Path, default=Path(os.environ.get("TF2_MIGRATE_BIN", ROOT / "target" / "release" / "tf2-migrate")))
    ap.add_argument("--strategy", default=None, help="our --strategy (default: the tool's default)")
    ap.add_argument("--work", type=Path, default=None, help="work folder (default: temporary)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument("--top", type=int, default=20)
    ap.add_argument("--json", type=Path, default=None, help="write the figures (no per-file listing) as JSON")
    ap.add_argument("--per-file", type=Path, default=None, help="write a per-file TSV (for local use only: do not commit)")
    a = ap.parse_args()

    if a.tf_venv is None:
        ap.error("--tf-venv (or $TF_VENV) is required")
    tfu = a.tf_venv / "bin" / "tf_upgrade_v2"
    if not tfu.exists():
        ap.error(f"no tf_upgrade_v2 in {a.tf_venv}/bin")
    if not a.bin.exists():
        ap.error(f"tf2-migrate binary not found: {a.bin} (cargo build --release)")
    corpus = a.corpus.resolve()

    tmp = None
    if a.work is None:
        tmp = tempfile.mkdtemp(prefix="tf2m-compare.")
        work = Path(tmp)
    else:
        work = a.work.resolve()
        work.mkdir(parents=True, exist_ok=True)
    try:
        return compare(a, corpus, work, tfu)
    finally:
        if tmp and not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)


def compare(a, corpus: Path, work: Path, tfu: Path) -> int:
    src, ours, theirs = work / "src", work / "ours", work / "theirs"
    for d in (src, ours, theirs):
        shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(corpus, src, symlinks=True)
    shutil.copytree(corpus, ours, symlinks=True)

    # Ours: findings first (on the untouched copy), then apply.
    strat = ["--strategy", a.strategy] if a.strategy else []
    p, _ = run([str(a.bin), "check", "--format", "json", *strat, str(src)])
    try:
        check = json.loads(p.stdout)
    except json.JSONDecodeError:
        print("tf2-migrate check --format json did not print JSON:", p.stderr[:500], file=sys.stderr)
        return 2
    ours_flag_any, ours_flag_attention = set(), set()
    for f in check.get("files", []):
        rel = str(Path(f["path"]).resolve().relative_to(src))
        if f.get("findings"):
            ours_flag_any.add(rel)
        if any(x.get("safety") in ("manual", "review") for x in f.get("findings", [])):
            ours_flag_attention.add(rel)
    p, t_ours = run([str(a.bin), "apply", "--unsafe", "-q", *strat, str(ours)])
    if p.returncode not in (0, 1):
        print(f"tf2-migrate apply exited {p.returncode}: {p.stderr[:500]}", file=sys.stderr)

    # Theirs.
    report = work / "tfu-report.txt"
    p, t_theirs = run([str(tfu), "--intree", str(src), "--outtree", str(theirs), "--reportfile", str(report)])
    if p.returncode != 0:
        print(f"tf_upgrade_v2 exited {p.returncode}: {p.stderr[-500:]}", file=sys.stderr)
    tfu_files = parse_tfu_report(report, src.resolve())
    tables = load_our_tables()

    files = sorted(str(q.relative_to(src)) for q in src.rglob("*.py") if q.is_file())
    jacc = []
    only_ours = collections.Counter()  # old name -> files
    only_theirs = collections.Counter()
    both = collections.Counter()
    reasons_ours: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    reasons_theirs: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    only_ours_occ = only_theirs_occ = 0
    their_known = {old for f in tfu_files.values() for old in f["renames"]}
    their_new = {}
    for f in tfu_files.values():
        their_new.update(f["renames"])
    changed_ours = changed_theirs = 0
    emptied, failed_tfu, missing_tfu = [], [], []
    unparse_ours, unparse_theirs, unparse_orig = [], [], 0
    per_file_rows = []

    for rel in files:
        orig = read(src / rel)
        o = read(ours / rel)
        t = read(theirs / rel)
        if orig is None:
            continue
        orig_ok = parses(orig)
        unparse_orig += not orig_ok
        if t is None:
            missing_tfu.append(rel)
        elif len(t) == 0 and len(orig) > 0:
            emptied.append(rel)
        if tfu_files.get(rel, {}).get("failed"):
            failed_tfu.append(rel)
        if o is not None and o != orig:
            changed_ours += 1
        if t is not None and t != orig:
            changed_theirs += 1
        if orig_ok:
            if o is not None and not parses(o):
                unparse_ours.append(rel)
            if t is not None and not parses(t):
                unparse_theirs.append(rel)
        if (o is None or o == orig) and (t is None or t == orig):
            continue
        cb = dotted_names(orig)
        eo = edit_set(cb, dotted_names(o)) if o is not None else set()
        et = edit_set(cb, dotted_names(t)) if t is not None else set()
        if eo or et:
            jacc.append(len(eo & et) / len(eo | et))
        binding = tf_binding(orig)
        removed_o = {x[1:] for x in eo if x[0] == "-"}
        removed_t = {x[1:] for x in et if x[0] == "-"}
        failed = tfu_files.get(rel, {}).get("failed", False)
        for old in removed_o - removed_t:
            only_ours[old] += 1
            only_ours_occ += cb[old]
            reasons_ours[old][reason_only_ours(old, binding, their_known, failed)] += 1
        for old in removed_t - removed_o:
            only_theirs[old] += 1
            only_theirs_occ += cb[old]
            reasons_theirs[old][reason_only_theirs(old, binding, tables, their_new.get(old))] += 1
        for old in removed_o & removed_t:
            both[old] += 1
        if a.per_file:
            per_file_rows.append((rel, len(eo), len(et), len(eo & et), len(removed_o - removed_t), len(removed_t - removed_o)))

    theirs_attention = {r for r, f in tfu_files.items() if f["warn"] or f["error"]}
    theirs_any = {r for r, f in tfu_files.items() if f["warn"] or f["error"] or f["renames"]}

    def top(counter, reasons, n):
        rows = []
        for name, nfiles in counter.most_common(n):
            reason = reasons[name].most_common(1)[0][0]
            rows.append({"name": name, "files": nfiles, "reason": reason})
        return rows

    def cat_totals(counter, reasons):
        c = collections.Counter()
        for name, r in reasons.items():
            for reason, k in r.items():
                key = "our table lacks X" if reason.startswith("our table lacks") else reason
                c[key] += k
        return c

    res = {
        "corpus_files": len(files),
        "corpus_files_not_parsing": unparse_orig,
        "seconds": {"ours_apply": round(t_ours, 2), "tf_upgrade_v2": round(t_theirs, 2)},
        "files_changed": {"ours": changed_ours, "theirs": changed_theirs},
        "files_flagged_any": {"ours": len(ours_flag_any), "theirs": len(theirs_any)},
        "files_flagged_attention": {"ours_manual_or_review": len(ours_flag_attention), "theirs_warning_or_error": len(theirs_attention)},
        "tfu_failed_to_parse": len(failed_tfu),
        "tfu_emptied": len(emptied),
        "tfu_missing_output": len(missing_tfu),
        "output_not_parsing": {"ours": len(unparse_ours), "theirs": len(unparse_theirs)},
        "jaccard_files": len(jacc),
        "jaccard_mean": round(statistics.mean(jacc), 3) if jacc else None,
        "jaccard_median": round(statistics.median(jacc), 3) if jacc else None,
        "jaccard_eq1_files": sum(1 for j in jacc if j == 1.0),
        "jaccard_eq0_files": sum(1 for j in jacc if j == 0.0),
        "renamed_names_both": {"distinct": len(both), "file_pairs": sum(both.values())},
        "renamed_only_ours": {"distinct": len(only_ours), "file_pairs": sum(only_ours.values()), "occurrences": only_ours_occ},
        "renamed_only_theirs": {"distinct": len(only_theirs), "file_pairs": sum(only_theirs.values()), "occurrences": only_theirs_occ},
        "only_ours_by_reason": dict(cat_totals(only_ours, reasons_ours).most_common()),
        "only_theirs_by_reason": dict(cat_totals(only_theirs, reasons_theirs).most_common()),
        "top_only_ours": top(only_ours, reasons_ours, a.top),
        "top_only_theirs": top(only_theirs, reasons_theirs, a.top),
    }

    print(f"corpus: {len(files)} .py files ({unparse_orig} do not parse as Python 3 before migration)")
    print(f"time: ours apply {t_ours:.2f} s, tf_upgrade_v2 {t_theirs:.2f} s")
    print(f"files changed:   ours {changed_ours:5d}   tf_upgrade_v2 {changed_theirs:5d}")
    print(f"files flagged (any finding/rename/warning): ours {len(ours_flag_any)}   tf_upgrade_v2 {len(theirs_any)}")
    print(f"files flagged for attention: ours (manual/review) {len(ours_flag_attention)}   tf_upgrade_v2 (WARNING/ERROR) {len(theirs_attention)}")
    print(f"tf_upgrade_v2: failed to parse {len(failed_tfu)}, emptied {len(emptied)}, no output {len(missing_tfu)}")
    print(f"output no longer parses (input did): ours {len(unparse_ours)}   tf_upgrade_v2 {len(unparse_theirs)}")
    if jacc:
        print(f"per-file agreement over {len(jacc)} files changed by either: Jaccard mean {res['jaccard_mean']}, "
              f"median {res['jaccard_median']}; identical {res['jaccard_eq1_files']}, disjoint {res['jaccard_eq0_files']}")
    print(f"rewritten-away names (distinct / file pairs / occurrences): both {len(both)}/{sum(both.values())}; "
          f"only ours {len(only_ours)}/{sum(only_ours.values())}/{only_ours_occ}; "
          f"only theirs {len(only_theirs)}/{sum(only_theirs.values())}/{only_theirs_occ}")
    for title, key in (("only ours, by reason (file pairs)", "only_ours_by_reason"), ("only theirs, by reason (file pairs)", "only_theirs_by_reason")):
        print(f"\n{title}:")
        for k, v in res[key].items():
            print(f"  {v:6d}  {k}")
    for title, key in (("top only ours", "top_only_ours"), ("top only theirs", "top_only_theirs")):
        print(f"\n{title} (files  name  reason):")
        for r in res[key]:
            print(f"  {r['files']:5d}  {r['name']:<50s} {r['reason']}")
    if a.json:
        a.json.write_text(json.dumps(res, indent=2) + "\n")
    if a.per_file:
        with open(a.per_file, "w") as fh:
            fh.write("file\tours_edits\ttheirs_edits\tshared\tonly_ours_removed\tonly_theirs_removed\n")
            for r in per_file_rows:
                fh.write("\t".join(map(str, r)) + "\n")
        lists = {"unparse_ours": unparse_ours, "unparse_theirs": unparse_theirs, "tfu_failed": failed_tfu, "tfu_emptied": emptied}
        Path(str(a.per_file) + ".lists.json").write_text(json.dumps(lists, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
