"""Relevance: what a reader types, and the projects they should see first, over the shipped catalogue.

Each query runs through assets/js/search.js under Node (tests/node/search_cli.js), exactly as the
search page ranks it, over the index that the build writes. Expectations come from reading the
project files in content/projects/: a list means those projects, in that order, come first; a set
means those projects fill the top places in any order.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from site_builder.build.pipeline import BuildOptions, build_site
from tests.node.runner import ranked_refs

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.node

EXPECTED: dict[str, list[str] | set[str]] = {
    # questions, as readers ask them
    "has anyone done joint control rooms?": {
        "kent-fire-control-at-police-headquarters", "merseyside-joint-command-and-control-centre",
        "nottinghamshire-joint-police-fire-headquarters"},
    "what did Kent do with ambulance?": ["kent-police-secamb-joint-response-unit"],
    # subjects
    "control room": {"kent-fire-control-at-police-headquarters", "merseyside-joint-command-and-control-centre",
                     "nottinghamshire-joint-police-fire-headquarters"},
    "cardiac": ["greater-manchester-fire-cardiac-arrest-response", "norfolk-emergency-medical-response-trial"],
    "missing people": ["hertfordshire-fire-support-for-missing-person-searches"],
    "shared headquarters": {"hampshire-police-fire-shared-headquarters-eastleigh",
                            "derbyshire-joint-police-fire-headquarters-ripley",
                            "nottinghamshire-joint-police-fire-headquarters"},
    "drone": ["hertfordshire-fire-support-for-missing-person-searches"],
    "falls": {"bedfordshire-fire-falls-response", "staffordshire-fire-falls-response-team"},
    "fleet": ["south-yorkshire-joint-police-fire-fleet"],
    "blue light hub": ["milton-keynes-blue-light-hub", "leominster-police-fire-hub"],
    "airwave radio": ["emergency-services-network"],
    "mayor": {"greater-manchester-mayor-police-fire-governance",
              "police-and-crime-commissioner-functions-to-mayors-and-councils"},
    "on-call firefighters": ["west-mercia-pcsos-on-call-firefighters"],
    "forced entry locked homes": ["hertfordshire-fire-gaining-entry-for-ambulance"],
    "cardiac arrest ambulance": {"greater-manchester-fire-cardiac-arrest-response", "norfolk-emergency-medical-response-trial"},
    # partners' names
    "SECAmb": ["kent-police-secamb-joint-response-unit"],
    "Thames Valley Police": ["milton-keynes-blue-light-hub"],
    "mountain rescue team": ["barnard-castle-emergency-services-quad-station"],
    # places
    "Medway": ["kent-police-secamb-joint-response-unit"],
    "Bootle": ["merseyside-joint-command-and-control-centre"],
    "Ripley": ["derbyshire-joint-police-fire-headquarters-ripley"],
    "Greater Manchester": {"greater-manchester-mayor-police-fire-governance", "greater-manchester-fire-cardiac-arrest-response"},
    "Northamptonshire": {"northamptonshire-rural-intervention-vehicle", "northamptonshire-police-fire-and-crime-commissioner"},
    # half words and misspellings
    "co-resp": {"greater-manchester-fire-cardiac-arrest-response", "norfolk-emergency-medical-response-trial"},
    "Staffordshre": {"staffordshire-commissioner-police-fire-governance", "staffordshire-fire-falls-response-team",
                     "staffordshire-joint-police-fire-vehicle-maintenance"},
    "Staffordshre falls": ["staffordshire-fire-falls-response-team"],
    "hertfordsh drone": ["hertfordshire-fire-support-for-missing-person-searches"],
}


@pytest.fixture(scope="module")
def ranked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")
    out = tmp_path_factory.mktemp("shipped") / "_site"
    result = build_site(REPO, BuildOptions(out=out, use_cache=False))
    assert result.ok, result.report.render()
    return ranked_refs(out, list(EXPECTED))


def test_there_are_at_least_fifteen_reader_queries() -> None:
    assert len(EXPECTED) >= 15


@pytest.mark.parametrize("query", list(EXPECTED))
def test_the_expected_projects_come_first(ranked: dict[str, list[str]], query: str) -> None:
    expected = EXPECTED[query]
    top = ranked[query][:len(expected)]
    if isinstance(expected, set):
        assert set(top) == expected, f"{query!r}: top {len(expected)} were {top}"
    else:
        assert top == expected, f"{query!r}: top {len(expected)} were {top}"
    for slug in expected:
        assert (REPO / "content" / "projects" / f"{slug}.md").is_file(), f"{slug} is not a shipped project"
