"""helpers.numbers against the published test cases of two peer parsers.

Sources (the cases are data in ``tests/fixtures/numbers_peer_cases.csv``, one row per case with
the file it comes from):

- cn2an (github.com/Ailln/cn2an): ``cn2an/cn2an_test.py`` and ``cn2an/transform_test.py``;
- JioNLP (github.com/dongrixinyu/JioNLP): ``test/test_money_parser.py`` and
  ``test/test_money_extractor.py``.

Only the forms a report in RMB can hold are in scope; the rest are kept in the table with
``in_scope=no`` and the reason (foreign currencies, negative numbers, fractions, k/w slang,
Arabic-to-Chinese generation...). The scope is written down in docs/figures.md.

Conventions: JioNLP gives money to the cent, so its values are compared after rounding ours to
the cent; an explicit range (1万-5万元) is exact here (``approx`` False), a vague one (数十万) is
approximate. Every in-scope case must pass.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from helpers.numbers import find_numbers, parse_number

CASES_CSV = Path(__file__).parent / "fixtures" / "numbers_peer_cases.csv"
CENT = Decimal("0.01")


def load_cases() -> list[dict]:
    with CASES_CSV.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


CASES = load_cases()
IN_SCOPE = [c for c in CASES if c["in_scope"] == "yes"]


def _same(got: Decimal | None, expected: str, source: str) -> bool:
    if got is None:
        return False
    if "JioNLP" in source:
        return got.quantize(CENT) == Decimal(expected)
    return got == Decimal(expected)


def _check_value(p, case: dict) -> None:
    assert p is not None, case["input"]
    expected = case["expected"]
    if "~" in expected:
        low, high = expected.split("~")
        assert p.is_range, (case["input"], p)
        assert _same(p.low, low, case["source"]) and _same(p.high, high, case["source"]), p
    else:
        assert not p.is_range and _same(p.value, expected, case["source"]), (case["input"], p)
    if case["approx"]:
        assert p.approx == (case["approx"] == "yes"), p
    if case["unit"] or case["check"] == "parse":
        assert p.unit == case["unit"], p


def _one_quantity(text: str):
    found = [m for m in find_numbers(text) if m.kind == "quantity"]
    assert len(found) == 1, (text, found)
    return found[0]


def _describe(m) -> str:
    value = f"{m.kind}:{m.value.normalize():f}" if m.value % 1 else f"{m.kind}:{int(m.value)}"
    return f"{value}:{m.unit}" if m.unit and m.kind == "quantity" else value


@pytest.mark.parametrize(
    "case", IN_SCOPE, ids=[f"{c['check']}:{c['input'][:24]}" for c in IN_SCOPE]
)
def test_in_scope_peer_case(case):
    text, check = case["input"], case["check"]
    if check == "parse":
        _check_value(parse_number(text), case)
    elif check == "read":
        _check_value(_one_quantity(text), case)
    elif check == "none":
        assert parse_number(text) is None, (text, parse_number(text))
    elif check == "numbers":
        got = "|".join(_describe(m) for m in find_numbers(text))
        assert got == case["expected"], text
    elif check == "money_spans":
        got = "|".join(f"{m.text}@{m.start}-{m.end}" for m in find_numbers(text) if m.unit == "元")
        assert got == case["expected"], text
    else:
        pytest.fail(f"unknown check {check!r}")


def test_every_case_has_a_source_and_a_scope():
    assert {c["in_scope"] for c in CASES} == {"yes", "no"}
    assert all(c["source"].count(":") == 1 and "@" in c["source"] for c in CASES)
    assert all(c["note"] for c in CASES if c["in_scope"] == "no"), "excluded cases need a reason"


def test_all_four_peer_files_are_used():
    files = {c["source"].split(":")[1].split("@")[0] for c in IN_SCOPE}
    assert files == {
        "cn2an/cn2an_test.py",
        "cn2an/transform_test.py",
        "test/test_money_parser.py",
        "test/test_money_extractor.py",
    }
