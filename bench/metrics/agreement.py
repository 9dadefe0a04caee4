"""Agreement of `codevoyage metrics` with lizard -Ecognitive on one folder of source.

    python3 bench/metrics/agreement.py DIR OURS.jsonl EXT... [--list]

DIR is measured by lizard (its Python API, on all cores); OURS.jsonl is
`codevoyage metrics DIR --format jsonl`. Rows are lizard's functions, matched to ours by
file and start line (among several on one line, by end line), as tests/oracle.rs does.
Prints one tab-separated line: files, files where we found syntax errors, lizard rows,
cyclomatic and cognitive agreement over all rows, then the same over "same-span" rows (a
function of ours starts and ends on lizard's lines: lizard delimited it as the syntax tree
does). --list prints every same-span row whose values differ, for classification.
"""
import collections
import json
import multiprocessing
import os
import sys

import lizard

_analyzer = None


def _lizard_rows(path):
    global _analyzer
    if _analyzer is None:
        _analyzer = lizard.FileAnalyzer(lizard.get_extensions(["cognitive"]))
    try:
        info = _analyzer(path)
    except Exception:  # lizard's own crash on a file: the file is left out and counted
        return path, None
    return path, [(f.start_line, f.end_line, f.cyclomatic_complexity,
                   f.cognitive_complexity, f.name) for f in info.function_list]


def main(argv):
    listing = "--list" in argv
    args = [a for a in argv if a != "--list"]
    if len(args) < 3:
        sys.exit(__doc__)
    root, ours_path, exts = args[0], args[1], tuple(args[2:])
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs
                   if f.endswith(exts))
    with multiprocessing.Pool(os.cpu_count()) as pool:
        theirs = {os.path.relpath(p, root): rows
                  for p, rows in pool.map(_lizard_rows, files, chunksize=8)}
    ours, with_errors = {}, set()
    with open(ours_path, encoding="utf-8") as f:
        for line in f:
            o = json.loads(line)
            ours[o["path"]] = o.get("functions") or []
            if any("syntax errors" in d for d in o.get("diagnostics") or []):
                with_errors.add(o["path"])
    n = collections.Counter()
    for path, rows in sorted(theirs.items()):
        if rows is None:
            n["lizard_failed"] += 1
            continue
        starting = collections.defaultdict(list)
        for fn in ours.get(path, []):
            starting[fn["start_line"]].append(fn)
        for start, end, cc, cog, name in rows:
            candidates = starting.get(start, [])
            same_span = [fn for fn in candidates if fn["end_line"] == end]
            match = (same_span or candidates or [None])[0]
            ok_cc = match is not None and match["cyclomatic"] == cc
            ok_cog = match is not None and match["cognitive"] == cog
            n["rows"] += 1
            n["cc"] += ok_cc
            n["cog"] += ok_cog
            if same_span:
                n["span"] += 1
                n["span_cc"] += ok_cc
                n["span_cog"] += ok_cog
                if listing and not (ok_cc and ok_cog):
                    print(f"# {path}:{start}-{end}\t{name}\tlizard {cc}/{cog}\t"
                          f"ours {match['cyclomatic']}/{match['cognitive']}")

    def pct(a, b):
        return f"{100 * n[a] / n[b]:.1f} %" if n[b] else "-"

    print("\t".join([
        os.path.basename(os.path.normpath(root)), str(len(theirs)),
        str(len(with_errors & set(theirs))), str(n["rows"]), pct("cc", "rows"),
        pct("cog", "rows"), str(n["span"]), pct("span_cc", "span"), pct("span_cog", "span"),
        str(n["lizard_failed"]),
    ]))


if __name__ == "__main__":
    main(sys.argv[1:])
