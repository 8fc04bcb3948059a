#!/usr/bin/env python3
"""How `sot lint` scales with what a user can make large.

For each shape (one huge paragraph, one megabyte-long lines, dense links, reference links
to as many definitions, many entries,
many duplicate IDs, many placeholders, deep nesting) it lints a workspace of SIZE
megabytes and one of twice that, and prints the wall time and peak memory of each, the
time ratio (2.0 is linear, 4.0 quadratic) and the peak memory per input byte.

    scripts/scaling.py [--sot target/release/sot] [--mb 4] [--runs 3]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ENTRY = (
    "## DEP-{n:06d}: Rollout {n}\n\n**ID**: DEP-{n:06d}\n**Status**: Active\n\n"
    "See [DEP-000001](#dep-000001-rollout-1) and the runbook.\n\n"
)
FRONTMATTER = "---\ntitle: Deployments\nid_prefix: DEP\n---\n# Deployments\n\n"


def repeat(unit, size, head="# Notes\n\n"):
    return head + unit * max(1, (size - len(head)) // len(unit))


def entries(size, modulo=None):
    out, total, n = [FRONTMATTER], len(FRONTMATTER), 1
    while total < size:
        e = ENTRY.format(n=(n % modulo) + 1 if modulo else n)
        out.append(e)
        total += len(e)
        n += 1
    return "".join(out)


def references(size):
    """Reference links to as many definitions, all different."""
    out, total, n = ["# Notes\n\n"], 9, 0
    while total < size:
        unit = f"See [item {n}][label-{n}].\n\n[label-{n}]: https://example.com/{n}\n\n"
        out.append(unit)
        total += len(unit)
        n += 1
    return "".join(out)


# Each shape: the file it is written to (entries live in a SoT document) and its text.
SHAPES = {
    "one paragraph": ("notes.md", lambda s: repeat("Plain words, a [link](notes.md) and `code`. ", s) + "\n"),
    "1 MB lines": ("notes.md", lambda s: repeat("word " * 200_000 + "\n\n", s)),
    "dense links": ("notes.md", lambda s: repeat("[a](notes.md) [b](#notes) <https://example.com>\n", s)),
    "reference links": ("notes.md", references),
    "entries": ("SoT.DEPLOY.md", entries),
    "duplicate IDs": ("SoT.DEPLOY.md", lambda s: entries(s, modulo=1000)),
    "placeholders": ("notes.md", lambda s: repeat("Owner {Team name} on YYYY-MM-DD, see DEP-XXX.\n\n", s)),
    "nesting": ("notes.md", lambda s: repeat("> " * 1000 + "- " * 1000 + "x\n", s)),
}


def run(sot, root):
    """Wall seconds and peak RSS (bytes) of one `sot lint` in `root`."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sot, "lint", "--format", "json"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"sot failed in {root}")
    return wall, usage.ru_maxrss * 1024


def main():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser()
    ap.add_argument("--sot", default=os.path.join(here, "target/release/sot"))
    ap.add_argument("--mb", type=float, default=4)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    size = int(args.mb * 1_000_000)
    print(f"{'shape':16} {'size':>8} {'wall':>8} {'peak':>9} {'2x/1x':>6} {'bytes/byte':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (path, make) in SHAPES.items():
            walls = []
            for factor in (1, 2):
                root = os.path.join(tmp, f"{len(walls)}-{name.replace(' ', '-')}")
                os.makedirs(root)
                open(os.path.join(root, "sot.toml"), "w").close()
                text = make(size * factor)
                with open(os.path.join(root, path), "w") as f:
                    f.write(text)
                results = [run(args.sot, root) for _ in range(args.runs)]
                wall = statistics.median(r[0] for r in results)
                peak = statistics.median(r[1] for r in results)
                walls.append(wall)
                ratio = f"{walls[1] / walls[0]:6.2f}" if factor == 2 else ""
                print(
                    f"{name:16} {len(text) / 1e6:6.1f}MB {wall:7.2f}s {peak / 1e6:7.0f}MB "
                    f"{ratio:>6} {peak / len(text):10.1f}"
                )


if __name__ == "__main__":
    main()
