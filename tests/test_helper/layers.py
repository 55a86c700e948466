#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# layers.py: holds src/'s layer order and checks that the tree keeps it.
#
#   layers.py order              prints the order, lowest first
#   layers.py includes SRC_DIR   every #include "x.h" of SRC_DIR/**/*.[ch]
#                                goes to the file's own layer or one below;
#                                no circle among the files' includes
#   layers.py calls BUILD_DIR    from nm on BUILD_DIR/**/*.o: no object calls
#                                into a layer above its own, no circle among
#                                the objects, and render/ calls neither
#                                rules/ nor qsort nor what the view holds
#                                already (COMPUTED: renderers walk a view
#                                the rules computed)
#
# Prints one line per fault and exits 1, or one line "... none" and exits 0.
# A file's layer is its folder under src/ (BUILD_DIR mirrors src/); main.c,
# at the top of src/, sits above every layer.
import glob
import os
import re
import subprocess
import sys

ORDER = ["util", "model", "profile", "kernel", "rules", "render", "txn", "watch", "cmd"]
TOP = "main"  # src/main.c
RANK = {name: i for i, name in enumerate(ORDER + [TOP])}
# Made by the build, not kept in src/.
GENERATED = {"vmlinux.h", "observe.skel.h"}
# What the audit's view (src/rules/view.h) computes once: the selections
# and sorts of the busiest entries, the worst pool, the rates, the
# processes, the usable ports, the change. A renderer calling one of
# these computes while printing.
COMPUTED = {"sockets_top", "sockets_top_servers", "worst_dest", "sockets_side_rate",
            "owners_dest", "owners_server", "ephemeral_usable", "settings_ephemeral",
            "k8s_changes"}


def layer_of(root, path):
    rel = os.path.relpath(path, root)
    parts = rel.split(os.sep)
    if len(parts) == 1:
        return TOP
    if parts[0] not in RANK or parts[0] == TOP:
        raise SystemExit(f"layers: {rel}: not in a layer folder ({' '.join(ORDER)})")
    return parts[0]


def circles(edges):
    """Strongly connected components of more than one node (Tarjan)."""
    sys.setrecursionlimit(10000)
    idx, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        idx[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in idx:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], idx[w])
        if low[v] == idx[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in idx:
            visit(v)
    return out


def check_includes(root):
    files = sorted(glob.glob(os.path.join(root, "**", "*.[ch]"), recursive=True))
    by_name = {}
    for f in files:
        if f.endswith(".h"):
            by_name.setdefault(os.path.basename(f), []).append(f)
    faults = []
    for name, paths in sorted(by_name.items()):
        if len(paths) > 1:
            faults.append("header name twice: " + " ".join(os.path.relpath(p, root) for p in paths))
    edges = {}
    inc = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
    for f in files:
        me = os.path.relpath(f, root)
        mine = layer_of(root, f)
        with open(f, encoding="utf-8", errors="replace") as fh:
            for n, line in enumerate(fh, 1):
                m = inc.match(line)
                if not m:
                    continue
                name = os.path.basename(m.group(1))
                if name in GENERATED:
                    continue
                target = by_name.get(name)
                if not target:
                    faults.append(f"unknown header: {me}:{n} includes \"{m.group(1)}\"")
                    continue
                t = target[0]
                theirs = layer_of(root, t)
                edges.setdefault(me, set()).add(os.path.relpath(t, root))
                if RANK[theirs] > RANK[mine]:
                    faults.append(f"upward include: {me}:{n} ({mine}) includes "
                                  f"{os.path.relpath(t, root)} ({theirs})")
    for c in circles(edges):
        faults.append("include circle: " + " ".join(c))
    return faults, "upward includes and include circles: none"


def check_calls(build):
    # The objects of src/: main.o and those in a layer's folder (not the
    # fuzz, test or package builds beside them).
    objs = sorted(glob.glob(os.path.join(build, "*.o")) +
                  [o for name in ORDER
                   for o in glob.glob(os.path.join(build, name, "*.o"))])
    defs, uses, layer = {}, {}, {}
    for o in objs:
        rel = os.path.relpath(o, build)[:-2]
        layer[rel] = layer_of(build, o)
        out = subprocess.run(["nm", o], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] in "TDRB":
                defs[p[2]] = rel
            elif len(p) == 2 and p[0] == "U":
                uses.setdefault(rel, set()).add(p[1])
    faults = []
    edges = {}
    for m, syms in sorted(uses.items()):
        for s in sorted(syms):
            if layer[m] == "render" and s == "qsort":
                faults.append(f"render sorts: {m} calls qsort")
            if layer[m] == "render" and s in COMPUTED:
                faults.append(f"render computes: {m} calls {s}, which the view holds")
            t = defs.get(s)
            if not t or t == m:
                continue
            edges.setdefault(m, set()).add(t)
            if RANK[layer[t]] > RANK[layer[m]]:
                faults.append(f"upward call: {m} ({layer[m]}) calls {s} in {t} ({layer[t]})")
            elif layer[m] == "render" and layer[t] == "rules":
                faults.append(f"render calls rules: {m} calls {s} in {t}")
    for c in circles(edges):
        faults.append("call circle: " + " ".join(c))
    return faults, "upward calls, call circles and rules in renderers: none"


def main(argv):
    if len(argv) == 2 and argv[1] == "order":
        print(" ".join(ORDER))
        return 0
    if len(argv) != 3 or argv[1] not in ("includes", "calls"):
        print("usage: layers.py order | includes SRC_DIR | calls BUILD_DIR", file=sys.stderr)
        return 2
    faults, clean = (check_includes if argv[1] == "includes" else check_calls)(argv[2])
    for f in faults:
        print(f)
    if faults:
        return 1
    print(clean)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
