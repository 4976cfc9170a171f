#!/usr/bin/env python3
"""mutate.py - turns a share of gen-batch.py's filings into B and C cases.

    mutate.py IN.ndjson OUT.ndjson CLASSES.tsv --b=PCT --c=PCT [--seed=S]

gen-batch.py writes filings the review answers A. Of its level-3 filings
(graded by the matrix to exactly 3), PCT % of all records become:

  - B: the topology and the product list are left out (the review's reply
    names both; tests/chaos/supplement.json brings them);
  - C: misgraded: both dimensions proposed at level 2 and the final level
    2, while the matrix says 3 (the review sends it to the expert panel).

CLASSES.tsv gets one line per record: credit code, system name, class
(A, B or C), tab-separated, for the test's SQL. Standard library only.
"""
import argparse
import json
import random

ap = argparse.ArgumentParser()
ap.add_argument("inp")
ap.add_argument("out")
ap.add_argument("classes")
ap.add_argument("--b", type=float, default=10)
ap.add_argument("--c", type=float, default=5)
ap.add_argument("--seed", default="chaos")
a = ap.parse_args()

recs = [json.loads(line) for line in open(a.inp, encoding="utf-8")]
rng = random.Random(a.seed)
three = [i for i, r in enumerate(recs) if r["grading"]["final_level"] == 3]
rng.shuffle(three)
nb = int(len(recs) * a.b / 100)
nc = int(len(recs) * a.c / 100)
if nb + nc > len(three):
    raise SystemExit("mutate.py: only %d level-3 filings for %d B and %d C"
                     % (len(three), nb, nc))
cls = ["A"] * len(recs)
for i in three[:nb]:
    cls[i] = "B"
    recs[i]["materials"] = [m for m in recs[i]["materials"]
                            if m["kind"] not in ("topology", "product_list")]
for i in three[nb:nb + nc]:
    cls[i] = "C"
    g = recs[i]["grading"]
    g["business"]["proposed_level"] = min(g["business"]["proposed_level"], 2)
    g["service"]["proposed_level"] = min(g["service"]["proposed_level"], 2)
    g["final_level"] = 2
with open(a.out, "w", encoding="utf-8") as f:
    for r in recs:
        f.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")
with open(a.classes, "w", encoding="utf-8") as f:
    for r, c in zip(recs, cls):
        f.write("%s\t%s\t%s\n" % (r["unit"]["credit_code"], r["system"]["name"], c))
