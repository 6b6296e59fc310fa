"""Keeping a generated answer tied to its passages.

Before generation: passages go to the model as delimited data (tags with a per-request
nonce that corpus text cannot forge), and sentences in them that address an AI model
("ignore the previous instructions ...") are withheld from the model.

After generation: every [n] marker must point at a passage given to the model; each
sentence must be supported by a passage it cites (its content words and every number in
it appear there). Markers pointing nowhere are removed and reported, sentences without
support are tagged, and the citations are renumbered in order of first use.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from decimal import Decimal

from .prompts import ANSWER_TEMPLATE, PASSAGE_TEMPLATE, UNSUPPORTED_TAG
from .text import DIGITS_RE, NUMBER_RE, STOPWORDS, tokens
from .types import Passage

# Text written to steer a model rather than to inform a reader.
INJECTION_RE = re.compile(
    r"\b(ignore|disregard|forget|override)\b[^.!?\n]{0,60}\b(instructions?|rules|prompts?|guidelines)\b"
    r"|\byou are now\b|\bnew instructions?\b|\bsystem prompt\b"
    r"|\b(respond|reply|answer|output)\s+(only\s+)?with\s+(the\s+)?(single\s+)?(word|text|phrase)\b"
    r"|\b(as|you are) an? (ai|language model|llm|assistant)\b.{0,40}\b(must|should|will)\b",
    re.I,
)
WITHHELD = "[text addressed to an AI model, withheld]"
MARKERS_RE = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
SENTENCE_END_RE = re.compile(r"(?<=[.!?])(?:\s*\[\d+(?:\s*,\s*\d+)*\])*\s+(?=[A-Z0-9\"'(*-])")
# The answerer's stopwords, plus the words a generated answer uses to talk about its sources.
STOP = STOPWORDS | {"using", "used", "use", "passage", "passages", "answer", "question", "says"}


def make_nonce() -> str:
    return secrets.token_hex(4)


def model_view(text: str, nonce: str) -> tuple[str, bool]:
    """The passage text as the model sees it, and whether anything was withheld.

    Tags that look like our passage delimiters are defused, so a corpus file cannot end
    the data block early; sentences that give orders to a model are replaced by a notice.
    """
    text = re.sub(r"<(/?)passage", r"‹\1passage", text, flags=re.I)
    text = text.replace(nonce, "")
    withheld = False
    parts = re.split(r"(?<=[.!?])\s+|\n", text)
    kept: list[str] = []
    for part in parts:
        if INJECTION_RE.search(part):
            withheld = True
            if not kept or kept[-1] != WITHHELD:
                kept.append(WITHHELD)
        elif part.strip():
            kept.append(part)
    return " ".join(kept) if withheld else text, withheld


def build_user_message(question: str, passages: list[Passage], nonce: str) -> tuple[str, list[int]]:
    """The user turn of the answer prompt, and the numbers of passages with withheld text."""
    blocks, withheld = [], []
    for n, p in enumerate(passages, 1):
        text, hidden = model_view(p.text, nonce)
        if hidden:
            withheld.append(n)
        blocks.append(PASSAGE_TEMPLATE.format(
            nonce=nonce, n=n, title=_attr(p.title), section=_attr(p.section), text=text))
    return ANSWER_TEMPLATE.format(nonce=nonce, passages="\n\n".join(blocks), question=question), withheld


def _attr(value: str) -> str:
    return value.replace('"', "'").replace("<", "‹")


@dataclass
class GroundedAnswer:
    """A generated answer after the checks."""

    text: str
    citations: list[Passage]
    removed_markers: list[int] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    supported: int = 0  # sentences with a valid, supporting citation
    attributed: int = 0  # uncited sentences that got the citation of the passage stating them

    @property
    def notes(self) -> list[str]:
        notes = []
        if self.removed_markers:
            shown = ", ".join(f"[{n}]" for n in self.removed_markers)
            notes.append(f"Removed citation marker(s) {shown}: no such passage was given to the model.")
        if self.attributed:
            notes.append(f"The model left {self.attributed} sentence(s) uncited; each got the citation of the "
                         "passage that states it.")
        if self.unsupported:
            notes.append(f"{len(self.unsupported)} sentence(s) are not supported by the passage they cite "
                         f"and are tagged{UNSUPPORTED_TAG}.")
        return notes


def content_words(text: str) -> set[str]:
    """Crude stems of the words that carry meaning: plural -s dropped, cut to six letters."""
    words = (w for w in tokens(text) if w not in STOP and len(w) > 2 and not w[0].isdigit())
    return {(w[:-1] if w.endswith("s") and len(w) > 3 else w)[:6] for w in words}


def numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in DIGITS_RE.findall(text)}


SCALES = {"K": 3, "M": 6, "B": 9, "T": 12, "million": 6, "billion": 9, "trillion": 12}


def amounts(text: str) -> set[str]:
    """The numbers that carry a scale or a unit, as values: "34M" and "34 million" -> "34000000",
    "10x" -> "10x", "70%" and "70 percent" -> "70%". A bare number ("2024") is not among them."""
    out = set()
    for m in NUMBER_RE.finditer(re.sub(r"(\d)\s?percent\b", r"\1%", text)):
        number = m.group(0).lstrip("≈~")
        digits = DIGITS_RE.match(number)
        if digits is None or digits.end() == len(number):
            continue
        value, unit = digits.group(0).replace(",", ""), number[digits.end():].strip().rstrip("+")
        if unit in SCALES:
            out.add(format(Decimal(value).scaleb(SCALES[unit]).normalize(), "f"))
        elif unit in ("%", "x"):
            out.add(format(Decimal(value).normalize(), "f") + unit)
    return out


def supports(sentence: str, passage_texts: list[str], min_overlap: float = 0.5) -> bool:
    """Whether the cited passages, together, state the sentence: its numbers and most of its words.

    A number with a scale or unit must be stated with the same value ("34M" is "34 million", "10M" is
    not "10x"); a bare number only needs its digits there."""
    if not passage_texts:
        return False
    source = " ".join(passage_texts)
    if not numbers(sentence) <= numbers(source) or not amounts(sentence) <= amounts(source):
        return False
    words = content_words(sentence)
    if not words:
        return True  # "Yes [1]." carries no claim of its own beyond the citation
    return len(words & content_words(source)) / len(words) >= min_overlap


def split_answer(text: str) -> list[str]:
    """Sentences of a generated answer, each keeping the markers that follow it."""
    return [s.strip() for s in SENTENCE_END_RE.split(text.strip()) if s.strip()]


def check_answer(raw: str, passages: list[Passage]) -> GroundedAnswer:
    """Repair markers, tag unsupported sentences, renumber citations by first use."""
    removed: list[int] = []
    order: list[int] = []  # prompt numbers, in order of first valid use
    unsupported: list[str] = []
    supported = attributed = 0
    out = []
    for sentence in split_answer(clean_generation(raw)):
        cited = []
        for m in MARKERS_RE.finditer(sentence):
            for part in m.group(1).split(","):
                n = int(part)
                if 1 <= n <= len(passages):
                    cited.append(n)
                elif n not in removed:
                    removed.append(n)
        claim = MARKERS_RE.sub("", sentence).strip()
        claim = re.sub(r"\s+([.,;:!?])", r"\1", claim)
        if not claim:
            continue
        ok = supports(claim, [passages[n - 1].text for n in cited])
        if not cited:  # uncited: cite the best-ranked passage that states it, if one does
            found = next((n for n, p in enumerate(passages, 1) if supports(claim, [p.text])), None)
            if found is not None:
                cited, ok = [found], True
                attributed += 1
        if ok:
            supported += 1
            for n in cited:
                if n not in order:
                    order.append(n)
            marks = "".join(f"[{order.index(n) + 1}]" for n in dict.fromkeys(cited))
            out.append(_place_markers(claim, marks))
        else:
            unsupported.append(claim)
            out.append(claim + UNSUPPORTED_TAG)
    return GroundedAnswer(
        text=" ".join(out), citations=[passages[n - 1] for n in order], removed_markers=removed,
        unsupported=unsupported, supported=supported, attributed=attributed,
    )


def _place_markers(claim: str, marks: str) -> str:
    if claim[-1:] in ".!?":
        return f"{claim[:-1]} {marks}{claim[-1]}"
    return f"{claim} {marks}"


STOP_STRINGS = ("<end_of_turn>", "<start_of_turn>", "</s>", "<|im_end|>", "<|eot_id|>", "\nQuestion:", "\n\n\n")


def clean_generation(raw: str) -> str:
    """Cut what a model writes after its answer (new turns, echoed prompt parts)."""
    text = raw
    for stop in STOP_STRINGS:
        text = text.split(stop, 1)[0]
    text = re.sub(r"</?passage[^>]*>", "", text)
    return re.sub(r"[ \t]+", " ", text).strip()
