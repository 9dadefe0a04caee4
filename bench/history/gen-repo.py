#!/usr/bin/env python3
"""Synthetic git history for benchmarking CodeVoyage's history engine.

Usage: gen-repo.py DIR N [--files START] [--seed S]

Creates (or replaces) a repository at DIR with N commits through `git fast-import`: a tree that
starts with START files (default 2000) in nested directories and keeps growing, eight authors,
edits of a few lines per commit (replaced, inserted, deleted lines), occasional new files,
deletions and renames, and every ~150 commits a short side branch merged back with a merge
commit. Dates increase with occasional equal timestamps (as rebases produce), so the walk order
is exercised too. The output is deterministic for a given seed.
"""
import os
import random
import shutil
import subprocess
import sys

AUTHORS = [
    ("Ada Lovelace", "ada@example.com"), ("Grace Hopper", "grace@example.com"),
    ("Alan Turing", "alan@example.com"), ("Edsger Dijkstra", "edsger@example.com"),
    ("Barbara Liskov", "barbara@example.com"), ("Ken Thompson", "ken@example.com"),
    ("Margaret Hamilton", "margaret@example.com"), ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"),
]
EXTS = [".py", ".rs", ".js", ".go", ".java", ".c", ".md", ".txt"]


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    target, n = args[0], int(args[1])
    start_files = int(args[args.index("--files") + 1]) if "--files" in args else 2000
    seed = int(args[args.index("--seed") + 1]) if "--seed" in args else 42
    rng = random.Random(seed)
    if os.path.exists(target):
        shutil.rmtree(target)
    subprocess.run(["git", "init", "--quiet", "--initial-branch=main", target], check=True)
    fi = subprocess.Popen(["git", "fast-import", "--quiet", "--done"], cwd=target, stdin=subprocess.PIPE)
    out = fi.stdin
    w = out.write

    dirs = [f"src/mod{a}/sub{b}" for a in range(20) for b in range(8)] + ["docs", "tests", "scripts"]
    files = {}  # path -> list of lines (bytes)
    counter = [0]

    def new_line():
        counter[0] += 1
        return b"    value_%d = compute(%d, %d)  # step %d\n" % (counter[0], rng.randrange(1000), rng.randrange(1000), counter[0])

    def new_path():
        while True:
            p = "%s/file_%d%s" % (rng.choice(dirs), rng.randrange(10**6), rng.choice(EXTS))
            if p not in files:
                return p

    def new_file():
        return [new_line() for _ in range(rng.randrange(10, 120))]

    def edit(lines):
        for _ in range(rng.randrange(1, 4)):
            op = rng.random()
            i = rng.randrange(len(lines) + 1)
            if op < 0.5 and lines:
                lines[min(i, len(lines) - 1)] = new_line()
            elif op < 0.85 or len(lines) < 5:
                for _ in range(rng.randrange(1, 4)):
                    lines.insert(i, new_line())
            else:
                del lines[min(i, len(lines) - 1):min(i, len(lines) - 1) + rng.randrange(1, 3)]

    def modify_op(path):
        data = b"".join(files[path])
        return b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data)

    t = [1_500_000_000]
    mark = [0]

    def commit(ref, parent, merge, ops, msg):
        mark[0] += 1
        name, email = rng.choice(AUTHORS)
        if rng.random() > 0.05:  # 5 % share the previous timestamp
            t[0] += rng.randrange(30, 7200)
        m = msg.encode()
        w(b"commit %s\nmark :%d\n" % (ref, mark[0]))
        w(b"author %s <%s> %d +0100\ncommitter %s <%s> %d +0100\n" % (name.encode(), email.encode(), t[0], name.encode(), email.encode(), t[0]))
        w(b"data %d\n%s\n" % (len(m), m))
        if parent:
            w(b"from :%d\n" % parent)
        for p in merge:
            w(b"merge :%d\n" % p)
        for op in ops:
            w(op)
        w(b"\n")
        return mark[0]

    for _ in range(start_files):
        files[new_path()] = new_file()
    head = commit(b"refs/heads/main", None, [], [modify_op(p) for p in sorted(files)], "Initial import")
    made = 1
    paths = sorted(files)

    def main_commit(parent, exclude=()):
        ops = []
        r = rng.random()
        if r < 0.08:  # add a file
            p = new_path()
            files[p] = new_file()
            paths.append(p)
            ops.append(modify_op(p))
        elif r < 0.10 and len(paths) > 100:  # rename, sometimes with an edit
            old = rng.choice(paths)
            if old not in exclude:
                new = new_path()
                files[new] = files.pop(old)
                paths.remove(old)
                paths.append(new)
                ops.append(b"D %s\n" % old.encode())
                if rng.random() < 0.5:
                    edit(files[new])
                ops.append(modify_op(new))
        elif r < 0.11 and len(paths) > 100:  # delete
            old = rng.choice(paths)
            if old not in exclude:
                files.pop(old)
                paths.remove(old)
                ops.append(b"D %s\n" % old.encode())
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 5])):
            p = rng.choice(paths)
            if p in exclude or any(op.startswith(b"D %s\n" % p.encode()) for op in ops):
                continue
            edit(files[p])
            ops.append(modify_op(p))
        return commit(b"refs/heads/main", parent, [], ops, "Change %d" % (made + 1))

    while made < n:
        if n - made > 8 and rng.random() < 1 / 150:
            # A side branch of three commits, two main commits, then a merge.
            fork = head
            side_files = set(rng.sample(paths, 3))
            side = fork
            for k in range(3):
                p = rng.choice(sorted(side_files))
                edit(files[p])
                side = commit(b"refs/heads/side", side, [], [modify_op(p)], "Side change %d" % k)
                made += 1
            for _ in range(2):
                head = main_commit(head, exclude=side_files)
                made += 1
            head = commit(b"refs/heads/main", head, [side], [modify_op(p) for p in sorted(side_files)], "Merge branch 'side'")
            made += 1
            continue
        head = main_commit(head)
        made += 1
        if made % 10000 == 0:
            print(f"{made} commits", file=sys.stderr)
    w(b"done\n")
    out.close()
    if fi.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "-C", target, "branch", "-D", "side"], check=False, capture_output=True)
    subprocess.run(["git", "-C", target, "reset", "--quiet", "--hard", "main"], check=True)
    print(f"{target}: {n} commits, {len(files)} files at HEAD", file=sys.stderr)


if __name__ == "__main__":
    main()
