"""How the report says things in Spanish, Portuguese and English: its texts and its numbers.

Numbers are written as each language writes them (Babel's CLDR data: ``1.234,5`` in Spanish
and Portuguese, ``1,234.5`` in English). Names of outcomes and scenarios are in
:mod:`experiments.vocabulary`, shared with the workshop page; the report's other words are
in ``templates/report_text.yaml`` beside its template.
"""

from __future__ import annotations

import math
from importlib import resources
from typing import Any

import yaml
from babel.numbers import format_decimal, format_percent

from barrio.experiments.vocabulary import LANGUAGE_CODES
from barrio.model.errors import BarrioError

__all__ = [
    "LANGUAGE_CODES",
    "TEXT",
    "LanguageError",
    "check_language",
    "number",
    "percent",
    "say",
    "signed",
    "significant_places",
    "texts",
]

#: Babel's locale for each language: Brazilian Portuguese; Spanish as the page writes it (100.000),
#: not Latin American Spanish's CLDR default, which is Mexico's 100,000.
_LOCALES = {"es": "es", "pt": "pt_BR", "en": "en"}


def _load() -> dict[str, dict[str, Any]]:
    source = resources.files("barrio.experiments").joinpath("templates/report_text.yaml")
    return yaml.safe_load(source.read_text(encoding="utf-8"))


#: The report's texts: key -> language -> text (a list of lines for a few).
TEXT: dict[str, dict[str, Any]] = _load()


class LanguageError(BarrioError, ValueError):
    """A language the report does not speak."""


def check_language(language: str) -> str:
    """The language if the report speaks it.

    Raises:
        LanguageError: Naming the languages there are.
    """
    if language not in LANGUAGE_CODES:
        raise LanguageError(f"language '{language}' is not one of the report's: {', '.join(LANGUAGE_CODES)}")
    return language


def texts(language: str) -> dict[str, Any]:
    """Every text of the report in ``language``, by key (a template reads them as ``t.KEY``)."""
    return {key: value[language] for key, value in TEXT.items()}


def say(key: str, language: str, **values: object) -> str:
    """The report's text for ``key`` in ``language``, filled in."""
    text = TEXT[key][language]
    return text.format(**values) if values else text


def significant_places(x: float, significant: int = 3) -> int:
    """Decimal places that keep ``significant`` digits of ``x`` (negative: to the tens, hundreds...)."""
    return 0 if x == 0 else significant - 1 - math.floor(math.log10(abs(x)))


def number(x: float, language: str, digits: int | None = None) -> str:
    """A number as the language writes it: whole above 100, else three significant digits at most."""
    if x is None or not math.isfinite(x):
        return "-"
    if digits is None:
        digits = 0 if abs(x) >= 100 or x == 0 else max(0, significant_places(x))
    # Optional digits: 5 rather than 5.00, 0.39 rather than 0.390.
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    text = format_decimal(round(x, digits), format=pattern, locale=_LOCALES[language])
    return "0" if text in ("-0", "-0,0", "-0.0") else text


def signed(x: float, language: str) -> str:
    """A difference as the language writes it, with its sign (``+12``, ``-3,5``)."""
    return ("+" if x > 0 else "") + number(x, language)


def percent(x: float, language: str, signed: bool = True, decimals: int = 0) -> str:
    """A share as a percentage (``-26%``, ``+3%``; ``-1.9%`` with ``decimals`` at most)."""
    if x is None or not math.isfinite(x):
        return "-"
    # Optional decimals, as numbers have them: -2% rather than -2.0%.
    body = "#,##0" + ("." + "#" * decimals if decimals else "") + "%"
    pattern = f"+{body};-{body}" if signed else body
    if signed and round(x * 100, decimals) == 0:
        pattern = body
        x = 0.0
    return format_percent(x, format=pattern, locale=_LOCALES[language])
