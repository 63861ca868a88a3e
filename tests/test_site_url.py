"""The site's address (``--base-url`` and site.yaml's ``base_url``): http or https, any host or port, a path prefix.

Project links stay https-only (``HttpsUrl``); only the site's own address (``SiteUrl``) takes http, for a
preview on this machine or an intranet host.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from site_builder.model.project import HttpsUrl, SiteUrl
from tests.helpers import SITE, make_catalogue, run_cli

EXAMPLES = "for example https://example.org/catalogue/ or, for a preview on this machine, http://localhost:8000/"
HOST = "expected an http:// or https:// address with a host name, IPv4 address or [IPv6 address], found {}"
PATH = "expected an http:// or https:// address with a path of letters, digits, '/', '-', '.', '_', '~' or %XX escapes, found {}"
NO_PASSWORD = "a published site cannot need a password, and the address is copied into every page"


def site_url(value: str) -> str:
    return TypeAdapter(SiteUrl).validate_python(value)


def site_url_error(value: str) -> tuple[str, str]:
    with pytest.raises(ValidationError) as caught:
        site_url(value)
    errors = caught.value.errors()
    assert len(errors) == 1
    return errors[0]["msg"], errors[0]["ctx"]["hint"]


@pytest.mark.parametrize(("value", "normalised"), [
    ("http://127.0.0.1:8000/", "http://127.0.0.1:8000/"),
    ("http://localhost:8000/preview/", "http://localhost:8000/preview/"),
    ("https://127.0.0.1:8443/", "https://127.0.0.1:8443/"),
    ("http://[::1]:8000/", "http://[::1]:8000/"),
    ("http://[2001:DB8::1]/", "http://[2001:db8::1]/"),
    ("http://intranet/catalogue", "http://intranet/catalogue/"),  # a missing trailing slash is added
    ("https://example.org", "https://example.org/"),
    ("HTTPS://Example.ORG/Catalogue/", "https://example.org/Catalogue/"),  # scheme and host are not case-sensitive; paths are
    ("https://example.org:08443/a%20b/c-d_e.f~g/", "https://example.org:8443/a%20b/c-d_e.f~g/"),
])
def test_the_site_address_takes_http_or_https_any_host_port_and_path(value: str, normalised: str) -> None:
    assert site_url(value) == normalised


@pytest.mark.parametrize(("value", "message", "hint"), [
    ("https://x.example.com/a?b=1#frag",
     "expected an http:// or https:// address with no query or fragment ('?' or '#'), found 'https://x.example.com/a?b=1#frag'",
     "remove '?b=1#frag': write https://x.example.com/a/"),
    ("https://example.org#top", "expected an http:// or https:// address with no query or fragment ('?' or '#'), "
     "found 'https://example.org#top'", "remove '#top': write https://example.org/"),
    ("https://user:s3cret@x.example.com/", "expected an http:// or https:// address with no user name or password, "
     "found 'https://***@x.example.com/'", f"remove '***@': {NO_PASSWORD}"),
    ("https://user:pa#ss@x.example.com/", "expected an http:// or https:// address with no user name or password, "
     "found 'https://***@x.example.com/'", f"remove '***@': {NO_PASSWORD}"),  # never printed, even with a '#'
    ("https://user:s3cret@x.example.com/@team/", "expected an http:// or https:// address with no user name or password, "
     "found 'https://***@x.example.com/@team/'", f"remove '***@': {NO_PASSWORD}"),  # '@' is allowed in a path
    ("https://deploy@x.example.com/", "expected an http:// or https:// address with no user name or password, "
     "found 'https://deploy@x.example.com/'", f"remove 'deploy@': {NO_PASSWORD}"),
    ("https://example.org/my catalogue/", "expected an http:// or https:// address with no spaces or control characters, "
     "found 'https://example.org/my catalogue/'", "remove them, or write a space in the path as %20"),
    ("https://example.org/\x1b[31m", "expected an http:// or https:// address with no spaces or control characters, "
     "found 'https://example.org/\\x1b[31m'", "remove them, or write a space in the path as %20"),
    ("javascript:alert(1)", "expected an http:// or https:// address, found 'javascript:alert(1)'", EXAMPLES),
    ("file:///srv/site/", "expected an http:// or https:// address, found 'file:///srv/site/'", EXAMPLES),
    ("ftp://example.org/", "expected an http:// or https:// address, found 'ftp://example.org/'", EXAMPLES),
    ("example.org/catalogue/", "expected an http:// or https:// address, found 'example.org/catalogue/'",
     "write https://example.org/catalogue/"),
    ("https:example.org", "expected an http:// or https:// address with a host after the '//', found 'https:example.org'",
     "write https://example.org"),
    ("https://", "expected an http:// or https:// address with a host after the '//', found 'https://'", EXAMPLES),
    ("http://999.0.0.1:8000/", HOST.format("'http://999.0.0.1:8000/'"),
     "an IPv4 address is four numbers from 0 to 255 with no leading zeros, such as 127.0.0.1"),
    ("http://x_y.example.org/", HOST.format("'http://x_y.example.org/'"),
     "a host name is letters, digits and hyphens, in parts separated by dots, such as example.org or localhost"),
    ("https://café.example/", HOST.format("'https://café.example/'"), "write the host name in its ASCII form: xn--caf-dma.example"),
    ("http://[::1/", HOST.format("'http://[::1/'"), "an IPv6 address goes in square brackets, such as http://[::1]:8000/"),
    ("http://[fe80::1%25eth0]/", HOST.format("'http://[fe80::1%25eth0]/'"),
     "leave out the zone (the part from '%'): a published address cannot name a network interface"),
    ("http://localhost:0/", "expected an http:// or https:// address with a port from 1 to 65535, found 'http://localhost:0/'",
     "write the port as digits after a colon, such as http://localhost:8000/"),
    ("http://localhost:80a/", "expected an http:// or https:// address with a port from 1 to 65535, found 'http://localhost:80a/'",
     "write the port as digits after a colon, such as http://localhost:8000/"),
    ("https://example.org/café/", PATH.format("'https://example.org/café/'"), "write https://example.org/caf%C3%A9/"),
    ('https://example.org/"><script>/', PATH.format("'https://example.org/\"><script>/'"),
     "write https://example.org/%22%3E%3Cscript%3E/"),
    ("https://example.org/%zz/", PATH.format("'https://example.org/%zz/'"),
     "use letters, digits and - . _ ~ in the path, and write other characters as %XX escapes"),
    ("https://example.org/a/../b/", "expected an http:// or https:// address with no '.' or '..' folders in its path, "
     "found 'https://example.org/a/../b/'", "write the path of the folder the site is published in"),
])
def test_the_site_address_refuses_what_would_break_absolute_links(value: str, message: str, hint: str) -> None:
    assert site_url_error(value) == (message, hint)


@pytest.mark.parametrize("value", ["http://127.0.0.1:8000/", "http://localhost:8000/preview/", "http://example.org/"])
def test_project_links_stay_https_only(value: str) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(HttpsUrl).validate_python(value)


@pytest.mark.parametrize(("value", "message"), [
    ("javascript:alert(1)", f"expected an http:// or https:// address, found 'javascript:alert(1)'; {EXAMPLES}"),
    ("file:///srv/site/", f"expected an http:// or https:// address, found 'file:///srv/site/'; {EXAMPLES}"),
    ("ftp://example.org/", f"expected an http:// or https:// address, found 'ftp://example.org/'; {EXAMPLES}"),
    ("https://user:s3cret@x.example.com/", "expected an http:// or https:// address with no user name or password, "
     f"found 'https://***@x.example.com/'; remove '***@': {NO_PASSWORD}"),
])
def test_a_bad_base_url_option_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, message: str) -> None:
    root = make_catalogue(tmp_path / "catalogue")
    assert run_cli("build", "--root", str(root), "--out", str(tmp_path / "out"), "--base-url", value) == (2, "")
    err = capsys.readouterr().err
    assert err == f"catalogue: error: --base-url: {message}\n"
    assert "s3cret" not in err
    assert not (tmp_path / "out").exists()


def test_a_bad_base_url_in_site_yaml_is_a_located_content_error(tmp_path: Path) -> None:
    site = SITE.replace("https://example.org/catalogue/", "javascript:alert(1)")
    root = make_catalogue(tmp_path / "catalogue", None, {"site.yaml": site.replace("https://github.com", "http://github.com")})
    assert run_cli("build", "--root", str(root), "--out", str(tmp_path / "out")) == (1, (
        f"site.yaml:3:11: error: base_url: expected an http:// or https:// address, found 'javascript:alert(1)'; {EXAMPLES}\n"
        # the repository is linked from every page: it stays https-only
        "site.yaml:4:17: error: repository_url: expected an https:// web address, found 'http://github.com/example/catalogue'; "
        "use the secure address: https://github.com/example/catalogue\n"
        "1 file checked: 2 errors, 0 warnings\n"
        "build failed: the previous site was left as it was\n"))
    assert not (tmp_path / "out").exists()


def test_a_build_for_a_local_preview_puts_every_absolute_address_under_its_prefix(tmp_path: Path) -> None:
    base = "http://localhost:8000/preview/"
    root = make_catalogue(tmp_path / "catalogue")
    code, out = run_cli("build", "--root", str(root), "--out", str(tmp_path / "out"), "--jobs", "1", "--base-url", base)
    assert code == 0, out
    site = tmp_path / "out"
    page = (site / "projects/kent-joint-control-room/index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{base}projects/kent-joint-control-room/">' in page
    assert f'<link rel="canonical" href="{base}">' in (site / "index.html").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>([^<]*)</loc>", (site / "sitemap.xml").read_text(encoding="utf-8"))
    assert f"{base}projects/kent-joint-control-room/" in locs and f"{base}" in locs
    assert [loc for loc in locs if not loc.startswith(base)] == []
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert f"<id>{base}</id>" in feed and f"<id>{base}projects/kent-joint-control-room/</id>" in feed
    assert f'href="{base}feed.xml"' in feed
    addresses = re.findall(r'(?:href="|<id>)([^"<]*)', feed)
    assert addresses and [a for a in addresses if not a.startswith(base)] == []
    assert (site / "robots.txt").read_text(encoding="utf-8").endswith(f"Sitemap: {base}sitemap.xml\n")
    data = json.loads((site / "data/projects.json").read_text(encoding="utf-8"))
    assert data["url"] == base
    assert data["projects"][0]["url"] == f"{base}projects/kent-joint-control-room/"
