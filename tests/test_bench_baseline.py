"""The bench's regression guard: figures as ratios to the floor, compared with a baseline."""

import json

import pytest

from bench import baseline


def run(votes_per_s: float, floor: float = 2000, vote_p95: float = 200, burst_s: float = 1.0):
    """A run's results, as bench/run.py records them, with only what the guard reads."""
    latency = {"p50": 10, "p95": 20, "p99": 30}
    return {
        "mode": "quick",
        "floor": {"50": {"rate_per_s": floor, "latency_ms": latency}},
        "votes": {"50": {"votes_per_s": votes_per_s, "latency_ms": {"p95": vote_p95}}},
        "pages": [{"name": "home", "wrk": {"rate_per_s": floor / 10}}],
        "sign_ins": {"sign_ins_per_s": 60},
        "burst": {"pupils": 1000, "first_to_last_s": burst_s},
    }


def guard(tmp_path, before: dict, after: dict) -> list[str]:
    """The comparison of `after` with `before` made the baseline."""
    path = tmp_path / "baseline.json"
    baseline.write(before, "abc123", path)
    return baseline.compare(after, path)


def test_a_figure_more_than_15_percent_worse_is_a_regression(tmp_path):
    """Votes at 0.08 of the floor against 0.10: a REGRESSION line that names the figure."""
    lines = guard(tmp_path, run(200), run(160))
    regressions = [line for line in lines if line.startswith("REGRESSION")]
    assert len(regressions) == 1 and "votes/s ÷ floor, c=50" in regressions[0]
    assert "1 regression(s)" in lines[-1]


def test_within_15_percent_or_better_is_not(tmp_path):
    """10 % slower, or faster, says nothing but the summary."""
    assert not [line for line in guard(tmp_path, run(200), run(181)) if "REGRESSION" in line]
    assert not [line for line in guard(tmp_path, run(200), run(400)) if "REGRESSION" in line]


def test_the_floor_is_what_figures_are_measured_against(tmp_path):
    """A slower machine (floor and votes both halved) is no regression."""
    slower = run(100, floor=1000)
    slower["pages"][0]["wrk"]["rate_per_s"] = 100
    assert not [line for line in guard(tmp_path, run(200), slower) if "REGRESSION" in line]


def test_lower_is_better_figures_regress_upwards(tmp_path):
    """A vote p95 or a burst window that grows is a regression; one that shrinks is not."""
    lines = guard(tmp_path, run(200), run(200, vote_p95=300, burst_s=1.5))
    named = " ".join(line for line in lines if line.startswith("REGRESSION"))
    assert "vote p95" in named and "burst window" in named
    assert not [
        line for line in guard(tmp_path, run(200), run(200, vote_p95=100)) if "REGR" in line
    ]


def test_a_baseline_of_another_mode_compares_nothing(tmp_path):
    """A full run is not held to a quick run's baseline."""
    full = run(100)
    full["mode"] = "full"
    assert "nothing compared" in guard(tmp_path, run(200), full)[0]


def test_the_committed_baseline_is_a_quick_run_of_ratios():
    """bench/baseline.json holds ratios to the floor of a quick run, each with its direction."""
    committed = json.loads(baseline.BASELINE.read_text())
    assert committed["mode"] == "quick" and committed["commit"]
    assert committed["ratios"]
    for figure in committed["ratios"].values():
        assert figure["better"] in (baseline.HIGHER, baseline.LOWER) and figure["ratio"] > 0


def test_a_baseline_from_several_runs_takes_each_figures_median(tmp_path):
    """Three runs of the same code, one unlucky: the baseline is the middle one's figure, and a
    later run as good as the usual ones is no regression."""
    path = tmp_path / "baseline.json"
    baseline.write_median([run(200), run(140), run(210)], "abc123", path)
    written = json.loads(path.read_text())
    assert written["runs"] == 3
    assert written["ratios"]["votes/s ÷ floor, c=50"]["ratio"] == 0.1
    assert not any(line.startswith("REGRESSION") for line in baseline.compare(run(190), path))
    assert any("votes/s" in line for line in baseline.compare(run(160), path))


def test_runs_of_different_kinds_make_no_baseline(tmp_path):
    full = {**run(200), "mode": "full"}
    with pytest.raises(ValueError, match="different kinds"):
        baseline.write_median([run(200), full], "abc123", tmp_path / "baseline.json")
    assert not (tmp_path / "baseline.json").exists()
