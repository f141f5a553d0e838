"""The demo: the bundled organisation loaded into a fresh in-memory database and shown.

`make run` runs this until the bot itself exists, so a newcomer sees the
product work: reports read from free text, plan status per team and person,
open blockers.
"""

from __future__ import annotations

import dataclasses
import json
from importlib import resources
from pathlib import Path
from typing import Any

from bot.i18n import Lang, t


def bundled_scenario() -> Path:
    """The path of the bundled demo scenario."""
    return Path(str(resources.files("bot.demo").joinpath("demo.json")))


def run_demo(scenario_path: str | None, lang: Lang | None, *, as_json: bool = False) -> int:
    """Loads the scenario into memory and prints every team's status; returns 0."""
    from bot.report_view import format_number, metric_label
    from bot.scenario import load_scenario
    from bot.status import team_status
    from bot.status_view import render_team_status
    from bot.store.db import open_db
    from bot.store.importer import import_scenario
    from bot.store.repository import Repository
    from knowledge import CANONICAL_METRICS

    scenario = load_scenario(scenario_path or bundled_scenario())
    repo = Repository(open_db(":memory:"))
    summary = import_scenario(repo, scenario)
    today = scenario.today
    lang = lang or "en"
    names = {p.id: p.name for p in repo.people()}
    statuses = [team_status(repo, team, today) for team in repo.teams()]
    if as_json:
        print(json.dumps([_status_json(s) for s in statuses], ensure_ascii=False, default=str))
        return 0
    reports = repo.reports_between(None, today, today)
    out = [
        t(
            "demo.title",
            lang,
            org=", ".join(s.team.name for s in statuses),
            teams=len(statuses),
            people=len(names),
            reports=summary.reports,
            date=today.isoformat(),
        ),
        "",
    ]
    for status in statuses:
        out += [render_team_status(status, lang, names), ""]
    out.append(t("demo.read_title", lang))
    for report in reports:
        order = {name: i for i, name in enumerate(CANONICAL_METRICS)}
        metrics = sorted(report.metrics.items(), key=lambda mv: (order.get(mv[0], 99), mv[0]))
        figures = " · ".join(
            f"{metric_label(m, lang)} {format_number(v, lang)}" for m, v in metrics
        )
        out.append(
            "  "
            + t(
                "demo.read_line",
                lang,
                name=names.get(report.person_id, report.person_id),
                date=report.report_date.isoformat(),
                figures=figures,
            )
        )
        if report.blockers:
            out.append(t("demo.read_blockers", lang, items="; ".join(report.blockers)))
        if report.next_steps:
            out.append(t("demo.read_next", lang, items="; ".join(report.next_steps)))
    out += ["", t("demo.footer", lang)]
    print("\n".join(out))
    return 0


def _status_json(status: Any) -> dict[str, Any]:
    data: dict[str, Any] = dataclasses.asdict(status)
    return data
