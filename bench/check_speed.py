"""How `execoach check` grows with the organisation (target: 500 reps, three months, < 5 s, < 500 MB).

Usage: .venv/bin/python bench/check_speed.py [REPS ...]   (default: 100 500 2000)
Each size runs the installed command on a generated scenario (bench/org.py) in a
fresh process and reports wall time and the child's peak RSS (getrusage).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.org import write

OUT = Path(__file__).resolve().parent / "out"


def run(reps: int) -> None:
    """Times one size and prints a result line."""
    path = write(reps, OUT)
    exe = Path(sys.executable).with_name("execoach")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(
        [str(exe), "check", str(path), "--json"], capture_output=True, text=True, check=True
    )
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    findings = len(json.loads(proc.stdout)["findings"])
    data = json.loads(path.read_text("utf-8"))
    note = "" if peak > before else " (peak below an earlier run's)"
    print(
        f"check: {reps:>5} reps, {len(data['reports']):>6} reports: {elapsed:6.2f} s, "
        f"peak RSS {peak / 1024:6.0f} MB{note}, {findings} findings"
    )


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [100, 500, 2000]
    for reps in sizes:
        run(reps)


if __name__ == "__main__":
    main()
