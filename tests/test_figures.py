"""The cluster figures, computed from indicator definitions written inline."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thidua.figures import Figure, MemberValue, aggregate
from thidua.models import Indicator
from thidua.report import build
from thidua.repository import load


def ind(**kw) -> Indicator:
    return Indicator.model_validate(
        {"id": "x", "label": "X", "unit": "%", "aggregate": "sum", **kw}
    )


def fig(indicator: Indicator, *values, plans=None) -> Figure:
    members = [
        MemberValue(
            f"m{i}",
            f"M{i}",
            None if v is None else Decimal(str(v)),
            plan=None if not plans else Decimal(str(plans[i])),
        )
        for i, v in enumerate(values)
    ]
    f = Figure(indicator, members)
    aggregate(f)
    return f


def test_sum_mean_min_max_range():
    assert fig(ind(), 1, 2.5, None).value == Decimal("3.5")
    assert fig(ind(aggregate="mean", decimals=1), 7.37, -9.28, 11.03).rounded == Decimal("3.0")
    assert fig(ind(aggregate="min"), 3, 1, 2).value == 1
    assert fig(ind(aggregate="max"), 3, 1, 2).value == 3
    r = fig(ind(aggregate="range"), 97.7, 139.5, 120)
    assert (r.low, r.high, r.value) == (Decimal("97.7"), Decimal("139.5"), None)


def test_weighted_mean_and_share():
    f = Figure(ind(aggregate="weighted_mean", weight="w", decimals=2), [
        MemberValue("a", "A", Decimal(90), weight=Decimal(100)),
        MemberValue("b", "B", Decimal(80), weight=Decimal(300)),
    ])  # fmt: skip
    aggregate(f)
    assert f.value == Decimal("82.5")
    s = Figure(ind(aggregate="share", numerator="n", denominator="d"), [
        MemberValue("a", "A", Decimal(100), parts=(Decimal(8), Decimal(8))),
        MemberValue("b", "B", Decimal(50), parts=(Decimal(1), Decimal(2))),
    ])  # fmt: skip
    aggregate(s)
    assert s.value == Decimal(90)  # 9 / 10, not the mean of 100% and 50%


def test_plan_ratio():
    f = fig(ind(plan="kế hoạch", decimals=1), 310.5, 820, plans=[300, 900])
    assert f.plan == 1200
    assert round(f.plan_ratio, 1) == Decimal("94.2")  # 1130.5 / 1200


@pytest.mark.parametrize(
    ("rounding", "above", "below", "value", "shown", "direction"),
    [
        ("down", "hơn", None, 235384, 235000, -1),
        ("half-up", "hơn", "gần", 235684, 236000, 1),
        ("up", None, "gần", 235001, 236000, 1),
        ("down", "hơn", None, 235000, 235000, 0),
    ],
)
def test_headline_rounding(rounding, above, below, value, shown, direction):
    indicator = ind(headline={"step": 1000, "rounding": rounding, "above": above, "below": below})
    assert fig(indicator, value).headline() == (Decimal(shown), direction)


@given(st.lists(st.decimals(-1000, 1000, places=2), min_size=1, max_size=20))
def test_mean_lies_between_min_and_max(values):
    f = fig(ind(aggregate="mean"), *values)
    assert min(values) <= f.value <= max(values)
    assert fig(ind(), *values).value == sum(values)


def test_no_figures_at_all():
    f = fig(ind(), None, None)
    assert f.value is None and f.rounded is None
    assert f.headline() == (None, 0)


def test_comparison_over_common_members_when_membership_changed(repo):
    root = repo(
        {
            "2023/indicators.csv": "member,growth,revenue\nan-giang,6,10\nbac-lieu,8,20\nca-mau,4,30\n",
            "2025/indicators.csv": "member,growth,revenue\nan-giang,7,11\nca-mau,5,31\n",
            "2024/indicators.csv": "member,growth,revenue\nan-giang,6,10\nbac-lieu,8,20\nca-mau,4,30\n",
        }
    )
    reading = load(root)
    assert reading.findings == []
    assert reading.records is not None
    summary = build(reading.records, 2025)
    growth, revenue = summary.figures
    assert growth.previous == Decimal(5)  # an-giang and ca-mau in 2024, not bac-lieu
    assert growth.previous_note == "left: bac-lieu"
    assert revenue.previous is None  # a total over other members is not comparable
    assert [u.id for u in summary.changes["left"]] == ["bac-lieu"]
