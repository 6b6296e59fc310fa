"""The assistant: orchestrates one question down the steps, and nothing else.

check and read the question (:mod:`question`) -> retrieve candidates (:mod:`retrieval`) -> re-rank
them by their best unit (:mod:`rerank`) -> compose a cited answer or abstain (:mod:`compose`) ->
or let a model write it and check it (:mod:`generate`, :mod:`grounding`). No step calls back up.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .index import IndexMissingError, IngestReport, ingest
from .question import Question, check_question, without_frame
from .settings import Settings, set_offline_switches
from .text import MODES
from .types import DIGEST_SCOPES, Answer, Passage
from .weights import SCOPE_TOP_PASSAGES, SECTION_CONTEXT

if TYPE_CHECKING:
    from .compose import Composer
    from .generate import LLMAnswerer
    from .question import QuestionReader
    from .rerank import UnitScorer
    from .retrieval import Retriever


class Assistant:
    """Answers questions about the corpus with cited passages.

    Args:
        settings: configuration; defaults to :class:`Settings` read from the environment.
        auto_ingest: build the index on first use when it does not exist yet.
    """

    def __init__(self, settings: Settings | None = None, *, auto_ingest: bool = True) -> None:
        set_offline_switches()
        self.settings = settings or Settings()
        self.auto_ingest = auto_ingest
        self._retriever: Retriever | None = None
        self._steps: tuple[QuestionReader, UnitScorer, Composer] | None = None
        self._generator: LLMAnswerer | None = None
        self.analyses = 0  # questions read so far (a test checks each ask reads its question once)
        self._lock = threading.Lock()

    # ----- lifecycle ---------------------------------------------------------------
    def ingest(self, paths: list[Path] | None = None, *, rebuild: bool = False, progress: bool = False) -> IngestReport:
        """Bring the index up to date with ``paths`` (default: the configured corpus)."""
        with self._lock:
            report = ingest(self.settings, paths, rebuild=rebuild, progress=progress)
            self._retriever = None  # reload passages and BM25 on next use
            self._steps = None
            return report

    @property
    def retriever(self):
        if self._retriever is None:
            with self._lock:
                if self._retriever is None:
                    from .retrieval import Retriever

                    try:
                        self._retriever = Retriever(self.settings)
                    except IndexMissingError:
                        if not self.auto_ingest:
                            raise
                        ingest(self.settings, progress=False)
                        self._retriever = Retriever(self.settings)
        return self._retriever

    @property
    def steps(self) -> tuple[QuestionReader, UnitScorer, Composer]:
        """The question reader, unit scorer and composer, built on the loaded index's statistics."""
        if self._steps is None:
            from .compose import Composer
            from .question import QuestionReader, load_synonym_labels, load_synonyms
            from .rerank import UnitScorer

            stats = self.retriever
            scorer = UnitScorer(stats)
            reader = QuestionReader(stats, load_synonyms(self.settings.synonyms),
                                    load_synonym_labels(self.settings.synonyms), stats.main_subject())
            self._steps = (reader, scorer,
                           Composer(stats, scorer, self.settings.min_similarity, stats.tree, stats.main_document,
                                    stats.documents))
        return self._steps

    def read_question(self, question: str, history: list[str] | None = None) -> Question:
        """The question read once into a :class:`Question` (type, key terms, sides, follow-up context)."""
        self.analyses += 1
        return self.steps[0].read(question, history)

    def check_question(self, question: object) -> str:
        return check_question(question, self.settings.max_question_chars)

    def retrieve(self, question: str, top_k: int | None = None, mode: str | None = None) -> list[Passage]:
        """The passages that best match ``question``, best first."""
        question = self.check_question(question)
        if top_k is not None and not 1 <= int(top_k) <= 100:
            raise ValueError(f"top_k must be between 1 and 100, got {top_k}.")
        return self._search(without_frame(question), question, top_k, mode)

    def _search(self, query: str, question: str, top_k: int | None, mode: str | None,
                analysis: Question | None = None) -> list[Passage]:
        mode = mode or self.settings.retrieval_mode
        if mode not in MODES:
            raise ValueError(f"Unknown retrieval mode {mode!r}; choose one of {', '.join(MODES)}.")
        try:
            return self._search_once(query, question, top_k, mode, analysis)
        except (ValueError, IndexMissingError):
            raise
        except Exception:
            # Another process's ingest made a new generation live and dropped the one we
            # had open: load the live one and search again.
            with self._lock:
                self._retriever = None
                self._steps = None
            return self._search_once(query, question, top_k, mode, analysis)

    def _search_once(self, query: str, question: str, top_k: int | None, mode: str,
                     analysis: Question | None = None) -> list[Passage]:
        top_k = top_k or self.settings.top_k
        if not mode.endswith("+rerank"):
            return self.retriever.retrieve(query, top_k, mode)
        q = analysis or self.read_question(question)
        candidates = self.retriever.retrieve(query, max(20, top_k * 4), mode.removesuffix("+rerank"),
                                             keywords=q.expansion)
        sims = [p.similarity for p in candidates if p.similarity is not None]
        if sims:  # the abstention check looks at every candidate, not only the re-ranked top
            q.best_similarity = max(q.best_similarity or -1.0, *sims)
        ranked = self.steps[1].rerank(q, candidates)
        if analysis is not None and not analysis.reserve:
            analysis.reserve = ranked[top_k:]
        return ranked[:top_k]

    @property
    def generator(self):
        """The model answerer for ``settings.llm`` (None for the extractive back end)."""
        if self.settings.llm == "extractive":
            return None
        if self._generator is None:
            from .generate import LLMAnswerer

            self._generator = LLMAnswerer(self.settings)
        return self._generator

    def ask(self, question: str, *, history: list[str] | None = None, top_k: int | None = None,
            mode: str | None = None, backend: str | None = None) -> Answer:
        """A short answer with [n] citations, or an abstention saying what the corpus covers.

        Args:
            question: the question.
            history: earlier user questions in this conversation, oldest first (for follow-ups).
            top_k: how many passages to retrieve (default from settings).
            mode: "hybrid+rerank" | "hybrid" | "dense" | "bm25" (default from settings).
            backend: "extractive" to skip the configured model for this question.
        """
        answer = None
        for piece in self.ask_stream(question, history=history, top_k=top_k, mode=mode, backend=backend):
            if isinstance(piece, Answer):
                answer = piece
        assert answer is not None
        return answer

    def ask_stream(self, question: str, *, history: list[str] | None = None, top_k: int | None = None,
                   mode: str | None = None, backend: str | None = None) -> Iterator[str | Answer]:
        """Like :meth:`ask`, but yields the answer's text as it is written, then the :class:`Answer`.

        The streamed text is the model's raw output; the final ``Answer`` is the checked
        version (markers repaired, unsupported sentences tagged) and is what to keep.
        """
        question = self.check_question(question)
        if top_k is not None and not 1 <= int(top_k) <= 100:
            raise ValueError(f"top_k must be between 1 and 100, got {top_k}.")
        t0 = time.perf_counter()
        generator = None if backend == "extractive" else self.generator
        q = self.read_question(question, history)
        searched = q.text  # the question without a reader's framing ("in the end", "in this context")
        restated = None
        if (other := q.other_version or q.other_subject) is not None:
            # "And the second version?" after "What is Gemma Scope?": "What is Gemma Scope 2?"; "And in 2025?" after
            # "What happened in 2024?": "What happened in 2025?"
            searched = restated = other
            q = self.read_question(restated)
        elif q.place is not None and history:
            # "Tell me more about the second one.": the second item of the answer to the turn before is asked about
            item = self.earlier_item(q.place, history)
            if item is not None:
                searched = restated = item
                q = self.read_question(item)
        condensed = None
        if generator is not None and history and restated is None and q.search_text != searched:
            condensed = generator.condense(question, history)
            if condensed:
                q.search_text = condensed
        passages = self._search(q.search_text, searched, top_k, mode, q)
        if q.search_text != searched:
            # A follow-up: also search the new question alone, so its own subject is found.
            own = self._search(searched, searched, top_k, mode, q)
            passages = interleave(own, passages)
        # The whole question was searched already; a side that repeats its start adds nothing.
        for side in [s for s in q.sides if s != searched and not searched.startswith(s)]:
            # "A or B?": one search finds A's passages only; search B's side on its own too.
            passages = interleave(passages, self._search(side, searched, top_k, mode, q))
        t1 = time.perf_counter()
        sections = self.retriever.section_similarities(q.search_text, passages[:SCOPE_TOP_PASSAGES], q)
        extractive = self.steps[2].answer(question, passages, q, sections)
        if restated is not None:
            extractive.standalone_question = restated
        t2 = time.perf_counter()
        extractive.timings.retrieve_ms = round((t1 - t0) * 1000, 2)
        extractive.timings.answer_ms = round((t2 - t1) * 1000, 2)
        if condensed:
            extractive.notes.append(f"Searched as: {condensed}")
        if generator is None:
            yield from re.findall(r"\S+\s*", extractive.text)
            extractive.timings.total_ms = round((time.perf_counter() - t0) * 1000, 2)
            yield extractive
            return
        for piece in generator.stream(question, model_context(extractive, passages, top_k or self.settings.top_k),
                                      extractive):
            if isinstance(piece, Answer):
                piece.timings.total_ms = round((time.perf_counter() - t0) * 1000, 2)
            yield piece

    def earlier_item(self, place: int, history: list[str]) -> str | None:
        """The item at ``place`` (1-based, -1 the last) of the answer to the last of ``history``, as the extractive
        answerer gives it; None when that answer lists fewer things."""
        from .compose import listed_items

        items = listed_items(self.ask(history[-1], history=history[:-1], backend="extractive").text)
        return items[place - 1 if place > 0 else place] if -len(items) <= place <= len(items) else None


def model_context(extractive: Answer, passages: list[Passage], top_k: int) -> list[Passage]:
    """The passages a model answers from: the top ``top_k`` retrieved, or for a question a section or a
    comparison answers, that section's passages (the ones its digest cites, in document order)."""
    if extractive.scope in DIGEST_SCOPES and extractive.citations:
        return extractive.citations[:SECTION_CONTEXT]
    # A reference's record ("Organization: MIT (MAIA)\nYear: 2024\nKind: web\nTags: ...") after the prose: a small
    # model given it first copies its fields, uncited, and its answer is thrown away.
    top = passages[:top_k]
    return [p for p in top if p.kind != "metadata"] + [p for p in top if p.kind == "metadata"]


def interleave(first: list[Passage], second: list[Passage]) -> list[Passage]:
    """Alternate two rankings, dropping repeats: [a1, b1, a2, b2, ...]."""
    out, ids = [], set()
    for pair in zip(first, second, strict=False):
        for p in pair:
            if p.id not in ids:
                out.append(p)
                ids.add(p.id)
    for p in first + second:
        if p.id not in ids:
            out.append(p)
            ids.add(p.id)
    return out
