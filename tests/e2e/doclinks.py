#!/usr/bin/env python3
"""doclinks.py ROOT - every relative link of the Markdown files under ROOT
leads to a file or directory under ROOT, and a link's #anchor to a heading
of the Markdown file it names.

Run on the source tree and on an installed documentation directory
(share/doc/ptrack): the same links must work in both. A link with a scheme
(https:, mailto:, ...) is not followed. Code blocks and code spans are not
links. Prints one line per broken link and exits 1 if there is one.
"""
import os
import re
import sys

LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
REFDEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")


def prose_lines(text, keep_code=False):
    """The lines outside fenced code blocks, with code spans blanked unless
    keep_code (a heading's anchor is made of its code spans too)."""
    fence = None
    for n, line in enumerate(text.split("\n"), 1):
        m = re.match(r"^\s{0,3}(`{3,}|~{3,})", line)
        if m:
            if fence is None:
                fence = m.group(1)
            elif m.group(1).startswith(fence[0]) and len(m.group(1)) >= len(fence):
                fence = None
            continue
        if fence is not None:
            continue
        if keep_code:
            yield n, line
            continue
        yield n, re.sub(r"(`+)(?:(?!\1).)+?\1", lambda s: " " * len(s.group(0)), line)


def slug(heading):
    """The anchor a code forge (GitHub's rules) gives a heading."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


_anchors = {}


def anchors(path):
    if path not in _anchors:
        seen = {}
        found = set()
        with open(path, encoding="utf-8") as f:
            for _, line in prose_lines(f.read(), keep_code=True):
                m = HEADING.match(line)
                if not m:
                    continue
                base = slug(m.group(2))
                k = seen.get(base, 0)
                seen[base] = k + 1
                found.add(base if k == 0 else "%s-%d" % (base, k))
        _anchors[path] = found
    return _anchors[path]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: doclinks.py ROOT")
    root = os.path.realpath(sys.argv[1])
    bad = 0
    checked = 0
    skip = {".git", "build", "node_modules"}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in skip and not d.startswith("build"))
        for name in sorted(filenames):
            if not name.endswith(".md"):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            for n, line in prose_lines(text):
                targets = [m.group(1) for m in LINK.finditer(line)]
                m = REFDEF.match(line)
                if m:
                    targets.append(m.group(1))
                for target in targets:
                    if not target or SCHEME.match(target):
                        continue
                    checked += 1
                    file_part, _, anchor = target.partition("#")
                    dest = path if file_part == "" else os.path.realpath(
                        os.path.join(dirpath, file_part))
                    why = None
                    if dest != root and not dest.startswith(root + os.sep):
                        why = "leads out of %s" % root
                    elif not os.path.exists(dest):
                        why = "no such file"
                    elif anchor and dest.endswith(".md") and anchor not in anchors(dest):
                        why = "no heading for #%s" % anchor
                    if why:
                        bad += 1
                        print("%s:%d: %s: %s" % (rel, n, target, why))
    if checked == 0:
        print("no relative link found under %s" % root)
        return 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
