"""The HTML report in a real browser: headless Chromium (Debian's package) through chromedriver.

Checks what a colleague opening the file would see: no console error, every chart decodes,
Chinese text is there, the page is not blank; and that a report built from raw lines holding
``<script>`` and ``<img onerror=…>`` shows them as text and runs nothing.

Locally the tests skip when Chromium or its driver is missing; ``.ci/run`` installs both, so
CI always runs them.
"""

from __future__ import annotations

import io
import os
import shutil
import statistics

import matplotlib
import pytest

from helpers.pipeline import run_pipeline
from helpers.publish import publish_run

matplotlib.use("Agg")

INSTALL_HINT = (
    "headless Chromium and chromedriver are needed: apt-get install -y chromium chromium-driver"
)
CHROMEDRIVER = "/usr/bin/chromedriver"
# Markup inside sentences that hold figures: it reaches figures.sentence (and paragraphs.text)
# unchanged, so the report must escape it. A file name carries markup too (doc_id).
HOSTILE_LINES = (
    '全县教育经费投入1200万元<script>document.title="pwned"</script>新建校舍两栋。\n'
    '<img src=x onerror="window.__pwned=2">全县小学入学率达到100%，巩固率99%。\n'
    '全县高考上线人数841人"><svg onload="window.__pwned=3"> 其中一本198人。\n'
)


def _browser_binary() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    webdriver = pytest.importorskip("selenium.webdriver", reason=INSTALL_HINT)
    from selenium.webdriver.chrome.service import Service

    binary, chromedriver = _browser_binary(), shutil.which("chromedriver") or CHROMEDRIVER
    if binary is None or not os.path.exists(chromedriver):
        pytest.skip(INSTALL_HINT)
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,1600",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    drv.set_page_load_timeout(60)
    yield drv
    drv.quit()


def _make_charts(figures_dir) -> None:
    """Two real charts through the project's own exporter (fonts and all)."""
    import matplotlib.pyplot as plt

    from helpers.charts import save_fig, setup_cjk_font

    setup_cjk_font()
    for name, values in (("01_demo_bars", [3, 5, 2]), ("02_demo_line", [1, 4, 9])):
        fig, ax = plt.subplots(figsize=(5, 3))
        ax.bar(["小学", "初中", "高中"], values)
        ax.set_title("各学段数据（示例）")
        save_fig(fig, name, out_dir=figures_dir)
        plt.close(fig)


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory, seed_dir):
    root = tmp_path_factory.mktemp("browser-seed")
    run_pipeline(seed_dir, root / "processed", k=6)
    _make_charts(root / "figures")
    return publish_run(root / "processed", root / "figures", root / "report").report


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser-hostile")
    raw = root / "raw"
    raw.mkdir()
    (raw / "<img src=x onerror=alert(1)>.txt").write_text(
        "镇教育工作总结\n" + HOSTILE_LINES, encoding="utf-8"
    )
    (raw / "plain.txt").write_text("学区工作总结\n" + HOSTILE_LINES * 2, encoding="utf-8")
    run_pipeline(raw, root / "processed", k=2)
    _make_charts(root / "figures")
    return publish_run(root / "processed", root / "figures", root / "report").report


def _severe_console_messages(drv) -> list[str]:
    return [e["message"] for e in drv.get_log("browser") if e["level"] == "SEVERE"]


def test_report_loads_without_console_errors_and_every_image_decodes(driver, seed_report):
    driver.get(seed_report.as_uri())
    assert _severe_console_messages(driver) == []
    images = driver.execute_script(
        "return Array.from(document.images).map(i => [i.alt, i.complete, i.naturalWidth]);"
    )
    assert len(images) == 2
    assert all(complete and width > 0 for _, complete, width in images), images


def test_report_shows_chinese_text_and_is_not_blank(driver, seed_report):
    from PIL import Image

    driver.get(seed_report.as_uri())
    body = driver.find_element("tag name", "body").text
    assert "教育工作报告分析" in body and "语料与清洗" in body
    # The embedded CJK font is used, so no machine shows empty boxes instead of characters.
    fonts = driver.execute_script(
        "return document.fonts.ready.then(() => [...document.fonts]"
        ".filter(f => f.family.includes('EduReportsCJK')).map(f => f.status));"
    )
    assert fonts == ["loaded"]
    shot = Image.open(io.BytesIO(driver.get_screenshot_as_png())).convert("L")
    pixels = list(shot.resize((200, 250)).tobytes())
    assert statistics.pstdev(pixels) > 10, "the screenshot is (nearly) one colour"


def test_hostile_report_shows_markup_as_text_and_runs_no_script(driver, hostile_report):
    driver.get(hostile_report.as_uri())
    state = driver.execute_script(
        "return [document.title, window.__pwned === undefined,"
        " document.getElementsByTagName('script').length,"
        " document.querySelectorAll('[onerror],[onmouseover]').length];"
    )
    assert state[0].startswith("教育工作报告分析") and state[1:] == [True, 0, 0]
    body = driver.find_element("tag name", "body").text
    assert '<script>document.title="pwned"</script>' in body  # as text
    assert '"><svg onload="window.__pwned=3">' in body
    assert "<img src=x onerror=alert(1)>" in body  # the file name, in the documents table
    assert _severe_console_messages(driver) == []
