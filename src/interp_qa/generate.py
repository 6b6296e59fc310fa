"""Generated answers: stream a model's answer over numbered passages, then ground it.

The model is called only for questions the extractive answerer did not abstain on, with
a bounded timeout and exactly one retry; any failure, or an answer without one supported
citation, gives the extractive answer with a note that names what went wrong.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

from .grounding import build_user_message, check_answer, clean_generation, content_words, make_nonce
from .models import describe, explain_failure, load_llm
from .prompts import CONDENSE_TEMPLATE, FALLBACK_NOTE, SYSTEM_PROMPT
from .settings import Settings
from .types import DIGEST_SCOPES, Answer

ABSTAIN_RE = re.compile(r"\b(corpus|passages?)\s+(does|do)\s+not\s+(say|answer|mention)", re.I)


class LLMFailure(RuntimeError):
    """The model call failed after its retry; the message says why in words."""


class LLMAnswerer:
    """Writes cited answers with the configured model.

    Args:
        settings: gives the back end (``llm``), its endpoint or file, timeout and limits.
        llm: an already built llama-index LLM (default: built from ``settings`` on first use).
    """

    def __init__(self, settings: Settings, llm: Any = None) -> None:
        self.settings = settings
        self._llm = llm
        self.name = describe(settings)

    @property
    def llm(self) -> Any:
        if self._llm is None:
            self._llm = load_llm(self.settings)
        return self._llm

    @property
    def model(self) -> str | None:
        if self.settings.llm == "openai":
            return self.settings.llm_model
        return str(self.settings.llm_model_path) if self.settings.llm_model_path else None

    # ----- one model call, streamed, with a deadline and one retry -------------------------
    def stream_chat(self, messages: list[Any]) -> Iterator[str]:
        """Text deltas of one chat completion. Raises :class:`LLMFailure` after one retry."""
        last: BaseException | None = None
        for attempt in range(2):
            started = False
            try:
                for delta in self._stream_once(messages):
                    started = True
                    yield delta
                return
            except Exception as e:  # noqa: BLE001 - any client error ends in the fallback
                last = e
                if started:  # half an answer was shown; a retry would repeat it
                    break
                if attempt == 0:
                    time.sleep(0.2)
        raise LLMFailure(explain_failure(last, self.settings) if last else "unknown failure")

    def _stream_once(self, messages: list[Any]) -> Iterator[str]:
        deadline = time.monotonic() + self.settings.llm_timeout * 2  # whole answer, not per token
        for chunk in self.llm.stream_chat(messages):
            if chunk.delta:
                yield chunk.delta
            if time.monotonic() > deadline:
                raise TimeoutError(f"the answer took longer than {self.settings.llm_timeout * 2:g} s")

    def messages(self, question: str, passages: list[Any]) -> tuple[list[Any], list[int]]:
        from llama_index.core.llms import ChatMessage

        user, withheld = build_user_message(question, passages, make_nonce())
        return [ChatMessage(role="system", content=SYSTEM_PROMPT), ChatMessage(role="user", content=user)], withheld

    # ----- answers -------------------------------------------------------------------------
    def stream(self, question: str, passages: list[Any], extractive: Answer) -> Iterator[str | Answer]:
        """Yield text deltas as the model writes, then the checked :class:`Answer`.

        ``extractive`` is the answer to fall back on; it is also the guard: when it
        abstained, the model is not called.
        """
        base = {"backend": self.settings.llm, "model": self.model}
        if extractive.abstained:
            yield extractive.model_copy(update={"notes": [
                *extractive.notes, "Retrieval found no answer, so the model was not asked."]})
            return
        t0 = time.perf_counter()
        # Retrieved passages go to the model best last, next to the question: Gemma 3 270M's answers stated
        # the fact asked for in 28 of 45 factoid questions (eval/questions.jsonl: number, date, entity) so,
        # in two runs, against 25 and 23 best first. A section's passages keep the document's order.
        shown = passages if extractive.scope in DIGEST_SCOPES else passages[::-1]
        msgs, withheld = self.messages(question, shown)
        raw = ""
        try:
            for delta in self.stream_chat(msgs):
                raw += delta
                yield delta
        except LLMFailure as e:
            yield self.fallback(extractive, str(e), t0)
            return
        grounded = check_answer(raw, shown)
        if grounded.supported == 0:
            reason = ("the model said the passages do not answer" if ABSTAIN_RE.search(raw)
                      else "no sentence carried a citation supported by its passage")
            yield self.fallback(extractive, reason, t0, raw)
            return
        notes = list(grounded.notes)
        if withheld:
            notes.append("Text addressed to an AI model was withheld from the model in passage(s) "
                         + ", ".join(f"{n}" for n in withheld) + ".")
        answer = extractive.model_copy(update={
            **base, "text": grounded.text, "citations": grounded.citations, "notes": notes,
            "status": "partial" if grounded.unsupported else "answered", "passages": passages,
            "raw_generation": raw,
        })
        answer.timings.generate_ms = round((time.perf_counter() - t0) * 1000, 2)
        yield answer

    def fallback(self, extractive: Answer, reason: str, t0: float, raw: str | None = None) -> Answer:
        answer = extractive.model_copy(update={
            "backend": "extractive", "model": None, "fallback_from": self.name,
            "notes": [*extractive.notes, FALLBACK_NOTE.format(reason=reason)], "raw_generation": raw,
        })
        answer.timings.generate_ms = round((time.perf_counter() - t0) * 1000, 2)
        return answer

    # ----- follow-ups ----------------------------------------------------------------------
    def condense(self, question: str, history: list[str]) -> str | None:
        """A standalone version of a follow-up question, or None when the model's is unusable.

        A small model often rambles; the rewrite is kept only if it is one short question
        that keeps the new question's words and names something from the conversation.
        """
        from llama_index.core.llms import ChatMessage

        turns = "\n".join(f"User: {h}" for h in history[-3:])
        prompt = CONDENSE_TEMPLATE.format(history=turns, question=question)
        try:
            text = "".join(self.stream_chat([ChatMessage(role="user", content=prompt)]))
        except LLMFailure:
            return None
        text = clean_generation(text).split("\n")[0].strip().strip('"')
        own, earlier = content_words(question), content_words(" ".join(history[-1:]))
        words = content_words(text)
        if not text or len(text) > 300 or not (words & (earlier - own)) or not own <= words:
            return None
        return text
