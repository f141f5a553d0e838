"""Report texts for benchmarks: the shared examples plus generated variations."""

from __future__ import annotations

import json
import random
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "examples" / "reports.jsonl"

_ZH = [
    "拜访{v}家，成交{o}单，销售额{s}万，回款{c}万",
    "今天拜访客户{v}家，新开网点{n}个，订单{o}笔，销售额{S}元。问题：仓库发货慢。明天：回访华联超市",
    "昨天：电话{k}个，拜访{v}家，没有成交",
    "日报 3/17\n拜访：{v}\n订单：{o}\n销售额：¥{S:,}\n回款：{C:,}\n问题：\n1. 物流延迟两天\n2. 客户要求账期延长\n明日计划：\n1. 拜访沃尔玛采购\n2. 跟进回款",
    "上周五拜访{v}家，成交{o}单，金额{S}元",
    "今日拜訪{v}家，成交{o}單，營業額{s}萬元",
]
_EN = [
    "Visited {v} stores, {o} orders, sales {K}k, collected {C:,}. Blocker: finance hasn't approved the discount. Tomorrow: visit 5 new outlets",
    "Yesterday: {k} calls, {v} visits, {n} new outlet",
    "Daily report\nVisits: {v}\nCalls: {k}\nOrders: {o}\nSales: {S:,}\nIssues:\n- delivery truck broke down\nPlan for tomorrow:\n- 6 visits in Minhang",
    "Collected {K}k today. {v} visits, {o} orders for {K}.5k total.",
]


def generate(count: int, seed: int = 7) -> list[dict[str, str]]:
    """`count` report objects ({"text", "today", "timezone"}) in both languages."""
    rng = random.Random(seed)
    base = [json.loads(line) for line in SHARED.read_text("utf-8").splitlines() if line.strip()]
    out: list[dict[str, str]] = []
    templates = _ZH + _EN
    while len(out) < count:
        if rng.random() < 0.2:
            case = rng.choice(base)
            out.append({"text": case["text"], "today": case["today"], "timezone": case["timezone"]})
            continue
        values = {
            "v": rng.randint(0, 20),
            "o": rng.randint(0, 8),
            "k": rng.randint(0, 40),
            "n": rng.randint(0, 3),
            "s": round(rng.uniform(0.1, 9.9), 1),
            "c": round(rng.uniform(0.1, 5.0), 1),
            "S": rng.randint(1000, 99999),
            "C": rng.randint(1000, 50000),
            "K": rng.randint(1, 60),
        }
        text = rng.choice(templates).format(**values)
        out.append({"text": text, "today": "2026-03-18", "timezone": "Asia/Shanghai"})
    return out
