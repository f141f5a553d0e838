"""How fast `execoach parse --jsonl` reads once started (target: ≥ 1,000 reports/s on one core).

Runs the installed command twice, on 1 line and on N lines, and takes the
difference, so interpreter start-up and imports are not counted. Also times
parse_report in-process.  Usage: .venv/bin/python bench/parse_speed.py [N]
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.reports import generate


def _run(lines: list[str]) -> float:
    exe = Path(sys.executable).with_name("execoach")
    payload = "".join(line + "\n" for line in lines)
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    start = time.perf_counter()
    proc = subprocess.run(
        ["taskset", "-c", "0", str(exe), "parse", "--jsonl"],
        input=payload,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    elapsed = time.perf_counter() - start
    results = proc.stdout.splitlines()
    assert len(results) == len(lines), (len(results), len(lines))
    assert not any('"error"' in r[:10] for r in results)
    return elapsed


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    reports = generate(count)
    lines = [json.dumps(r, ensure_ascii=False) for r in reports]
    one = min(_run(lines[:1]) for _ in range(3))
    many = min(_run(lines) for _ in range(3))
    rate = (count - 1) / (many - one)
    print(f"parse --jsonl: {count} reports in {many:.2f} s incl. start-up {one:.2f} s")
    print(f"parse --jsonl: {rate:,.0f} reports/s once started (one core, taskset -c 0)")

    from bot.report_parser import parse_report

    parse_report("warm up 拜访1家", dt.date(2026, 3, 18))
    times = []
    for r in reports:
        t0 = time.perf_counter()
        parse_report(r["text"], dt.date.fromisoformat(r["today"]))
        times.append(time.perf_counter() - t0)
    times.sort()

    def p(q: float) -> float:
        return times[int(q * (len(times) - 1))] * 1000

    print(
        f"parse_report in-process: mean {statistics.mean(times) * 1000:.3f} ms, "
        f"p50 {p(0.5):.3f} ms, p99 {p(0.99):.3f} ms, max {times[-1] * 1000:.3f} ms"
    )


if __name__ == "__main__":
    main()
