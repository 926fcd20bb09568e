"""Accounts for who used the CPUs during a run: app workers, PostgreSQL, wrk, everything else."""

import os
import resource
import time
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _process_ticks(groups: dict[str, int]) -> dict[str, int]:
    """CPU ticks of live processes by category: a server's process group, postgres, or other."""
    by_group = {pgid: name for name, pgid in groups.items()}
    totals: dict[str, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue  # the process ended while we looked
        # The command name is in parentheses and may hold spaces; fields follow the last ")".
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        pgrp, utime, stime = int(fields[2]), int(fields[11]), int(fields[12])
        if pgrp in by_group:
            category = by_group[pgrp]
        elif name.startswith("postgres"):
            category = "postgres"
        else:
            category = "other"
        totals[category] = totals.get(category, 0) + utime + stime
    return totals


def _machine_idle() -> tuple[int, int]:
    """Idle and total ticks of all CPUs since boot (/proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return idle, sum(fields)


def snapshot(groups: dict[str, int]) -> dict:
    """Counters to subtract later; `groups` maps a name to a server's process group id."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "at": time.monotonic(),
        "processes": _process_ticks(groups),
        "machine": _machine_idle(),
        # wrk exits before the second snapshot; its time shows up in the reaped children.
        "children": children.ru_utime + children.ru_stime,
    }


def usage(before: dict, after: dict) -> dict[str, float]:
    """Per cent of the whole machine (all CPUs) each category used between two snapshots."""
    elapsed = after["at"] - before["at"]
    capacity = elapsed * (os.cpu_count() or 1)
    if capacity <= 0:
        return {}
    shares = {}
    for category, ticks in after["processes"].items():
        used = (ticks - before["processes"].get(category, 0)) / TICKS
        if used > 0:
            shares[category] = round(100 * used / capacity, 1)
    shares["wrk"] = round(100 * (after["children"] - before["children"]) / capacity, 1)
    idle = after["machine"][0] - before["machine"][0]
    total = after["machine"][1] - before["machine"][1]
    if total > 0:
        shares["idle"] = round(100 * idle / total, 1)
    return shares
