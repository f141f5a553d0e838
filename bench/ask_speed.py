"""How fast a plain-language question is answered inside the process (target: p99 < 100 ms).

Usage: .venv/bin/python bench/ask_speed.py [REPS] [ROUNDS]   (default: 500 reps, 5 rounds)
The organisation is bench/org.py's (teams of ten, three months of reports), imported
into a database file; each round asks every question below as a lead, a rep and the
manager of all teams (the widest scope), through the same path as the bot and the CLI.
The first round per asker is reported apart: it compiles the organisation's names and
runs the rule base once per team (kept until the database changes).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.org import TODAY, organisation
from bot.ask.service import ask_text
from bot.scenario import parse_scenario
from bot.store.db import open_db
from bot.store.importer import import_scenario
from bot.store.repository import Repository

QUESTIONS = (
    "这个月进度怎么样",
    "how are we doing this week",
    "谁落后了",
    "who hasn't reported today",
    "有哪些困难",
    "top 3 by sales",
    "还差多少能完成",
    "Rep 12 details",
    "本周和上周比",
    "sales from march 1 to 15",
    "一季度进度",
    "有哪些流程问题?",
)


def main() -> None:
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    with tempfile.TemporaryDirectory() as folder:
        repo = Repository(open_db(Path(folder) / "bench.db"))
        import_scenario(repo, parse_scenario(organisation(reps), "org"))
        askers = {
            "lead": repo.person_by_id("lead1"),
            "rep": repo.person_by_id("r12"),
            "manager": repo.person_by_id("boss"),
        }
        for role, asker in askers.items():
            assert asker is not None, role
            cold: dict[str, float] = {}
            for question in QUESTIONS:  # the first round fills the caches: timed apart
                start = time.perf_counter()
                ask_text(repo, asker, question, TODAY)
                cold[question] = (time.perf_counter() - start) * 1000
            coldest = max(cold, key=lambda q: cold[q])
            print(f"{role:8} first round: slowest {coldest!r} {cold[coldest]:.1f} ms")
            times: dict[str, list[float]] = {}
            for _ in range(rounds):
                for question in QUESTIONS:
                    start = time.perf_counter()
                    ask_text(repo, asker, question, TODAY)
                    times.setdefault(question, []).append((time.perf_counter() - start) * 1000)
            every = sorted(t for ts in times.values() for t in ts)
            p99 = every[min(len(every) - 1, int(len(every) * 0.99))]
            slowest = max(times, key=lambda q: max(times[q]))
            print(
                f"{role:8} {reps} reps: {len(every)} answers, mean {statistics.mean(every):6.1f} ms, "
                f"p50 {statistics.median(every):6.1f} ms, p99 {p99:6.1f} ms "
                f"(slowest: {slowest!r} {max(times[slowest]):.1f} ms)"
            )


if __name__ == "__main__":
    main()
