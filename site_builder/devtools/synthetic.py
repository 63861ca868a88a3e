"""A synthetic catalogue of N valid projects, for benchmarks and scale tests.

Bodies have 300-800 words drawn from a Zipf-like vocabulary (like real prose, a few words are very
common and most are rare), and each project has 2-6 partners from the real registry.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from site_builder.catalogue.region_tiles import TILES_FILE
from site_builder.catalogue.registry import ORGANISATIONS_FILE, VOCABULARY_FILES, Registry
from site_builder.model.project import STATUSES
from site_builder.runtime.paths import TOOL_ROOT

REPO = TOOL_ROOT
COMMON = (
    "the of and to in a for with is on that by as are was this from be at it an or have has which their "
    "police fire ambulance service services collaboration joint shared control room station response "
    "officers staff crews community safety patients calls demand partners local county force trust "
    "training estates fleet vehicles building headquarters project pilot evaluation savings costs "
    "public emergency rescue paramedics firefighters missing people welfare falls cardiac arrest "
    "co-responding prevention visits data information systems governance board agreement funding"
).split()
SYLLABLES = ("ba be bi bo bu ca ce co cu da de di do fa fe fi fo ga ge go ha he hi ho ka ke ki ko "
             "la le li lo lu ma me mi mo mu na ne ni no pa pe pi po ra re ri ro sa se si so ta te ti to "
             "va ve vi vo wa we wi wo ya yo za zo").split()


def _vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    words = set(COMMON)
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    rare = sorted(words - set(COMMON))
    rng.shuffle(rare)
    return COMMON + rare


def _body(rng: random.Random, vocab: list[str], weights: list[float]) -> str:
    words = rng.choices(vocab, weights=weights, k=rng.randint(300, 800))
    paragraphs = []
    for start in range(0, len(words), 90):
        chunk = words[start:start + 90]
        paragraphs.append(" ".join(chunk).capitalize() + ".")
    heading = rng.choice(["What we did", "Background", "Outcomes", "Lessons"])
    return f"## {heading}\n\n" + "\n\n".join(paragraphs) + "\n\n- first point\n- second **point**\n"


def generate_catalogue(root: Path, count: int, registry: Registry, seed: int = 2017, source: Path = REPO) -> None:
    """Write a copy of the registry at ``source`` and ``count`` project files under ``root``."""
    rng = random.Random(seed)
    optional = [TILES_FILE] if (source / TILES_FILE).is_file() else []  # a catalogue may have no region map
    for rel in (ORGANISATIONS_FILE, *VOCABULARY_FILES.values(), "site.yaml", *optional):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / rel, root / rel)
    projects = root / "content/projects"
    projects.mkdir(parents=True, exist_ok=True)
    vocab = _vocabulary(rng)
    weights = [1.0 / (rank + 1) for rank in range(len(vocab))]
    blue = [o for o, org in registry.organisations.items() if org.kind in ("police", "fire", "ambulance")]
    orgs = sorted(registry.organisations)
    themes, enablers, barriers = sorted(registry.themes), sorted(registry.enablers), sorted(registry.barriers)
    for i in range(count):
        lead = rng.choice(blue)
        partners = rng.sample([o for o in orgs if o != lead], rng.randint(2, min(6, len(orgs) - 1)))
        status = STATUSES[i % len(STATUSES)]
        started = rng.randint(2010, 2024)
        ended = [f"ended: {started + rng.randint(0, 2)}"] if status in ("completed", "discontinued") else []
        topic = " ".join(rng.choices(vocab[:400], k=3))
        lines = [
            "---",
            f"title: Synthetic project {i:05d} on {topic}",
            f"summary: A synthetic collaboration about {topic} between {lead} and {len(partners)} partners, for benchmarks.",
            f"status: {status}",
            f"lead: {lead}",
            "partners:", *[f"  - {p}" for p in partners],
            "themes:", *[f"  - {t}" for t in rng.sample(themes, rng.randint(1, min(3, len(themes))))],
            f"started: {started}-{rng.randint(1, 12):02d}",
            *ended,
            "enablers:", *[f"  - {e}" for e in rng.sample(enablers, min(2, len(enablers)))],
            "barriers:", *[f"  - {b}" for b in rng.sample(barriers, 1)],
            f"costs_gbp: {rng.randint(1, 500) * 1000}",
            "links:", "  - title: Source", f"    url: https://example.org/projects/{i}",
            f"last_reviewed: 2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}",
            "---",
            _body(rng, vocab, weights),
        ]
        (projects / f"synthetic-project-{i:05d}.md").write_text("\n".join(lines), encoding="utf-8")
