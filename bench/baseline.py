"""The regression guard: each run's figures, as ratios to the floor, against a committed baseline.

Absolute times differ from machine to machine and from hour to hour; a figure divided by the
bare `SELECT 1` endpoint measured in the same run moves only when the app's own work per
request does. `ratios(results)` gives those figures, each with the direction that is better;
`compare` names every one more than 15 % worse than `bench/baseline.json`, one REGRESSION line
each. The baseline changes only on purpose, in a commit that says why: from one run
(`python -m bench.run --quick --update-baseline`) or, better, from the median of several
(`python -m bench.baseline bench/results/A-quick.json B-quick.json C-quick.json`).
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

BASELINE = Path(__file__).resolve().parent / "baseline.json"
# How much worse a ratio may be before it is called a regression.
TOLERANCE = 0.15
HIGHER, LOWER = "higher is better", "lower is better"


def _floor(results: dict, connections: str | None = None) -> float:
    """The floor's rate at these connections, or its best rate."""
    floors = results.get("floor", {})
    if connections is not None:
        return floors.get(connections, {}).get("rate_per_s", 0.0)
    return max((run.get("rate_per_s", 0.0) for run in floors.values()), default=0.0)


def ratios(results: dict) -> dict[str, dict]:
    """Each guarded figure of a run: its ratio to the floor and which way is better."""
    found: dict[str, dict] = {}
    best = _floor(results)
    for c, run in results.get("votes", {}).items():
        floor = _floor(results, c)
        if "votes_per_s" in run and floor:
            rate = run["votes_per_s"] / floor
            found[f"votes/s ÷ floor, c={c}"] = {"ratio": rate, "better": HIGHER}
            p95 = run["latency_ms"]["p95"]
            floor_p95 = results["floor"][c]["latency_ms"]["p95"]
            if floor_p95:
                found[f"vote p95 ÷ floor p95, c={c}"] = {"ratio": p95 / floor_p95, "better": LOWER}
    for row in results.get("pages", []):
        wrk = row.get("wrk") or {}
        if wrk.get("rate_per_s") and best:
            found[f"page {row['name']}: req/s ÷ floor"] = {
                "ratio": wrk["rate_per_s"] / best,
                "better": HIGHER,
            }
    sign_ins = results.get("sign_ins") or {}
    if sign_ins.get("sign_ins_per_s") and best:
        found["sign-ins/s ÷ floor"] = {"ratio": sign_ins["sign_ins_per_s"] / best, "better": HIGHER}
    burst = results.get("burst") or {}
    if burst.get("first_to_last_s") and best:
        # The burst's window against the time the floor takes for as many requests.
        floor_window = burst["pupils"] / best
        found["burst window ÷ floor's time for as many"] = {
            "ratio": burst["first_to_last_s"] / floor_window,
            "better": LOWER,
        }
    return {name: {**figure, "ratio": round(figure["ratio"], 4)} for name, figure in found.items()}


def worse_by(baseline: dict, now: dict) -> float:
    """How much worse `now` is than `baseline` (0.2 = 20 % worse; negative = better)."""
    if baseline["better"] == HIGHER:
        return (baseline["ratio"] - now["ratio"]) / baseline["ratio"]
    return (now["ratio"] - baseline["ratio"]) / baseline["ratio"]


def compare(results: dict, baseline_path: Path = BASELINE) -> list[str]:
    """Lines saying how this run compares with the baseline: one REGRESSION line per figure
    more than TOLERANCE worse, then a summary."""
    if not baseline_path.exists():
        return [f"No baseline at {baseline_path.name}: nothing compared."]
    baseline = json.loads(baseline_path.read_text())
    if baseline.get("mode") != results.get("mode"):
        return [
            f"The baseline is of a {baseline.get('mode')} run and this is a {results.get('mode')}"
            " run: nothing compared."
        ]
    now = ratios(results)
    lines, compared = [], 0
    for name, before in baseline["ratios"].items():
        if name not in now:
            lines.append(f"NOT MEASURED: {name} (in the baseline, missing from this run)")
            continue
        compared += 1
        change = worse_by(before, now[name])
        if change > TOLERANCE:
            lines.append(
                f"REGRESSION: {name}: {now[name]['ratio']:.3f} against the baseline's"
                f" {before['ratio']:.3f} ({change:.0%} worse; {before['better']})"
            )
    regressions = sum(line.startswith("REGRESSION") for line in lines)
    lines.append(
        f"Compared {compared} figures with bench/baseline.json (commit {baseline.get('commit')}):"
        f" {regressions} regression(s) beyond {TOLERANCE:.0%}."
    )
    return lines


def write(results: dict, commit: str, baseline_path: Path = BASELINE) -> Path:
    """Make this run the baseline (on purpose only: say why in the commit)."""
    return write_median([results], commit, baseline_path)


def write_median(runs: list[dict], commit: str, baseline_path: Path = BASELINE) -> Path:
    """Make the baseline the median of each figure over these runs, all of one kind.

    On a shared machine one run's ratios can differ from the next's by a third, the code
    unchanged; the median of a few runs is a baseline that one unlucky run does not move.
    """
    modes = {run.get("mode") for run in runs}
    if len(modes) != 1:
        raise ValueError(f"runs of different kinds: {sorted(map(str, modes))}")
    each = [ratios(run) for run in runs]
    names = [name for name in each[0] if all(name in figures for figures in each)]
    median = {
        name: {
            "ratio": statistics.median(figures[name]["ratio"] for figures in each),
            "better": each[0][name]["better"],
        }
        for name in names
    }
    baseline = {"mode": modes.pop(), "commit": commit, "runs": len(runs), "ratios": median}
    baseline_path.write_text(json.dumps(baseline, indent=2, ensure_ascii=False) + "\n")
    return baseline_path


def main(argv: list[str]) -> None:
    """`python -m bench.baseline RUN.json [RUN.json ...]`: the median of these runs becomes
    the baseline (on purpose only: say why in the commit)."""
    runs = [json.loads(Path(name).read_text()) for name in argv]
    commits = sorted({run.get("machine", {}).get("git", "?") for run in runs})
    path = write_median(runs, ", ".join(commits))
    print(f"Baseline rewritten from {len(runs)} run(s): {path} (commit it, saying why)")


if __name__ == "__main__":
    main(sys.argv[1:])
