#!/usr/bin/env python3
"""Lint real repositories with sot and summarise the findings.

Usage: audit.py --sot BIN [--config-dir DIR] [--sample N --seed S] REPO_DIR...

Without --config-dir each repository is linted with no sot.toml (one present in the
repository is moved aside for the run). With it, DIR/<name>.toml (name = the repository
folder's name) is copied to the repository root as sot.toml for the run and removed after;
a repository without such a file is linted with no config. Prints, per repository, the
Markdown documents checked and the findings in total and per rule. With --sample N it
writes N findings per repository, drawn with random.Random(f"{seed}:{name}"), to
<samples-dir>/<name>.jsonl, each with the text of its source line for classification.
"""
import argparse, collections, json, os, random, shutil, subprocess, sys, time

def lint(sot, repo, config):
    toml = os.path.join(repo, "sot.toml")
    aside = toml + ".audit-aside"
    if os.path.exists(toml):
        os.rename(toml, aside)
    try:
        if config:
            shutil.copyfile(config, toml)
        t = time.time()
        proc = subprocess.run([sot, "lint", "--format", "json", "--exit-zero"], cwd=repo,
                              capture_output=True, text=True)
        elapsed = time.time() - t
    finally:
        if config and os.path.exists(toml):
            os.remove(toml)
        if os.path.exists(aside):
            os.rename(aside, toml)
    if proc.returncode != 0:
        sys.exit(f"{repo}: sot exited {proc.returncode}\n{proc.stderr}")
    report = json.loads(proc.stdout)
    return report, proc.stderr, elapsed

def source_line(repo, path, line):
    try:
        with open(os.path.join(repo, path), encoding="utf-8-sig", errors="replace") as f:
            for i, text in enumerate(f, 1):
                if i == line:
                    return text.rstrip("\r\n")
    except OSError:
        pass
    return None

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sot", required=True)
    ap.add_argument("--config-dir")
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--seed", default="0")
    ap.add_argument("--samples-dir", default="audit-samples")
    ap.add_argument("--json", help="also write the per-repository counts to this file")
    ap.add_argument("repos", nargs="+")
    args = ap.parse_args()
    sot = os.path.abspath(args.sot)
    rows = {}
    for repo in args.repos:
        repo = os.path.abspath(repo)
        name = os.path.basename(repo.rstrip("/"))
        config = None
        if args.config_dir:
            candidate = os.path.join(args.config_dir, name + ".toml")
            config = candidate if os.path.exists(candidate) else None
        report, stderr, elapsed = lint(sot, repo, config)
        diags = report["diagnostics"]
        per_rule = collections.Counter(d["rule"] for d in diags)
        rows[name] = {"config": bool(config), "files": report["summary"]["files_checked"],
                      "findings": len(diags), "per_rule": dict(sorted(per_rule.items())),
                      "seconds": round(elapsed, 2)}
        rules = ", ".join(f"{r} {c}" for r, c in per_rule.most_common())
        print(f"{name}{' (config)' if config else ''}: {rows[name]['files']} files, "
              f"{len(diags)} findings ({elapsed:.1f}s){': ' + rules if rules else ''}")
        for line in stderr.strip().splitlines():
            print(f"  stderr: {line}")
        if args.sample:
            rng = random.Random(f"{args.seed}:{name}")
            picked = sorted(rng.sample(range(len(diags)), min(args.sample, len(diags))))
            os.makedirs(args.samples_dir, exist_ok=True)
            out = os.path.join(args.samples_dir, f"{name}{'.config' if config else ''}.jsonl")
            with open(out, "w") as f:
                for i in picked:
                    d = dict(diags[i])
                    d["source"] = source_line(repo, d["file"], d["line"])
                    f.write(json.dumps(d) + "\n")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)

if __name__ == "__main__":
    main()
