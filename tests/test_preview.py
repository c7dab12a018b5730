"""`briefing preview` in a real headless browser (Debian's Chromium through Selenium): the page
shows the brief, follows an edit of the outline, and shows and clears the CLI's one-line error.

Skipped where no browser is installed, unless BRIEFING_REQUIRE_BROWSER=1 (as .ci/run sets it),
which turns the skip into a failure so CI really runs it."""

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import copy_project

OUTLINE = """\
title: {title}
audience: Analysts
marking: OFFICIAL
date: 2026-11-22
cutoff: 2026-11-20
cover: false
contents: false
back_matter: []
judgments:
  - text: The partnership will hold [@azerbaijan-israel-relations, par. 4].
    likelihood: {likelihood}
    confidence: moderate
sections:
  - topic: history
    excerpts: 1
"""


def browser():
    """Return (chromium, chromedriver) paths and Selenium, or skip (fail when a browser is required)."""
    chromium = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
    driver = shutil.which("chromedriver")
    try:
        import selenium  # noqa: F401
    except ImportError:
        driver = None
    if not (chromium and driver):
        message = "no headless browser here: apt-get install chromium chromium-driver; pip install selenium"
        if os.environ.get("BRIEFING_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    return chromium, driver


@pytest.fixture
def chrome():
    """A headless Chromium, quit at the end whatever happens."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver = browser()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    session = webdriver.Chrome(service=Service(driver), options=options)
    try:
        yield session
    finally:
        session.quit()


@pytest.fixture
def preview(tmp_path):
    """A project with a small outline, and `briefing preview quick` serving it; stopped at the end."""
    browser()   # skip before starting anything
    copy_project(tmp_path)
    outline = tmp_path / "outlines" / "quick.yaml"
    outline.write_text(OUTLINE.format(title="First title", likelihood="likely"), "utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "briefing", "preview", "quick"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("previewing at http://127.0.0.1:"), line + proc.stderr.read()
        yield line.split()[2], outline, tmp_path
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=90)   # a rebuild under way finishes first; slow on a loaded machine
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise
        assert "preview stopped" in out and "Traceback" not in err, err


def wait_for(what, predicate, timeout=120):
    """Poll predicate until it is true; fail saying what was awaited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.25)
    pytest.fail(f"timed out waiting for {what}")


@pytest.mark.slow   # seconds of CPU: run by `pytest -m slow` and in CI
def test_preview_follows_edits_and_shows_the_clis_error(preview, chrome):
    url, outline, root = preview
    chrome.get(url)
    title = "return (document.getElementById('brief').contentDocument || {}).title || ''"
    errors = "return document.getElementById('errors').textContent"
    wait_for("the first brief", lambda: chrome.execute_script(title) == "First title")
    assert "pages" in chrome.find_element("id", "status").text

    outline.write_text(OUTLINE.format(title="Second title", likelihood="likely"), "utf-8")
    wait_for("the edited brief", lambda: chrome.execute_script(title) == "Second title")
    body = "return document.getElementById('brief').contentDocument.body.innerText"
    assert "Second title" in chrome.execute_script(body)

    outline.write_text(OUTLINE.format(title="Second title", likelihood="probablyy"), "utf-8")
    cli = subprocess.run([sys.executable, "-m", "briefing", "check", "quick"], cwd=root, capture_output=True, text=True)
    assert cli.returncode == 1 and cli.stderr.count("\n") == 1, cli.stderr
    shown = wait_for("the error", lambda: chrome.execute_script(errors))
    assert shown == cli.stderr.strip()   # the very line the CLI prints
    assert "quick.yaml:11:17: judgments[0].likelihood" in shown and "did you mean" in shown
    assert chrome.execute_script(title) == "Second title"   # the last good brief stays

    outline.write_text(OUTLINE.format(title="Third title", likelihood="likely"), "utf-8")
    wait_for("the error to clear", lambda: chrome.execute_script(errors) == "")
    wait_for("the fixed brief", lambda: chrome.execute_script(title) == "Third title")
