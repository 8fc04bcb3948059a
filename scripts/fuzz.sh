#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 60), each seeded with the fixtures'
# documents (and sot.toml files for the config target). Needs the nightly toolchain and
# cargo-fuzz (`cargo install cargo-fuzz`). A crash or a failed property stops the run;
# libFuzzer writes the input to fuzz/artifacts/<target>/, which becomes a regression test.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
seconds=${1:-60}
shift || true
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here/fuzz"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(parse_document frontmatter slug lint_document config index_rewrite suppression)
# A build failure must fail the run, not hide behind a quiet fuzzer.
cargo +nightly fuzz build 2>&1 | tail -n 3
for target in "${targets[@]}"; do
  corpus=corpus/$target
  mkdir -p "$corpus"
  if [ "$target" = config ]; then
    i=0
    while IFS= read -r -d '' f; do cp "$f" "$corpus/seed-$i.toml"; i=$((i+1)); done \
      < <(find "$here/fixtures" -name sot.toml -print0)
  else
    i=0
    while IFS= read -r -d '' f; do cp "$f" "$corpus/seed-$i.md"; i=$((i+1)); done \
      < <(find "$here/fixtures" -name '*.md' -print0)
  fi
  echo "== $target: ${seconds}s"
  cargo +nightly fuzz run "$target" "$corpus" -- -max_total_time="$seconds" -max_len=65536 -print_final_stats=1 2>&1 |
    grep -E '^(Done|INFO: -max_total_time|==|SUMMARY|thread|panicked)|stat::number_of_executed_units' || true
  [ -z "$(ls -A "artifacts/$target" 2>/dev/null)" ] || { echo "$target found a failure: fuzz/artifacts/$target" >&2; exit 1; }
done
