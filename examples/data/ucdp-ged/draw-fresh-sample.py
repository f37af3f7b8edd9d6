"""Draw the second labelled sample of GED events (docs/operations/replay.md, "How good the rules are").

Reproducible: `python3 draw-fresh-sample.py > draw.csv` gives activity-sample-2.csv with the `label` column empty;
the labels were then written by reading each headline, before the word rules were run on any of these events.
Universe: the 2022-2023 file's events not in the first sample (activity-sample.csv). Two strata, chosen by a broad
screen of delivery words that is wider than the word rules and written independently of them (it never runs them),
so that missile, air and drone events are well represented: every event the screen selects, plus a seeded random
draw of the rest. `stratum` and `weight` (events in the stratum / events drawn from it) let recall be estimated
for the whole file.
"""
import csv, random, re, sys

SCREEN = re.compile(
    r"missile|rocket|air|aviat|aircraft|plane|jet\b|helicopter|drone|uav|shahed|kamikaze|bomb|shot down|downed"
    r"|iskander|kalibr|kinzhal|s-300|strike|struck|raid|sortie|launch|intercept",
    re.I,
)
REST = 160  # events drawn from the unscreened stratum

first = {r["id"] for r in csv.DictReader(open("activity-sample.csv"))}
rows = [r for r in csv.DictReader(open("ucdp-ged-ukraine-2022-02_to_2023-02.csv")) if r["id"] not in first]
screened = [r for r in rows if SCREEN.search(r["source_headline"])]
rest = [r for r in rows if not SCREEN.search(r["source_headline"])]
drawn = [(r, "screened", 1.0) for r in screened]
pick = random.Random(20231).sample(rest, min(REST, len(rest)))
drawn += [(r, "rest", len(rest) / len(pick)) for r in pick]
drawn.sort(key=lambda x: int(x[0]["id"]))
out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["id", "date_start", "type_of_violence", "side_a", "side_b", "source_headline", "stratum", "weight", "label"])
for r, s, w in drawn:
    out.writerow([r["id"], r["date_start"], r["type_of_violence"], r["side_a"], r["side_b"], r["source_headline"], s, f"{w:.4f}", ""])
print(f"universe {len(rows)}: screened {len(screened)}, rest {len(rest)} (drawn {len(pick)})", file=sys.stderr)
