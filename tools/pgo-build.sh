#!/usr/bin/env bash
# Build the release binary with profile-guided optimisation: GCC's for its C code (tree-sitter,
# the Python grammar and its scanner, mimalloc: the parse is ~70% of a cold `check`) and, when
# rustc's own `llvm-profdata` is installed (`rustup component add llvm-tools`), rustc's for the
# Rust code too.
#
#   tools/pgo-build.sh [TRAINING_DIR...]      -> target/pgo/release/tf2-migrate
#
# 1. builds with CFLAGS=-fprofile-generate (the C objects count their branches) and rustc's
#    -Cprofile-generate (so do the Rust crates),
# 2. runs that binary's `check --no-cache` and `diff --unsafe --no-cache` once over each training
#    folder, which writes the counts to target/pgo/profile/ (C) and target/pgo/profile/rust/,
# 3. rebuilds with -fprofile-use and -Cprofile-use from those counts, in the same target folder.
#
# GCC finds an object's profile by the object's absolute path, and cargo names the build folders
# of the C crates after RUSTFLAGS. So RUSTFLAGS stay the same in both builds, and rustc's profile
# flags go in through this script acting as RUSTC_WRAPPER (PGO_BUILD_RUSTC_FLAGS, which cargo does
# not see; build scripts and proc macros are left as they are). The script checks that the second
# build used the first one's folders.
#
# Training folders: by default the Python standard library of `python3` (its site-packages left
# out; any Python is good training for a Python parser; the measured trees are not used) and the
# repository's examples and test fixtures (TensorFlow 1 code, for the rules' rewrites).
#
# Environment: PGO_TARGET (default target/pgo), PGO_PROFILE (default $PGO_TARGET/profile),
# PGO_RUST=0 to profile the C code only.
# Needs: cargo, gcc (the C compiler `cc` picks), python3 when no folder is given.
set -euo pipefail

# As RUSTC_WRAPPER: `$0 RUSTC ARGS...`. Only crates being compiled get the flags (not cargo's
# `rustc -vV` and `--crate-name ___` probes).
if [[ -n ${PGO_BUILD_AS_WRAPPER:-} ]]; then
  rustc=$1
  shift
  args=" $* "
  if [[ -n ${PGO_BUILD_RUSTC_FLAGS:-} && $args == *" --crate-name "* && $args != *" --crate-name ___ "* &&
    $args != *" --crate-name build_script_"* && $args != *" --crate-type proc-macro "* ]]; then
    # shellcheck disable=SC2086 # the flags are words
    exec "$rustc" "$@" $PGO_BUILD_RUSTC_FLAGS
  fi
  exec "$rustc" "$@"
fi

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

# rustc's profiles need the llvm-profdata of rustc's own LLVM (another version's may not read them).
profdata=
if [[ ${PGO_RUST:-1} != 0 ]]; then
  sysroot=$(rustc --print sysroot)
  host=$(rustc -vV | sed -n 's/^host: //p')
  if [[ -x $sysroot/lib/rustlib/$host/bin/llvm-profdata ]]; then
    profdata=$sysroot/lib/rustlib/$host/bin/llvm-profdata
  else
    echo "pgo-build.sh: no llvm-profdata in rustc's sysroot (rustup component add llvm-tools): C code only" >&2
  fi
fi

# -lgcov: the instrumented C calls into GCC's profiling runtime, which rustc's link does not add.
# Kept for the second build too, so that both builds have the same RUSTFLAGS; unused there, the
# linker drops it.
export CARGO_TARGET_DIR=$TARGET
export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-lgcov"
export RUSTC_WRAPPER=${BASH_SOURCE[0]} PGO_BUILD_AS_WRAPPER=1
build_folders() { find "$TARGET/release/build" -maxdepth 1 -name '*-*' -printf '%f\n' 2>/dev/null | sort; }

echo "pgo-build.sh: 1/3 instrumented build in $TARGET" >&2
rm -rf "$PROFILE" && mkdir -p "$PROFILE/rust"
# Every Rust crate is compiled again in each build: cargo does not see the wrapper's flags.
rm -rf "$TARGET/release/.fingerprint"
PGO_BUILD_RUSTC_FLAGS=${profdata:+-Cprofile-generate=$PROFILE/rust} \
  CFLAGS="-fprofile-generate -fprofile-update=atomic -fprofile-dir=$PROFILE" \
  cargo build --release --locked --quiet
folders=$(build_folders)
bin=$TARGET/release/tf2-migrate

echo "pgo-build.sh: 2/3 training on $*" >&2
for dir in "$@"; do
  # Findings make `check` exit 1; the training only needs it to run.
  LLVM_PROFILE_FILE="$PROFILE/rust/%p-%m.profraw" "$bin" check -q --no-cache "$dir" >/dev/null 2>&1 || true
  LLVM_PROFILE_FILE="$PROFILE/rust/%p-%m.profraw" "$bin" diff --unsafe --no-cache "$dir" >/dev/null 2>&1 || true
done
count=$(find "$PROFILE" -name '*.gcda' | wc -l)
[[ $count -gt 0 ]] || die "training wrote no C profile into $PROFILE"
rust_flags=
if [[ -n $profdata ]]; then
  "$profdata" merge -o "$PROFILE/rust.profdata" "$PROFILE/rust"
  rust_flags="-Cprofile-use=$PROFILE/rust.profdata"
fi

echo "pgo-build.sh: 3/3 optimised build from $count C profiles${profdata:+ and the Rust profile}" >&2
rm -rf "$TARGET/release/.fingerprint"
# -fprofile-partial-training: code the training never ran is optimised as usual, not for size.
PGO_BUILD_RUSTC_FLAGS=$rust_flags \
  CFLAGS="-fprofile-use -fprofile-partial-training -Wno-missing-profile -fprofile-dir=$PROFILE" \
  cargo build --release --locked --quiet
[[ $(build_folders) == "$folders" ]] || die "the second build used other build folders: the C profiles were not found"
echo "$bin"
