#!/usr/bin/env python3
"""Replays stored searches' evaluations.csv through an LRU cache of early activations (org.emomc4j.nn.PrefixCache's
policy: every pooling output of every candidate kept, least recently used dropped beyond a budget; a genome already
scored is a whole-genome hit of the shared evaluation cache and costs nothing) and prints the fraction of the
scoring MACs it would skip. VGG-16 width 1 on CIFAR: pooling after conv layers 2, 4, 7, 10 and 13 (1-based), i.e.
after 12.6 / 30.7 / 60.8 / 91.0 / 100 % of the convolution MACs, 164 / 82 / 41 / 20 / 5 MB per 5,000 images in bf16.
Usage: replay.py SEARCH_DIR... (each holding evaluations.csv, in the order the searches ran)"""
import csv, sys
from collections import OrderedDict

BOUNDARIES = [(2, 0.126, 164), (4, 0.307, 82), (7, 0.608, 41), (10, 0.910, 20), (13, 1.0, 5)]


def replay(paths, budget_mb):
    lru, used, seen, saved, scored = OrderedDict(), 0, set(), 0.0, 0
    for p in paths:
        for row in csv.DictReader(open(p)):
            r, bits = row['remaining'], tuple(row['bits'].split())
            if (r, bits) in seen:
                continue
            seen.add((r, bits))
            scored += 1
            best = 0.0
            for k, frac, _ in BOUNDARIES:
                if (r, bits[:k]) in lru:
                    best = frac
                    lru.move_to_end((r, bits[:k]))
            saved += best
            for k, frac, mb in BOUNDARIES:
                if frac > best and (r, bits[:k]) not in lru:
                    lru[(r, bits[:k])] = mb
                    used += mb
                    while used > budget_mb:
                        used -= lru.popitem(last=False)[1]
    return saved / scored, scored


if __name__ == '__main__':
    paths = [d.rstrip('/') + '/evaluations.csv' for d in sys.argv[1:]]
    for gb in (1, 2, 4, 6, 8):
        frac, n = replay(paths, gb * 1000)
        print('%d GB: %.1f %% of the scoring MACs skipped (%d candidates scored)' % (gb, 100 * frac, n))
