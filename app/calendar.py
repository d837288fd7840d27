"""The policy period's calendar as a room reads it: years and months from week 0."""

from __future__ import annotations

__all__ = ["WEEKS_PER_MONTH", "clock", "next_month"]

WEEKS_PER_MONTH = 52 / 12


def clock(week: int) -> tuple[int, int]:
    """Year (from 1) and month (1-12) of the policy period that ``week`` falls in."""
    years, rest = divmod(max(week, 0), 52)
    return years + 1, min(int(rest / WEEKS_PER_MONTH) + 1, 12)


def next_month(week: int) -> int:
    """The first week of the month after the one ``week`` falls in (as :func:`clock` counts months)."""
    after = week + 1
    while clock(after) == clock(week):
        after += 1
    return after
