"""The assistant: settings + index + retriever + answerer behind three calls."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from .index import IndexMissingError, IngestReport, ingest
from .settings import Settings, set_offline_switches
from .types import Answer, Passage

MODES = ("hybrid+rerank", "hybrid", "dense", "bm25")


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
        self._retriever = None
        self._answerer = None
        self._generator = None
        self._lock = threading.Lock()

    # ----- lifecycle ---------------------------------------------------------------
    def ingest(self, paths: list[Path] | None = None, *, rebuild: bool = False, progress: bool = False) -> IngestReport:
        """Bring the index up to date with ``paths`` (default: the configured corpus)."""
        with self._lock:
            report = ingest(self.settings, paths, rebuild=rebuild, progress=progress)
            self._retriever = None  # reload passages and BM25 on next use
            self._answerer = None
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
    def answerer(self):
        if self._answerer is None:
            from .answer import ExtractiveAnswerer, load_synonyms

            self._answerer = ExtractiveAnswerer(self.retriever, self.settings.min_similarity,
                                                load_synonyms(self.settings.synonyms))
        return self._answerer

    # ----- the API -----------------------------------------------------------------
    def check_question(self, question: object) -> str:
        if not isinstance(question, str):
            raise ValueError(f"The question must be a string, not {type(question).__name__}.")
        limit = self.settings.max_question_chars
        # Far over the limit: say so before spending time normalising it.
        cleaned = clean_question(question) if len(question) <= 4 * limit else question
        if not cleaned:
            raise ValueError("The question is empty. Ask something about the survey, e.g. "
                             "'How many features did Anthropic extract from Claude 3 Sonnet?'")
        if len(cleaned) > limit:
            raise ValueError(f"The question is {len(cleaned)} characters long; the limit is {limit}. "
                             "Shorten it to the question itself.")
        return read_lookalikes_as_latin(cleaned)

    def retrieve(self, question: str, top_k: int | None = None, mode: str | None = None) -> list[Passage]:
        """The passages that best match ``question``, best first."""
        question = self.check_question(question)
        if top_k is not None and not 1 <= int(top_k) <= 100:
            raise ValueError(f"top_k must be between 1 and 100, got {top_k}.")
        return self._search(question, question, top_k, mode)

    def _search(self, query: str, question: str, top_k: int | None, mode: str | None,
                analysis=None) -> list[Passage]:
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
                self._answerer = None
            return self._search_once(query, question, top_k, mode, analysis)

    def _search_once(self, query: str, question: str, top_k: int | None, mode: str, analysis=None) -> list[Passage]:
        top_k = top_k or self.settings.top_k
        if not mode.endswith("+rerank"):
            return self.retriever.retrieve(query, top_k, mode)  # type: ignore[arg-type]
        q = analysis or self.answerer.analyse(question)
        candidates = self.retriever.retrieve(query, max(20, top_k * 4), mode.removesuffix("+rerank"),  # type: ignore[arg-type]
                                             keywords=q.expansion)
        sims = [p.similarity for p in candidates if p.similarity is not None]
        if sims:  # the abstention check looks at every candidate, not only the re-ranked top
            q.best_similarity = max(q.best_similarity or -1.0, *sims)
        return self.answerer.rerank(q, candidates)[:top_k]

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
        t0 = time.perf_counter()
        answerer = self.answerer
        generator = None if backend == "extractive" else self.generator
        q = answerer.analyse(question, history)
        condensed = None
        if generator is not None and history and q.search_text != question:
            condensed = generator.condense(question, history)
            if condensed:
                q.search_text = condensed
        passages = self._search(q.search_text, question, top_k, mode, q)
        if q.search_text != question:
            # A follow-up: also search the new question alone, so its own subject is found.
            own = self._search(question, question, top_k, mode, q)
            passages = interleave(own, passages)
        sides = comparison_sides(question)
        # The whole question was searched already; a side that repeats its start adds nothing.
        for side in [s for s in sides if s != question and not question.startswith(s)]:
            # "A or B?": one search finds A's passages only; search B's side on its own too.
            passages = interleave(passages, self._search(side, question, top_k, mode, q))
        t1 = time.perf_counter()
        extractive = answerer.answer(question, passages, q)
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
        for piece in generator.stream(question, passages[: top_k or self.settings.top_k], extractive):
            if isinstance(piece, Answer):
                piece.timings.total_ms = round((time.perf_counter() - t0) * 1000, 2)
            yield piece


WORD_RE = re.compile(r"\w+")
# Terminal colour and cursor codes (ESC [ ... m) pasted along with a question.
ANSI_RE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[@-Z\\-_])")
SIDES_RE = re.compile(r",?\s+(?:or|vs\.?|versus|compared (?:to|with))\s+", re.I)
# "Compare A and B on C", "the difference between A and B in C"
COMPARE_RE = re.compile(r"^(?:compare|contrast)\s+(?P<a>.+?)\s+(?:and|with|to|vs\.?|versus)\s+(?P<b>.+?)"
                        r"(?:\s+(?:on|in|for|regarding|in terms of)\s+(?P<c>.+))?$|"
                        r"^.*?\bdifferences? between\s+(?P<a2>.+?)\s+and\s+(?P<b2>.+?)"
                        r"(?:\s+(?:on|in|for|regarding|in terms of)\s+(?P<c2>.+))?$", re.I)
# A name: capitalised or numbered words ("Claude 3 Sonnet", "GPT-4", "OpenAI").
NAME = r"[A-Z0-9][\w.\-']*(?:\s+[A-Z0-9][\w.\-']*)*"
INLINE_OR_RE = re.compile(rf"\b(?P<a>{NAME})\s+(?:or|vs\.?|versus)\s+(?P<b>{NAME})")
NOT_NAMES = {"Did", "Does", "Do", "Is", "Are", "Was", "Were", "Which", "Who", "What", "Has", "Have", "Can", "Could",
             "Should", "Would", "Will", "How", "When", "Where", "Why", "And", "Or", "The", "A", "An", "In", "On"}


def comparison_sides(question: str) -> list[str]:
    """The sides of a comparison, each with the shared words of the question.

    "Which extracted more features, Anthropic from Claude 3 Sonnet or OpenAI from GPT-4?" gives
    ["Which extracted more features, Anthropic from Claude 3 Sonnet", "OpenAI from GPT-4 Which
    extracted more features"]; "Did Anthropic or OpenAI extract more features?" gives ["Did
    Anthropic extract more features", "Did OpenAI extract more features"]; "Compare RLHF and
    interpretability on deception" gives ["RLHF deception", "interpretability deception"]; a
    question that compares nothing gives [question].
    """
    q = question.strip().rstrip("?.! ")
    m = COMPARE_RE.match(q)
    if m:
        a, b = m.group("a") or m.group("a2"), m.group("b") or m.group("b2")
        rest = m.group("c") or m.group("c2") or ""  # what they are compared on
        return [f"{a} {rest}".strip(), f"{b} {rest}".strip()]
    parts = SIDES_RE.split(q)
    m = INLINE_OR_RE.search(q)
    if m and not (len(parts) == 2 and re.search(r"[,:]", parts[0])):
        a, b = m.group("a"), m.group("b")
        first = a.split()[0]
        if first in NOT_NAMES:  # "Did Anthropic or OpenAI": the question word is not part of the name
            a = a.split(None, 1)[1] if " " in a else ""
        if a and b and not (b.split() and b.split()[-1] in NOT_NAMES):
            start = m.start("a") + (len(m.group("a")) - len(a))
            return [q[:start] + a + q[m.end():], q[:start] + b + q[m.end():]]
    if len(parts) != 2 or not all(p.strip() for p in parts):
        return [question]
    left, right = parts
    shared = re.split(r"[,:]", left, maxsplit=1)[0] if re.search(r"[,:]", left) else ""
    return [left, f"{right} {shared}".strip()]


def clean_question(question: str) -> str:
    """Control characters and terminal escape codes dropped, compatibility forms folded (NFKC: full-width letters,
    ligatures), surrounding space stripped."""
    import unicodedata

    text = ANSI_RE.sub("", unicodedata.normalize("NFKC", question))
    return "".join(ch for ch in text if ch.isprintable() or ch in "\n\t").strip()


def read_lookalikes_as_latin(text: str) -> str:
    """Look-alike letters inside mixed-script words read as Latin: "Аnthropic" with a
    Cyrillic А is "Anthropic". Words wholly in one script (Greek, Cyrillic) are kept."""
    if text.isascii():
        return text
    from confusable_homoglyphs import confusables

    def latin(m: re.Match) -> str:
        word = m.group(0)
        if not confusables.is_dangerous(word, preferred_aliases=["latin"]):
            return word
        for found in confusables.is_confusable(word, greedy=True, preferred_aliases=["latin"]) or []:
            glyph = next((h["c"] for h in found["homoglyphs"] if h["n"].startswith("LATIN")), None)
            if glyph:
                word = word.replace(found["character"], glyph)
        return word

    return WORD_RE.sub(latin, text)


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
