"""The site's own address (``base_url``): http or https, any host, IP address or port, and a path prefix.

Every absolute address the build writes (canonical links, the sitemap, the feed, the open data) is
``base_url`` followed by a page's path, so the address must be a plain folder: no query, fragment,
user name or password, and nothing a browser would silently rewrite. Links in project files are a
different type (``HttpsUrl`` in models.py): those stay https-only.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import quote

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_LABEL = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_PATH = re.compile(r"(?:[A-Za-z0-9\-._~!$&()*+,;=:@/]|%[0-9A-Fa-f]{2})*")
_PATH_SAFE = "/-._~!$&()*+,;=:@"
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b\u2028\u2029\ufeff]")
EXAMPLES = "for example https://example.org/catalogue/ or, for a preview on this machine, http://localhost:8000/"


class BadSiteUrl(ValueError):
    """Why a value cannot be the site's address: ``message`` has a ``{found}`` placeholder for ``shown``."""

    def __init__(self, message: str, hint: str, shown: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.shown = shown  # the value as it may be printed: any password is hidden


def _fail(what: str, hint: str, shown: str) -> BadSiteUrl:
    return BadSiteUrl(f"expected an http:// or https:// address{' ' if what else ''}{what}, found {{found}}", hint, shown)


def _host_problem(host: str) -> str | None:
    """Why ``host`` (without brackets or port) is not a host name or IPv4 address, as a hint; ``None`` if it is."""
    if re.fullmatch(r"[0-9.]+", host) or re.fullmatch(r".*\.[0-9]+", host):  # browsers read these as IPv4 addresses
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            return "an IPv4 address is four numbers from 0 to 255 with no leading zeros, such as 127.0.0.1"
        return None
    if not host.isascii():
        try:
            return f"write the host name in its ASCII form: {host.encode('idna').decode('ascii')}"
        except UnicodeError:
            return "write the host name in its ASCII (xn--) form"
    if len(host) > 253 or not all(_LABEL.fullmatch(label) for label in host.split(".")):
        return "a host name is letters, digits and hyphens, in parts separated by dots, such as example.org or localhost"
    return None


def _ipv6_problem(host: str) -> str | None:
    """Why ``host`` (the part in square brackets) is not an IPv6 address, as a hint; ``None`` if it is."""
    if "%" in host:
        return "leave out the zone (the part from '%'): a published address cannot name a network interface"
    try:
        ipaddress.IPv6Address(host)
    except ValueError:
        return "an IPv6 address goes in square brackets, such as http://[::1]:8000/"
    return None


def normalise_site_url(value: str) -> str:
    """``value`` as the site's address: scheme and host in lower case, ending in '/'.

    Raises :class:`BadSiteUrl` for anything but ``http(s)://HOST[:PORT][/PATH]``.
    """
    if _SPACE_OR_CONTROL.search(value):
        raise _fail("with no spaces or control characters", "remove them, or write a space in the path as %20", value)
    scheme = _SCHEME.match(value)
    if scheme is None or scheme.group(1).lower() not in ("http", "https"):
        bare = re.fullmatch(r"(?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::[0-9]+)?(?:/\S*)?", value)
        raise _fail("", f"write https://{value}" if bare else EXAMPLES, value)
    name, rest = scheme.group(1).lower(), value[scheme.end():]
    if not rest.startswith("//") or len(rest) == 2:
        hint = f"write {name}://{rest.lstrip('/')}" if rest.strip("/") else EXAMPLES
        raise _fail("with a host after the '//'", hint, value)
    after = rest[2:]
    end = next((i for i, char in enumerate(after) if char in "/?#"), len(after))
    authority, path = after[:end], after[end:]
    userinfo, at, _ = after.partition("/")[0].rpartition("@")  # a password may hold '?' or '#': never print it
    if at:
        hidden = "***@" if ":" in userinfo else f"{userinfo}@"
        raise _fail("with no user name or password", f"remove '{hidden}': a published site cannot need a password, "
                    "and the address is copied into every page", f"{name}://{hidden}{after[len(userinfo) + 1:]}")
    if "?" in path or "#" in path:
        index = len(value) - len(path) + min(i for i in (path.find("?"), path.find("#")) if i >= 0)
        try:
            hint = f"remove {value[index:]!r}: write {normalise_site_url(value[:index])}"
        except BadSiteUrl:
            hint = f"remove {value[index:]!r}"
        raise _fail("with no query or fragment ('?' or '#')", hint, value)
    bracketed = re.fullmatch(r"\[([^\]]*)\](?::(.*))?", authority)
    if bracketed:
        host, port = bracketed.group(1), bracketed.group(2)
        problem = _ipv6_problem(host)
    else:
        host, colon, port_text = authority.partition(":")
        port = port_text if colon else None
        problem = _host_problem(host) if host else "give the host name, " + EXAMPLES
        if authority.startswith("["):
            problem = "an IPv6 address goes in square brackets, such as http://[::1]:8000/"
    if problem:
        raise _fail("with a host name, IPv4 address or [IPv6 address]", problem, value)
    if port is not None and not (re.fullmatch(r"[0-9]{1,5}", port) and 1 <= int(port) <= 65535):
        raise _fail("with a port from 1 to 65535", "write the port as digits after a colon, such as http://localhost:8000/", value)
    if not _PATH.fullmatch(path):
        encoded = quote(path, safe=_PATH_SAFE + "%")
        hint = f"write {name}://{authority}{encoded}" if _PATH.fullmatch(encoded) else \
            "use letters, digits and - . _ ~ in the path, and write other characters as %XX escapes"
        raise _fail("with a path of letters, digits, '/', '-', '.', '_', '~' or %XX escapes", hint, value)
    if any(part in (".", "..") for part in path.split("/")):
        raise _fail("with no '.' or '..' folders in its path", "write the path of the folder the site is published in", value)
    where = f"[{host.lower()}]" if bracketed else host.lower()
    return f"{name}://{where}{'' if port is None else ':' + str(int(port))}{path.rstrip('/')}/"
