"""A synthetic catalogue of N valid projects shaped like the shipped ones, for benchmarks and scale tests.

Each field is filled as often as the shipped projects fill it, lists are as long, texts and links
as long, and values come from the same mix (see :mod:`site_builder.devtools.synthetic_shape`, which measures
``content/projects/*.md`` each time). Bodies have 400 to 600 words of Zipf-like prose
(:mod:`site_builder.devtools.synthetic_text`) with headings, paragraphs, a list, links and bold text.
Every date is derived from the newest shipped review date, never the clock, so a generated
catalogue passes ``catalogue check --strict`` whenever the shipped one does. Output depends only on
``seed``, the registry and the shipped projects.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from site_builder.catalogue.region_tiles import TILES_FILE
from site_builder.catalogue.registry import ORGANISATIONS_FILE, VOCABULARY_FILES, Registry
from site_builder.catalogue.types import PROJECTS_DIR, title_key
from site_builder.devtools.synthetic_shape import HEAPS_BETA, Shape, amount_range, log_uniform, measure_shape
from site_builder.devtools.synthetic_text import BODY_WORDS, Prose
from site_builder.model.project import BLUE_LIGHT, STATUSES, EvaluationKind, Scope, slugify
from site_builder.runtime.paths import TOOL_ROOT

REPO = TOOL_ROOT
FINISHED = ("completed", "discontinued")
SCOPES: tuple[str, ...] = Scope.__args__  # type: ignore[attr-defined]
EVALUATION_KINDS: tuple[str, ...] = EvaluationKind.__args__  # type: ignore[attr-defined]
# Role mailboxes for 'contact' (no shipped project has one yet): a role or team, never a person.
ROLES = (("Collaboration programme manager", "collaboration"), ("Blue light collaboration team", "bluelight"),
         ("Joint estates programme office", "estates"), ("Partnerships and prevention team", "partnerships"),
         ("Strategic change and transformation office", "transformation"), ("Joint control room project team", "controlroom"))
# Funders added to the shipped ones, so that a few sources do not repeat across thousands of projects.
FUNDERS = ("Home Office Police Transformation Fund", "Fire Transformation Fund", "Police Innovation Fund",
           "NHS England winter funding", "Police and crime commissioner's reserves", "Local Government Association grant")
MAIL_DOMAINS = {"police": "police.uk", "fire": "fire.gov.uk", "ambulance": "nhs.uk"}


@dataclass(frozen=True)
class Generated:
    """What :func:`generate_catalogue` wrote."""

    projects: int
    today: dt.date  # the date the catalogue is consistent with: check it as of this date
    body_words: int
    vocabulary: int
    fallbacks: tuple[str, ...]  # fields with fixed fill rates, as no shipped project fills them


def _partial(date: dt.date, parts: int) -> str:
    return date.isoformat()[: {1: 4, 2: 7}.get(parts, 10)]


class _Writer:
    """Writes one project file at a time; all choices come from one seeded generator."""

    def __init__(self, rng: random.Random, shape: Shape, registry: Registry, prose: Prose) -> None:
        self.rng, self.shape, self.registry, self.prose = rng, shape, registry, prose
        self.today = shape.reference_date
        self.by_kind: dict[str, list[str]] = {}
        for org_id, org in registry.organisations.items():
            self.by_kind.setdefault(org.kind, []).append(org_id)
        self.blue = [o for o, org in registry.organisations.items() if org.kind in BLUE_LIGHT]
        self.titles: set[str] = set()
        self.aliases: set[str] = set()
        self.hosts = shape.link_hosts or ("www.gov.uk", "www.example.org")

    def has(self, field: str) -> bool:
        return self.rng.random() < self.shape.fill[field]

    def length(self, field: str, fallback: Sequence[int], cap: int) -> int:
        return max(1, min(cap, self.rng.choice(self.shape.list_lengths.get(field) or fallback)))

    def text(self, field: str, low: int, high: int, start: str = "") -> str:
        chars = max(low, min(self.rng.choice(self.shape.text_lengths[field]), high - 30))
        return self.prose.text(chars, start)[:high].rstrip()

    def url(self) -> str:
        host = self.rng.choice(self.hosts)
        left = self.rng.choice(self.shape.text_lengths["links.url"]) - len(host) - 9
        section = self.prose.rare()
        return f"https://{host}/{section}/{self.prose.slug(max(3, left - len(section) - 1))}"

    def pick(self, ids: Sequence[str], count: int, used: dict[str, int] | None = None) -> list[str]:
        """``count`` distinct ids, weighted by how often the shipped projects use each (plus one)."""
        pool = list(ids)
        weights = [(used or {}).get(i, 0) + 1.0 for i in pool]
        chosen = []
        for _ in range(min(count, len(pool))):
            index = self.rng.choices(range(len(pool)), weights=weights)[0]
            chosen.append(pool.pop(index))
            weights.pop(index)
        return chosen

    def organisation(self, kind: str, taken: set[str]) -> str | None:
        free = [o for o in self.by_kind.get(kind, []) if o not in taken]
        free = free or [o for o in self.registry.organisations if o not in taken]
        return self.rng.choice(free) if free else None

    def organisations(self) -> tuple[str, list[str]]:
        shape, rng = self.shape, self.rng
        lead = self.organisation(rng.choice(shape.values["lead.kind"] or tuple(BLUE_LIGHT)), set())
        assert lead is not None, "the registry has no organisations"
        taken = {lead}
        partners = []
        for _ in range(self.length("partners", (2, 3), len(self.registry.organisations) - 1)):
            partner = self.organisation(rng.choice(shape.values["partners.kind"] or tuple(BLUE_LIGHT)), taken)
            if partner is not None:
                partners.append(partner)
                taken.add(partner)
        if not taken & set(self.blue):  # the catalogue is about police, fire and ambulance services
            partners[-1] = rng.choice([o for o in self.blue if o not in taken])
        return lead, partners

    def dates(self, status: str) -> list[str]:
        shape, rng = self.shape, self.rng
        start: dt.date | None = None
        lines = []
        if self.has("started"):
            year = int(rng.choice(shape.started)[:4]) if shape.started else rng.randint(2010, self.today.year)
            start = min(self.today, dt.date(year, rng.randint(1, 12), rng.randint(1, 28)))
            lines.append(f"started: {_partial(start, rng.choice(shape.precisions['started'] or (1, 2, 3)))}")
        if status in FINISHED or rng.random() < shape.ended_unfinished:
            days = rng.choice(shape.durations or (365, 730, 1460)) * rng.uniform(0.5, 1.5)
            begin = start or self.today - dt.timedelta(days=rng.randint(365, 3650))
            end = min(self.today, begin + dt.timedelta(days=int(days)))
            lines.append(f"ended: {_partial(end, rng.choice(shape.precisions['ended'] or (1, 2, 3)))}")
        reviewed = rng.choice(shape.reviewed) if shape.reviewed else self.today - dt.timedelta(days=rng.randint(0, 180))
        lines.append(f"last_reviewed: {reviewed.isoformat()}")
        return lines

    def money(self, started: int) -> list[str]:
        shape, rng = self.shape, self.rng
        lines = []
        if self.has("funding"):
            lines.append("funding:")
            for _ in range(self.length("funding", (1, 2), 4)):
                source = rng.choice([*shape.funding_sources, *FUNDERS])
                amount = log_uniform(*amount_range(shape, "funding.amount_gbp"), rng.random())
                lines += [f"  - source: {source}", f"    amount_gbp: {amount}"]
                if rng.random() < shape.nested["funding.year"]:
                    lines.append(f"    year: {min(self.today.year, started + rng.randint(-1, 1))}")
        for name in ("costs_gbp", "savings_gbp_per_year"):
            if self.has(name):
                lines.append(f"{name}: {log_uniform(*amount_range(shape, name), rng.random())}")
        return lines

    def sentences(self, field: str) -> list[str]:
        if not self.has(field):
            return []
        return [f"{field}:", *(f"  - {self.text(field, 3, 500)}" for _ in range(self.length(field, (2, 3), 8)))]

    def evaluation(self) -> list[str]:
        if not self.has("evaluation"):
            return []
        rng = self.rng
        kind = rng.choice([*self.shape.values["evaluation.kind"], *EVALUATION_KINDS])
        lines = ["evaluation:", f"  kind: {kind}"]
        if rng.random() < self.shape.nested["evaluation.summary"]:
            lines.append(f"  summary: {self.text('evaluation.summary', 10, 998)}.")
        if kind != "none" and rng.random() < self.shape.nested["evaluation.url"]:
            lines.append(f"  url: {self.url()}")
        return lines

    def contact(self, lead: str, partners: list[str]) -> list[str]:
        if not self.has("contact"):
            return []
        role, mailbox = self.rng.choice(ROLES)
        named = self.rng.random() < self.shape.nested["contact.organisation"]
        org_id = self.rng.choice([lead, *partners]) if named else lead
        org = self.registry.organisations[org_id]
        if org.website:
            domain = org.website.split("/")[2].removeprefix("www.")
        else:
            place = slugify(org.name).split("-")[0]
            domain = f"{place}.{MAIL_DOMAINS.get(org.kind, 'gov.uk')}"
        return ["contact:", f"  role: {role}", f"  email: {mailbox}@{domain}", *([f"  organisation: {org_id}"] if named else [])]

    def title(self, lead: str, number: int) -> str:
        place = self.registry.organisations[lead].name.split()[0]
        for _ in range(5):
            title = self.text("title", 5, 150, place)
            if title_key(title) not in self.titles:
                break
        else:
            title = f"{title[:140]} {number}"
        self.titles.add(title_key(title))
        return title

    def alias_lines(self, title: str, number: int) -> list[str]:
        if not self.has("aliases"):
            return []
        aliases = []
        for k in range(self.length("aliases", (1,), 3)):
            alias = slugify(title)[:60].strip("-") + (f"-{k + 1}" if k else "")
            if alias in self.aliases or alias.startswith("synthetic-project-"):
                alias = f"former-project-{number:05d}-{k + 1}"
            self.aliases.add(alias)
            aliases.append(alias)
        return ["aliases:", *(f"  - {a}" for a in aliases)]

    def project(self, number: int) -> str:
        shape, rng = self.shape, self.rng
        lead, partners = self.organisations()
        status = rng.choice([*shape.values["status"], *STATUSES])  # every status at least now and then
        title = self.title(lead, number)
        dates = self.dates(status)
        started = int(dates[0][9:13]) if dates[0].startswith("started") else self.today.year - 3
        lines = [
            "---", f"title: {title}", f"summary: {self.text('summary', 20, 398)}.", f"status: {status}",
            f"lead: {lead}", "partners:", *(f"  - {p}" for p in partners),
            "themes:", *(f"  - {t}" for t in self.pick(list(self.registry.themes), self.length("themes", (1, 2), 6), shape.ids["themes"])),
            *[line for line in dates if not line.startswith("last_reviewed")],
        ]
        if self.has("scope"):
            lines.append(f"scope: {rng.choice([*shape.values['scope'], *SCOPES])}")
        if self.has("formal_agreement"):
            lines.append(f"formal_agreement: {rng.choice([*shape.values['formal_agreement'], 'true', 'false'])}")
        lines += self.money(started)
        lines += self.sentences("benefits") + self.sentences("lessons") + self.evaluation()
        for name in ("enablers", "barriers"):
            if self.has(name):
                chosen = self.pick(list(getattr(self.registry, name)), self.length(name, (1, 2), 5), shape.ids[name])
                lines += [f"{name}:", *(f"  - {i}" for i in chosen)]
        lines += self.contact(lead, partners)
        if self.has("links"):
            lines.append("links:")
            for _ in range(self.length("links", (2, 3), 8)):
                lines += [f"  - title: {self.text('links.title', 3, 200)}", f"    url: {self.url()}"]
        lines += [dates[-1], *self.alias_lines(title, number), "---"]
        body = self.prose.body(shape.text_lengths["body.paragraph"], shape.text_lengths["body.heading"], self.url)
        return "\n".join(lines) + "\n" + body


def generate_catalogue(root: Path, count: int, registry: Registry, seed: int = 2017, source: Path = REPO,
                       shipped: Path = REPO) -> Generated:
    """Write a copy of the registry at ``source`` and ``count`` project files under ``root``,
    shaped like the projects of the catalogue at ``shipped``."""
    shape = measure_shape(shipped)
    rng = random.Random(seed)
    optional = [TILES_FILE] if (source / TILES_FILE).is_file() else []  # a catalogue may have no region map
    for rel in (ORGANISATIONS_FILE, *VOCABULARY_FILES.values(), "site.yaml", *optional):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / rel, root / rel)
    projects = root / PROJECTS_DIR
    projects.mkdir(parents=True, exist_ok=True)
    words = count * sum(BODY_WORDS) // 2
    prose = Prose(rng, shape.words, max(len(shape.words), round(shape.heaps_k * words ** HEAPS_BETA)))
    writer = _Writer(rng, shape, registry, prose)
    for number in range(count):
        (projects / f"synthetic-project-{number:05d}.md").write_text(writer.project(number), encoding="utf-8")
    return Generated(count, shape.reference_date, prose.body_words, len(prose.vocabulary), shape.fallbacks)
