#!/usr/bin/env python3
"""Compare the heading anchors `sot anchors` gives with the ones GitHub gives.

    scripts/gfm_anchors.py DIR...            every *.md / *.markdown file under DIR
    scripts/gfm_anchors.py --random 500      generated documents with awkward headings
    scripts/gfm_anchors.py --self-test FIXTURES.json   the slug function on github-slugger's cases

GitHub's side is cmark-gfm (`pip install cmarkgfm html5lib regex`), the parser github.com
uses, with its extensions (table, strikethrough, autolink, tagfilter, tasklist) and
footnotes. The rendered HTML is read by an HTML5 parser (html5lib), and its headings
(Markdown and raw HTML `<h1>`-`<h6>` alike) are slugged
as GitHub slugs them: the heading's text content, lowercased, every character dropped that
is not a letter, mark, number, connector punctuation, space or hyphen, spaces turned into
hyphens, repeats numbered `-1`, `-2` (re-checked). YAML frontmatter is left out, as GitHub
shows it as a table.

sot's side is `sot anchors --format json` on a copy of each file alone in a scratch
workspace (anchors depend only on the file), keeping the `heading` anchors.

Prints the share of documents whose heading anchors agree exactly, the share of anchors
that agree (matched in order, over all anchors either side gives), and each differing file
with its first difference. Exit status 1 when any document differs.
"""

import argparse
import concurrent.futures
import difflib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata

try:
    import cmarkgfm
    import html5lib
    import regex
    from cmarkgfm.cmark import Options
except ImportError:
    sys.exit("gfm_anchors.py needs cmark-gfm, html5lib and regex: "
             "pip install cmarkgfm html5lib regex")

HERE = os.path.dirname(os.path.abspath(__file__))
EXTENSIONS = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]
OPTIONS = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_FOOTNOTES | Options.CMARK_OPT_SOURCEPOS

# What GitHub keeps in a slug: letters (the Alphabetic property), marks, decimal numbers,
# connector punctuation, the space and the hyphen.
DROPPED = regex.compile(r"[^\p{Alphabetic}\p{M}\p{Nd}\p{Pc} \-]")


def slug(text):
    # GitHub's tables stop at Unicode 14; characters assigned later are dropped too
    # (Python 3.11's unicodedata is Unicode 14).
    kept = DROPPED.sub("", text.lower())
    kept = "".join(c for c in kept if unicodedata.category(c) != "Cn")
    return kept.replace(" ", "-")


class Slugger:
    def __init__(self):
        self.seen = {}

    def slug(self, text):
        original = slug(text)
        result = original
        while result in self.seen:
            self.seen[original] = self.seen.get(original, 0) + 1
            result = f"{original}-{self.seen[original]}"
        self.seen[result] = 0
        return result


def text_content(el):
    """The text of an element and its descendants; comments hold none."""
    parts = [el.text or ""] if isinstance(el.tag, str) else []
    for child in el:
        if isinstance(child.tag, str):
            parts.append(text_content(child))
        parts.append(child.tail or "")
    return "".join(parts)


def headings(rendered):
    """The source line (None for raw HTML) and text content of every <h1>-<h6>,
    read by an HTML5 parser as a browser (and GitHub's sanitizer) reads it."""
    doc = html5lib.parse(rendered, namespaceHTMLElements=False)
    found = []
    for el in doc.iter():
        if isinstance(el.tag, str) and re.fullmatch(r"h[1-6]", el.tag):
            pos = el.get("data-sourcepos")
            found.append((int(pos.split(":")[0]) if pos else None, text_content(el)))
    return found


FRONTMATTER_END = re.compile(r"^(---|\.\.\.)[ \t]*$")


def without_frontmatter(text):
    """The text with a leading YAML block blanked (line numbers kept)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip("\r") != "---":
        return text
    for i in range(1, len(lines)):
        if FRONTMATTER_END.match(lines[i].rstrip("\r")):
            return "\n" * i + "\n".join(lines[i:][1:])
    return text


def github_anchors(text):
    text = without_frontmatter(text.lstrip("\ufeff"))
    rendered = cmarkgfm.markdown_to_html_with_extensions(
        text, options=OPTIONS, extensions=EXTENSIONS
    )
    slugger = Slugger()
    return [(line, slugger.slug(t), t) for line, t in headings(rendered)]


def sot_anchors(sot, path, scratch):
    shutil.copyfile(path, os.path.join(scratch, "doc.md"))
    out = subprocess.run(
        [sot, "anchors", "doc.md", "--format", "json"],
        cwd=scratch,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise RuntimeError(f"sot anchors failed on {path}: {out.stderr.strip()}")
    return [
        (a["line"], a["anchor"].removeprefix("#"), a["text"])
        for a in json.loads(out.stdout)
        if a["kind"] == "heading"
    ]


def compare(sot, path):
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (UnicodeDecodeError, OSError):
        return None
    scratch = tempfile.mkdtemp(prefix="gfm-anchors-")
    try:
        open(os.path.join(scratch, "sot.toml"), "w").close()
        ours = sot_anchors(sot, path, scratch)
    finally:
        shutil.rmtree(scratch)
    theirs = github_anchors(text)
    a = [s for _, s, _ in theirs]
    b = [s for _, s, _ in ours]
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    first = None
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            gh = theirs[i1] if i1 < i2 else None
            us = ours[j1] if j1 < j2 else None
            first = (gh, us)
            break
    return {"path": path, "github": len(a), "sot": len(b), "matched": matched, "first": first}


def markdown_files(dirs):
    for top in dirs:
        for root, subdirs, files in os.walk(top):
            subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
            for name in sorted(files):
                if name.lower().endswith((".md", ".markdown")):
                    yield os.path.join(root, name)


def describe(anchor):
    if anchor is None:
        return "(none)"
    line, s, text = anchor
    return f"#{s} (line {line}, text {text!r})"


# Pieces of awkward heading text, each also legal on its own.
PIECES = [
    "plain words", "Title", "API", "v1.2.3", "snake_case", "kebab-case", "a - b",
    "A & B", "&amp;", "&lt;tag&gt;", "&#x20;", "&#32;", "&nbsp;", "&#42;", "&copy;",
    "&foo;", "&#0;", "&#x1F600;", "*em*", "_em_", "**strong**", "__strong__",
    "***both***", "snake_case_word", "~~gone~~", "~one~", "`code`", "`` a ` b ``",
    "` padded `", "`a  b`", "<sup>1</sup>", "<kbd>Ctrl</kbd>", "<br>",
    "<!-- note -->", "<a name=\"x\"></a>", "<span id=\"y\">s</span>", "<em>e</em>",
    "<script>x</script>", "<title>t</title>", "[link](http://example.com)",
    "[ref][r]", "[r]", "[^1]", "<https://example.com>", "www.example.com",
    "mail@example.com", "![alt](img.png)", "![alt *x*](img.png)",
    "[![alt](i.png) text](u)", ":smile:", ":+1:", "😄", "👍🏽", "é", "e\u0301",
    "你好", "Привет", "’", "–", "—", "…", "«q»", "\\#", "\\*", "\\_", "\\`", "\\\\",
    "#", "#hash", "C#", "F#", "1.", "2)", "+", "-", "|", "a|b", "{#custom}",
    "{ #padded }", "{#a .b}", "{.cls}", "\t", "  ", "ǅ", "ß", "İ", "ℌ", "Ⅻ", "Ⓐ",
    "\u00ad", "\u200b", "x\u00a0y", "[DEP-001](#dep-001)", "DEP-001:", "$x$",
    "a\tb", "snake_case_", "_a_b_", "*a **b** c*", "**a*", "a*b*c", "[a [b] c](u)",
    "[x]: y", "![](i.png)", "<img src=\"i.png\" alt=\"logo\">", "<a href=\"#x\">x</a>",
    "<!--", "-->", "<span>", "</div>", "<a\nhref=x>", "`#`", "`` ` ``",
    "https://example.com/a_b", "http://x.y/z.", "<mailto:a@b.c>", "\\[x]", "1\\. a",
    "&AMP;", "&amp", "&#x110000;", "&#xD800;", "&Hat;", "&ngE;", "&quot;q&quot;",
    "\\", "\\\\", "~~", "~~~", "```", "| x |", ":-:", "<>", "< a >", "[^missing]",
]
HTML_HEADINGS = [
    '<h1 align="center">Project</h1>',
    '<h2 id="custom">With id</h2>',
    '<h3>\n  Spread over\n  lines\n</h3>',
    '<h2>Q&amp;A <code>x</code></h2>',
    '<h4><a href="#x"><img src="i.png" alt="alt"></a> Logo</h4>',
    '<div>\n<h2>In a div</h2>\n</div>',
    '<h2>\n\n*Markdown* inside\n\n</h2>',
    '<h5></h5>',
    '<details><summary><h3>Summary heading</h3></summary>\n\nBody\n\n</details>',
    'Text with <h2>inline heading</h2> in a paragraph.',
    '<!-- <h2>Commented</h2> -->',
]
BLOCKS = [
    "A paragraph.", "- item\n- item", "1. one\n2. two", "> quoted", "---",
    "| a | b |\n|---|---|\n| 1 | 2 |", "```\ncode\n```", "    indented code",
    "<div>\n<h2>Raw heading</h2>\n</div>", "[r]: http://example.com",
    "[^1]: A footnote.", "- [ ] task\n- [x] done", "***",
    "Lazy\ncontinuation", "> quote\nlazy", "- a\n\n  # in list", "1. a\n   ===",
    "text\\\n===", "<br>", "</h2>", "---\ntitle: x\n---",
]


def random_heading(rng):
    text = " ".join(rng.choice(PIECES) for _ in range(rng.randint(1, 4)))
    text = text.replace("\n", " ")
    style = rng.random()
    if style < 0.12 and text.strip() and "\t" not in text:
        underline = rng.choice(["===", "---", "=", "-------", "===  "])
        return f"{text.strip()}\n{underline}"
    hashes = "#" * rng.randint(1, 6)
    lead = rng.choice(["", "", "", " ", "  ", "   "])
    sep = rng.choice([" ", " ", "  ", "\t"])
    close = rng.choice(["", "", "", " #", " ###", " #  ", "#", " \\#"])
    container = rng.choice(["", "", "", "", "> ", "- ", "1. "])
    return f"{container}{lead}{hashes}{sep}{text}{close}"


def random_fence(rng):
    fence = rng.choice(["```", "~~~", "````"])
    info = rng.choice(["", "sh", "yaml title=\"x\""])
    close = fence + rng.choice(["", "\t", " ", "  \t", "\t\t", "x", " ~"])
    body = "\n".join(rng.choice(["# not a heading", "code", "", "## also code"]) for _ in range(3))
    return f"{fence}{info}\n{body}\n{close}"


def random_document(rng):
    parts = []
    for _ in range(rng.randint(5, 25)):
        r = rng.random()
        if r < 0.5:
            parts.append(random_heading(rng))
        elif r < 0.6:
            parts.append(random_fence(rng))
        elif r < 0.7:
            parts.append(rng.choice(HTML_HEADINGS))
        else:
            parts.append(rng.choice(BLOCKS))
    joiner = rng.choice(["\n\n", "\n\n", "\n"])
    return joiner.join(parts) + "\n"


def main():
    args = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    args.add_argument("dirs", nargs="*", help="folders whose Markdown files to compare")
    args.add_argument("--random", type=int, metavar="N", help="compare N generated documents")
    args.add_argument("--seed", type=int, default=8, help="seed of --random (default 8)")
    args.add_argument("--keep", metavar="DIR", help="write the --random documents to DIR")
    args.add_argument("--sot", default=os.path.join(HERE, "..", "target", "debug", "sot"))
    args.add_argument("--jobs", type=int, default=2)
    args.add_argument("--show", type=int, default=20, help="differing files to list")
    args.add_argument("--self-test", metavar="FIXTURES",
                      help="check the slug function on github-slugger's fixtures.json")
    opts = args.parse_args()

    if opts.self_test:
        s = Slugger()
        with open(opts.self_test, encoding="utf-8") as f:
            bad = [c["name"] for c in json.load(f) if s.slug(c["input"]) != c["expected"]]
        print("slug cases failing:", bad or "none")
        return 1 if bad else 0

    files = list(markdown_files(opts.dirs))
    generated = None
    if opts.random:
        generated = opts.keep or tempfile.mkdtemp(prefix="gfm-random-")
        os.makedirs(generated, exist_ok=True)
        rng = random.Random(opts.seed)
        for i in range(opts.random):
            path = os.path.join(generated, f"random-{i:05}.md")
            with open(path, "w", encoding="utf-8") as f:
                f.write(random_document(rng))
            files.append(path)
    if not files:
        args.error("no Markdown files: give folders or --random N")

    with concurrent.futures.ThreadPoolExecutor(opts.jobs) as pool:
        results = [r for r in pool.map(lambda p: compare(opts.sot, p), files) if r]
    if generated and not opts.keep:
        shutil.rmtree(generated)

    differing = [r for r in results if r["first"] is not None]
    matched = sum(r["matched"] for r in results)
    union = sum(r["github"] + r["sot"] - r["matched"] for r in results)
    github = sum(r["github"] for r in results)
    docs_ok = len(results) - len(differing)
    print(f"documents agreeing: {docs_ok}/{len(results)} ({docs_ok / max(len(results), 1):.4f})")
    print(f"anchors agreeing:   {matched}/{union} ({matched / max(union, 1):.4f}); "
          f"GitHub gives {github}, sot {sum(r['sot'] for r in results)}")
    for r in differing[: opts.show]:
        gh, us = r["first"]
        print(f"{r['path']}\n  GitHub: {describe(gh)}\n  sot:    {describe(us)}")
    if len(differing) > opts.show:
        print(f"... and {len(differing) - opts.show} more")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
