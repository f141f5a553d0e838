"""How the demo's reps write a day's figures: a few forms in Chinese, a few in English.

Each call draws the form first, then formats; the generator's random sequence
depends on that order, so keep it.
"""

from __future__ import annotations

import random


def zh_day(rng: random.Random, v: int, o: int, sales: int, coll: int, extra: str = "") -> str:
    """A Chinese report of visits, orders, sales and collections, plus ``extra``."""
    form = rng.randrange(3)
    if form == 0:
        text = f"拜访{v}家，成交{o}单，销售额{sales / 10000:.1f}万，回款{coll}元"
    elif form == 1:
        text = f"今天拜访客户{v}家，订单{o}笔，销售额{sales}元，回款{coll / 10000:.1f}万"
    else:
        text = f"拜访：{v}\n订单：{o}\n销售额：{sales:,}\n回款：{coll:,}"
    return text + extra


def en_day(rng: random.Random, v: int, o: int, sales: int, coll: int, extra: str = "") -> str:
    """An English report of visits, orders, sales and collections, plus ``extra``."""
    form = rng.randrange(2)
    if form == 0:
        text = f"Visited {v} stores, {o} orders, sales {sales / 1000:.1f}k, collected {coll:,}."
    else:
        text = f"Visits: {v}\nOrders: {o}\nSales: {sales:,}\nCollections: {coll:,}"
    return text + extra
