"""Draw the second or third labelled sample of GED events (docs/operations/replay.md, "How good the rules are").

Reproducible: `python3 draw-fresh-sample.py 2 > draw.csv` gives activity-sample-2.csv, and `... 3` gives
activity-sample-3.csv, with the `label` column empty; the labels were then written by reading each headline, before
the word rules were run on any of these events. Strata are chosen by a broad screen of delivery words that is wider
than the word rules and written independently of them (it never runs them), so that missile, air and drone events
are well represented: every event the screen selects, plus a seeded random draw of the rest. `stratum` and
`weight` (events in the stratum / events drawn from it) let figures be estimated for the whole universe.

Sample 2: universe the 2022-2023 file's events not in the first sample (activity-sample.csv).
Sample 3: universe both files' events in neither earlier sample. The 2022-2023 file has no screened event left
(sample 2 took them all), so the rest is drawn per file: 80 from the 2022-2023 file, 100 from the 2014-2022 file.
The screen is sample 2's with "air" as a word and "airstrike", "air raid", "jets", "Tochka" added: the 2014-2022
file's "airport" (the Donetsk airport battles) is no delivery word.
"""
import csv, random, re, sys

SCREEN_2 = re.compile(
    r"missile|rocket|air|aviat|aircraft|plane|jet\b|helicopter|drone|uav|shahed|kamikaze|bomb|shot down|downed"
    r"|iskander|kalibr|kinzhal|s-300|strike|struck|raid|sortie|launch|intercept",
    re.I,
)
SCREEN_3 = re.compile(
    r"missile|rocket|\bair\b|air[- ]?strike|air[- ]?raid|aviat|aircraft|plane|\bjets?\b|helicopter|drone|\buav"
    r"|shahed|kamikaze|bomb|shot down|downed|iskander|kalibr|kinzhal|tochka|s-300|strike|struck|raid|sortie"
    r"|launch|intercept",
    re.I,
)
FILES = {"2014": "ucdp-ged-ukraine-2014-01_to_2022-02.csv", "2022": "ucdp-ged-ukraine-2022-02_to_2023-02.csv"}


def ids(name):
    return {r["id"] for r in csv.DictReader(open(name))}


def rows(file, seen):
    return [r for r in csv.DictReader(open(FILES[file])) if r["id"] not in seen]


def draw(universe, screen, rest_plan):
    """rest_plan: (stratum name, seed, how many, filter on the unscreened rows)."""
    screened = [r for r in universe if screen.search(r["source_headline"])]
    rest = [r for r in universe if not screen.search(r["source_headline"])]
    drawn = [(r, "screened", 1.0) for r in screened]
    report = [f"universe {len(universe)}: screened {len(screened)}"]
    for name, seed, n, keep in rest_plan:
        pool = [r for r in rest if keep(r)]
        pick = random.Random(seed).sample(pool, min(n, len(pool)))
        drawn += [(r, name, len(pool) / len(pick)) for r in pick]
        report.append(f"{name} {len(pool)} (drawn {len(pick)})")
    print(", ".join(report), file=sys.stderr)
    return drawn


which = sys.argv[1] if len(sys.argv) > 1 else "2"
if which == "2":
    drawn = draw(rows("2022", ids("activity-sample.csv")), SCREEN_2, [("rest", 20231, 160, lambda r: True)])
elif which == "3":
    seen = ids("activity-sample.csv") | ids("activity-sample-2.csv")
    y2022 = ids(FILES["2022"])
    drawn = draw(
        rows("2014", seen) + rows("2022", seen),
        SCREEN_3,
        [
            ("rest-2022", 20232, 80, lambda r: r["id"] in y2022),
            ("rest-2014", 20141, 100, lambda r: r["id"] not in y2022),
        ],
    )
else:
    sys.exit("usage: draw-fresh-sample.py 2|3")
drawn.sort(key=lambda x: int(x[0]["id"]))
out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["id", "date_start", "type_of_violence", "side_a", "side_b", "source_headline", "stratum", "weight", "label"])
for r, s, w in drawn:
    out.writerow([r["id"], r["date_start"], r["type_of_violence"], r["side_a"], r["side_b"], r["source_headline"], s, f"{w:.4f}", ""])
