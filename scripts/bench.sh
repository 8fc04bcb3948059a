#!/usr/bin/env bash
# Times `sot lint` on generated workspaces (the tests' corpus generator, three defects
# of each rule) beside two floors measured in the same run: `cat` of every document,
# reading every document plus one pulldown-cmark pass over it on every core
# (examples/parse_floor.rs), and the same plus parsing each document's YAML frontmatter
# with serde_yaml (`parse_floor --frontmatter`, the floor of any linter that reads
# frontmatter). Also the one-file run a pre-commit hook makes (without
# the cache, with it warm, and right after another document changed),
# the cpp-docs corpus when the shared data is beside the checkout, and rumdl (its link
# rules) and lychee (offline, with fragments) when installed, on the PATH or where the
# shared bench's `peers.py install` puts them ($SOT_PEERS, ~/.cache/sot-peers), and
# `sot server` with ONE_FILE open (examples/server_bench.rs). Prints
# the median wall time and peak memory of each, ratios to the floor, each peer's time
# as a multiple of sot's, and how time and memory grow from one size to the next.
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
peers=${SOT_PEERS:-$HOME/.cache/sot-peers}/venv/bin
PATH=$PATH:$peers
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure() { # label, command...: median wall seconds and peak RSS (MiB) over $runs
  local label=$1; shift
  local walls=() rss=()
  for _ in $(seq "$runs"); do
    # Wall time from the shell's clock (microseconds; time(1) prints hundredths).
    local t0=$EPOCHREALTIME
    /usr/bin/time -f '%M' -o "$work/t" "$@" >/dev/null 2>&1 || true
    local t1=$EPOCHREALTIME
    walls+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')")
    rss+=("$(tail -n 1 "$work/t")")
  done
  local w m
  w=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  m=$(printf '%s\n' "${rss[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  printf '  %-28s %7.3f s %8d MiB' "$label" "$w" "$((m / 1024))"
  echo "$w" > "$work/last"
  echo "$m" > "$work/last_rss"
}

peer() { # seconds of the last measure (a peer's) over sot's, $1
  awk -v s="$(cat "$work/last")" -v f="$1" 'BEGIN { printf "   %6.2fx sot\n", s / f }'
}

ratio() { # seconds of the last measure over $floor and over $yaml_floor
  awk -v s="$(cat "$work/last")" -v f="$floor" -v y="$yaml_floor" \
    'BEGIN { if (f > 0 && y > 0) printf "   %5.1fx the floor, %5.1fx with YAML\n", s / f, s / y; else print "" }'
}

suite() { # label, workspace root, one file in it
  local label=$1 root=$2 one=$3
  echo "$label: $(find "$root" -name '*.md' | wc -l) documents, $(du -sh --apparent-size "$root" | cut -f1)"
  cd "$root"
  find . -name '*.md' -not -path './.git/*' -print0 > "$work/files"
  measure "cat" sh -c "xargs -0 cat < '$work/files' > /dev/null"; echo
  measure "read + parse floor" "$bin/examples/parse_floor" .; echo
  floor=$(cat "$work/last")
  measure "read + parse + YAML floor" "$bin/examples/parse_floor" --frontmatter .
  yaml_floor=$(cat "$work/last")
  awk -v y="$yaml_floor" -v f="$floor" 'BEGIN { printf "   %5.1fx the floor\n", y / f }'
  measure "sot lint --no-cache" "$bin/sot" lint --format json --no-cache; ratio
  whole=$(cat "$work/last"); whole_rss=$(cat "$work/last_rss")
  measure "sot lint (cache written)" "$bin/sot" lint --format json; ratio
  measure "sot lint --no-cache ONE_FILE" "$bin/sot" lint --format json --no-cache "$one"; ratio
  measure "sot lint ONE_FILE (warm)" "$bin/sot" lint --format json "$one"; ratio
  warm=$(cat "$work/last")
  # Another document edited before every run: it is parsed again, the rest is not.
  other=$(find . -name '*.md' -not -path './.git/*' | sort | sed -n 2p)
  measure "ONE_FILE after an edit" sh -c "echo >> '$other' && '$bin/sot' lint --format json '$one'"; ratio
  # The language server on ONE_FILE opened in an editor: start to its first
  # diagnostics, and each keystroke to its diagnostics (examples/server_bench.rs);
  # the keystroke against the warm one-file run above.
  "$bin/examples/server_bench" "$bin/sot" . "$one" 200 | sed 's/^/  sot server: /' | tee "$work/server"
  awk -v w="$warm" '/keystroke/ { for (i = 1; i <= NF; i++) if ($i == "median") m = $(i + 1) }
    END { if (m) printf "  sot server: a keystroke costs %.3fx a warm sot lint ONE_FILE\n", m / 1000 / w }' "$work/server"
  if command -v rumdl >/dev/null; then
    local links=(check --no-cache --no-config --color never --enable MD051,MD057)
    measure "rumdl, link rules" rumdl "${links[@]}" .; peer "$whole"
    measure "rumdl, link rules, ONE_FILE" rumdl "${links[@]}" "$one"; peer "$warm"
  fi
  if command -v lychee >/dev/null; then
    local offline=(--offline --include-fragments --no-progress --root-dir "$PWD")
    measure "lychee --offline" lychee "${offline[@]}" .; peer "$whole"
    measure "lychee --offline ONE_FILE" lychee "${offline[@]}" "$one"; peer "$warm"
  fi
  cd - >/dev/null
}

for n in "${sizes[@]}"; do
  "$bin/examples/gen_workspace" "$work/ws$n" "$n" 3 2 >/dev/null
  one=$(cd "$work/ws$n" && find . -name 'SoT.*.md' | sort | sed -n 1p)
  suite "generated, $n" "$work/ws$n" "$one"
  # Near-linear means the whole run grows about as the workspace does.
  if [ -n "${prev:-}" ]; then
    awk -v p="$prev" -v n="$n" -v t="$whole" -v pt="$prev_whole" -v m="$whole_rss" -v pm="$prev_rss" \
      'BEGIN { printf "  %d -> %d documents: %.1fx the time, %.1fx the memory of sot lint --no-cache\n", p, n, t / pt, m / pm }'
  fi
  prev=$n prev_whole=$whole prev_rss=$whole_rss
  rm -rf "$work/ws$n"
done
shared=${SOT_SHARED:-$here/../shared}
if [ -f "$shared/data/corpora/materialize.py" ]; then
  python3 "$shared/data/corpora/materialize.py" cpp-docs "$work/cpp" >/dev/null
  one=$(cd "$work/cpp" && find . -name '*.md' | sort | sed -n 1p)
  suite "cpp-docs (shared corpus)" "$work/cpp" "$one"
fi
