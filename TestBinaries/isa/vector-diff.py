#!/usr/bin/env python3
"""Compares two verbose runs of one harness chunk (diffharness -v CHUNK,
under qemu and under swift-qemu-lite) and prints one line per differing
vector: its words, qemu's outcome and the emulator's, and which registers
differ. Usage: vector-diff.py QEMU_OUT EMU_OUT LABEL"""
import sys

def blocks(path):
    out, cur = {}, None
    for line in open(path, errors='replace'):
        if line.startswith('vector '):
            cur = line.split(':')[0]
            out[cur] = {'words': line.split(':', 1)[1].split()}
        elif cur and line.startswith('  '):
            key, _, rest = line.strip().partition(':')
            out[cur][key] = rest.split()
    return out

def outcome(b):
    for k in b:
        if k.startswith('signal'):
            return k
    return 'ok'

def regs(b, key):
    v = b.get(key, [])
    return v

q, e = blocks(sys.argv[1]), blocks(sys.argv[2])
for k in q:
    qb, eb = q[k], e.get(k)
    if eb == qb:
        continue
    if eb is None:
        print(f'  {sys.argv[3]} {k}: {" ".join(qb["words"])} qemu {outcome(qb)} | emulator: missing')
        continue
    what = []
    for key in ('out x', 'out v', 'out mem', 'sig x'):
        a, b = qb.get(key, []), eb.get(key, [])
        d = [i for i in range(max(len(a), len(b))) if a[i:i + 1] != b[i:i + 1]]
        if d:
            what.append(f'{key}[{",".join(map(str, d[:6]))}]')
            i = d[0]
            what.append(f'q={a[i] if i < len(a) else "-"} e={b[i] if i < len(b) else "-"}')
    print(f'  {sys.argv[3]} {k}: {qb["words"][0]} qemu {outcome(qb)} | emulator {outcome(eb)} {" ".join(what)}')
