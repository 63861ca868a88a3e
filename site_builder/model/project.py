"""The content schema: the single source of truth for project files, the registry and vocabularies.

Every scalar arrives as a string from the strict YAML reader; the validators below type it. The JSON
Schema (``catalogue schema``), the contributor guide's field table and the project template are all
generated from these models.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
)
from pydantic_core import PydanticCustomError

from site_builder.diagnostics.report import LISTED_PER_FIELD, quote
from site_builder.model.site_url import BadSiteUrl, normalise_site_url

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SLUG_RE = re.compile(SLUG_PATTERN)
PARTIAL_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"

Status = Literal["proposed", "in-development", "pilot", "operational", "completed", "discontinued"]
STATUSES: tuple[str, ...] = Status.__args__  # type: ignore[attr-defined]
OrgKind = Literal["police", "fire", "ambulance", "pcc", "local-authority", "health", "rescue", "other"]
ORG_KINDS: tuple[str, ...] = OrgKind.__args__  # type: ignore[attr-defined]
BLUE_LIGHT: frozenset[str] = frozenset({"police", "fire", "ambulance"})
STATUS_LABELS = {
    "proposed": "Proposed", "in-development": "In development", "pilot": "Pilot",
    "operational": "Operational", "completed": "Completed", "discontinued": "Discontinued",
}
STATUS_DESCRIPTIONS = {
    "proposed": "Agreed in principle or being scoped; not yet started.",
    "in-development": "Being designed, built or procured.",
    "pilot": "Running as a trial in a limited area or for a limited time.",
    "operational": "Running as business as usual.",
    "completed": "Finished as planned.",
    "discontinued": "Stopped before it was completed or made permanent.",
}
KIND_LABELS = {
    "police": "Police", "fire": "Fire and rescue", "ambulance": "Ambulance",
    "pcc": "Police and crime commissioners", "local-authority": "Local authorities", "health": "Health",
    "rescue": "Search and rescue", "other": "Other organisations",
}
Scope = Literal["local", "regional", "national"]
EvaluationKind = Literal["none", "internal", "independent"]


def slugify(text: str) -> str:
    """``'Kent Police'`` as ``'kent-police'``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


MAX_SUGGESTED_LENGTH = 200  # no id or field name is this long: a longer text is not compared (difflib is quadratic)


def closest(found: object, options: Iterable[str]) -> str | None:
    """The option closest to ``found`` (ignoring case, spaces and underscores), or ``None``."""
    if not isinstance(found, str) or not found.strip() or len(found) > MAX_SUGGESTED_LENGTH:
        return None
    choices = [option for option in options if option != found]  # suggesting what was written helps no one
    for candidate in (found.strip(), found.strip().lower(), slugify(found)):
        if candidate in choices:
            return candidate
    for candidate in (found.lower(), slugify(found)):
        matches = difflib.get_close_matches(candidate, choices, n=3, cutoff=0.6)
        if matches:  # on a tie, prefer the option that starts the same way: 'south-eest' -> 'south-east'
            def score(option: str, candidate: str = candidate) -> tuple[float, int]:
                same = next((i for i, (a, b) in enumerate(zip(candidate, option, strict=False)) if a != b), min(len(candidate), len(option)))
                return round(difflib.SequenceMatcher(None, candidate, option).ratio(), 6), same
            return max(matches, key=score)
    return None


def did_you_mean(found: object, options: Iterable[str]) -> str:
    """A hint naming the closest option, or an empty string."""
    match = closest(found, options)
    return f"did you mean '{match}'?" if match else ""


# Words in an organisation id that name its kind; the rest of a mistyped id usually names the place.
_KIND_WORDS = {
    "police": "police", "constabulary": "police", "fire": "fire", "rescue": "fire", "frs": "fire", "brigade": "fire",
    "ambulance": "ambulance", "pcc": "pcc", "council": "local-authority",
}


def _kind_of(org_id: str, org: object) -> str | None:
    """An organisation's kind, or while the registry itself loads (when only ids are known) a guess from its id."""
    kind = getattr(org, "kind", None)
    if isinstance(kind, str):
        return kind
    return next((_KIND_WORDS[w] for w in org_id.split("-") if w in _KIND_WORDS), None)


def suggest_organisation(found: object, organisations: dict[str, Any]) -> str:
    """A did-you-mean hint for an organisation id: a near spelling, or the same place and kind.

    ``hampshire-police`` is closer in spelling to ``northamptonshire-police`` than to the right
    ``hampshire-constabulary``, so a guess that keeps the place and the kind comes first.
    """
    if not isinstance(found, str) or not found.strip() or len(found) > MAX_SUGGESTED_LENGTH:
        return ""
    wanted = slugify(found)
    if wanted in organisations:
        return f"did you mean '{wanted}'?"
    words = wanted.split("-")
    kinds = {_KIND_WORDS[w] for w in words if w in _KIND_WORDS}
    place = [w for w in words if w not in _KIND_WORDS and w not in ("and", "service", "services", "nhs", "trust")]
    same_kind = [org_id for org_id, org in organisations.items() if _kind_of(org_id, org) in kinds]
    same_place = [org_id for org_id in same_kind if place and org_id.split("-")[: len(place)] == place]
    current = [org_id for org_id in same_place if getattr(organisations[org_id], "replaced_by", None) is None]
    if not same_place and place:  # 'kent-ambulance': the ambulance service covering the region Kent's organisations are in
        regions = {region for org_id, org in organisations.items() if org_id.split("-")[: len(place)] == place
                   for region in getattr(org, "regions", ())}
        same_place = [org_id for org_id in same_kind if regions & set(getattr(organisations[org_id], "regions", ()))]
        current = [org_id for org_id in same_place if getattr(organisations[org_id], "replaced_by", None) is None]
    if current or same_place:
        best = max(current or same_place, key=lambda org_id: difflib.SequenceMatcher(None, wanted, org_id).ratio())
        return f"did you mean '{best}'?"
    # Only a near spelling of the id, or of its place: 'surrey-county-council' is not 'hertfordshire-county-council'.
    pool = same_kind or list(organisations)
    near = [org_id for org_id in pool if difflib.SequenceMatcher(None, wanted, org_id).ratio() >= 0.85
            or (place and (set(place) <= set(_place_words(org_id))
                           or difflib.SequenceMatcher(None, " ".join(place), " ".join(_place_words(org_id))).ratio() >= 0.8))]
    return did_you_mean(found, near)


def _place_words(org_id: str) -> list[str]:
    return [w for w in org_id.split("-") if w not in _KIND_WORDS and w not in ("and", "service", "services", "nhs", "trust")]


_SMALL_WORDS = frozenset({"and", "of", "the", "for", "in", "on"})


def new_organisation_hint(found: str, regions: list[str]) -> str:
    """How to add a missing organisation to the registry, with a ready-to-paste entry."""
    org_id = slugify(found) or "new-organisation"
    written = " ".join(found.split())
    name = written if " " in written else " ".join(
        "NHS" if w == "nhs" else w if w in _SMALL_WORDS and i else w.capitalize() for i, w in enumerate(org_id.split("-")))
    kind = next((_KIND_WORDS[w] for w in org_id.split("-") if w in _KIND_WORDS), "other")
    entry = f"{org_id}: {{name: {name}, kind: {kind}, regions: [{', '.join(regions) or 'REGION-ID'}]}}"
    check = ", and check its kind and regions" if regions else ", with its region ids from schema/regions.yaml"
    return (f"if it is not in the registry yet, add it to content/organisations.yaml in the same pull request{check}: {entry}"
            f"{'' if org_id == found else f' (and write {org_id} here)'}")


def describe(value: object) -> str:
    """How a found value reads in an error message."""
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of fields"
    return quote(str(value))


def _fail(kind: str, message: str, found: object, hint: str = "") -> PydanticCustomError:
    return PydanticCustomError(kind, message, {"found": describe(found), "hint": hint})


# --- scalar types -------------------------------------------------------------------------------

_MONEY = re.compile(r"(?i)£?\s*([0-9][0-9,]*)(\.[0-9]+)?\s*(k|thousand|m|million|bn|billion)?(\s*(gbp|pounds))?")
_MULTIPLIERS = {"k": 1000, "thousand": 1000, "m": 10**6, "million": 10**6, "bn": 10**9, "billion": 10**9}


def _money_hint(text: str) -> str:
    """How to write ``text`` as whole pounds."""
    if re.fullmatch(r"0[0-9]+", text):
        return f"write it without the leading zero: {int(text)}"
    if re.fullmatch(r"-\s*£?[0-9][0-9,.]*", text):
        return "amounts cannot be negative; write 0 or more"
    match = _MONEY.fullmatch(text)
    if match and (len(match.group(1).replace(",", "")) <= 15):
        whole, fraction, multiplier = match.group(1).replace(",", ""), match.group(2) or "", match.group(3)
        amount = Decimal(whole + fraction) * _MULTIPLIERS.get((multiplier or "").lower(), 1)
        pounds = int(amount.to_integral_value(rounding=ROUND_HALF_UP))
        if amount != pounds:
            return f"round to whole pounds and write digits only: {pounds}"
        return f"write digits only: {pounds}"
    return "write digits only, with no commas, spaces or '£', for example 250000"


def _whole_number(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = value.strip() if isinstance(value, str) else ""
    if re.fullmatch(r"0|[1-9][0-9]{0,14}", text):
        return int(text)
    raise _fail("whole_number", "expected a whole number of pounds, found {found}", value, _money_hint(text))


def _boolean(value: object) -> object:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    hint = "write true or false in lower case"
    if isinstance(value, str) and value.lower() in ("yes", "no", "y", "n", "on", "off", "true", "false"):
        hint = f"write {'true' if value.lower() in ('yes', 'y', 'on', 'true') else 'false'}"
    raise _fail("boolean", "expected true or false, found {found}", value, hint)


def _year(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}", value.strip()):
        year = int(value)
        if 1900 <= year <= 2100:
            return year
        raise _fail("year", "expected a year between 1900 and 2100, found {found}", value,
                    "check the year the money was given")
    short = isinstance(value, str) and re.fullmatch(r"[0-9]{2}", value.strip())
    raise _fail("year", "expected a year such as 2019, found {found}", value,
                f"write the full year, for example 20{value.strip()}" if short and isinstance(value, str)
                else "write the four-digit year the money was given")


def _check_date_parts(text: str) -> None:
    parts = [int(p) for p in text.split("-")]
    dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


_MONTHS = {name: number for number, name in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}


def _as_iso(text: str) -> str | None:
    """``text`` written as YYYY-MM-DD (or YYYY-MM) when it is a date in another common form."""
    parts: tuple[int, ...] = ()
    if m := re.fullmatch(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})", text):  # 31/03/2019, as in the UK
        parts = (int(m[3]), int(m[2]), int(m[1]))
    elif m := re.fullmatch(r"([0-9]{4})[/.-]([0-9]{1,2})(?:[/.-]([0-9]{1,2}))?", text):  # 2019/3/1 or 2019-3
        parts = tuple(int(p) for p in m.groups() if p)
    elif m := re.fullmatch(r"([0-9]{1,2})[/.-]([0-9]{4})", text):  # 03/2019
        parts = (int(m[2]), int(m[1]))
    elif (m := re.fullmatch(r"(?i)(?:([0-9]{1,2})(?:st|nd|rd|th)?\s+)?([a-z]{3})[a-z]*\.?,?\s+([0-9]{4})", text)) and (
            m[2].lower() in _MONTHS):  # 1 April 2019, April 2019
        parts = (int(m[3]), _MONTHS[m[2].lower()], *([int(m[1])] if m[1] else []))
    if not parts:
        return None
    try:
        dt.date(parts[0], parts[1], parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return None
    return "-".join([f"{parts[0]:04d}", *(f"{p:02d}" for p in parts[1:])])


def _date_hint(text: str, example: str) -> str:
    iso = _as_iso(text)
    if iso:
        return f"write {iso}"
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}(-[0-9]{2})?", text):
        return "there is no such date: check the month (01 to 12) and the day"
    return f"for example {example}"


def _partial_date(value: object) -> object:
    text = value.strip() if isinstance(value, str) else ""
    if re.fullmatch(PARTIAL_DATE_PATTERN, text):
        try:
            _check_date_parts(text)
            return text
        except ValueError:
            pass
    raise _fail("partial_date", "expected a date as YYYY, YYYY-MM or YYYY-MM-DD, found {found}", value,
                _date_hint(text, "2019, 2019-04 or 2019-04-01"))


def _full_date(value: object) -> object:
    text = value.strip() if isinstance(value, str) else ""
    if re.fullmatch(DATE_PATTERN, text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    hint = _date_hint(text, "2026-03-31")
    iso = _as_iso(text)
    if iso and len(iso) == 7:  # 'December 2026': a month is not enough here
        hint = f"write {iso}-01 (a full date: last_reviewed needs the day too)"
    if re.fullmatch(r"[0-9]{4}(-[0-9]{2})?", text):
        hint = f"give the day too, for example {text}{'-01' if len(text) == 7 else '-03-31'}"
    raise _fail("date", "expected a date as YYYY-MM-DD, found {found}", value, hint)


def _https_url(value: str) -> str:
    if not re.fullmatch(r"https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:[0-9]+)?(/[^\s<>\"']*)?", value):
        hint = "write the full address, starting with https://"
        if value.lower().startswith("http://"):
            hint = f"use the secure address: {'https://' + value[7:]}"
        elif re.fullmatch(r"(www\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(/\S*)?", value):
            hint = f"write https://{value}"
        raise _fail("https_url", "expected an https:// web address, found {found}", value, hint)
    return value


def _site_url(value: str) -> str:
    try:
        return normalise_site_url(value)
    except BadSiteUrl as exc:
        raise _fail("site_url", exc.message, exc.shown, exc.hint) from None


def _email(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", value):
        raise _fail("email", "expected an email address, found {found}", value,
                    "give a team or role mailbox such as collaboration@example.police.uk")
    return value


def _plain_text(value: str) -> str:
    text = " ".join(value.split())
    if re.search(r"<[A-Za-z/!]", text):
        raise _fail("plain_text", "expected plain text, found HTML in {found}", value,
                    "remove the tags; the summary is shown as plain text")
    return text


def _slug(value: str) -> str:
    if not SLUG_RE.fullmatch(value):
        suggestion = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
        raise _fail("slug", "expected lower-case words joined by hyphens, found {found}", value,
                    f"write '{suggestion}'" if suggestion else "use letters, digits and hyphens")
    return value


def _suggestion(value: str, known: dict[str, Any], context_key: str, info: ValidationInfo) -> str:
    """A did-you-mean for an unknown id; at most ``LISTED_PER_FIELD + 1`` per field are worked out, as no more are shown.

    The count is kept in the validation context's ``suggestions``, when the caller gives one.
    """
    counts = (info.context or {}).get("suggestions")
    if counts is not None:
        field = info.field_name or ""
        if counts.get(field, 0) > LISTED_PER_FIELD:
            return ""
        counts[field] = counts.get(field, 0) + 1
    if context_key != "organisations":
        return did_you_mean(value, known)
    if not known:  # with no registry at all, its own errors come first
        return ""
    return suggest_organisation(value, known) or new_organisation_hint(value, (info.context or {}).get("regions_hint", []))


def _vocabulary_ref(kind: str, context_key: str, where: str) -> Any:
    def check(value: str, info: ValidationInfo) -> str:
        context = info.context or {}
        registry = context.get("registry")
        if registry is None:
            return _slug(value) if context_key == "organisations" else value
        known: dict[str, Any] = getattr(registry, context_key)
        if value not in known and context_key in getattr(registry, "unloaded", ()):
            # The file could not be read, and says so: every id in it would be "unknown". A project
            # ("skip") gets an error that is not reported but keeps the field out of the checks; a
            # registry entry ("accept", the default) loads, as its own fields are fine.
            if context.get("unloaded", "accept") == "accept":
                return value
            raise PydanticCustomError("unloaded", "{where} could not be read", {"where": where})
        if value not in known and value in context.get("unusable", {}).get(context_key, ()):
            raise _fail(f"broken_{context_key}", f"{kind} {{found}} cannot be used until its entry in {where} is fixed", value,
                        f"fix the problems reported for {where} first")
        if value not in known:
            raise _fail(f"unknown_{context_key}", f"unknown {kind} {{found}}", value,
                        _suggestion(value, known, context_key, info) or f"use an id from {where}")
        return value

    return AfterValidator(check)


WholePounds = Annotated[int, Field(ge=0), BeforeValidator(_whole_number)]
Year = Annotated[int, Field(ge=1900, le=2100), BeforeValidator(_year)]
Boolean = Annotated[bool, BeforeValidator(_boolean)]
PartialDate = Annotated[str, Field(pattern=PARTIAL_DATE_PATTERN), BeforeValidator(_partial_date)]
FullDate = Annotated[dt.date, BeforeValidator(_full_date)]
HttpsUrl = Annotated[str, Field(json_schema_extra={"pattern": "^https://", "format": "uri"}), AfterValidator(_https_url)]
# The site's own address: http too (a preview on this machine or an intranet), any host or port; see site_url.py.
SiteUrl = Annotated[str, Field(json_schema_extra={"pattern": "^https?://", "format": "uri"}), AfterValidator(_site_url)]
Email = Annotated[str, Field(max_length=254, json_schema_extra={"format": "email"}), AfterValidator(_email)]
Slug = Annotated[str, Field(json_schema_extra={"pattern": SLUG_PATTERN}), AfterValidator(_slug)]
# Not ``Slug``: an unknown id such as 'Kent Police' should get a did-you-mean from the registry.
OrganisationId = Annotated[str, Field(json_schema_extra={"pattern": SLUG_PATTERN}),
                           _vocabulary_ref("organisation", "organisations", "content/organisations.yaml")]
ThemeId = Annotated[str, _vocabulary_ref("theme", "themes", "schema/themes.yaml")]
EnablerId = Annotated[str, _vocabulary_ref("enabler", "enablers", "schema/enablers.yaml")]
BarrierId = Annotated[str, _vocabulary_ref("barrier", "barriers", "schema/barriers.yaml")]
RegionId = Annotated[str, _vocabulary_ref("region", "regions", "schema/regions.yaml")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


# --- project front matter ---------------------------------------------------------------------

class Funding(Strict):
    """One source of money for the project."""

    source: str = Field(min_length=3, max_length=200, description="Who gave the money, e.g. 'Home Office Police Transformation Fund'.")
    amount_gbp: WholePounds = Field(description="Amount in whole pounds, digits only.")
    year: Year | None = Field(default=None, description="Year the money was awarded, YYYY.")


class Evaluation(Strict):
    """Whether and how the project was evaluated."""

    kind: EvaluationKind = Field(description="none, internal or independent.")
    url: HttpsUrl | None = Field(default=None, description="Link to the published evaluation (https).")
    summary: str | None = Field(default=None, min_length=10, max_length=1000, description="What the evaluation found, in a sentence or two.")


class Contact(Strict):
    """A role to contact. There is deliberately no field for a personal name."""

    role: str = Field(min_length=3, max_length=120, description="Job role or team, e.g. 'Collaboration programme manager'.")
    email: Email = Field(description="A role or team mailbox, not a personal address.")
    organisation: OrganisationId | None = Field(default=None, description="Organisation id the role belongs to.")


class Link(Strict):
    """A public source or further reading."""

    title: str = Field(min_length=3, max_length=200, description="What the link is, e.g. 'Press release, March 2016'.")
    url: HttpsUrl = Field(description="Public https address.")


class ProjectFrontMatter(Strict):
    """The fields between the ``---`` lines at the top of ``content/projects/<slug>.md``."""

    title: str = Field(min_length=5, max_length=150, description="Name of the collaboration, 5-150 characters.")
    summary: Annotated[str, AfterValidator(_plain_text)] = Field(
        min_length=20, max_length=400,
        description="One or two plain-text sentences, 20-400 characters; shown in listings, search results and feeds.")
    status: Status = Field(description="proposed, in-development, pilot, operational, completed or discontinued.")
    lead: OrganisationId = Field(description="Id of the lead organisation, from content/organisations.yaml.")
    partners: list[OrganisationId] = Field(min_length=1, description="Ids of the partner organisations: at least one, no repeats, not the lead.")
    themes: list[ThemeId] = Field(min_length=1, description="Theme ids from schema/themes.yaml: at least one.")
    started: PartialDate | None = Field(default=None, description="When it started: YYYY, YYYY-MM or YYYY-MM-DD.")
    ended: PartialDate | None = Field(default=None, description="When it ended (completed or discontinued projects): YYYY, YYYY-MM or YYYY-MM-DD.")
    scope: Scope | None = Field(default=None, description="local, regional or national.")
    formal_agreement: Boolean | None = Field(
        default=None, description="true if there is a written collaboration agreement under s.1 of the Policing and Crime Act 2017.")
    funding: list[Funding] | None = Field(default=None, description="Sources of money: each with source, amount_gbp and year.")
    costs_gbp: WholePounds | None = Field(default=None, description="Total cost in whole pounds.")
    savings_gbp_per_year: WholePounds | None = Field(default=None, description="Yearly saving in whole pounds.")
    benefits: list[Annotated[str, Field(min_length=3, max_length=500)]] | None = Field(default=None, description="Benefits seen, one per item.")
    lessons: list[Annotated[str, Field(min_length=3, max_length=500)]] | None = Field(default=None, description="Lessons learnt, one per item.")
    evaluation: Evaluation | None = Field(default=None, description="kind (none, internal, independent), url and summary.")
    enablers: list[EnablerId] | None = Field(default=None, description="What helped: ids from schema/enablers.yaml.")
    barriers: list[BarrierId] | None = Field(default=None, description="What got in the way: ids from schema/barriers.yaml.")
    contact: Contact | None = Field(default=None, description="role, email (a role mailbox) and organisation. No personal names.")
    links: list[Link] | None = Field(default=None, description="Public sources and further reading: each with title and an https url.")
    last_reviewed: FullDate = Field(description="When the entry was last checked, YYYY-MM-DD; not in the future.")
    aliases: list[Slug] | None = Field(
        default=None, description="Former slugs of this project; the site redirects them here.")


# --- registry and vocabularies ----------------------------------------------------------------

class Organisation(Strict):
    """An entry in ``content/organisations.yaml``."""

    name: str = Field(min_length=3, max_length=150, description="Official name.")
    kind: OrgKind = Field(description="police, fire, ambulance, pcc, local-authority, health, rescue or other.")
    regions: list[RegionId] = Field(min_length=1, description="Ids of the ONS regions it covers, from schema/regions.yaml.")
    code: Annotated[str, Field(pattern=r"^[A-Z0-9]{3,9}$")] | None = Field(default=None, description="ONS or NHS ODS code.")
    website: HttpsUrl | None = Field(default=None, description="Home page (https).")
    replaced_by: OrganisationId | None = Field(default=None, description="Id of the organisation that replaced it after a merger.")


class Term(Strict):
    """A vocabulary term: a theme, enabler or barrier."""

    id: Slug = Field(description="Stable id used in project files.")
    label: str = Field(min_length=2, max_length=100, description="Label shown to readers.")
    description: str = Field(min_length=10, max_length=300, description="One sentence.")


class Region(Strict):
    """An ONS region of England."""

    id: Slug = Field(description="Stable id used in the registry.")
    label: str = Field(min_length=2, max_length=100, description="Region name.")
    code: Annotated[str, Field(pattern=r"^E12[0-9]{6}$")] = Field(description="ONS E12 code.")


class SiteConfig(Strict):
    """``site.yaml``: settings for the published site."""

    title: str = Field(min_length=3, max_length=100, description="Site title.")
    description: str = Field(min_length=10, max_length=300, description="One-sentence description for search engines and feeds.")
    base_url: SiteUrl = Field(description="Address the site is published at: http:// or https://, a host or IP address, "
                                          "an optional port and path prefix; a missing final '/' is added.")
    repository_url: HttpsUrl = Field(description="Address of the git repository, for 'edit this page' links.")
    edit_branch: Annotated[str, Field(pattern=r"^[A-Za-z0-9._/-]+$")] = Field(default="main", description="Branch that edit links point at.")
    language: Annotated[str, Field(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")] = Field(default="en-GB", description="Language of the content.")
