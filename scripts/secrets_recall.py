#!/usr/bin/env python3
"""Measure `hardcoded-secret` on a planted corpus.

Usage: secrets_recall.py --sot BIN [--docs N] [--per-kind M] [--seed S] [--keep DIR]

Writes N documents into a scratch workspace. Each holds M secrets of every kind, made up
at random in each kind's shape, in prose, code spans, code blocks and frontmatter, mixed
with as many stand-ins (`<token>`, `YOUR_KEY`, `${{ secrets.X }}`, `...EXAMPLE`, masks,
runs of one character). Runs `sot lint --format json --select hardcoded-secret`, then
prints recall per kind (a planted secret is found when a finding is on its line) and every
finding on a line that holds no planted secret (a false positive). Also checks that no
output format prints any planted value.
"""
import argparse, base64, json, os, random, re, string, subprocess, sys, tempfile

B62 = string.ascii_letters + string.digits
UPPER = string.ascii_uppercase + string.digits


def rand(rng, alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make(kind, rng):
    """A made-up credential of `kind`: the text to write and the value it holds."""
    if kind == "aws-key-id":
        v = rng.choice(["AKIA", "ASIA"]) + rand(rng, UPPER, 16)
        return f"export AWS_ACCESS_KEY_ID={v}", v
    if kind == "aws-secret":
        v = rand(rng, B62 + "/+", 40)
        return f"aws_secret_access_key = {v}", v
    if kind == "github":
        p = rng.choice(["ghp_", "gho_", "ghu_", "ghs_", "ghr_"])
        if rng.random() < 0.2:
            v = "github_pat_" + rand(rng, B62, 22) + "_" + rand(rng, B62, 59)
        else:
            v = p + rand(rng, B62, 36)
        return f"the release bot authenticates with {v} today", v
    if kind == "gitlab":
        v = "glpat-" + rand(rng, B62 + "_-", 20)
        return f"GITLAB_AUTH={v}", v
    if kind == "slack-token":
        v = f"xox{rng.choice('baprs')}-{rand(rng, string.digits, 12)}-{rand(rng, string.digits, 13)}-{rand(rng, B62, 24)}"
        return f"slack bot token {v}", v
    if kind == "slack-webhook":
        v = f"T{rand(rng, UPPER, 10)}/B{rand(rng, UPPER, 10)}/{rand(rng, B62, 24)}"
        return f"curl -X POST https://hooks.slack.com/services/{v}", v
    if kind == "private-key":
        body = base64.b64encode(rng.randbytes(600)).decode()
        lines = "\n".join(body[i:i + 64] for i in range(0, len(body), 64))
        return f"-----BEGIN RSA PRIVATE KEY-----\n{lines}\n-----END RSA PRIVATE KEY-----", body[:64]
    if kind == "url-password":
        v = rand(rng, B62, 6) + rng.choice("!*~_") + rand(rng, B62, 7)
        return f"psql postgres://ledger_app:{v}@db{rng.randint(1, 9)}.payments.internal:5432/ledger", v
    if kind == "jwt":
        header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        payload = b64url(json.dumps({"sub": rand(rng, string.digits, 8), "iat": rng.randint(10**9, 2 * 10**9)}).encode())
        v = f"{header}.{payload}.{b64url(rng.randbytes(32))}"
        return f"Authorization: Bearer {v}", v
    if kind == "google":
        v = "AIza" + rand(rng, B62 + "_-", 35)
        return f"maps key {v}", v
    if kind == "generic-token":
        name = rng.choice(["API_TOKEN", "DEPLOY_SECRET", "STRIPE_KEY", "apiKey", "client_secret"])
        v = rand(rng, B62, 32)
        return f"{name}={v}", v
    if kind == "password":
        v = rand(rng, string.ascii_lowercase, 4) + rand(rng, string.ascii_uppercase, 3) + rand(rng, string.digits, 3) + rng.choice("!#%^*")
        v = "".join(rng.sample(v, len(v)))
        return f"password: {v}", v
    raise ValueError(kind)


KINDS = ["aws-key-id", "aws-secret", "github", "gitlab", "slack-token", "slack-webhook",
         "private-key", "url-password", "jwt", "google", "generic-token", "password"]

STAND_INS = [
    "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "GITHUB_TOKEN=${{ secrets.GITHUB_TOKEN }}",
    "API_TOKEN=$API_TOKEN",
    "API_KEY=${API_KEY}",
    "API_KEY=<your-api-key>",
    "STRIPE_KEY=YOUR_STRIPE_SECRET_KEY",
    "token ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "token ghp_000000000000000000000000000000000000",
    "psql postgres://user:password@localhost:5432/ledger",
    "psql postgres://app:<password>@db.internal/ledger",
    "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
    "password: changeme",
    "password: ********",
    "DEPLOY_SECRET=***",
    "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
    "client_secret=process.env.CLIENT_SECRET",
    "publicKey: 0x3f9a2b7c4d1e8f6a5b3c2d1e0f9a8b7c6d5e4f3a",
]


def document(rng, per_kind):
    """A document and the planted values, each with the kind and the line it is on."""
    front = []
    body = []
    planted = []
    items = [(k, make(k, rng)) for k in KINDS for _ in range(per_kind)]
    items += [(None, (s, None)) for s in rng.choices(STAND_INS, k=len(items))]
    rng.shuffle(items)
    for kind, (text, value) in items:
        place = rng.choice(["prose", "span", "block", "front"]) if "\n" not in text else "block"
        if place == "front" and re.match(r"^\w+: ", text):
            front.append((kind, value, text))
            continue
        if place == "span":
            body.append((kind, value, f"Run `{text}` first."))
        elif place == "block":
            body.append((kind, value, f"```sh\n{text}\n```"))
        else:
            body.append((kind, value, f"Note: {text}"))
        body.append((None, None, ""))
    lines = []
    if front:
        lines.append("---")
        lines.append("title: Ledger on-call notes")
        for kind, value, text in front:
            name, _, v = text.partition(":")
            lines.append(f"{name.strip().replace(' ', '_')}: {v.strip()!s}")
            if kind:
                planted.append((kind, value, len(lines)))
        lines.append("---")
    lines.append("# Ledger on-call notes")
    lines.append("")
    for kind, value, text in body:
        start = len(lines) + 1
        lines.extend(text.split("\n"))
        if kind:
            at = next(i for i, l in enumerate(text.split("\n")) if value in l or "BEGIN" in l)
            planted.append((kind, value, start + at))
    return "\n".join(lines) + "\n", planted


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sot", required=True)
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--per-kind", type=int, default=2)
    ap.add_argument("--seed", default="planted")
    ap.add_argument("--keep")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    root = a.keep or tempfile.mkdtemp(prefix="sot-secrets-")
    os.makedirs(root, exist_ok=True)
    open(os.path.join(root, "sot.toml"), "w").close()
    planted = {}
    for i in range(a.docs):
        text, p = document(rng, a.per_kind)
        name = f"notes-{i:04}.md"
        with open(os.path.join(root, name), "w") as f:
            f.write(text)
        planted[name] = p
    out = subprocess.run([a.sot, "lint", "--format", "json", "--select", "hardcoded-secret"],
                         cwd=root, capture_output=True)
    diags = json.loads(out.stdout)["diagnostics"]
    found = {(d["file"], d["line"]) for d in diags}
    per_kind = {k: [0, 0] for k in KINDS}
    planted_lines = set()
    for name, items in planted.items():
        for kind, _, line in items:
            per_kind[kind][1] += 1
            per_kind[kind][0] += (name, line) in found
            planted_lines.add((name, line))
    false = [d for d in diags if (d["file"], d["line"]) not in planted_lines]
    total_found = sum(f for f, _ in per_kind.values())
    total = sum(n for _, n in per_kind.values())
    print(f"{a.docs} documents, {total} planted secrets, {total} stand-ins")
    for k, (f, n) in per_kind.items():
        print(f"  {k:14} {f}/{n}")
    print(f"recall {total_found}/{total} = {total_found / total:.4f}")
    print(f"false positives {len(false)}")
    for d in false[:20]:
        print("  ", d["file"], d["line"], d["message"])
    # Every 8-character piece of every planted value, to look each output window up.
    # The prefix naming a kind (`github_pat_`) may be shown; what follows may not.
    kind_prefix = re.compile(r"^(?:github_pat_|gh[pousr]_|glpat-|xox[baprs]-|AKIA|ASIA|AIza)")
    secret_parts = [kind_prefix.sub("", v) for items in planted.values() for _, v, _ in items]
    pieces = {v[i:i + 8] for v in secret_parts for i in range(len(v) - 7)}
    leaks = set()
    for fmt in ["human", "concise", "json", "sarif", "github", "gitlab", "junit", "checkstyle"]:
        o = subprocess.run([a.sot, "lint", "--format", fmt], cwd=root, capture_output=True)
        text = o.stdout.decode() + o.stderr.decode()
        leaks |= {text[i:i + 8] for i in range(len(text) - 7)} & pieces
    print(f"8-character pieces of planted values printed by any format: {len(leaks)}")
    for piece in sorted(leaks)[:10]:
        print("  ", piece)
    return 0 if total_found == total and not false and not leaks else 1


if __name__ == "__main__":
    sys.exit(main())
