"""Hostile contributor text stays inert in a real browser: no script runs, no dialog opens, and no
script-bearing element or attribute reaches the DOM, on any page that shows the project.

The pages are opened with ``bypass_csp`` (see conftest): the sanitiser and autoescaping, not the
Content-Security-Policy, must keep the text harmless.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import base_path, build_into, filter_box, serve_site
from tests.helpers import VALID_PROJECT, make_catalogue

pytestmark = pytest.mark.browser

SLUG = "hostile-project"
PAYLOADS = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "[pwn-x](javascript:window.__pwned=1)",
    "[pwn-y](JaVaScRiPt:window.__pwned=1)",
    '<a href="jav&#x61;script:window.__pwned=1">pwn-z</a>',
    '<iframe src="javascript:window.__pwned=1"></iframe>',
    '<details open ontoggle="window.__pwned=1"><summary>pwn-details</summary>open</details>',
    '<svg onload="window.__pwned=1"></svg>',
]
LINK_TEXTS = ("pwn-x", "pwn-y", "pwn-z")


def _yaml(text: str) -> str:
    """``text`` as a single-quoted YAML scalar."""
    return "'" + text.replace("'", "''") + "'"


def hostile_project() -> str:
    title = "Hostile " + PAYLOADS[0] + PAYLOADS[1]
    summary = "Plain text with [pwn-s](javascript:window.__pwned=1) and jav&#x61;script:window.__pwned=1 in it."
    body = "\n\n".join(f"Payload {i}: {payload}" for i, payload in enumerate(PAYLOADS))
    return f"""\
---
title: {_yaml(title)}
summary: {_yaml(summary)}
status: pilot
lead: kent-police
partners:
  - south-east-coast-ambulance-service
themes:
  - control-rooms
  - shared-estates
started: 2020-01
benefits:
  - {_yaml(PAYLOADS[6])}
  - {_yaml(PAYLOADS[7])}
lessons:
  - {_yaml(PAYLOADS[5])}
funding:
  - source: {_yaml(PAYLOADS[1])}
    amount_gbp: 1000
evaluation:
  kind: internal
  summary: {_yaml(PAYLOADS[0] + " found it worked.")}
contact:
  role: {_yaml(PAYLOADS[0])}
  email: collaboration@kent.police.uk
links:
  - title: {_yaml(PAYLOADS[1])}
    url: https://www.kent.police.uk/?q=%3Cscript%3E
last_reviewed: 2026-01-15
---
{body}

{PAYLOADS[4]} and {PAYLOADS[2]} and {PAYLOADS[3]}
"""


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory, serve: Callable[..., str]) -> str:
    root = make_catalogue(tmp_path_factory.mktemp("hostile"), {SLUG: hostile_project(), "kent-joint-control-room": VALID_PROJECT})
    site = build_into(root, root / "_site")
    return serve_site(serve, site, base_path(root))


# Anything in the DOM that could run script: event-handler attributes, script URLs in any attribute that
# takes a URL, embedded documents, and executable scripts carrying the payload.
_DANGERS = """() => {
  const found = [];
  const urlAttributes = ["href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcdoc", "ping"];
  for (const e of document.querySelectorAll("*")) {
    for (const a of e.attributes) {
      const value = a.value.replace(/[\\s\\u0000-\\u001f]/g, "").toLowerCase();
      if (a.name.startsWith("on")) found.push(`<${e.localName} ${a.name}>`);
      else if (urlAttributes.includes(a.name) && (value.includes("__pwned") || /^(javascript|vbscript|data):/.test(value)))
        found.push(`<${e.localName} ${a.name}="${a.value}">`);
    }
  }
  for (const e of document.querySelectorAll("iframe, frame, object, embed, img[src$='/x'], base, meta[http-equiv='refresh' i]"))
    found.push(e.outerHTML.slice(0, 100));
  for (const s of document.scripts)
    if ((!s.type || /javascript|module/i.test(s.type)) && s.textContent.includes("__pwned")) found.push(s.outerHTML.slice(0, 100));
  return found;
}"""


def _assert_inert(page: Any, where: str) -> None:
    assert page.evaluate("typeof window.__pwned") == "undefined", f"{where}: hostile text ran script"
    assert not page.recorder.dialogs, f"{where}: hostile text opened dialogs {page.recorder.dialogs}"
    dangers = page.evaluate(_DANGERS)
    assert not dangers, f"{where}: script-bearing markup in the DOM: {dangers}"
    assert not page.recorder.errors, f"{where}: uncaught errors {page.recorder.errors}"
    assert not page.recorder.offsite_requests, f"{where}: requests to other hosts {page.recorder.offsite_requests}"


def test_project_page_shows_hostile_text_as_text(page: Any, hostile_url: str) -> None:
    page.goto(f"{hostile_url}projects/{SLUG}/")
    _assert_inert(page, "the project page")
    heading = page.locator("main h1").first.inner_text()
    assert PAYLOADS[0] in heading, f"the title should be shown literally (escaped), not dropped: {heading!r}"


def test_unsafe_links_in_the_hostile_body_are_plain_text(page: Any, hostile_url: str) -> None:
    """Links to anything but https, mailto or a heading of the page lose their link, keeping their text."""
    url = f"{hostile_url}projects/{SLUG}/"
    page.goto(url)
    shown = page.locator("main").inner_text()
    assert all(text in shown for text in LINK_TEXTS), "the text of the unsafe links should stay readable"
    assert page.locator("main a").filter(has_text="pwn-").count() == 0, "an unsafe link is still a link"
    _assert_inert(page, "the project page")


@pytest.mark.parametrize("path", ["", "projects/", "organisations/kent-police/", "themes/control-rooms/", "status/pilot/"],
                         ids=lambda path: "/" + path)
def test_pages_listing_the_hostile_project_stay_inert(page: Any, hostile_url: str, path: str) -> None:
    response = page.goto(hostile_url + path)
    assert response is not None and response.status == 200, f"/{path} answered {response and response.status}"
    assert page.locator(f"main a[href*='projects/{SLUG}/']").count(), f"/{path} does not list the hostile project"
    if path == "projects/":  # the filters rebuild or re-show the list: run them over the hostile entry
        filter_box(page, "status", "Pilot").check()
        filter_box(page, "service", "Police").check()
        _assert_inert(page, "/projects/ filtered")
        filter_box(page, "status", "Pilot").uncheck()
        filter_box(page, "service", "Police").uncheck()
    _assert_inert(page, f"/{path}")
