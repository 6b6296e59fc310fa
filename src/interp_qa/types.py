"""Result types: what retrieval and answering hand back (pydantic, JSON-serialisable)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

PassageKind = Literal["paragraph", "list", "table_row", "metadata", "code"]
# What an answer rests on: one fact (a sentence, item or row), a section's digest, two sides side by side.
AnswerScope = Literal["fact", "section", "comparison", "document", "abstained"]
# Scopes whose answer is a digest of several passages in document order (a model is given those passages).
DIGEST_SCOPES: tuple[AnswerScope, ...] = ("section", "comparison", "document")


class Passage(BaseModel):
    """A citable piece of the corpus: a paragraph, a list with its lead, or a table row."""

    id: str = Field(description="Stable id: '<document>#<section-slug>-<n>'.")
    text: str = Field(description="The passage as a reader sees it (plain text).")
    score: float = Field(0.0, description="Retrieval score (higher is better; fused rank score).")
    title: str = Field(description="Title of the document the passage comes from.")
    section: str = Field("", description="Section path inside the document, ' > '-separated.")
    source: str = Field(description="File the passage comes from, relative to its corpus folder.")
    kind: PassageKind = Field("paragraph", description="paragraph | list | table_row | metadata (a reference's "
                              "front matter: authors, year, ...) | code")
    similarity: float | None = Field(None, description="Cosine similarity to the question (dense).")
    generic: float | None = Field(None, exclude=True, description="Cosine similarity to the corpus's average "
                                  "section card: how much the passage reads like every other (re-ranking).")
    refs: list[str] = Field(default_factory=list, description="Reference files the passage links to.")
    url: str | None = None
    position: int = Field(0, description="Order of the passage in its document.")


class Timings(BaseModel):
    retrieve_ms: float = 0.0
    answer_ms: float = 0.0
    generate_ms: float = Field(0.0, description="Time spent in the language model (0 for extractive).")
    total_ms: float = 0.0


class Answer(BaseModel):
    """A short answer whose [n] markers point at ``citations[n-1]``."""

    question: str
    text: str
    citations: list[Passage] = Field(default_factory=list)
    abstained: bool = False
    status: Literal["answered", "partial", "abstained"] = "answered"
    scope: AnswerScope = Field("fact", description="fact | section (a section's digest) | comparison | document "
                              "(the main document's opening and sections) | abstained")
    passages: list[Passage] = Field(default_factory=list, description="Everything retrieved.")
    standalone_question: str | None = Field(None, description="The question as searched (follow-ups).")
    closest_topics: list[str] = Field(default_factory=list, description="Set when abstaining.")
    notes: list[str] = Field(default_factory=list)
    backend: str = Field("extractive", description="What wrote the text: extractive | openai | llama-cpp.")
    model: str | None = None
    fallback_from: str | None = Field(None, description="The model back end that failed, when this is a fallback.")
    raw_generation: str | None = Field(None, description="The model's text before the grounding checks.")
    timings: Timings = Field(default_factory=Timings)
