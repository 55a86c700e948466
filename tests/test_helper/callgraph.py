#!/usr/bin/env python3
# callgraph.py BUILD_DIR: the call graph of twtune's objects (BUILD_DIR/*.o,
# one per src/*.c) from nm: an edge X -> Y when X uses a symbol Y defines.
# Prints the circles (strongly connected components of more than one
# object) and exits 1 when there is one; prints "call circles: none" else.
import subprocess,glob,os,sys
d=sys.argv[1]
defs={};uses={}
for o in glob.glob(d+'/*.o'):
    m=os.path.basename(o)[:-2]
    out=subprocess.run(['nm',o],capture_output=True,text=True).stdout
    for l in out.splitlines():
        p=l.split()
        if len(p)==3 and p[1] in 'TDRB': defs[p[2]]=m
        elif len(p)==2 and p[0]=='U': uses.setdefault(m,set()).add(p[1])
edges={m:{defs[s] for s in us if s in defs and defs[s]!=m} for m,us in uses.items()}
sys.setrecursionlimit(10000)
idx={};low={};st=[];on=set();sccs=[];i=[0]
def sc(v):
    idx[v]=low[v]=i[0];i[0]+=1;st.append(v);on.add(v)
    for w in edges.get(v,()):
        if w not in idx: sc(w);low[v]=min(low[v],low[w])
        elif w in on: low[v]=min(low[v],idx[w])
    if low[v]==idx[v]:
        c=[]
        while True:
            w=st.pop();on.discard(w);c.append(w)
            if w==v:break
        if len(c)>1: sccs.append(c)
for v in list(edges):
    if v not in idx: sc(v)
if sccs:
    for c in sccs:
        print("call circle:", " ".join(sorted(c)))
    sys.exit(1)
print("call circles: none")
