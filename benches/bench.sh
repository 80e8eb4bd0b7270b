#!/usr/bin/env bash
# Benchmark tf2-migrate (check cold and warm, apply) against TensorFlow's tf_upgrade_v2 on one tree
# of Python, and on a synthetic monorepo made of copies of it.
#
#   benches/bench.sh CORPUS_DIR [TF_VENV]
#
# CORPUS_DIR  a folder of TF1-era Python (read only: every run works on a copy).
# TF_VENV     a virtualenv with TensorFlow installed (has bin/tf_upgrade_v2); optional, the
#             side-by-side comparison is skipped without it. Also taken from $TF_VENV.
#
# Environment (all optional):
#   RUNS=5         hyperfine runs for tf2-migrate (at least 3)
#   TFU_RUNS=3     hyperfine runs for tf_upgrade_v2 (slow: ~30-60 s a run on 100k lines)
#   SCALE=10       also time `check`/`apply` on a synthetic monorepo made of SCALE copies of the
#                  corpus under other names (0 to skip; 10 copies of fetch-corpus: ~1.2M lines),
#                  with peak RSS and the review UI's first frame over it (`cargo bench --bench tui`)
#   BENCH_TMP=...  where copies go (default: a fresh mktemp -d, removed at the end)
#   KEEP=1         keep the work folder (hyperfine JSON, /usr/bin/time logs)
#   NO_BUILD=1     do not build (use the binary already built)
#   PGO=0          time the plain `cargo build --release` binary instead of the release build with
#                  profile-guided optimisation (`tools/pgo-build.sh`, ~8 minutes: its C code, where
#                  the tree-sitter parse is ~70% of a cold check and ~15% cheaper with it, and its
#                  Rust code when rustc's llvm-profdata is installed)
#   TF2_MIGRATE_BIN=...  time this binary (implies NO_BUILD)
#
# Needs: hyperfine, GNU time (/usr/bin/time -v), python3 (for the summary), cargo.
set -euo pipefail

die() { echo "bench.sh: $*" >&2; exit 2; }

[[ $# -ge 1 ]] || die "usage: benches/bench.sh CORPUS_DIR [TF_VENV]"
CORPUS=$(cd "$1" && pwd) || die "no such folder: $1"
TF_VENV=${2:-${TF_VENV:-}}
RUNS=${RUNS:-5}
TFU_RUNS=${TFU_RUNS:-3}
SCALE=${SCALE:-10}

command -v hyperfine >/dev/null || die "hyperfine not found (apt-get install -y hyperfine)"
[[ -x /usr/bin/time ]] || die "GNU time not found (apt-get install -y time)"
command -v python3 >/dev/null || die "python3 not found"

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PGO=${PGO:-1}
if [[ $PGO == 1 ]]; then
  DEFAULT_BIN=$ROOT/target/pgo/release/tf2-migrate BUILD="profile-guided (tools/pgo-build.sh)"
else
  DEFAULT_BIN=$ROOT/target/release/tf2-migrate BUILD="cargo build --release"
fi
if [[ -n ${TF2_MIGRATE_BIN:-} ]]; then
  BUILD="given binary"
elif [[ -z ${NO_BUILD:-} ]]; then
  if [[ $PGO == 1 ]]; then
    "$ROOT/tools/pgo-build.sh" >/dev/null
  else
    (cd "$ROOT" && cargo build --release --quiet)
  fi
fi
BIN=${TF2_MIGRATE_BIN:-$DEFAULT_BIN}
[[ -x $BIN ]] || die "binary not found: $BIN"

TFU=""
if [[ -n $TF_VENV ]]; then
  TFU=$TF_VENV/bin/tf_upgrade_v2
  [[ -x $TFU ]] || die "no tf_upgrade_v2 in $TF_VENV/bin"
fi

if [[ -n ${BENCH_TMP:-} ]]; then
  W=$BENCH_TMP
  mkdir -p "$W"
else
  W=$(mktemp -d -t tf2m-bench.XXXXXX)
fi
cleanup() { [[ -n ${KEEP:-} ]] || rm -rf "$W"; }
trap cleanup EXIT

# The tree every run reads: one copy, so the corpus itself is never touched.
rm -rf "$W/src"
cp -r "$CORPUS" "$W/src"

count_tree() { # prints "files lines"
  find "$1" -name '*.py' -type f -print0 | python3 -c '
import sys
paths = [p for p in sys.stdin.buffer.read().split(b"\0") if p]
lines = 0
for p in paths:
    with open(p, "rb") as f:
        lines += f.read().count(b"\n")
print(len(paths), lines)'
}
read -r FILES LINES < <(count_tree "$W/src")

# Peak RSS in KiB of one run of a command (GNU time's "Maximum resident set size").
peak_rss() { # label, command...
  local label=$1; shift
  /usr/bin/time -v -o "$W/time-$label.txt" "$@" >/dev/null 2>&1 || true
  awk -F': ' '/Maximum resident set size/ {print $2}' "$W/time-$label.txt"
}

HF=(hyperfine --style basic --shell=none)
# "cold": no cache (removed before each run, so the run also pays for writing it); "warm": the
# cache the previous run left, the tree unchanged (the second `check` of a CI job, a re-review).
export TF2_MIGRATE_CACHE_DIR=$W/cache
LOAD=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
echo "== tree: $CORPUS ($FILES .py files, $LINES lines); $(nproc) cores; load $LOAD; $("$BIN" --version 2>/dev/null || echo tf2-migrate), $BUILD"

# check exits 1 when it finds something: -i keeps hyperfine going.
"${HF[@]}" -i --runs "$RUNS" --export-json "$W/check.json" \
  --prepare "rm -rf $W/cache" \
  -n "check (cold)" "$BIN check -q $W/src" >/dev/null
"${HF[@]}" -i --warmup 1 --runs "$RUNS" --export-json "$W/warm.json" \
  -n "check (warm)" "$BIN check -q $W/src" >/dev/null
# apply on a fresh copy each run (the copy is not timed), cold.
"${HF[@]}" --runs "$RUNS" --export-json "$W/apply.json" \
  --prepare "bash -c 'rm -rf $W/ours $W/cache && cp -r $W/src $W/ours'" \
  -n apply "$BIN apply --unsafe -q $W/ours" >/dev/null
rm -rf "$W/cache"
RSS_CHECK=$(peak_rss check "$BIN" check -q "$W/src")
RSS_WARM=$(peak_rss warm "$BIN" check -q "$W/src")
rm -rf "$W/ours" "$W/cache" && cp -r "$W/src" "$W/ours"
RSS_APPLY=$(peak_rss apply "$BIN" apply --unsafe -q "$W/ours")
# Same output cold and warm (the JSON findings of both).
rm -rf "$W/cache"
"$BIN" check -q --format json "$W/src" >"$W/cold-out.json" || true
"$BIN" check -q --format json "$W/src" >"$W/warm-out.json" || true
cmp -s "$W/cold-out.json" "$W/warm-out.json" || die "cold and warm check disagree (see $W/cold-out.json, $W/warm-out.json; KEEP=1)"

if [[ -n $TFU ]]; then
  # tf_upgrade_v2 refuses an existing outtree: remove it before each run.
  "${HF[@]}" --runs "$TFU_RUNS" --export-json "$W/tfu.json" \
    --prepare "rm -rf $W/theirs" \
    -n tf_upgrade_v2 "$TFU --intree $W/src --outtree $W/theirs --reportfile $W/tfu-report.txt" \
    >/dev/null
  rm -rf "$W/theirs"
  RSS_TFU=$(peak_rss tfu "$TFU" --intree "$W/src" --outtree "$W/theirs" --reportfile "$W/tfu-report.txt")
fi

BIG_FILES=0 BIG_LINES=0
if [[ $SCALE -gt 0 ]]; then
  rm -rf "$W/big"
  mkdir -p "$W/big"
  for i in $(seq 1 "$SCALE"); do cp -r "$W/src" "$W/big/team$i"; done
  BIG_FILES=$((FILES * SCALE)) BIG_LINES=$((LINES * SCALE))
  "${HF[@]}" -i --runs "$RUNS" --export-json "$W/big-check.json" \
    --prepare "rm -rf $W/cache" \
    -n "check x$SCALE (cold)" "$BIN check -q $W/big" >/dev/null
  "${HF[@]}" -i --warmup 1 --runs "$RUNS" --export-json "$W/big-warm.json" \
    -n "check x$SCALE (warm)" "$BIN check -q $W/big" >/dev/null
  "${HF[@]}" --runs "$RUNS" --export-json "$W/big-apply.json" \
    --prepare "bash -c 'rm -rf $W/bigours $W/cache && cp -r $W/big $W/bigours'" \
    -n "apply x$SCALE" "$BIN apply --unsafe -q $W/bigours" >/dev/null
  rm -rf "$W/cache"
  RSS_BIG=$(peak_rss bigcheck "$BIN" check -q "$W/big")
  RSS_BIG_WARM=$(peak_rss bigwarm "$BIN" check -q "$W/big")
  rm -rf "$W/bigours" "$W/cache" && cp -r "$W/big" "$W/bigours"
  RSS_BIG_APPLY=$(peak_rss bigapply "$BIN" apply --unsafe -q "$W/bigours")
  rm -rf "$W/bigours"
  # The review UI's first frame over the monorepo (files stream in behind it).
  UI=$(cd "$ROOT" && TUI_BENCH_TREE=$W/big cargo bench --quiet --bench tui 2>/dev/null | grep "first frame, $W/big" || true)
fi

LOAD=$LOAD W="$W" FILES=$FILES LINES=$LINES BIG_FILES=$BIG_FILES BIG_LINES=$BIG_LINES SCALE=$SCALE \
RSS_CHECK=$RSS_CHECK RSS_WARM=$RSS_WARM RSS_APPLY=$RSS_APPLY RSS_TFU=${RSS_TFU:-} RSS_BIG=${RSS_BIG:-} \
RSS_BIG_WARM=${RSS_BIG_WARM:-} RSS_BIG_APPLY=${RSS_BIG_APPLY:-} UI=${UI:-} \
python3 - <<'EOF'
import json, os, statistics
W = os.environ["W"]
files, lines = int(os.environ["FILES"]), int(os.environ["LINES"])
big_files, big_lines = int(os.environ["BIG_FILES"]), int(os.environ["BIG_LINES"])

def load(name):
    p = os.path.join(W, name)
    if not os.path.exists(p):
        return None
    r = json.load(open(p))["results"][0]
    return r

def rss(name):
    v = os.environ.get(name)
    return f"{int(v) / 1024:.1f} MiB" if v else "-"

rows = []
def row(label, r, nf, nl, rssv):
    med = r["median"]
    cpu = r["user"] + r["system"]
    rows.append((label, f"{med:.3f}", f"{min(r['times']):.3f}", f"{max(r['times']):.3f}",
                 f"{cpu:.3f}", len(r["times"]), f"{nf / med:,.0f}", f"{nl / med:,.0f}",
                 f"{nl / cpu:,.0f}", rssv))
    return med

check, warm, apply_, tfu = load("check.json"), load("warm.json"), load("apply.json"), load("tfu.json")
m_check = row("tf2-migrate check (cold)", check, files, lines, rss("RSS_CHECK"))
m_warm = row("tf2-migrate check (warm)", warm, files, lines, rss("RSS_WARM"))
m_apply = row("tf2-migrate apply --unsafe (cold)", apply_, files, lines, rss("RSS_APPLY"))
m_tfu = row("tf_upgrade_v2 --intree/--outtree", tfu, files, lines, rss("RSS_TFU")) if tfu else None
bc, bw, ba = load("big-check.json"), load("big-warm.json"), load("big-apply.json")
scale = os.environ["SCALE"]
if bc:
    m_bc = row(f"tf2-migrate check (x{scale}, cold)", bc, big_files, big_lines, rss("RSS_BIG"))
    m_bw = row(f"tf2-migrate check (x{scale}, warm)", bw, big_files, big_lines, rss("RSS_BIG_WARM"))
    m_ba = row(f"tf2-migrate apply --unsafe (x{scale}, cold)", ba, big_files, big_lines, rss("RSS_BIG_APPLY"))

hdr = ("command", "median s", "min s", "max s", "mean CPU s", "runs", "files/s", "lines/s",
       "lines/CPU-s", "peak RSS")
print()
print("| " + " | ".join(hdr) + " |")
print("|" + "---|" * len(hdr))
for r in rows:
    print("| " + " | ".join(str(c) for c in r) + " |")
print()
cpu = lambda r: r["user"] + r["system"]
if m_tfu:
    print("speed ratio, whole process (tf_upgrade_v2 / ours), same tree:")
    print(f"  wall medians: check cold {m_tfu / m_check:.1f}x (target >= 100x), check warm"
          f" {m_tfu / m_warm:.0f}x (target >= 1,000x), apply --unsafe cold {m_tfu / m_apply:.1f}x")
    print(f"  CPU time (user+sys means, robust to a loaded machine): check cold {cpu(tfu) / cpu(check):.1f}x,"
          f" check warm {cpu(tfu) / cpu(warm):.0f}x, apply --unsafe cold {cpu(tfu) / cpu(apply_):.1f}x")
print(f"warm / cold check: {m_check / m_warm:.1f}x faster; cold and warm output identical")
best = (big_lines / m_bc) if bc else (lines / m_check)
print(f"cold check throughput: {best:,.0f} lines/s wall on {os.cpu_count()} cores;"
      f" load average at start {os.environ.get('LOAD', '?')} (a busy machine inflates wall times:"
      " compare the CPU columns)")
if bc:
    per = lambda v: int(v) / 1024 if v else float("nan")
    print(f"scale: x{scale} lines -> check cold time x{m_bc / m_check:.1f}, peak RSS "
          f"{per(os.environ.get('RSS_CHECK')):.0f} -> {per(os.environ.get('RSS_BIG')):.0f} MiB (target < 200 MiB)")
ui = os.environ.get("UI")
if ui:
    print("review UI over the monorepo: " + ui)
EOF
