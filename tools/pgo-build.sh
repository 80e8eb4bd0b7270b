#!/usr/bin/env bash
# Build the release binary with GCC profile-guided optimisation of its C code (tree-sitter, the
# Python grammar and its scanner, mimalloc): ~70% of a cold `check` is tree-sitter's parse.
#
#   tools/pgo-build.sh [TRAINING_DIR...]      -> target/pgo/release/tf2-migrate
#
# 1. builds with CFLAGS=-fprofile-generate (the C objects count their branches),
# 2. parses and analyses every .py file of the training folders once (`cargo bench --bench parse`
#    on one thread), which writes the counts to target/pgo/profile/,
# 3. rebuilds the C objects with -fprofile-use from those counts, in the same target folder (GCC
#    finds a profile by the object's absolute path), and links the binary.
#
# Training folders: by default the Python standard library of `python3` (its site-packages left
# out; any Python is good training for a Python parser; the measured trees are not used) and the
# repository's examples and test fixtures. The Rust code is not profiled (that needs llvm-profdata
# of rustc's own LLVM).
#
# Environment: PGO_TARGET (default target/pgo), PGO_PROFILE (default $PGO_TARGET/profile).
# Needs: cargo, gcc (the C compiler `cc` picks), python3 when no folder is given.
set -euo pipefail

die() { echo "pgo-build.sh: $*" >&2; exit 2; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
TARGET=$(mkdir -p "${PGO_TARGET:-target/pgo}" && cd "${PGO_TARGET:-target/pgo}" && pwd)
PROFILE=${PGO_PROFILE:-$TARGET/profile}
mkdir -p "$PROFILE"
PROFILE=$(cd "$PROFILE" && pwd)

if [[ $# -eq 0 ]]; then
  command -v python3 >/dev/null || die "python3 not found: name the training folders"
  stdlib=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
  set -- "$stdlib" "$ROOT/examples" "$ROOT/tests/fixtures"
fi
for dir in "$@"; do
  [[ -d $dir ]] || die "no such folder: $dir"
done

# -lgcov: the instrumented C calls into GCC's profiling runtime, which rustc's link does not add.
# Kept for the second build too, so that both builds have the same flags for Rust (and the same
# build-script folders, hence the same object paths); unused there, the linker drops it.
export CARGO_TARGET_DIR=$TARGET
export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-lgcov"

echo "pgo-build.sh: 1/3 instrumented build in $TARGET" >&2
rm -rf "$PROFILE" && mkdir -p "$PROFILE"
bench=$(CFLAGS="-fprofile-generate -fprofile-update=atomic -fprofile-dir=$PROFILE" \
  cargo build --release --locked --quiet --bench parse --message-format=json |
  python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "parse" and m.get("executable"):
        print(m["executable"])')
[[ -x $bench ]] || die "instrumented parse bench not found"

echo "pgo-build.sh: 2/3 training on $*" >&2
for dir in "$@"; do
  PARSE_BENCH_TREE=$dir PARSE_BENCH_RUNS=1 "$bench" >/dev/null
done
count=$(find "$PROFILE" -name '*.gcda' | wc -l)
[[ $count -gt 0 ]] || die "training wrote no profile into $PROFILE"

echo "pgo-build.sh: 3/3 optimised build from $count profiles" >&2
# -fprofile-partial-training: code the training never ran is optimised as usual, not for size.
CFLAGS="-fprofile-use -fprofile-partial-training -Wno-missing-profile -fprofile-dir=$PROFILE" \
  cargo build --release --locked --quiet
echo "$TARGET/release/tf2-migrate"
