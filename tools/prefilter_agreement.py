#!/usr/bin/env python3
"""Check the scan's byte pre-filter on real code: `check` must find the same things with it and
without it (`--no-prefilter` parses every file).

    tools/prefilter_agreement.py BIN DIR [DIR...]

BIN is a tf2-migrate binary, DIR any folders of Python code (a corpus, a site-packages: code that
names no TensorFlow is what the filter decides on). Prints, per folder, the files each run
reported, how many files the filter left unparsed, and every disagreement; exits 1 on one.
"""

import json
import subprocess
import sys
import time
from pathlib import Path


def findings(binary, folder, *extra):
    """The findings of one `check` run, by file, and its wall time."""
    start = time.perf_counter()
    out = subprocess.run(
        [binary, "check", "--no-cache", "--no-ignore", "-q", "--format", "json", *extra, "."],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if out.returncode not in (0, 1):
        sys.exit(f"{binary} check failed in {folder} ({out.returncode}): {out.stderr.strip()}")
    report = json.loads(out.stdout)
    by_file = {
        f["path"]: sorted((x["rule"], x["line"], x["column"], x["message"]) for x in f["findings"])
        for f in report["files"]
    }
    return by_file, elapsed


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    binary = str(Path(argv[1]).resolve())
    bad = 0
    for folder in argv[2:]:
        files = sum(1 for _ in Path(folder).rglob("*.py"))
        with_filter, t_with = findings(binary, folder)
        without, t_without = findings(binary, folder, "--no-prefilter")
        print(
            f"{folder}: {files} .py files; {len(with_filter)} with findings with the filter "
            f"({t_with:.2f} s), {len(without)} without it ({t_without:.2f} s)"
        )
        for path in sorted(set(with_filter) | set(without)):
            a, b = with_filter.get(path), without.get(path)
            if a != b:
                bad += 1
                what = "missed by the filter" if a is None else "differs"
                print(f"  {path}: {what}: {len(a or [])} vs {len(b or [])} findings")
    print("agreement" if bad == 0 else f"{bad} files disagree")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
