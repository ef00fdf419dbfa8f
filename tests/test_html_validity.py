"""Every reader page type passes the W3C Nu HTML Checker (vnu-jar from npm, run with Java)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.template import loader

from tests.reader_site import reader_pages

pytestmark = pytest.mark.django_db

REPO_ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_command() -> list[str]:
    """The checker's command line; fails (never skips) when a tool is missing."""
    java = shutil.which("java")
    if java is None:
        pytest.fail(
            "Java is required for the HTML check (vnu.jar): install a JRE, e.g. `apt-get install default-jre-headless`."
        )
    if not VNU_JAR.is_file():
        pytest.fail(f"{VNU_JAR.relative_to(REPO_ROOT)} is missing: run `make node` (npm ci) first.")
    return [java, "-Xss2m", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always"]


def check_html(documents: dict[str, str], tmp_path: Path) -> list[str]:
    """Errors the Nu checker reports for ``{name: html}``, as readable lines."""
    for name, html in documents.items():
        (tmp_path / f"{name}.html").write_text(html, encoding="utf-8")
    result = subprocess.run(
        [*vnu_command(), *(str(tmp_path / f"{name}.html") for name in documents)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    report = json.loads(result.stderr)
    return [
        f"{message.get('url', '').rsplit('/', 1)[-1]}:{message.get('lastLine')}: {message['message']}"
        f" [{message.get('extract', '').strip()}]"
        for message in report["messages"]
        if message["type"] in ("error", "non-document-error")
    ]


def test_every_reader_page_type_passes_the_nu_html_checker(client, reader_site, settings, tmp_path):
    settings.ARTICLES_PAGE_SIZE = 2
    documents = {}
    for name, url in reader_pages(reader_site).items():
        response = client.get(url)
        assert response.status_code == (404 if name == "not-found" else 200), url
        documents[name] = response.content.decode()
    documents["server-error"] = loader.get_template("500.html").render()
    documents["database-unavailable"] = loader.get_template("503.html").render()
    errors = check_html(documents, tmp_path)
    assert errors == [], "\n".join(errors)


def test_the_html_checker_does_report_invalid_markup(tmp_path):
    # Guards the check itself: a broken page must produce errors, or the test above proves nothing.
    errors = check_html(
        {"broken": "<!DOCTYPE html><html><head></head><body><p><div></p></body></html>"}, tmp_path
    )
    assert errors
