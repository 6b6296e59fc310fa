"""The document tree: sections built from the passages' heading paths, found by what a question asks.

A survey already has its author's tree, its headings. A question such as "What are the key cruxes?"
is answered by a section (its lead line, lists, sub-sections and table rows), not by one sentence of
it. This module holds that tree, scores sections against a question (their heading path and lead
text, and where the retrieved passages fall in the tree, the idea behind llama-index's
``AutoMergingRetriever``), and leaves composing the digest to :mod:`interp_qa.compose`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .types import Passage
from .weights import SCOPE_CARD_HUB

if TYPE_CHECKING:
    from .retrieval import Retriever

PATH_SEP = " > "
CENTROID_SAMPLE = 200  # sections whose cards make the average card
CARD_CACHE = 20_000  # card embeddings kept


@dataclass
class Section:
    """A heading of a document with every passage under it, in document order."""

    source: str
    title: str  # the document's title
    path: tuple[str, ...]  # heading path below the title: ("Key Cruxes", "Key Questions")
    passages: list[Passage] = field(default_factory=list)  # all passages under the heading, document order
    children: list[tuple[str, ...]] = field(default_factory=list)  # direct sub-sections, document order

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
        """What a section is about, as searched: its heading path, sub-headings, lead lines and row names."""
        parts = [PATH_SEP.join(self.path)]
        parts += [c[-1] for c in self.children]
        for p in self.direct:
            first = p.text.split("\n", 1)[0]
            if p.kind == "table_row":
                parts.append(first.split(": ", 1)[-1])
            elif p.kind == "list" or first.endswith(":") or len(first) < 120:
                parts.append(first[:160])
            else:
                parts.append(first.split(". ", 1)[0][:160])
        return "\n".join(parts)

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
            n += max(1, len([ln for ln in p.text.split("\n")[1:] if ln.strip()])) if p.kind == "list" else 1
        return n


class SectionTree:
    """Every section of every document, built from the loaded passages.

    Args:
        passages: the index's passages by id.
    """

    def __init__(self, passages: dict[str, Passage]) -> None:
        self.sections: dict[tuple[str, tuple[str, ...]], Section] = {}
        for p in sorted(passages.values(), key=lambda p: (p.source, p.position)):
            if not p.section:
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
        self._vectors: dict = {}  # section key -> its card's embedding (numpy)
        self._centroid = None
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.sections)

    def of(self, p: Passage) -> list[Section]:
        """The sections a passage sits in, outermost first."""
        if not p.section:
            return []
        path = tuple(p.section.split(PATH_SEP))
        return [self.sections[(p.source, path[:d])] for d in range(1, len(path) + 1)
                if (p.source, path[:d]) in self.sections]

    def child_of(self, sec: Section, p: Passage) -> tuple[str, ...] | str:
        """Which child of ``sec`` holds ``p``: a sub-section's path, or the passage's own id."""
        path = tuple(p.section.split(PATH_SEP))
        return path[: len(sec.path) + 1] if len(path) > len(sec.path) else p.id

    def similarities(self, retriever: Retriever, query_embedding: list[float], keys: list) -> dict:
        """How close a query is to the cards of the sections ``keys``: cosine similarity, less
        ``SCOPE_CARD_HUB`` times the card's similarity to the average card.

        A card written in the corpus's everyday words ("interpretability", "safety") is close to
        every question; the correction keeps it from winning them all. Cards are embedded when
        first needed and kept (at most ``CARD_CACHE``); the average card is taken over the first
        ``CENTROID_SAMPLE`` sections, so start-up and memory stay flat however large the corpus.
        """
        import numpy as np

        keys = [k for k in keys if k in self.sections]
        if not keys:  # a corpus without headings has no sections
            return {}
        with self._lock:
            if self._centroid is None:
                sample = list(self.sections)[:CENTROID_SAMPLE]
                self._embed(retriever, sample)
                centroid = np.mean([self._vectors[k] for k in sample], axis=0)
                self._centroid = centroid / (np.linalg.norm(centroid) or 1.0)
            self._embed(retriever, keys)
            q = np.asarray(query_embedding)
            return {k: float(self._vectors[k] @ q - SCOPE_CARD_HUB * (self._vectors[k] @ self._centroid))
                    for k in keys if k in self._vectors}

    def _embed(self, retriever: Retriever, keys: list) -> None:
        import numpy as np

        missing = [k for k in dict.fromkeys(keys) if k not in self._vectors]
        if not missing:
            return
        if len(self._vectors) + len(missing) > CARD_CACHE:
            self._vectors.clear()
        embs = retriever.embed.get_text_embedding_batch([self.sections[k].card() for k in missing])
        self._vectors.update({k: np.asarray(e) for k, e in zip(missing, embs, strict=True)})
