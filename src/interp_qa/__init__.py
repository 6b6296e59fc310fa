"""interp-qa: cited answers about "Is Interpretability Sufficient for Safety?".

    import interp_qa
    interp_qa.retrieve("question", top_k=5)   # list[Passage], best first
    interp_qa.ask("question")                 # Answer: .text with [n], .citations, .abstained
    interp_qa.ask_stream("question")          # yields text deltas, then the Answer

Heavy libraries (torch, chromadb, llama-index) load on first use, not on import.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .settings import Settings
from .types import Answer, Passage

if TYPE_CHECKING:
    from .assistant import Assistant

__all__ = ["Answer", "Assistant", "Passage", "Settings", "ask", "ask_stream", "default_assistant", "retrieve"]
__version__ = "0.1.0"

_default: Assistant | None = None


def __getattr__(name: str):
    if name == "Assistant":
        from .assistant import Assistant

        return Assistant
    raise AttributeError(name)


def default_assistant() -> Assistant:
    """The assistant behind the module-level functions, built from settings on first use."""
    global _default
    if _default is None:
        from .assistant import Assistant

        _default = Assistant(Settings())
    return _default


def retrieve(question: str, top_k: int = 5, mode: str | None = None) -> list[Passage]:
    """The ``top_k`` passages that best match ``question``, best first."""
    return default_assistant().retrieve(question, top_k=top_k, mode=mode)


def ask(question: str, *, history: list[str] | None = None, top_k: int | None = None) -> Answer:
    """A short cited answer to ``question`` (or an honest abstention)."""
    return default_assistant().ask(question, history=history, top_k=top_k)


def ask_stream(question: str, *, history: list[str] | None = None, top_k: int | None = None) -> Iterator[str | Answer]:
    """Yield the answer's text as it is written, then the checked :class:`Answer`.

        for piece in interp_qa.ask_stream("Why might interpretability be insufficient?"):
            if isinstance(piece, str):
                print(piece, end="", flush=True)
            else:
                answer = piece
    """
    return default_assistant().ask_stream(question, history=history, top_k=top_k)
