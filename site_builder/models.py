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


def did_you_mean(found: object, options: Iterable[str]) -> str:
    """A hint naming the closest option, or an empty string."""
    if not isinstance(found, str):
        return ""
    match = difflib.get_close_matches(found.lower(), list(options), n=1, cutoff=0.6)
    return f"did you mean '{match[0]}'?" if match else ""


def describe(value: object) -> str:
    """How a found value reads in an error message."""
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of fields"
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _fail(kind: str, message: str, found: object, hint: str = "") -> PydanticCustomError:
    return PydanticCustomError(kind, message, {"found": describe(found), "hint": hint})


# --- scalar types -------------------------------------------------------------------------------

def _whole_number(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,15}", value.strip()):
        return int(value)
    hint = "write digits only, with no commas, spaces or '£', for example 250000"
    if isinstance(value, str) and re.fullmatch(r"£?[0-9][0-9,. ]*", value.strip()):
        hint = f"write it as {re.sub(r'[^0-9]', '', value.split('.')[0])}"
    raise _fail("whole_number", "expected a whole number of pounds, found {found}", value, hint)


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
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}", value.strip()):
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise _fail("year", "expected a year such as 2019, found {found}", value,
                "write the four-digit year the money was given")


def _check_date_parts(text: str) -> None:
    parts = [int(p) for p in text.split("-")]
    dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def _partial_date(value: object) -> object:
    if isinstance(value, str) and re.fullmatch(PARTIAL_DATE_PATTERN, value.strip()):
        try:
            _check_date_parts(value.strip())
            return value.strip()
        except ValueError:
            pass
    raise _fail("partial_date", "expected a date as YYYY, YYYY-MM or YYYY-MM-DD, found {found}", value,
                "for example 2019, 2019-04 or 2019-04-01")


def _full_date(value: object) -> object:
    if isinstance(value, str) and re.fullmatch(DATE_PATTERN, value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _fail("date", "expected a date as YYYY-MM-DD, found {found}", value,
                "for example 2026-03-31")


def _https_url(value: str) -> str:
    if not re.fullmatch(r"https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:[0-9]+)?(/[^\s<>\"']*)?", value):
        hint = "links must start with https://"
        if value.lower().startswith("http://"):
            hint = f"use the secure address: {'https://' + value[7:]}"
        raise _fail("https_url", "expected an https:// web address, found {found}", value, hint)
    return value


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


def _vocabulary_ref(kind: str, context_key: str) -> Any:
    def check(value: str, info: ValidationInfo) -> str:
        registry = (info.context or {}).get("registry")
        if registry is None:
            return value
        known: dict[str, Any] = getattr(registry, context_key)
        if value not in known:
            raise _fail(f"unknown_{context_key}", f"unknown {kind} {{found}}", value,
                        did_you_mean(value, known) or f"see the list of {kind}s in the contributor guide")
        return value

    return AfterValidator(check)


WholePounds = Annotated[int, Field(ge=0), BeforeValidator(_whole_number)]
Year = Annotated[int, Field(ge=1900, le=2100), BeforeValidator(_year)]
Boolean = Annotated[bool, BeforeValidator(_boolean)]
PartialDate = Annotated[str, Field(pattern=PARTIAL_DATE_PATTERN), BeforeValidator(_partial_date)]
FullDate = Annotated[dt.date, BeforeValidator(_full_date)]
HttpsUrl = Annotated[str, Field(json_schema_extra={"pattern": "^https://", "format": "uri"}), AfterValidator(_https_url)]
Email = Annotated[str, Field(max_length=254, json_schema_extra={"format": "email"}), AfterValidator(_email)]
Slug = Annotated[str, Field(json_schema_extra={"pattern": SLUG_PATTERN}), AfterValidator(_slug)]
OrganisationId = Annotated[Slug, _vocabulary_ref("organisation", "organisations")]
ThemeId = Annotated[str, _vocabulary_ref("theme", "themes")]
EnablerId = Annotated[str, _vocabulary_ref("enabler", "enablers")]
BarrierId = Annotated[str, _vocabulary_ref("barrier", "barriers")]
RegionId = Annotated[str, _vocabulary_ref("region", "regions")]


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
    base_url: HttpsUrl = Field(description="Public address of the site, ending in '/'; may include a path prefix.")
    repository_url: HttpsUrl = Field(description="Address of the git repository, for 'edit this page' links.")
    edit_branch: Annotated[str, Field(pattern=r"^[A-Za-z0-9._/-]+$")] = Field(default="main", description="Branch that edit links point at.")
    language: Annotated[str, Field(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")] = Field(default="en-GB", description="Language of the content.")
