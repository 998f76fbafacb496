"""Safe cells: no CSV or XLSX cell built from raw text can become a spreadsheet formula.

The hostile corpus puts formula-like text where every text column of the tables takes its
values from: file names (doc_id, path), titles, section headings, paragraph text, figure
sentences, log paths. (Section paths always start with a heading marker such as 一、, so
they cannot.) Parquet keeps the exact text; the CSV and the workbook carry a leading quote.
"""

from __future__ import annotations

import csv
import os

import pandas as pd
import pytest

from helpers.pipeline import run_pipeline
from helpers.publish import publish_run
from helpers.tables import (
    FORMULA_PREFIXES,
    load_table,
    neutralize_cell,
    neutralize_formulas,
    save_table,
)


@pytest.mark.parametrize(
    "cell,expected",
    [
        ("=1+1", "'=1+1"),
        (
            '=HYPERLINK("http://example.invalid","点击")',
            '\'=HYPERLINK("http://example.invalid","点击")',
        ),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-", "'-"),
    ],
    ids=["equals", "hyperlink", "plus", "minus", "at", "tab", "cr", "lone_minus"],
)
def test_formula_like_text_gets_a_leading_quote(cell, expected):
    assert neutralize_cell(cell) == expected


@pytest.mark.parametrize(
    "cell",
    ["-3", "+1.5", "-0.25", "-2e3", "教育投入5万元", "", "'=already quoted", "a=b", 42, -7.5, None],
    ids=[
        "neg_int",
        "pos_float",
        "neg_float",
        "exponent",
        "chinese",
        "empty",
        "quoted",
        "inner_equals",
        "int",
        "float",
        "none",
    ],
)
def test_plain_numbers_and_ordinary_text_are_left_alone(cell):
    assert neutralize_cell(cell) == cell


def test_numeric_and_boolean_columns_are_untouched():
    df = pd.DataFrame({"value": [-1.5, 2.0], "n": [-3, 4], "flag": [True, False], "t": ["=x", "y"]})
    out = neutralize_formulas(df)
    assert out["value"].tolist() == [-1.5, 2.0] and out["value"].dtype == df["value"].dtype
    assert out["n"].dtype == df["n"].dtype and out["flag"].dtype == df["flag"].dtype
    assert out["t"].tolist() == ["'=x", "y"]
    assert df["t"].tolist() == ["=x", "y"]  # the input frame is not modified


def test_csv_is_neutralised_but_parquet_keeps_the_exact_text(tmp_path):
    df = pd.DataFrame({"text": ["@SUM(A1:A2)", "正常段落"], "raw_start": [0, 12]})
    save_table(df, tmp_path, "t")
    with (tmp_path / "t.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows == [["text", "raw_start"], ["'@SUM(A1:A2)", "0"], ["正常段落", "12"]]
    assert load_table(tmp_path, "t")["text"].tolist() == ["@SUM(A1:A2)", "正常段落"]
    mask = os.umask(0)
    os.umask(mask)
    assert (tmp_path / "t.csv").stat().st_mode & 0o777 == 0o666 & ~mask  # not mkstemp's 0600


# Formula-like lines (written for this test) at the places every text column draws from.
HOSTILE_BODY = (
    '=HYPERLINK("http://example.invalid","教育局2023年工作总结")\n'
    "-一、加强学校管理工作，全面提升教育质量\n"
    "@SUM(A1:A2) 全镇小学入学率达到100%，初中巩固率达到99.5%。\n"
    "=全镇教育经费投入55.57万元，改造校舍286平方米，新建运动场一个。\n"
    "+1+cmd|' /C calc'!A0 全镇共有教师320人，在校学生4500人。\n"
    "\t=1+1 今年参加中考人数860人，高中录取率达到92%。\n"
)
HOSTILE_FILES = {
    "=cmd.txt": HOSTILE_BODY,
    "@report.txt": "镇中心学校工作总结\n\n" + HOSTILE_BODY,
    "-plain.txt": "二〇二三年教育工作总结\n全县投入义务教育经费1200万元，生均公用经费达到800元。\n",
}


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    raw = root / "raw"
    raw.mkdir()
    for name, text in HOSTILE_FILES.items():
        (raw / name).write_text(text, encoding="utf-8")
    processed = root / "processed"
    run_pipeline(raw, processed, cache_dir=None)
    published = publish_run(processed, root / "figures", root / "report")
    return processed, published


def _csv_cells(path):
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row_no, row in enumerate(csv.reader(fh)):
            for col_no, cell in enumerate(row):
                yield row_no, col_no, cell


def _is_plain_number(cell: str) -> bool:
    return neutralize_cell(cell) == cell and cell[:1] in "+-"


def test_hostile_corpus_leaves_no_formula_cell_in_any_csv(hostile_run):
    processed, _ = hostile_run
    unsafe = [
        (p.name, r, c, cell)
        for p in sorted(processed.glob("*.csv"))
        for r, c, cell in _csv_cells(p)
        if cell.startswith(FORMULA_PREFIXES) and not _is_plain_number(cell)
    ]
    assert unsafe == []


@pytest.mark.parametrize(
    "table,column",
    [
        ("documents", "doc_id"),
        ("documents", "path"),
        ("articles", "title"),
        ("paragraphs", "text"),
        ("figures", "sentence"),
        ("quality_log", "path"),
    ],
)
def test_hostile_text_reaches_each_text_column_and_is_quoted_there(hostile_run, table, column):
    """The test is not vacuous: formula-like values exist in Parquet and are quoted in CSV."""
    processed, _ = hostile_run
    exact = load_table(processed, table)[column].dropna().astype(str)
    formula_like = set(exact[exact.str.startswith(FORMULA_PREFIXES)])
    assert formula_like, f"no formula-like {table}.{column} value: the corpus misses it"
    csv_values = set(
        pd.read_csv(
            processed / f"{table}.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False
        )[column]
    )
    assert {"'" + v for v in formula_like} <= csv_values


def test_hostile_corpus_leaves_no_formula_cell_in_the_workbook(hostile_run):
    openpyxl = pytest.importorskip("openpyxl")
    _, published = hostile_run
    wb = openpyxl.load_workbook(published.workbook)
    formulas, unsafe, quoted = [], [], 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    formulas.append((ws.title, cell.coordinate, cell.value))
                elif isinstance(cell.value, str):
                    if cell.value.startswith(FORMULA_PREFIXES):
                        unsafe.append((ws.title, cell.coordinate, cell.value))
                    quoted += cell.value.startswith(("'=", "'@", "'+", "'-", "'\t"))
    assert formulas == [] and unsafe == []
    assert quoted >= 5  # the hostile values are there, quoted
