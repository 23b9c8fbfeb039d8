#!/usr/bin/env python3
"""Developer check (not part of `make test`): issue 4's acceptance on the
workplace's blogsim. For every post, `blogmap backlinks` must equal the
truth's inbound set; for 200 random pairs (half --undirected), `blogmap path`
must have the length of a BFS over the truth's edges.

    tools/blogsim-research.py CRAWL.db TRUTH.json   (crawl blogsim first)
"""
import json, subprocess, random, collections, sys, csv, io
import os
B=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'build', 'blogmap'); DB=sys.argv[1]; T=json.load(open(sys.argv[2]))
posts=[p['url'] for p in T['posts']]
edges=[(e[0],e[1]) if isinstance(e,list) else (e['source'],e['target']) for e in T['edges']]
inb=collections.defaultdict(set); out=collections.defaultdict(set)
for s,t in edges: inb[t].add(s); out[s].add(t)
bad=0
for u in posts:
    r=subprocess.run([B,'backlinks',u,'--db',DB,'--format','tsv'],capture_output=True,text=True)
    got={row['url'] for row in csv.DictReader(io.StringIO(r.stdout),delimiter='\t')}
    if got!=inb[u]: bad+=1
print("backlinks: %d posts, %d differ" % (len(posts), bad))
def bfs(s,t,und):
    adj=collections.defaultdict(set)
    for a,b in edges:
        adj[a].add(b)
        if und: adj[b].add(a)
    d={s:0}; q=collections.deque([s])
    while q:
        x=q.popleft()
        if x==t: return d[x]
        for y in adj[x]:
            if y not in d: d[y]=d[x]+1; q.append(y)
    return None
rng=random.Random(1); badp=0; n=0
for i in range(200):
    a,b=rng.sample(posts,2); und=i%2==1
    want=bfs(a,b,und)
    args=[B,'path',a,b,'--db',DB,'--format','tsv']+(['--undirected'] if und else [])
    r=subprocess.run(args,capture_output=True,text=True)
    rows=list(csv.DictReader(io.StringIO(r.stdout),delimiter='\t'))
    got=(len(rows)-1) if r.returncode==0 else None
    n+=1
    if got!=want: badp+=1; print("path", a, b, und, want, got, r.stderr.strip()[:100])
print("path: %d pairs (half undirected), %d differ" % (n, badp))
