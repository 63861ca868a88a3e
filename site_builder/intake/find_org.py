"""Finding an organisation by a name as people type it: 'hants fire', 'EMAS', 'met police'.

Fuzzy matching (rapidfuzz) only suggests: a door accepts an organisation only when the answer is its
id or its registry name (ignoring case and punctuation), or when the person picks a suggestion.
"""

from __future__ import annotations

import re

from site_builder.catalogue.registry import Registry

# Short forms that fuzzy matching cannot guess.
ABBREVIATIONS = {
    "hants": "hampshire", "herts": "hertfordshire", "beds": "bedfordshire", "bucks": "buckinghamshire",
    "notts": "nottinghamshire", "lancs": "lancashire", "leics": "leicestershire", "lincs": "lincolnshire",
    "northants": "northamptonshire", "oxon": "oxfordshire", "glos": "gloucestershire", "wilts": "wiltshire",
    "worcs": "worcestershire", "staffs": "staffordshire", "cambs": "cambridgeshire", "yorks": "yorkshire",
    "met": "metropolitan", "frs": "fire and rescue service", "fire": "fire", "gm": "greater manchester",
    "ccc": "county council", "pcc": "police and crime commissioner", "nhs": "nhs",
}
_SMALL = frozenset({"and", "of", "the", "for", "nhs", "trust", "foundation", "university"})


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def exact_organisation(answer: str, registry: Registry) -> str | None:
    """The id ``answer`` names exactly: an id, or a registry name ignoring case and punctuation."""
    if answer in registry.organisations:
        return answer
    wanted = _key(answer)
    for org_id, org in registry.organisations.items():
        if wanted in (_key(org.name), _key(org_id)):
            return org_id
    return None


def _initials(name: str) -> str:
    return "".join(word[0] for word in _key(name).split() if word not in _SMALL)


def find_organisations(query: str, registry: Registry, limit: int = 5) -> list[str]:
    """Ids of the organisations that best match ``query``, best first (current organisations before merged ones)."""
    from rapidfuzz import fuzz, utils  # noqa: PLC0415  # by the commands that suggest names only, not by every start of the CLI

    expanded = " ".join(ABBREVIATIONS.get(word, word) for word in _key(query).split())
    if not expanded:
        return []
    scored = []
    for org_id, org in registry.organisations.items():
        score = max(fuzz.token_set_ratio(expanded, org.name, processor=utils.default_process),
                    fuzz.WRatio(expanded, org.name, processor=utils.default_process) - 10)
        if len(expanded) >= 3 and expanded.replace(" ", "") == _initials(org.name):
            score = 100
        if org.replaced_by is not None:
            score -= 15
        scored.append((-score, org_id))
    scored.sort()
    return [org_id for negative, org_id in scored[:limit] if -negative >= 50]
