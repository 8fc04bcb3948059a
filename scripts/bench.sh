#!/usr/bin/env bash
# Times `sot lint` on a generated workspace beside `cat` of the same Markdown files
# (the floor: reading every byte once), in one run, and prints wall time and peak
# memory of each plus sot's time as a multiple of cat's.
#
#   scripts/bench.sh [DOCS] [RUNS]     defaults: 10000 documents, 5 runs each
set -euo pipefail
docs=${1:-10000}
runs=${2:-5}
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${SOT_SHARED:-$here/../shared}
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
sot=$here/target/release/sot
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$shared/bench/gen_corpus.py" "$work/out" --docs "$docs" --defects 4 >/dev/null
cd "$work/out/ws"
find . -name '*.md' -not -path './.git/*' -print0 > "$work/files"

measure() { # label, command...: median wall seconds and median peak RSS (KiB) over $runs
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
  printf '%-24s %8.2f s %10d KiB\n' "$label" "$w" "$m"
  echo "$w" > "$work/$label.wall"
}

echo "$docs documents, $(du -sh --apparent-size . | cut -f1) on disk, median of $runs runs"
measure cat sh -c "xargs -0 cat < '$work/files' > /dev/null"
measure sot "$sot" lint --format json
awk -v s="$(cat "$work/sot.wall")" -v c="$(cat "$work/cat.wall")" \
  'BEGIN { if (c > 0) printf "sot / cat wall time: %.1fx\n", s / c; else print "cat too fast to compare" }'
