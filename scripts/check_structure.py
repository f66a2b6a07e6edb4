#!/usr/bin/python3
"""check_structure.py: the shape of the code that a newcomer can rely on (issue 13).

Three rules over the program's own code (src/, include/, kernels/; not tests/):

  circle         no include circle. Each header and the .c files that define what it
                 declares form one module (hc_output.h with src/outputs/output.c); module A
                 depends on B when a file of A includes a header of B. A circle of
                 modules means no file can be read, built or tested without the others.
  long-file      no file over MAX_FILE_LINES lines.
  long-function  no function over MAX_FUNCTION_LINES lines, from the line that opens its
                 body to the one that closes it (a brace count over top-level
                 definitions; tables are initialisers, not functions, and are not counted).

What is not yet split is listed in scripts/structure_allow.txt, one entry a line with the
reason; an entry that no longer matches anything is an error too, so the list only
shrinks. Prints TAP (one test per rule, then one per stale entry) and exits non-zero on
any failure.

  check_structure.py [--root DIR] [--allow FILE]
"""
import argparse
import os
import re
import sys

MAX_FILE_LINES = 800
MAX_FUNCTION_LINES = 120
CODE_DIRS = ("src", "include", "kernels")
CODE_EXT = (".c", ".h", ".cu", ".cuh")

INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
# A top-level function definition: a line at column 0 that is not a directive, a
# comment or a typedef, with NAME( and, before any ';', the body's '{'.
DEF_START_RE = re.compile(r"^(?!static\b)(?![#/ \t{}])(?!typedef\b)[A-Za-z_][\w \t\*]*?\b([A-Za-z_]\w*)\s*\(")
ANY_DEF_START_RE = re.compile(r"^(?![#/ \t{}])(?!typedef\b)[A-Za-z_][\w \t\*]*?\b([A-Za-z_]\w*)\s*\(")


def strip_comments_and_strings(text):
    """Blanks out comments, string and character literals, keeping every newline, so
    that braces and names inside them are not counted."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + " " * (j - i - 2) + (c if j - i >= 2 else ""))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def code_files(root):
    files = []
    for d in CODE_DIRS:
        for base, _, names in os.walk(os.path.join(root, d)):
            for name in names:
                if name.endswith(CODE_EXT):
                    files.append(os.path.relpath(os.path.join(base, name), root))
    return sorted(files)


def functions(clean):
    """(name, first line, body lines, defined non-static) of each top-level function
    definition: a line matching a definition's start, then a '{' at depth 0 before any
    ';' at depth 0. Lines are 1-based."""
    lines = clean.split("\n")
    found = []
    depth = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        m = ANY_DEF_START_RE.match(line) if depth == 0 else None
        if m and "=" not in line.split("(")[0]:
            # Find the opening brace of the body, or a ';' (a declaration).
            j, k, paren, opened = i, line.index("("), 0, None
            text = "\n".join(lines[i:i + 40])
            for pos, ch in enumerate(text[k:], start=k):
                if ch == "(":
                    paren += 1
                elif ch == ")":
                    paren -= 1
                elif paren == 0 and ch == ";":
                    break
                elif paren == 0 and ch == "{":
                    opened = i + text.count("\n", 0, pos)
                    break
            if opened is not None:
                d, j = 0, opened
                while j < len(lines):
                    d += lines[j].count("{") - lines[j].count("}")
                    if d <= 0 and j >= opened:
                        break
                    j += 1
                found.append((m.group(1), i + 1, j - opened + 1, DEF_START_RE.match(line) is not None))
                i = j + 1
                continue
        depth += line.count("{") - line.count("}")
        i += 1
    return found


class Modules:
    """Union-find over files: a header and the files that implement it are one module."""

    def __init__(self, files):
        self.parent = {f: f for f in files}

    def find(self, f):
        while self.parent[f] != f:
            self.parent[f] = self.parent[self.parent[f]]
            f = self.parent[f]
        return f

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The header names the module: keep it as the root.
            if ra.endswith(".h"):
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb


def resolve(root, including, name, files):
    for base in (os.path.dirname(including), "include", "include/model"):
        path = os.path.normpath(os.path.join(base, name))
        if path in files:
            return path
    return None  # a generated header (build/commit.h) or a system one


def include_graph(root, files, clean):
    fileset = set(files)
    graph = {f: [] for f in files}
    for f in files:
        with open(os.path.join(root, f), encoding="utf-8", errors="replace") as fh:
            raw = fh.read()
        for name in INCLUDE_RE.findall(raw):
            target = resolve(root, f, name, fileset)
            if target:
                graph[f].append(target)
    return graph


def module_graph(files, graph, clean, defs):
    mods = Modules(files)
    headers = [f for f in files if f.endswith((".h", ".cuh"))]
    declared = {h: set(re.findall(r"\b([A-Za-z_]\w*)\s*\(", clean[h])) |
                set(re.findall(r"\bextern\b[^;(]*?\b([A-Za-z_]\w*)\s*(?:\[[^\]]*\])*\s*;", clean[h]))
                for h in headers}
    for f in files:
        if not f.endswith((".c", ".cu")):
            continue
        own = {name for name, _, _, public in defs[f] if public}
        own |= set(re.findall(r"^(?!static\b)(?:const\s+)?[A-Za-z_][\w \t\*]*?\b([A-Za-z_]\w*)\s*(?:\[[^\]]*\])*\s*=",
                              clean[f], re.M))
        for h in headers:
            if h in graph[f] and own & declared[h]:
                mods.union(h, f)
    edges = {}
    for f in files:
        m = mods.find(f)
        edges.setdefault(m, set())
        for h in graph[f]:
            if mods.find(h) != m:
                edges[m].add(mods.find(h))
    members = {}
    for f in files:
        members.setdefault(mods.find(f), []).append(f)
    return edges, members


def cycles(edges):
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on.add(start)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(edges.get(w, ())))))
                    advanced = True
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def one_cycle(comp, edges):
    """A shortest circle through the component's first module, for the message."""
    inside = set(comp)
    start = comp[0]
    prev, frontier = {start: None}, [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(edges[v]):
                if w == start:
                    path = [v]
                    while prev[path[-1]] is not None:
                        path.append(prev[path[-1]])
                    return list(reversed(path)) + [start]
                if w in inside and w not in prev:
                    prev[w] = v
                    nxt.append(w)
        frontier = nxt
    return comp


def read_allow(path):
    """(kind, subject) -> reason. Lines: KIND SUBJECT  REASON...; '#' starts a comment."""
    allow = {}
    if not os.path.exists(path):
        return allow
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split(None, 2)
            if len(parts) < 3 or parts[0] not in ("circle", "long-file", "long-function"):
                sys.exit(f"{path}:{n}: expected KIND SUBJECT REASON (KIND: circle, long-file, long-function)")
            allow[(parts[0], parts[1])] = parts[2]
    return allow


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    ap.add_argument("--allow", default=None)
    args = ap.parse_args()
    root = os.path.abspath(args.root)
    allow_path = args.allow or os.path.join(root, "scripts", "structure_allow.txt")
    allow = read_allow(allow_path)
    used = set()

    files = code_files(root)
    clean, nlines, defs = {}, {}, {}
    for f in files:
        with open(os.path.join(root, f), encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        nlines[f] = text.count("\n")
        clean[f] = strip_comments_and_strings(text)
        defs[f] = functions(clean[f])

    results = []

    # Circles: a subject is the component's files (module roots), sorted and joined by ','.
    graph = include_graph(root, files, clean)
    edges, members = module_graph(files, graph, clean, defs)
    bad = []
    for comp in cycles(edges):
        subject = ",".join(comp)
        if ("circle", subject) in allow:
            used.add(("circle", subject))
            continue
        path = one_cycle(comp, edges)
        shown = " -> ".join(f"{m} ({', '.join(sorted(members[m]))})" if len(members[m]) > 1 else m for m in path)
        bad.append(f"include circle: {shown}\n    allow-list subject: {subject}")
    results.append(("no include circle among the modules of src/, include/, kernels/", bad))

    bad = []
    for f in files:
        if nlines[f] > MAX_FILE_LINES:
            if ("long-file", f) in allow:
                used.add(("long-file", f))
            else:
                bad.append(f"{f}: {nlines[f]} lines (at most {MAX_FILE_LINES})")
    results.append((f"no file over {MAX_FILE_LINES} lines", bad))

    bad = []
    for f in files:
        for name, line, length, _ in defs[f]:
            if length > MAX_FUNCTION_LINES:
                subject = f"{f}:{name}"
                if ("long-function", subject) in allow:
                    used.add(("long-function", subject))
                else:
                    bad.append(f"{f}:{line}: {name}() is {length} lines (at most {MAX_FUNCTION_LINES})")
    results.append((f"no function over {MAX_FUNCTION_LINES} lines", bad))

    stale = [f"{kind} {subject} is allowed by {os.path.relpath(allow_path, root)} but no longer found: "
             "remove the entry" for (kind, subject) in sorted(set(allow) - used)]
    results.append(("every allow-list entry still needed", stale))

    print(f"1..{len(results)}")
    failed = 0
    for n, (what, problems) in enumerate(results, 1):
        if problems:
            failed += 1
            print(f"not ok {n} - {what}")
            for p in problems:
                for line in p.split("\n"):
                    print(f"#   {line}")
        else:
            print(f"ok {n} - {what}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
