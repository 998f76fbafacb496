"""The Excel workbook: one sheet per table, typed cells, frozen header, filters, links.

Read back with openpyxl (dev extra); converted with LibreOffice when it is installed.
"""

from __future__ import annotations

import shutil
import subprocess

import pandas as pd
import pytest

from helpers import workbook
from helpers.pipeline import run_pipeline
from helpers.tables import load_table

openpyxl = pytest.importorskip("openpyxl")


@pytest.fixture(scope="module")
def seed_workbook(tmp_path_factory, seed_dir):
    root = tmp_path_factory.mktemp("workbook")
    processed = root / "processed"
    run_pipeline(seed_dir, processed, k=6)
    tables = {name: load_table(processed, name) for name in ("documents", "articles", "figures")}
    tables["paragraphs"] = load_table(processed, "paragraphs")
    tables["indicators"] = None  # a table this run did not produce
    tables["themes"] = None
    path = workbook.save_workbook({n: tables[n] for n in workbook.SHEETS}, root / "wb.xlsx")
    return tables, openpyxl.load_workbook(path), path


def test_one_sheet_per_table_after_the_about_sheet(seed_workbook):
    _, wb, _ = seed_workbook
    assert wb.sheetnames == ["about", *workbook.SHEETS]


@pytest.mark.parametrize("name", ["documents", "articles", "figures", "paragraphs"])
def test_sheet_rows_header_freeze_filter_and_widths(seed_workbook, name):
    tables, wb, _ = seed_workbook
    ws, df = wb[name], tables[name]
    assert ws.max_row == len(df) + 1
    header = [c.value for c in ws[1]][: len(df.columns)]
    assert header == list(df.columns)
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
    widths = [ws.column_dimensions[c.column_letter].width for c in ws[1]]
    # XlsxWriter stores widths with Excel's ~0.71 character of cell padding added.
    assert all(workbook.MIN_WIDTH <= w <= workbook.MAX_WIDTH + 1 for w in widths), widths


def test_numbers_are_numbers_years_integers_and_flags_booleans(seed_workbook):
    tables, wb, _ = seed_workbook
    ws, figures = wb["figures"], tables["figures"]
    col = {c.value: c.column for c in ws[1]}
    values = [ws.cell(r, col["value"]).value for r in range(2, ws.max_row + 1)]
    assert all(isinstance(v, int | float) for v in values)
    assert values == pytest.approx(figures["value"].tolist())
    years = [ws.cell(r, col["year"]).value for r in range(2, ws.max_row + 1)]
    assert {type(y) for y in years if y is not None} == {int}
    assert [y for y in years if y is not None] == figures["year"].dropna().astype(int).tolist()
    assert {type(ws.cell(r, col["approx"]).value) for r in range(2, ws.max_row + 1)} == {bool}
    docs = wb["documents"]
    dcol = {c.value: c.column for c in docs[1]}
    first_id = tables["documents"]["doc_id"].iloc[0]
    assert first_id.startswith("000") and docs.cell(2, dcol["doc_id"]).value == first_id
    assert isinstance(docs.cell(2, dcol["n_chars"]).value, int)


def test_each_figure_links_to_its_paragraph_row(seed_workbook):
    tables, wb, _ = seed_workbook
    figs, paras = wb["figures"], wb["paragraphs"]
    fcol = {c.value: c.column for c in figs[1]}
    pcol = {c.value: c.column for c in paras[1]}
    assert len(tables["figures"]) > 100
    for r in range(2, figs.max_row + 1):
        link = figs.cell(r, fcol["paragraph_row"]).hyperlink
        assert link is not None and link.location.startswith("'paragraphs'!A")
        target = int(link.location.rsplit("A", 1)[1])
        assert paras.cell(target, pcol["doc_id"]).value == figs.cell(r, fcol["doc_id"]).value
        assert paras.cell(target, pcol["para_id"]).value == figs.cell(r, fcol["para_id"]).value


def test_missing_tables_get_a_visible_note(seed_workbook):
    _, wb, _ = seed_workbook
    assert wb["indicators"]["A2"].value == "indicators: not available in this run"
    about = {row[0]: row[2] for row in wb["about"].iter_rows(min_row=2, values_only=True)}
    assert about["themes"] == "not available in this run" and about["figures"] in ("", None)


def test_long_text_is_cut_to_an_excel_cell_and_control_characters_survive(tmp_path):
    long = "教" * (workbook.MAX_CELL_CHARS + 10)
    df = pd.DataFrame({"text": [long, "换页\x0c符"], "n": [1, 2]})
    path = workbook.save_workbook({"paragraphs": df}, tmp_path / "wb.xlsx")
    ws = openpyxl.load_workbook(path)["paragraphs"]
    assert len(ws["A2"].value) == workbook.MAX_CELL_CHARS
    assert ws["A2"].value.endswith(workbook.CUT_MARK)
    assert ws["A3"].value.startswith("换页")


def test_libreoffice_opens_the_workbook(seed_workbook, tmp_path):
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice not installed (apt-get install libreoffice-calc to run this)")
    _, _, path = seed_workbook
    subprocess.run(
        [office, "--headless", "--convert-to", "csv", "--outdir", str(tmp_path), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    about = (tmp_path / "wb.csv").read_text(encoding="utf-8", errors="replace")
    assert about.splitlines()[0].startswith("sheet,rows,note")
