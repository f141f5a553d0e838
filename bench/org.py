"""A generated organisation for benchmarks: N reps in teams of ten, three months of reports."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

TODAY = dt.date(2026, 3, 18)
START = dt.date(2025, 12, 15)


def organisation(
    reps: int,
    seed: int = 11,
    text_share: float = 0.1,
    start: dt.date = START,
    today: dt.date = TODAY,
) -> dict[str, Any]:
    """A scenario (contracts §1) with `reps` reps; a tenth of the reports are free text."""
    period = f"{today:%Y-%m}"
    monday = today - dt.timedelta(days=today.weekday())
    rng = random.Random(seed)
    people: list[dict[str, Any]] = [{"id": "boss", "name": "Boss", "role": "manager", "lang": "en"}]
    teams, targets, reports, events = [], [], [], []
    for t in range((reps + 9) // 10):
        team, lead = f"t{t}", f"lead{t}"
        people.append({"id": lead, "name": f"Lead {t}", "role": "lead", "team": team, "lang": "zh"})
        teams.append(
            {"id": team, "name": f"Team {t}", "lead": lead, "manager": "boss", "settings": {}}
        )
        events.append({"kind": "meeting", "team": team, "date": monday.isoformat()})
        events.append({"kind": "incentive_scheme", "team": team, "date": "2026-01-05"})
    for r in range(reps):
        pid, team = f"r{r}", f"t{r // 10}"
        people.append(
            {
                "id": pid,
                "name": f"Rep {r}",
                "role": "rep",
                "team": team,
                "lang": "zh" if r % 2 else "en",
                "telegram_id": 100_000 + r,
            }
        )
        skill = rng.uniform(0.6, 1.3)
        targets.append(
            {
                "person": pid,
                "metric": "sales",
                "period": period,
                "value": 220000,
                "draft": 200000,
                "basis": "bottom_up",
            }
        )
        targets.append(
            {
                "person": pid,
                "metric": "visits",
                "period": period,
                "value": 160,
                "basis": "bottom_up",
            }
        )
        day = start
        while day <= today:
            if day.weekday() < 5 and rng.random() < 0.95:
                visits, orders = rng.randint(5, 12), rng.randint(0, 4)
                sales = int(10000 * skill * rng.uniform(0.6, 1.4))
                if rng.random() < text_share:
                    text = f"拜访{visits}家，成交{orders}单，销售额{sales / 10000:.1f}万，回款{sales // 2}元。明天：回访老客户"
                    reports.append({"person": pid, "date": day.isoformat(), "text": text})
                else:
                    entry: dict[str, Any] = {
                        "person": pid,
                        "date": day.isoformat(),
                        "metrics": {
                            "visits": visits,
                            "orders": orders,
                            "sales": sales,
                            "collections": sales // 2,
                        },
                        "next_steps": ["follow up"] if rng.random() < 0.7 else [],
                    }
                    if rng.random() < 0.03:
                        entry["blockers"] = [
                            rng.choice(
                                ["warehouse shipped late", "finance approval pending", "客户压价"]
                            )
                        ]
                    reports.append(entry)
            day += dt.timedelta(days=1)
    return {
        "scenario": 1,
        "today": today.isoformat(),
        "timezone": "Asia/Shanghai",
        "workdays": "mon-fri",
        "people": people,
        "teams": teams,
        "targets": targets,
        "reports": reports,
        "events": events,
        "plan_documents": [],
    }


def write(reps: int, folder: Path) -> Path:
    """Writes the organisation of `reps` reps as JSON and returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"org-{reps}.json"
    path.write_text(json.dumps(organisation(reps), ensure_ascii=False), "utf-8")
    return path
