"""The web app in a real browser: Debian's Chromium driven by Selenium against uvicorn on 127.0.0.1.

A clerk signs in, imports a ledger, opens a case, issues a paper from its form, uploads a scan, runs
the 六有 check, searches, downloads a file and signs out; then is refused the admin page. Every page
is photographed at 1366×768 (into ``$DOCGEN_SCREENSHOTS`` when set, else the test's tmp folder).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from docgen.archive.dossier.samples import make_scan
from docgen.web import create_app
from tests.conftest import good_row, write_ledger
from tests.web.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT_S = 30

pytestmark = pytest.mark.skipif(
    not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
    reason="needs Debian's chromium and chromium-driver (make system installs them)",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(web_ws) -> Iterator[str]:  # type: ignore[no-untyped-def]
    port = _free_port()
    config = uvicorn.Config(create_app(web_ws), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT_S
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(WAIT_S)


@pytest.fixture
def driver(tmp_path: Path):  # type: ignore[no-untyped-def]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--window-size=1366,768",
                 f"--user-data-dir={tmp_path / 'profile'}"):  # fmt: skip
        options.add_argument(flag)
    options.add_argument("--lang=zh-CN")
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False,
                                              "plugins.always_open_pdf_externally": True,
                                              "intl.accept_languages": "zh-CN"})  # fmt: skip
    d = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    d.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow",
                                                   "downloadPath": str(downloads)})  # fmt: skip
    d.set_window_size(1366, 768)
    d.implicitly_wait(5)
    d.downloads = downloads  # type: ignore[attr-defined]
    yield d
    d.quit()


class Shots:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, driver, name: str) -> None:  # type: ignore[no-untyped-def]
        driver.save_screenshot(str(self.folder / f"{name}.png"))


def _text(driver) -> str:  # type: ignore[no-untyped-def]
    """The page's text; "" while a click's new page replaces the old one (Chromium then says the
    body it found "does not belong to the document": a stale element under another name)."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.common.by import By

    try:
        return str(driver.find_element(By.TAG_NAME, "body").text)
    except StaleElementReferenceException:
        return ""
    except WebDriverException as exc:
        if "does not belong to the document" in str(exc.msg):
            return ""
        raise


def _login(driver, base: str, name: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{base}/login")
    driver.find_element(By.NAME, "username").send_keys(name)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login").click()
    WebDriverWait(driver, WAIT_S).until(lambda d: d.current_url.endswith("/cases"))


def test_a_clerks_day_in_the_browser(server: str, driver, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    shots = Shots(Path(os.environ.get("DOCGEN_SCREENSHOTS") or tmp_path / "shots"))
    from selenium.common.exceptions import StaleElementReferenceException

    # a page being replaced while we read it is no failure: read it again
    wait = WebDriverWait(driver, WAIT_S, ignored_exceptions=(StaleElementReferenceException,))
    driver.get(f"{server}/cases")
    assert driver.current_url.endswith("/login")
    shots(driver, "01-login")
    _login(driver, server, "wenshu")
    assert "案件台账" in _text(driver) and "wenshu（文书）" in _text(driver)
    shots(driver, "02-cases")

    ledger = write_ledger(
        tmp_path / "新台账.xlsx", [good_row(n, 信访件编号=f"WB-{n}") for n in (1, 2)]
    )
    driver.find_element(By.ID, "ledger-file").send_keys(str(ledger))
    driver.find_element(By.ID, "import").click()
    wait.until(lambda d: d.find_elements(By.ID, "import-report"))
    assert "导入完成：新增 2 件" in _text(driver)
    shots(driver, "03-import-report")

    driver.get(f"{server}/cases?unit=人社局")
    driver.find_element(By.LINK_TEXT, "WB-1").click()
    wait.until(lambda d: "/cases/WB-1" in d.current_url)
    assert "基本信息" in _text(driver) and "测试人1" in _text(driver)
    assert "*" in driver.find_element(By.ID, "petitioners").text  # masked for a clerk
    shots(driver, "04-case")
    driver.find_element(By.CSS_SELECTOR, "#edit-box summary").click()
    driver.execute_script("document.getElementById('edit-box').scrollIntoView()")
    shots(driver, "04b-case-edit")
    driver.find_element(By.NAME, "handler").send_keys("周明")
    driver.find_element(By.ID, "save-case").click()
    wait.until(lambda d: "已修改 1 个字段" in _text(d))

    Select(driver.find_element(By.ID, "paper-type")).select_by_visible_text("受理告知书")
    driver.find_element(By.ID, "new-paper").click()
    wait.until(lambda d: d.find_elements(By.ID, "issue"))
    shots(driver, "05-paper-form")
    driver.find_element(By.NAME, "f_contact").send_keys("周明")
    driver.find_element(By.ID, "issue").click()
    wait.until(lambda d: "已制发受理告知书" in _text(d))
    assert "某信交受〔" in driver.find_element(By.ID, "documents").text
    driver.get(f"{server}/cases/WB-1/papers/new?type=处理意见书")
    assert driver.find_elements(By.CSS_SELECTOR, "select[name=f_outcome]")
    shots(driver, "05b-paper-form-choices")
    driver.get(f"{server}/cases/WB-1")

    scan = make_scan(tmp_path / "保证书.jpg", dpi=50)
    driver.find_element(By.ID, "scan-file").send_keys(str(scan))
    Select(driver.find_element(By.NAME, "section")).select_by_value("5")
    driver.find_element(By.ID, "scan-title").send_keys("息诉罢访保证书")
    driver.find_element(By.ID, "upload").click()
    wait.until(lambda d: "已附加“息诉罢访保证书”" in _text(d))
    shots(driver, "06-case-with-papers")

    driver.find_element(By.ID, "run-check").click()
    wait.until(lambda d: d.find_elements(By.ID, "check-report"))
    assert "材料不全" in _text(driver) or "材料齐全" in _text(driver)
    shots(driver, "07-check")

    driver.get(f"{server}/search")
    driver.find_element(By.ID, "q").send_keys("工资")
    driver.find_element(By.ID, "do-search").click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#hits mark"))
    assert "共找到" in _text(driver)
    shots(driver, "08-search")

    driver.get(f"{server}/cases/WB-1")
    driver.find_element(By.XPATH, "//table[@id='documents']//a[text()='PDF']").click()
    wait.until(lambda d: [p for p in d.downloads.iterdir() if p.suffix == ".pdf"])
    pdf = next(p for p in driver.downloads.iterdir() if p.suffix == ".pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"

    driver.get(f"{server}/admin/users")
    assert "无权操作" in _text(driver) and "无权管理用户" in _text(driver)
    shots(driver, "09-forbidden")

    driver.get(f"{server}/cases")
    driver.find_element(By.ID, "logout").click()
    wait.until(lambda d: d.current_url.endswith("/login"))
    driver.get(f"{server}/cases")
    assert driver.current_url.endswith("/login")

    _login(driver, server, "admin")
    driver.get(f"{server}/admin/users")
    assert "添加用户" in _text(driver)
    shots(driver, "10-admin-users")
    shutil.rmtree(driver.downloads)


def _wait(driver):  # type: ignore[no-untyped-def]
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_S, ignored_exceptions=(StaleElementReferenceException,))


def _downloaded(driver, suffix: str) -> Path:  # type: ignore[no-untyped-def]
    """The finished download with this suffix (Chromium writes ``.crdownload`` until done)."""
    _wait(driver).until(lambda d: [p for p in d.downloads.iterdir() if p.suffix == suffix])
    return next(p for p in driver.downloads.iterdir() if p.suffix == suffix)


def _shots(tmp_path: Path) -> Shots:
    return Shots(Path(os.environ.get("DOCGEN_SCREENSHOTS") or tmp_path / "shots"))


def test_preview_revise_and_void_a_paper_in_the_browser(
    server: str, driver, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    shots, wait, case = _shots(tmp_path), _wait(driver), "XF2024-0001"
    _login(driver, server, "wenshu")
    driver.get(f"{server}/cases/{case}")
    Select(driver.find_element(By.ID, "paper-type")).select_by_visible_text("受理告知书")
    driver.find_element(By.ID, "new-paper").click()
    wait.until(lambda d: d.find_elements(By.ID, "issue"))
    driver.find_element(By.NAME, "f_contact").send_keys("周明")
    form = driver.current_window_handle
    driver.find_element(By.ID, "preview").click()  # opens a tab; the PDF arrives as a download
    pdf = _downloaded(driver, ".pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.name.startswith("预览-受理告知书")
    pdf.unlink()
    for handle in driver.window_handles:
        if handle != form:
            driver.switch_to.window(handle)
            driver.close()
    driver.switch_to.window(form)
    driver.get(f"{server}/cases/{case}")
    assert (
        "受理告知书" not in driver.find_element(By.ID, "documents").text
    )  # preview stores nothing

    driver.back()
    wait.until(lambda d: d.find_elements(By.ID, "issue"))
    driver.find_element(By.ID, "issue").click()
    wait.until(lambda d: "已制发受理告知书" in _text(d))
    driver.find_element(By.CSS_SELECTOR, "#documents a.revise").click()
    wait.until(lambda d: d.find_elements(By.ID, "revise"))
    contact = driver.find_element(By.NAME, "f_contact")
    assert contact.get_attribute("value") == "周明"  # the values it was issued with
    contact.clear()
    contact.send_keys("吴芳")
    driver.find_element(By.ID, "revise").click()
    wait.until(lambda d: "已更正受理告知书" in _text(d))
    documents = driver.find_element(By.ID, "documents").text
    assert "有效（第2版）" in documents and "旧版（第1版）" in documents

    driver.find_element(By.CSS_SELECTOR, "#documents details.void summary").click()
    driver.find_element(By.CSS_SELECTOR, "#documents .void-form input[name=reason]").send_keys(
        "送错对象"
    )
    driver.find_element(By.CSS_SELECTOR, "#documents .void-form input[name=confirm]").click()
    driver.find_element(By.CSS_SELECTOR, "#documents .void-form button").click()
    wait.until(lambda d: "已作废受理告知书" in _text(d))
    documents = driver.find_element(By.ID, "documents").text
    assert "作废" in documents and "送错对象" in documents
    assert not driver.find_elements(
        By.CSS_SELECTOR, "#documents a.revise"
    )  # nothing left to revise
    driver.execute_script("document.getElementById('documents').scrollIntoView()")
    shots(driver, "11-case-after-void")


def test_the_directors_reports_page_in_the_browser(server: str, driver, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    shots, wait = _shots(tmp_path), _wait(driver)
    _login(driver, server, "lingdao")
    driver.find_element(By.ID, "nav-reports").click()
    wait.until(lambda d: d.find_elements(By.ID, "figures"))
    Select(driver.find_element(By.ID, "month")).select_by_value("2024-06")
    driver.find_element(By.ID, "show-month").click()
    wait.until(lambda d: "截至 2024年6月30日" in _text(d))
    figures = driver.find_element(By.ID, "figures").text
    assert "积案总数" in figures and "化解率" in figures and "%" in figures
    charts = driver.find_elements(By.CSS_SELECTOR, ".chart svg")
    assert len(charts) == 2 and all(c.size["width"] > 300 for c in charts)  # drawn, not empty
    overdue = driver.find_element(By.ID, "overdue").text
    assert "超期天数" in overdue and "XF2024-" in overdue
    assert driver.find_element(By.ID, "leaders").text.count("\n") >= 2
    shots(driver, "12-reports")
    driver.execute_script("document.getElementById('units').scrollIntoView()")
    shots(driver, "12a-reports-tables")
    driver.execute_script("document.getElementById('overdue').scrollIntoView()")
    shots(driver, "12b-reports-lists")

    driver.find_element(By.ID, "download-xlsx").click()
    xlsx = _downloaded(driver, ".xlsx")
    assert xlsx.name == "2024年6月信访积案排查化解情况统计表.xlsx"
    sheet = load_workbook(xlsx)["统计表"]
    total = next(
        r for r in sheet.iter_rows(values_only=True) if r and r[0] == "合计" and r[1] != "积案数"
    )
    assert str(total[1]) in figures  # the workbook's 积案数 is the page's

    driver.get(f"{server}/cases")
    driver.find_element(By.ID, "logout").click()
    wait.until(lambda d: d.current_url.endswith("/login"))
    _login(driver, server, "wenshu")
    assert not driver.find_elements(By.ID, "nav-reports")
    driver.get(f"{server}/reports")
    assert "无权操作" in _text(driver) and "无权查看统计报表" in _text(driver)
    shots(driver, "13-reports-forbidden")
    shutil.rmtree(driver.downloads)
