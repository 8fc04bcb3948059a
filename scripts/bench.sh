#!/usr/bin/env bash
# Times `sot lint` on generated workspaces (the tests' corpus generator, three defects
# of each rule) beside two floors measured in the same run: `cat` of every document,
# and reading every document plus one pulldown-cmark pass over it on every core
# (examples/parse_floor.rs). Also the one-file run a pre-commit hook makes (without
# the cache, with it warm, and right after another document changed),
# the cpp-docs corpus when the shared data is beside the checkout, and rumdl and lychee
# when installed. Prints the median wall time and peak memory of each, and ratios.
#
#   scripts/bench.sh [RUNS] [SIZES...]     defaults: 5 runs; 1000 and 10000 documents
set -euo pipefail
runs=${1:-5}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
here=$(cd "$(dirname "$0")/.." && pwd)
cargo build --release --quiet --manifest-path "$here/Cargo.toml" --bin sot --examples
bin=$here/target/release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure() { # label, command...: median wall seconds and peak RSS (MiB) over $runs
  local label=$1; shift
  local walls=() rss=()
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %M' -o "$work/t" "$@" >/dev/null 2>&1 || true
    read -r w m < <(tail -n 1 "$work/t")
    walls+=("$w"); rss+=("$m")
  done
  local w m
  w=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  m=$(printf '%s\n' "${rss[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  printf '  %-28s %7.2f s %8d MiB' "$label" "$w" "$((m / 1024))"
  echo "$w" > "$work/last"
}

ratio() { # seconds of the last measure over $floor
  awk -v s="$(cat "$work/last")" -v f="$floor" \
    'BEGIN { if (f > 0) printf "   %5.1fx the floor\n", s / f; else print "" }'
}

suite() { # label, workspace root, one file in it
  local label=$1 root=$2 one=$3
  echo "$label: $(find "$root" -name '*.md' | wc -l) documents, $(du -sh --apparent-size "$root" | cut -f1)"
  cd "$root"
  find . -name '*.md' -not -path './.git/*' -print0 > "$work/files"
  measure "cat" sh -c "xargs -0 cat < '$work/files' > /dev/null"; echo
  measure "read + parse floor" "$bin/examples/parse_floor" .; echo
  floor=$(cat "$work/last")
  measure "sot lint --no-cache" "$bin/sot" lint --format json --no-cache; ratio
  measure "sot lint (cache written)" "$bin/sot" lint --format json; ratio
  measure "sot lint --no-cache ONE_FILE" "$bin/sot" lint --format json --no-cache "$one"; ratio
  measure "sot lint ONE_FILE (warm)" "$bin/sot" lint --format json "$one"; ratio
  # Another document edited before every run: it is parsed again, the rest is not.
  other=$(find . -name '*.md' -not -path './.git/*' | sort | sed -n 2p)
  measure "ONE_FILE after an edit" sh -c "echo >> '$other' && '$bin/sot' lint --format json '$one'"; ratio
  if command -v rumdl >/dev/null; then
    measure "rumdl check" rumdl check .; ratio
  fi
  if command -v lychee >/dev/null; then
    measure "lychee --offline" lychee --offline --include-fragments --no-progress .; ratio
  fi
  cd - >/dev/null
}

for n in "${sizes[@]}"; do
  "$bin/examples/gen_workspace" "$work/ws$n" "$n" 3 2 >/dev/null
  one=$(cd "$work/ws$n" && find . -name 'SoT.*.md' | sort | sed -n 1p)
  suite "generated, $n" "$work/ws$n" "$one"
done
shared=${SOT_SHARED:-$here/../shared}
if [ -f "$shared/data/corpora/materialize.py" ]; then
  python3 "$shared/data/corpora/materialize.py" cpp-docs "$work/cpp" >/dev/null
  one=$(cd "$work/cpp" && find . -name '*.md' | sort | sed -n 1p)
  suite "cpp-docs (shared corpus)" "$work/cpp" "$one"
fi
