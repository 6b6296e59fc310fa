"""The document tree: sections built from the passages' heading paths, found by what a question asks.

A survey already has its author's tree, its headings. A question such as "What are the key cruxes?"
is answered by a section (its lead line, lists, sub-sections and table rows), not by one sentence of
it. This module holds that tree, scores sections against a question (their heading path and lead
text, and where the retrieved passages fall in the tree, the idea behind llama-index's
``AutoMergingRetriever``), and leaves composing the digest to :mod:`interp_qa.compose`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .text import LABELLED_RE, row_cells, row_subject
from .types import Passage
from .weights import SCOPE_CARD_HUB

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from .question import Question

PATH_SEP = " > "
YEAR_START = re.compile(r"(?:1[89]|20)\d\d\b")  # "2024 (May)", "2020": a dated row or item
CENTROID_SAMPLE = 200  # sections whose cards make the average card
CARD_CACHE = 20_000  # card embeddings kept
DOCUMENT_CACHE = 256  # documents whose sections are kept in memory


def concludes(p: Passage) -> bool:
    """Whether a closing passage says what its section concludes: a labelled paragraph ("Current Consensus:
    ...") that does not ask ("Question: Is slightly less capable but more interpretable AI safer overall?"), nor
    only lists names ("Organizations Leading Work: Anthropic (...), OpenAI (...), Google DeepMind, independent
    researchers" closes What is Interpretability? and concludes nothing)."""
    if p.kind != "paragraph" or not LABELLED_RE.match(p.text) or p.text.rstrip().endswith("?"):
        return False
    items = [re.sub(r"\([^)]*\)", " ", x).split() for x in p.text.split(":", 1)[-1].split(",")]
    return not (len(items) >= 3 and all(len(words) <= 4 for words in items))


@dataclass
class Section:
    """A heading of a document with every passage under it, in document order."""

    source: str
    title: str  # the document's title
    path: tuple[str, ...]  # heading path below the title: ("Key Cruxes", "Key Questions")
    passages: list[Passage] = field(default_factory=list)  # all passages under the heading, document order
    children: list[tuple[str, ...]] = field(default_factory=list)  # direct sub-sections, document order
    # The paragraph that closes this last of parallel sub-sections and concludes them all ("Most Likely: A hybrid
    # approach ..." after AI Control's list ends the six approaches' details): its parent's, not its own.
    parents_conclusion: Passage | None = None

    @property
    def key(self) -> tuple[str, tuple[str, ...]]:
        return (self.source, self.path)

    @property
    def heading(self) -> str:
        return self.path[-1]

    @property
    def direct(self) -> list[Passage]:
        """Passages directly under this heading (not in a sub-section)."""
        here = PATH_SEP.join(self.path)
        return [p for p in self.passages if p.section == here]

    def card(self) -> str:
        """What a section is about, as searched: its heading path, sub-headings, lead lines, and its table's
        row names and column headers ("Deception Detection" answers "How does each approach rate on ...")."""
        parts = [PATH_SEP.join(self.path)]
        parts += [c[-1] for c in self.children]
        headers: dict[str, None] = {}
        for p in self.direct:
            first = p.text.split("\n", 1)[0]
            if p.kind == "table_row":
                headers.update((header, None) for header, _ in row_cells(p.text))
                parts.append(row_subject(p.text))
            elif p.kind == "list" or first.endswith(":") or len(first) < 120:
                parts.append(first[:160])
            else:
                parts.append(first.split(". ", 1)[0][:160])
        if headers:
            parts.append(", ".join(headers))
        return "\n".join(parts)

    @property
    def two_sided(self) -> bool:
        """Whether two of its lists' lead lines say a thing and its opposite ("might be sufficient if:" /
        "is likely insufficient if:", "Arguments for:" / "Arguments against:")."""
        leads = [set(re.findall(r"[a-z]+", lead.lower())) for lead in self._list_leads()]
        return any(opposite(a, b) or opposite(b, a) for i, a in enumerate(leads) for b in leads[i + 1:])

    @property
    def answered_both_ways(self) -> bool:
        """Whether its list answers a yes-or-no question both ways ("Yes - with tools and AI assistance.", "No -
        fundamentally limited by our intelligence.": a crux): the shape a yes-or-no question asks for."""
        said = {m.group(1).lower() for p in self.direct if p.kind == "list"
                for m in re.finditer(r"^[-*]?\s*(Yes|No)\b\s*[-—–:]", p.text, re.M)}
        return said == {"yes", "no"}

    @property
    def conditional(self) -> bool:
        """Whether it lists conditions: a list led by "... if:" or "If ...:" ("Interpretability might be sufficient
        if:", "If main risk is misuse:")."""
        return any(re.search(r"^(?:if|when|unless)\b|\b(?:if|when|unless):$", lead.lower())
                   for lead in self._list_leads())

    @property
    def chronological(self) -> bool:
        """Whether it dates events: at least three of its table rows or list items open with a year."""
        dated = 0
        for p in self.direct:
            if p.kind == "table_row":
                dated += bool(YEAR_START.match(row_subject(p.text)))
            elif p.kind == "list":
                dated += sum(bool(YEAR_START.match(ln.lstrip("-* "))) for ln in p.text.split("\n"))
        return dated >= 3

    def fits(self, q: Question) -> bool:
        """Whether it has the shape the question's form asks for: "the arguments for and against ..." a section
        setting two sides against each other, "Under what conditions ...?" a list of conditions, "Give me a
        timeline of ..." dated events, a yes-or-no question a list answering it both ways."""
        return ((q.two_sided and self.two_sided) or (q.conditions and self.conditional)
                or (q.chronology and self.chronological) or (q.yes_no and self.answered_both_ways))

    def _list_leads(self) -> list[str]:
        """The lead lines (ending in ":") of the lists directly under it."""
        return [first for p in self.direct if p.kind == "list"
                for first in [p.text.split("\n", 1)[0].rstrip()] if first.endswith(":")]

    @property
    def bibliography(self) -> bool:
        """A list of references (every item a link to a cited work): it names papers, it says nothing."""
        lists = [p for p in self.direct if p.kind == "list"]
        return bool(lists) and all(len(p.refs) >= len([ln for ln in p.text.split("\n") if ln.strip()]) - 1
                                   for p in lists) and all(p.kind in ("list", "paragraph") for p in self.direct)

    def units(self) -> int:
        """How many things the section lists: sub-sections, list items, rows, paragraphs."""
        n = len(self.children)
        for p in self.direct:
            if p.kind == "list":  # its items: every line but a lead line ending in ":"
                lines = [ln for ln in p.text.split("\n") if ln.strip()]
                n += max(1, len(lines) - (1 if lines and lines[0].endswith(":") else 0))
            else:
                n += 1
        return n


def opposite(a: set[str], b: set[str]) -> bool:
    """Whether the words ``b`` deny the words ``a``: "sufficient" / "insufficient", "likely" / "unlikely",
    "for" / "against", "pros" / "cons"."""
    negated = any(f"{prefix}{w}" in b for w in a if len(w) > 3 for prefix in ("in", "un", "non"))
    return negated or ("for" in a and "against" in b) or ("pros" in a and "cons" in b)


def document_loader(collection) -> Callable[[list[str]], list[Passage]]:
    """Reads documents' passages from the Chroma collection, several documents in one filtered ``get``."""

    def load(sources: list[str]) -> list[Passage]:
        from .generation import passages_from_get

        where = {"source": sources[0]} if len(sources) == 1 else {"source": {"$in": sources}}
        return passages_from_get(collection.get(where=where, include=["documents", "metadatas"]))

    return load


class SectionTree:
    """The sections of the documents that questions have reached, each read from the index when first needed.

    Args:
        load: documents' passages by their sources (:func:`document_loader`).
        centroid: the average section card (saved at ingest, see :func:`interp_qa.generation.sample_cards`).
        saved_card: a card's embedding saved at ingest, by the card's hash (float32 bytes), or None.
    """

    def __init__(self, load: Callable[[list[str]], list[Passage]], centroid: list[float] | None = None,
                 saved_card: Callable[[str], bytes | None] | None = None) -> None:
        self._load = load
        self._saved_card = saved_card
        self.sections: dict[tuple[str, tuple[str, ...]], Section] = {}
        # documents read, least recently used first -> their passages under no heading (an opening paragraph)
        self._loaded: dict[str, list[Passage]] = {}
        self._vectors: dict = {}  # section key -> its card's embedding (numpy)
        self._centroid = centroid
        self._lock = threading.RLock()

    def load(self, *sources: str) -> None:
        """Add the sections of ``sources`` not read yet, in one read (at most ``DOCUMENT_CACHE`` documents
        are kept; the least recently used go first). Sections are added in the order of ``sources``."""
        with self._lock:
            missing = [src for src in dict.fromkeys(sources) if src not in self._loaded]
            for src in sources:
                if src in self._loaded:
                    self._loaded[src] = self._loaded.pop(src)
            if not missing:
                return
            while self._loaded and len(self._loaded) + len(missing) > DOCUMENT_CACHE:
                old = next(iter(self._loaded))
                del self._loaded[old]
                for key in [k for k in self.sections if k[0] == old]:
                    del self.sections[key]
                    self._vectors.pop(key, None)
            order = {src: i for i, src in enumerate(missing)}
            for src in missing:
                self._loaded[src] = []
            for p in sorted(self._load(missing), key=lambda p: (order.get(p.source, 0), p.position)):
                if not p.section:
                    self._loaded[p.source].append(p)
                    continue
                path = tuple(p.section.split(PATH_SEP))
                for depth in range(1, len(path) + 1):
                    key = (p.source, path[:depth])
                    sec = self.sections.get(key)
                    if sec is None:
                        sec = self.sections[key] = Section(p.source, p.title, path[:depth])
                        if depth > 1:
                            self.sections[(p.source, path[: depth - 1])].children.append(path[:depth])
                    sec.passages.append(p)
            for key in [k for k in self.sections if k[0] in order]:
                self._mark_parents_conclusion(self.sections[key])

    def _mark_parents_conclusion(self, sec: Section) -> None:
        """Mark the paragraph that closes ``sec``'s last sub-section and concludes them all: its sub-sections are
        parallel (each holds what the others hold: AI Control's list like the five approaches' before it), and the
        last holds that paragraph besides. ("Key insight from Chris Olah ..." closes Remaining Challenges only:
        the timeline before it is a table.)"""
        if len(sec.children) < 2 or (sec.source, sec.children[-1]) not in self.sections:
            return
        last = self.sections[(sec.source, sec.children[-1])]
        closing = last.direct[-1] if len(last.direct) > 1 else None
        kinds = [p.kind for p in last.direct[:-1]]
        siblings = [self.sections[(sec.source, c)] for c in sec.children[:-1] if (sec.source, c) in self.sections]
        if closing is not None and concludes(closing) and all([p.kind for p in x.direct] == kinds for x in siblings):
            last.parents_conclusion = closing

    def __len__(self) -> int:
        return len(self.sections)

    def unsectioned(self, source: str) -> list[Passage]:
        """A document's passages under no heading (its opening paragraph), in document order."""
        with self._lock:
            self.load(source)
            return self._loaded[source]

    def of(self, p: Passage) -> list[Section]:
        """The sections a passage sits in, outermost first."""
        if not p.section:
            return []
        self.load(p.source)
        path = tuple(p.section.split(PATH_SEP))
        return [self.sections[(p.source, path[:d])] for d in range(1, len(path) + 1)
                if (p.source, path[:d]) in self.sections]

    def child_of(self, sec: Section, p: Passage) -> tuple[str, ...] | str:
        """Which child of ``sec`` holds ``p``: a sub-section's path, or the passage's own id."""
        path = tuple(p.section.split(PATH_SEP))
        return path[: len(sec.path) + 1] if len(path) > len(sec.path) else p.id

    def similarities(self, embed: BaseEmbedding, query_embedding: list[float], keys: list) -> dict:
        """How close a query is to the cards of the sections ``keys``: cosine similarity, less
        ``SCOPE_CARD_HUB`` times the card's similarity to the average card.

        A card written in the corpus's everyday words ("interpretability", "safety") is close to
        every question; the correction keeps it from winning them all. Cards are embedded when
        first needed and kept (at most ``CARD_CACHE``); the average card, over the first
        ``CENTROID_SAMPLE`` sections of the corpus, and those cards' embeddings are computed at ingest.
        """
        import numpy as np

        keys = [k for k in keys if k in self.sections]
        if not keys:  # a corpus without headings has no sections
            return {}
        with self._lock:
            self._embed(embed, keys)
            q = np.asarray(query_embedding)
            centroid = np.asarray(self._centroid) if self._centroid else np.zeros_like(q)
            return {k: float(self._vectors[k] @ q - SCOPE_CARD_HUB * (self._vectors[k] @ centroid))
                    for k in keys if k in self._vectors}

    def _embed(self, embed: BaseEmbedding, keys: list) -> None:
        import numpy as np

        missing = [k for k in dict.fromkeys(keys) if k not in self._vectors]
        if not missing:
            return
        if len(self._vectors) + len(missing) > CARD_CACHE:
            self._vectors.clear()
        cards = {k: self.sections[k].card() for k in missing}
        if self._saved_card is not None:
            from .generation import card_hash

            for k in missing:
                saved = self._saved_card(card_hash(cards[k]))
                if saved is not None:
                    self._vectors[k] = np.frombuffer(saved, dtype=np.float32).astype(np.float64)
            missing = [k for k in missing if k not in self._vectors]
            if not missing:
                return
        embs = embed.get_text_embedding_batch([cards[k] for k in missing])
        self._vectors.update({k: np.asarray(e) for k, e in zip(missing, embs, strict=True)})
