#!/usr/bin/env python3
"""tablecolumn.py [--title] [--lines] HEADER ANCHOR - reads a table of
ptrack's output on stdin (its first line the header row; with --title, its
first line a title and its second the header row) and prints the cells
under HEADER of each row, joined over the lines the row takes, a row a
line; with --lines, joined with " / " (the empty lines after the cell's
last dropped), so that a cell that leaves a line of its row empty before
it goes on shows " /  / " there. A
row starts on a line with a cell under ANCHOR, a column that does not
wrap. Prints "not aligned" instead when a line has text across the two
blanks before a header's column, or a cell that starts inside a
character. Columns are display columns: a wide character (W, F) and a
private use character (Co, a 造字, an ideograph) take two.
"""
import re
import sys
import unicodedata


def cols(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" or unicodedata.category(c) == "Co"
               else 1 for c in s)


def at(line, col):
    """The index of line where display column col starts, or None."""
    i, w = 0, 0
    while i < len(line) and w < col:
        w += cols(line[i])
        i += 1
    return i if w == col else None


def main():
    args = sys.argv[1:]
    title = bool(args) and args[0] == "--title"
    if title:
        args = args[1:]
    joined = bool(args) and args[0] == "--lines"
    if joined:
        args = args[1:]
    if len(args) != 2:
        sys.exit("usage: tablecolumn.py [--title] [--lines] HEADER ANCHOR")
    want, anchor = args
    lines = [l for l in sys.stdin.read().split("\n") if l.strip()]
    if title:
        lines = lines[1:]
    head = lines[0]
    names = re.split(r" {2,}", head.strip())
    starts, i = [], 0
    for h in names:
        i = head.index(h, i)
        starts.append(cols(head[:i]))
        i += len(h)
    rows, ok = [], True
    for line in lines[1:]:
        cells = []
        for k, s in enumerate(starts):
            i = at(line, s)
            e = at(line, starts[k + 1]) if k + 1 < len(starts) else len(line)
            if k > 0 and i is not None and line[max(i - 2, 0):i].strip():
                ok = False
            if i is None and cols(line) > s:
                ok = False
            cells.append(line[i:e].strip() if i is not None and e is not None else
                         line[i:].strip() if i is not None else "")
        if cells[names.index(anchor)]:
            rows.append([])
        if rows:
            rows[-1].append(cells[names.index(want)])
    def shown(row):
        if not joined:
            return "".join(row)
        while row and not row[-1]:
            row = row[:-1]
        return " / ".join(row)
    print("\n".join(shown(row) for row in rows) if ok else "not aligned")


main()
