"""The schema's field rules, and the messages and hints each rule gives when broken."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from site_builder.catalogue.explain import explain_validation_error
from site_builder.catalogue.registry import Registry, load_registry
from site_builder.model.project import (
    Organisation,
    ProjectFrontMatter,
    Region,
    SiteConfig,
    Term,
    closest,
    did_you_mean,
    suggest_organisation,
)
from site_builder.text.strict_yaml import SourceMap
from tests.helpers import make_catalogue

VALID: dict[str, Any] = {
    "title": "Kent joint control room",
    "summary": "Kent Fire and Rescue Service moved its control room into Kent Police headquarters.",
    "status": "operational",
    "lead": "kent-fire-and-rescue-service",
    "partners": ["kent-police"],
    "themes": ["control-rooms"],
    "last_reviewed": "2026-01-15",
}


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    loaded, problems = load_registry(make_catalogue(tmp_path_factory.mktemp("catalogue")))
    assert problems == []
    return loaded


def errors(model: type[BaseModel], data: Any, registry: Registry | None = None) -> list[tuple[str, str, str]]:
    """``(field, message, hint)`` for each problem, as ``catalogue check`` would word them."""
    try:
        model.model_validate(data, context={"registry": registry} if registry else None)
    except ValidationError as exc:
        return [(d.field, d.message, d.hint) for d in explain_validation_error(exc, model, "x.md", SourceMap())]
    return []


def project_errors(registry: Registry, **changes: Any) -> list[tuple[str, str, str]]:
    data = {**VALID, **changes}
    return errors(ProjectFrontMatter, {k: v for k, v in data.items() if v is not ...}, registry)


def one(registry: Registry, **changes: Any) -> tuple[str, str, str]:
    found = project_errors(registry, **changes)
    assert len(found) == 1, found
    return found[0]


# --- valid input is typed ---------------------------------------------------------------------------

def test_every_field_when_valid_is_typed(registry: Registry) -> None:
    data = {
        **VALID, "started": "2012-04", "ended": "2020", "status": "completed", "scope": "regional", "formal_agreement": "true",
        "funding": [{"source": "Home Office", "amount_gbp": "250000", "year": "2016"}], "costs_gbp": "0",
        "savings_gbp_per_year": "1200", "benefits": ["Faster"], "lessons": ["Talk early"],
        "evaluation": {"kind": "independent", "url": "https://example.org/report", "summary": "It worked well."},
        "enablers": ["leadership-commitment"], "barriers": ["incompatible-it"],
        "contact": {"role": "Programme manager", "email": "collab@example.police.uk", "organisation": "kent-police"},
        "links": [{"title": "Press release", "url": "https://www.kent.police.uk/news?id=1#top"}], "aliases": ["old-kent-control"],
    }
    meta = ProjectFrontMatter.model_validate(data, context={"registry": registry})
    assert meta.formal_agreement is True
    assert meta.funding and meta.funding[0].amount_gbp == 250000 and meta.funding[0].year == 2016
    assert (meta.costs_gbp, meta.savings_gbp_per_year) == (0, 1200)
    assert meta.last_reviewed == dt.date(2026, 1, 15)
    assert (meta.started, meta.ended) == ("2012-04", "2020")


def test_text_is_stripped_and_the_summary_is_one_line(registry: Registry) -> None:
    meta = ProjectFrontMatter.model_validate({**VALID, "title": "  Kent control  ", "summary": "Two\nlines   of\ttext here, long enough.\n"},
                                             context={"registry": registry})
    assert meta.title == "Kent control"
    assert meta.summary == "Two lines of text here, long enough."


# --- length and list rules --------------------------------------------------------------------------

@pytest.mark.parametrize(("field", "ok", "bad", "message", "hint"), [
    ("title", 5, 4, "expected at least 5 characters, found 4 characters", "write a little more"),
    ("title", 150, 151, "expected at most 150 characters, found 151 characters", "shorten it to 150 characters or fewer"),
    ("summary", 20, 19, "expected at least 20 characters, found 19 characters", "write a little more"),
    ("summary", 400, 401, "expected at most 400 characters, found 401 characters", "shorten it to 400 characters or fewer"),
])
def test_length_limits(registry: Registry, field: str, ok: int, bad: int, message: str, hint: str) -> None:
    assert project_errors(registry, **{field: "x" * ok}) == []
    assert one(registry, **{field: "x" * bad}) == (field, message, hint)


def test_lists_need_an_item(registry: Registry) -> None:
    assert one(registry, partners=[]) == ("partners", "expected at least 1 item, found 0", "add an item on its own line starting with '- '")
    assert one(registry, themes=[])[0] == "themes"


def test_missing_fields(registry: Registry) -> None:
    assert project_errors(registry, title=..., last_reviewed=...) == [
        ("title", "required field is missing", "add a line 'title: …'"),
        ("last_reviewed", "required field is missing", "add a line 'last_reviewed: …'"),
    ]
    assert one(registry, contact={"role": "Manager"}) == (
        "contact.email", "required field is missing", "add a line 'email: …' under 'contact'")


# --- enumerations ------------------------------------------------------------------------------------

STATUS_MESSAGE = "expected proposed, in-development, pilot, operational, completed or discontinued, found {}"


@pytest.mark.parametrize(("value", "hint"), [
    ("operationl", "did you mean 'operational'?"), ("Operational", "did you mean 'operational'?"),
    ("In development", "did you mean 'in-development'?"), ("live", "did you mean 'operational'?"),
    ("trial", "did you mean 'pilot'?"), ("cancelled", "did you mean 'discontinued'?"), ("finished", "did you mean 'completed'?"),
    ("xyz", "use one of the values listed"),
])
def test_status(registry: Registry, value: str, hint: str) -> None:
    assert one(registry, status=value) == ("status", STATUS_MESSAGE.format(repr(value)), hint)


def test_every_status_is_accepted(registry: Registry) -> None:
    for status in ("proposed", "in-development", "pilot", "operational", "completed", "discontinued"):
        assert project_errors(registry, status=status) == []


def test_scope_and_evaluation_kind(registry: Registry) -> None:
    assert one(registry, scope="national ") == ("scope", "expected local, regional or national, found 'national '", "did you mean 'national'?")
    assert one(registry, evaluation={"kind": "external"}) == (
        "evaluation.kind", "expected none, internal or independent, found 'external'", "did you mean 'independent'?")
    assert one(registry, evaluation="independent") == (
        "evaluation", "expected a set of fields (kind, url, summary), found 'independent'",
        "write each field on its own line, indented under this one, as 'name: value'")


# --- ids and vocabularies ----------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "hint"), [
    ("kent-polise", "did you mean 'kent-police'?"),
    ("Kent Police", "did you mean 'kent-police'?"),
    ("kent-fire", "did you mean 'kent-fire-and-rescue-service'?"),
    ("kent-ambulance", "did you mean 'south-east-coast-ambulance-service'?"),
    ("zzz", "if it is not in the registry yet, add it to content/organisations.yaml in the same pull request, "
            "with its region ids from schema/regions.yaml: zzz: {name: Zzz, kind: other, regions: [REGION-ID]}"),
    ("surrey-county-council", "if it is not in the registry yet, add it to content/organisations.yaml in the same pull request, "
     "with its region ids from schema/regions.yaml: "
     "surrey-county-council: {name: Surrey County Council, kind: local-authority, regions: [REGION-ID]}"),
])
def test_unknown_organisation(registry: Registry, value: str, hint: str) -> None:
    assert one(registry, partners=[value]) == ("partners[0]", f"unknown organisation '{value}'", hint)


def test_unknown_vocabulary_terms(registry: Registry) -> None:
    assert project_errors(registry, themes=["control-room", "Shared Estates", "nothing-like-it"], enablers=["leadership"],
                          barriers=["incompatible_it"]) == [
        ("themes[0]", "unknown theme 'control-room'", "did you mean 'control-rooms'?"),
        ("themes[1]", "unknown theme 'Shared Estates'", "did you mean 'shared-estates'?"),
        ("themes[2]", "unknown theme 'nothing-like-it'", "use an id from schema/themes.yaml"),
        ("enablers[0]", "unknown enabler 'leadership'", "did you mean 'leadership-commitment'?"),
        ("barriers[0]", "unknown barrier 'incompatible_it'", "did you mean 'incompatible-it'?"),
    ]


def test_an_organisation_whose_registry_entry_is_broken(registry: Registry) -> None:
    meta: dict[str, Any] = {**VALID, "partners": ["kent-police", "surrey-police"]}
    context = {"registry": registry, "unusable": {"organisations": {"surrey-police"}}}
    with pytest.raises(ValidationError) as caught:
        ProjectFrontMatter.model_validate(meta, context=context)
    [problem] = explain_validation_error(caught.value, ProjectFrontMatter, "x.md", SourceMap())
    assert (problem.field, problem.message, problem.hint) == (
        "partners[1]", "organisation 'surrey-police' cannot be used until its entry in content/organisations.yaml is fixed",
        "fix the problems reported for content/organisations.yaml first")


def test_hampshire_police_means_hampshire_constabulary() -> None:
    """The issue's own example: spelling alone would suggest another county's police force."""
    def org(kind: str, replaced_by: str | None = None) -> Organisation:
        return Organisation(name="An organisation", kind=kind, regions=["south-east"], replaced_by=replaced_by)

    orgs = {
        "hampshire-constabulary": org("police"), "northamptonshire-police": org("police"), "nottinghamshire-police": org("police"),
        "hampshire-fire-and-rescue-service": org("fire", "hampshire-and-isle-of-wight-fire-and-rescue-service"),
        "hampshire-and-isle-of-wight-fire-and-rescue-service": org("fire"), "hampshire-police-and-crime-commissioner": org("pcc"),
        "south-central-ambulance-service": org("ambulance"),
    }
    assert suggest_organisation("hampshire-police", orgs) == "did you mean 'hampshire-constabulary'?"
    assert suggest_organisation("Hampshire Constabluary", orgs) == "did you mean 'hampshire-constabulary'?"
    assert suggest_organisation("hampshire-fire", orgs) == "did you mean 'hampshire-and-isle-of-wight-fire-and-rescue-service'?"
    assert suggest_organisation("hampshire-pcc", orgs) == "did you mean 'hampshire-police-and-crime-commissioner'?"
    assert suggest_organisation("central-ambulance", orgs) == "did you mean 'south-central-ambulance-service'?"
    assert suggest_organisation("northamptonshire-polce", orgs) == "did you mean 'northamptonshire-police'?"
    assert suggest_organisation("qqq", orgs) == ""
    # while the registry itself loads only ids are known: the kind is guessed from the id
    assert suggest_organisation("hampshire-fire", dict.fromkeys(orgs, "")) == "did you mean 'hampshire-fire-and-rescue-service'?"


def test_did_you_mean() -> None:
    assert did_you_mean("statsu", ["title", "status"]) == "did you mean 'status'?"
    assert did_you_mean("Costs GBP", ["costs_gbp"]) == "did you mean 'costs_gbp'?"
    assert did_you_mean("south-eest", ["north-west", "south-west", "south-east"]) == "did you mean 'south-east'?"
    assert did_you_mean("Bad_Id", ["Bad_Id", "kent-police"]) == ""  # never the very thing that was written
    assert did_you_mean("zzzz", ["title"]) == ""
    assert did_you_mean(None, ["title"]) == did_you_mean(3, ["title"]) == did_you_mean("  ", ["title"]) == ""
    assert closest("pilot", ["pilot"]) is None


# --- scalar types ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "hint"), [
    ("yes", "write true"), ("Yes", "write true"), ("on", "write true"), ("y", "write true"), ("True", "write true"),
    ("NO", "write false"), ("off", "write false"), ("FALSE", "write false"), ("maybe", "write true or false in lower case"),
    ("1", "write true or false in lower case"),
])
def test_formal_agreement_is_true_or_false(registry: Registry, value: str, hint: str) -> None:
    assert one(registry, formal_agreement=value) == ("formal_agreement", f"expected true or false, found {value!r}", hint)


@pytest.mark.parametrize(("value", "hint"), [
    ("012", "write it without the leading zero: 12"),
    ("1,200,000", "write digits only: 1200000"),
    ("£250,000", "write digits only: 250000"),
    ("£ 300", "write digits only: 300"),
    ("1.10", "round to whole pounds and write digits only: 1"),
    ("£1,234.50", "round to whole pounds and write digits only: 1235"),
    ("£2m", "write digits only: 2000000"),
    ("1.5 million", "write digits only: 1500000"),
    ("250k", "write digits only: 250000"),
    ("3bn", "write digits only: 3000000000"),
    ("400 pounds", "write digits only: 400"),
    ("-5000", "amounts cannot be negative; write 0 or more"),
    ("1:30", "write digits only, with no commas, spaces or '£', for example 250000"),
    ("1e6", "write digits only, with no commas, spaces or '£', for example 250000"),
    ("about 2000", "write digits only, with no commas, spaces or '£', for example 250000"),
    ("1234567890123456", "write digits only, with no commas, spaces or '£', for example 250000"),
])
def test_whole_pounds(registry: Registry, value: str, hint: str) -> None:
    for field in ("costs_gbp", "savings_gbp_per_year"):
        assert one(registry, **{field: value}) == (field, f"expected a whole number of pounds, found {value!r}", hint)
    assert one(registry, funding=[{"source": "Home Office", "amount_gbp": value}])[::2] == ("funding[0].amount_gbp", hint)


def test_whole_pounds_accepts_zero_and_large_amounts(registry: Registry) -> None:
    assert project_errors(registry, costs_gbp="0", savings_gbp_per_year="999999999999999") == []


@pytest.mark.parametrize(("value", "message", "hint"), [
    ("17", "expected a year such as 2019, found '17'", "write the full year, for example 2017"),
    ("1850", "expected a year between 1900 and 2100, found '1850'", "check the year the money was given"),
    ("2016-17", "expected a year such as 2019, found '2016-17'", "write the four-digit year the money was given"),
])
def test_funding_year(registry: Registry, value: str, message: str, hint: str) -> None:
    assert one(registry, funding=[{"source": "Home Office", "amount_gbp": "1", "year": value}]) == ("funding[0].year", message, hint)


@pytest.mark.parametrize(("value", "hint"), [
    ("2019-13", "there is no such date: check the month (01 to 12) and the day"),
    ("2019-02-30", "there is no such date: check the month (01 to 12) and the day"),
    ("2019-4", "write 2019-04"),
    ("31/03/2019", "write 2019-03-31"),
    ("1.4.2019", "write 2019-04-01"),
    ("03/2019", "write 2019-03"),
    ("April 2019", "write 2019-04"),
    ("1st April 2019", "write 2019-04-01"),
    ("Sept. 2019", "write 2019-09"),
    ("spring 2019", "for example 2019, 2019-04 or 2019-04-01"),
    ("0000", "for example 2019, 2019-04 or 2019-04-01"),
])
def test_partial_dates(registry: Registry, value: str, hint: str) -> None:
    assert one(registry, started=value) == ("started", f"expected a date as YYYY, YYYY-MM or YYYY-MM-DD, found {value!r}", hint)


def test_partial_dates_accepted(registry: Registry) -> None:
    for value in ("2019", "2019-04", "2019-04-30", "2020-02-29"):
        assert project_errors(registry, started=value, ended=value) == []


@pytest.mark.parametrize(("value", "hint"), [
    ("2026-01", "give the day too, for example 2026-01-01"),
    ("2026", "give the day too, for example 2026-03-31"),
    ("15/01/2026", "write 2026-01-15"),
    ("2026-1-5", "write 2026-01-05"),
    ("2025-02-29", "there is no such date: check the month (01 to 12) and the day"),
    ("last week", "for example 2026-03-31"),
])
def test_last_reviewed(registry: Registry, value: str, hint: str) -> None:
    assert one(registry, last_reviewed=value) == ("last_reviewed", f"expected a date as YYYY-MM-DD, found {value!r}", hint)


@pytest.mark.parametrize(("value", "hint"), [
    ("http://www.kent.police.uk/news", "use the secure address: https://www.kent.police.uk/news"),
    ("HTTP://example.org", "use the secure address: https://example.org"),
    ("www.kent.police.uk", "write https://www.kent.police.uk"),
    ("kent.police.uk/news", "write https://kent.police.uk/news"),
    ("ftp://example.org/x", "write the full address, starting with https://"),
    ("https://localhost/x", "write the full address, starting with https://"),
    ("https://example.org/a b", "write the full address, starting with https://"),
    ("javascript:alert(1)", "write the full address, starting with https://"),
])
def test_links_are_https(registry: Registry, value: str, hint: str) -> None:
    assert one(registry, links=[{"title": "Source", "url": value}]) == (
        "links[0].url", f"expected an https:// web address, found {value!r}", hint)


def test_summary_is_plain_text(registry: Registry) -> None:
    summary = "A <script>alert(1)</script> summary that is long enough."
    assert one(registry, summary=summary) == (
        "summary", f"expected plain text, found HTML in {summary!r}", "remove the tags; the summary is shown as plain text")
    assert project_errors(registry, summary="Response times fell by 2 < 3 minutes on average.") == []


def test_contact_has_no_personal_name(registry: Registry) -> None:
    hint = "the catalogue does not publish personal names or numbers: give a job role in 'role:' and a team mailbox in 'email:'"
    for key in ("name", "full_name", "phone"):
        assert one(registry, contact={key: "Jane Smith", "role": "Manager", "email": "a@example.org"}) == (
            f"contact.{key}", f"unknown field '{key}'", hint)
    assert one(registry, contact={"role": "Manager", "email": "jane at kent"}) == (
        "contact.email", "expected an email address, found 'jane at kent'", "give a team or role mailbox such as collaboration@example.police.uk")


def test_aliases_are_slugs(registry: Registry) -> None:
    assert project_errors(registry, aliases=["Old Name", "--", "ok-one"]) == [
        ("aliases[0]", "expected lower-case words joined by hyphens, found 'Old Name'", "write 'old-name'"),
        ("aliases[1]", "expected lower-case words joined by hyphens, found '--'", "use letters, digits and hyphens"),
    ]


def test_unknown_fields(registry: Registry) -> None:
    assert one(registry, stauts="pilot") == ("stauts", "unknown field 'stauts'", "did you mean 'status'?")
    assert one(registry, funding=[{"source": "Home Office", "ammount_gbp": "5", "amount_gbp": "5"}]) == (
        "funding[0].ammount_gbp", "unknown field 'ammount_gbp'", "did you mean 'amount_gbp'?")
    assert one(registry, zzz="x")[2].startswith("allowed fields here: title, summary, status, lead, partners, themes, ")
    assert one(registry, **{"": "x"}) == ("", "expected a field name before ':', found nothing", "write the field name, for example 'title: …'")


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"title": ["a list"]}, "title", "expected text, found a list"),
    ({"title": {"a": "b"}}, "title", "expected text, found a set of fields"),
    ({"title": None}, "title", "expected text, found nothing"),
    ({"partners": "kent-police"}, "partners", "expected a list, found 'kent-police'"),
    ({"partners": [None]}, "partners[0]", "expected text, found nothing"),
    ({"links": ["https://example.org"]}, "links[0]", "expected a set of fields (title, url), found 'https://example.org'"),
    ({"funding": {"source": "x"}}, "funding", "expected a list, found a set of fields"),
])
def test_wrong_shapes(registry: Registry, changes: dict[str, Any], field: str, message: str) -> None:
    found = one(registry, **changes)
    assert found[:2] == (field, message)
    assert found[2]


# --- every error has a hint, in every model --------------------------------------------------------

BAD_INPUTS: list[tuple[type[BaseModel], Any]] = [
    (ProjectFrontMatter, {}),
    (ProjectFrontMatter, []),
    (ProjectFrontMatter, "text"),
    (ProjectFrontMatter, {**VALID, "title": 5, "summary": [1], "status": None, "lead": {}, "partners": [[]], "themes": "x",
                          "started": [], "ended": {}, "scope": [], "formal_agreement": [], "funding": [[]], "costs_gbp": [],
                          "benefits": "x", "lessons": [[]], "evaluation": [], "enablers": [None], "barriers": "x",
                          "contact": "x", "links": [None], "last_reviewed": None, "aliases": [1]}),
    (ProjectFrontMatter, {**VALID, "funding": [{}], "evaluation": {}, "contact": {}, "links": [{}], "benefits": ["ab"]}),
    (Organisation, {"name": "X", "kind": "polce", "regions": [], "code": "e23", "website": "http://x.org", "replaced_by": "Nope"}),
    (Organisation, {"name": ["x"], "kind": None, "regions": "north-west", "extra": 1}),
    (Term, {"id": "Bad Id", "label": "x", "description": "short"}),
    (Region, {"id": "north-west", "label": "North West", "code": "E1200000"}),
    (SiteConfig, {"title": "Catalogue", "description": "A description here.", "base_url": "ftp://x.org",
                  "repository_url": "x", "edit_branch": "my branch", "language": "english", "theme": "dark"}),
]


@pytest.mark.parametrize(("model", "data"), BAD_INPUTS)
def test_every_error_has_a_message_without_semicolons_and_a_hint(registry: Registry, model: type[BaseModel], data: Any) -> None:
    found = errors(model, data, registry)
    assert found
    for field, message, hint in found:
        assert message and ";" not in message, (field, message)
        assert hint, (field, message)
        assert "pattern" not in message and "^" not in message, (field, message)  # no regular expressions shown


def test_registry_model_messages(registry: Registry) -> None:
    assert errors(Organisation, {"name": "Kt", "kind": "ambulence", "regions": ["south-east"], "code": "e23"}, registry) == [
        ("name", "expected at least 3 characters, found 2 characters", "write a little more"),
        ("kind", "expected police, fire, ambulance, pcc, local-authority, health, rescue or other, found 'ambulence'",
         "did you mean 'ambulance'?"),
        ("code", "expected 3 to 9 capital letters or digits, such as E23000032 or RYD, found 'e23'",
         "see the field's description: ONS or NHS ODS code"),
    ]
    assert errors(Region, {"id": "x", "label": "North", "code": "E1200000"}) == [
        ("code", "expected E12 followed by 6 digits, such as E12000008, found 'E1200000'", "see the field's description: ONS E12 code")]
