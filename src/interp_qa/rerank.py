"""Re-ranking: fused candidates re-ordered by their best citable unit (sentence, list item, table row).

A unit scores by the question words it carries (weighted by idf, through the passage's title and
section too), a prior for its retrieval rank, and bonuses for holding the kind of fact asked for.
The weights are in :mod:`interp_qa.weights`.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, field

from .question import GENERIC_CAPS, CorpusStats, Question
from .sections import concludes
from .text import (
    LABELLED_RE,
    NUMBER_RE,
    YEAR_RE,
    lancaster,
    lancaster_set,
    long_form,
    row_cells,
    split_sentences,
    tokens,
)
from .types import Passage
from .weights import (
    COUNT_BONUS,
    DEFINITION_BONUS,
    DERIVED_MATCH_WEIGHT,
    INTRODUCTION_PENALTY,
    LABEL_SAID_BONUS,
    LEAD_WEIGHT,
    LIST_BONUS,
    META_CONTEXT_WEIGHT,
    META_NAMED_FIELD,
    META_OTHER_DOCUMENT,
    META_OTHER_FIELD,
    META_TYPE_FIELD,
    MONTH_BONUS,
    NAMES_DOCUMENT_MIN_IDF,
    RANK_PRIOR_ANSWER,
    RANK_PRIOR_RERANK,
    SIMILARITY_HUB,
    SIMILARITY_RERANK,
    VERDICT_BONUS,
    VERSION_MISMATCH,
    WHO_BONUS,
    YEAR_BONUS,
)


@dataclass
class Unit:
    """A citable piece of a passage: a sentence, a list item, or a table row."""

    passage: Passage
    text: str
    kind: str  # sentence | item | row | meta
    score: float = 0.0
    covered: set[str] = field(default_factory=set)  # question terms in the unit or its lead line
    own: set[str] = field(default_factory=set)  # question terms in the unit's own words
    rank: int = 0



class UnitScorer:
    """Scores the citable units of passages against a question.

    Args:
        stats: corpus statistics (stems, document frequencies, idf).
    """

    def __init__(self, stats: CorpusStats) -> None:
        self.stats = stats

    def weight(self, q: Question) -> float:
        """The question's whole weight: its terms' weights times their idf (1 when it has none)."""
        return sum(w * self.stats.idf(s) for s, w in q.terms.items()) or 1.0

    def share(self, q: Question, stems: set[str]) -> float:
        """The share of the question's weight that ``stems`` carry: how much of the question a unit covers
        ("cover"), or a heading names."""
        return sum(q.terms[s] * self.stats.idf(s) for s in stems if s in q.terms) / self.weight(q)

    def rerank(self, q: Question, passages: list[Passage]) -> list[Passage]:
        """Re-order fused candidates by their best citable unit (sentence, item or row).

        A passage ranks high when one of its units carries the question's rarer words and,
        for "how many"/"when" questions, the kind of fact asked for.
        """
        best: dict[str, float] = {}
        for u in self.score_units(q, passages, rank_weight=RANK_PRIOR_RERANK):
            best[u.passage.id] = max(best.get(u.passage.id, -1e9), u.score)
        # Word cover finds the passage that names what a question names; the embedding's similarity
        # also counts, for a question that says it in other words. A passage in the corpus's everyday
        # words ("interpretability", "safety") is close to every question: that part of it does not count.
        for p in passages:
            if p.id in best:
                best[p.id] += SIMILARITY_RERANK * ((p.similarity or 0.0) - SIMILARITY_HUB * (p.generic or 0.0))
        out = sorted(passages, key=lambda p: -best.get(p.id, -1e9))
        for p in out:
            p.score = round(best.get(p.id, 0.0), 6)
        return out

    def units_of(self, p: Passage) -> list[Unit]:
        if p.kind == "table_row":
            return [Unit(p, p.text, "row")]
        if p.kind == "metadata":
            return [Unit(p, line, "meta") for line in p.text.split("\n") if line.strip()]
        if p.kind == "list":
            lines = [ln for ln in p.text.split("\n") if ln.strip()]
            return [Unit(p, ln, "lead" if k == 0 and ln.endswith(":") else "item") for k, ln in enumerate(lines)]
        return [Unit(p, s, "sentence") for s in split_sentences(p.text)]

    def score_units(self, q: Question, passages: list[Passage], rank_weight: float = RANK_PRIOR_ANSWER) -> list[Unit]:
        units: list[Unit] = []
        total = self.weight(q)
        asked = f" {' '.join(tokens(q.text))} "  # the question's words, once, for the labels it says word for word
        for rank, p in enumerate(passages):
            context = self.stem_set(f"{p.title} {p.section}")
            names_doc: bool | None = None
            for u in self.units_of(p):
                u.rank = rank
                own = self.stem_set(u.text)
                u.own = {s for s in q.terms if s in own}
                if u.kind == "item" and p.kind == "list":
                    own |= self.stem_set(p.text.split("\n", 1)[0])  # the lead line
                u.covered = {s for s in q.terms if s in own}
                ctx = {s for s in q.terms if s in context and s not in own}
                lexical = sum(q.terms[s] * self.stats.idf(s) for s in u.covered)
                if q.coarse:  # words of the same family the Snowball stems keep apart
                    ul = lancaster_set(u.text)
                    lexical += DERIVED_MATCH_WEIGHT * sum(q.terms[s] * self.stats.idf(s) for s, ls in q.coarse.items()
                                                          if s not in u.covered and s not in ctx and ls in ul)
                # A sentence under "Red-Teaming" is about red-teaming without saying so; it counts in full.
                # A front-matter line names its document only through the title (names_document weighs that).
                ctx_weight = META_CONTEXT_WEIGHT if u.kind == "meta" else 1.0
                lexical += ctx_weight * sum(q.terms[s] * self.stats.idf(s) for s in ctx)
                u.score = lexical / total + rank_weight / (1 + rank) + type_bonus(q, stated(u, q), p.section)
                if u.kind == "meta":
                    if names_doc is None:
                        names_doc = self.names_document(q, p)
                    field_words = tokens(u.text.split(":", 1)[0])
                    header = set(self.stats.stem_all(field_words))
                    if field_words == ["organization"] and not re.search(r"^Authors?:", p.text, re.M):
                        # "Who wrote the induction heads paper?": a lab's paper with no authors listed is the lab's.
                        header |= set(self.stats.stem_all(["authors"]))
                    # "How often was it cited?" names the "Citations" field through a coarser stem.
                    derived = any(lancaster(w) in q.coarse.values() for w in field_words if w not in GENERIC_FIELDS)
                    u.score += meta_bonus(q, u.text, header, derived) if names_doc else META_OTHER_DOCUMENT
                if q.definition and q.definition.match(u.text):
                    u.score += DEFINITION_BONUS  # "What is Gemma Scope?" is answered by "Gemma Scope is ..."
                if q.abbreviation and long_form(q.abbreviation, u.text):
                    u.score += DEFINITION_BONUS  # "What does SAE stand for?": "... sparse autoencoders (SAEs) ..."
                if u.kind == "sentence" and u.text.rstrip().endswith(":"):
                    u.score -= INTRODUCTION_PENALTY  # "Per Bereska & Gavves (2024), a review ...:" introduces
                if any(label_said(x, asked) for x in labels_of(u)):
                    u.score += LABEL_SAID_BONUS  # "the current capabilities": "Current Capabilities (2024-2025): ..."
                # (what the survey concludes about something it names is a verdict on it too: "What does the survey
                # conclude about RLHF?" got the vulnerabilities' list, not "Emerging consensus: ...")
                if (q.verdict or (q.conclusions and bool(q.naming))) and concludes(p):
                    u.score += VERDICT_BONUS
                if q.qtype == "list" and p.kind == "list":
                    u.score += LIST_BONUS
                    # The lead line says what the list is: "The Goal: ..." answers "what are the goals".
                    lead = self.stem_set(p.text.split("\n", 1)[0])
                    u.score += LEAD_WEIGHT * sum(q.terms[s] * self.stats.idf(s) for s in q.terms if s in lead) / total
                # the title says what it is about
                u.score -= version_mismatch(q, f"{p.title}\n{u.text}", self.stats.vocab)
                units.append(u)
        units.sort(key=lambda u: -u.score)
        return units

    def names_document(self, q: Question, p: Passage, min_idf: float = NAMES_DOCUMENT_MIN_IDF) -> bool:
        """Does the question name the document a front-matter passage describes?

        "Year: 2024" answers "when was *Towards Monosemanticity* published?", not every
        "when" question: the question must share a rare word (idf >= ``min_idf``, about
        one passage in ten or fewer) with the document's title or the fields that say whose it is (authors,
        organization, publisher, year). What it is like does not name it: its tags are topics other documents share
        ("What goes wrong when models are trained on human ratings?" is not asked of the RLHF paper's record, tagged
        "training", and its "Rating" is no answer), its kind ("paper") is every paper's.
        """
        values = " ".join(line.split(":", 1)[-1] for line in p.text.split("\n")
                          if line.split(":", 1)[0] not in DESCRIPTIVE_FIELDS)
        have = set(self.stats.stem_all(tokens(f"{p.title} {values}")))
        # What the reader said ("Who wrote it?" after "What is Gemma Scope?"), not a synonym ("wrote" -> "authors")
        return sum(self.stats.idf(s) for s in q.said() if s in have) >= min_idf

    def words_and_stems(self, text: str) -> set[str]:
        """What a text mentions: its words and their stems (see :meth:`Question.names_in`); a hyphenated word also by
        its halves ("GPT-4" mentions GPT)."""
        words = tokens(text)
        words += [x for w in words if "-" in w for x in w.split("-") if x]
        return set(words) | set(self.stats.stem_all(words))

    def stem_set(self, text: str) -> set[str]:
        """The stems of a passage's words, hyphenated ones also by their halves and joined ("trade-off":
        trade, off, tradeoff)."""
        words = tokens(text)
        words += [x for w in words if "-" in w for x in [*w.split("-"), w.replace("-", "")] if x]
        return set(self.stats.stem_all(words))


# Fields of a reference's record that say what it is like, not whose or which it is.
DESCRIPTIVE_FIELDS = {"Tags", "Kind", "Rating", "Citations"}
META_FOR = {"when": ("Year",), "who": ("Authors", "Organization", "Publisher")}
WHO_FIELDS = {"Authors", "Author", "Organization", "Publisher", "Source", "Lab", "Team", "Company", "By"}
# Field names that are also question words: "what kind of model", "what number of features".
GENERIC_FIELDS = {"kind", "type", "sort", "number", "count"}


def meta_bonus(q: Question, line: str, stems: set[str], derived: bool = False) -> float:
    """Front-matter lines answer questions about their field ("how many citations", "who wrote")."""
    header = line.split(":", 1)[0]
    if q.qtype == "who" and (stems - GENERIC_FIELDS) & set(q.terms):
        return META_NAMED_FIELD  # "Who wrote ...?" names the Authors field: more than any "who" field
    if q.qtype in META_FOR:
        # "When was it published?" wants the Year line, not the Publisher line. A field wanted by the
        # question's type weighs less than one it names: "2024 (May)" in the timeline says more than "Year: 2024".
        return META_TYPE_FIELD if header in META_FOR[q.qtype] else META_OTHER_FIELD
    if q.qtype == "count" and not fact_numbers(line.split(":", 1)[-1], set(NUMBER_RE.findall(q.text)), q.counted):
        return META_OTHER_FIELD  # "How many ...?" is not answered by "Organization: DeepMind", whatever the field
    if (stems - GENERIC_FIELDS) & set(q.terms) or derived:
        return META_NAMED_FIELD
    return META_OTHER_FIELD


def name_runs(text: str) -> list[str]:
    """Capitalised names as the question writes them: "What is Gemma Scope?" -> ["Gemma Scope"]."""
    out = []
    # A number may hold a point ("Claude 3.5") but not end a sentence: "Tell me about Gemma Scope 2. How big was it?"
    # (a follow-up as searched) read "Gemma Scope 2. How" as one name, and "Gemma Scope" rows were not marked down.
    for run in re.findall(r"[A-Z][\w\-]*(?:\s+(?:[A-Z][\w\-]*|\d\w*(?:\.\d+)*))*", text):
        words = run.split()
        while words and words[0].lower() in GENERIC_CAPS:
            words = words[1:]
        while words and words[-1].lower() in GENERIC_CAPS:
            words = words[:-1]
        if words:
            out.append(" ".join(words))
    return out


def version_mismatch(q: Question, text: str, vocab: Container[str]) -> float:
    """'What is Gemma Scope?' should not be answered about Gemma Scope 2, nor the other way round; nor "GPT-2" about
    GPT-4, when the corpus's ``vocab`` names GPT-2."""
    asked = q.search_text
    names = name_runs(asked) + q.versions
    for name in names:
        base, _, number = name.rpartition(" ")
        if not base and "-" in name:  # "GPT-2" asked; the text is about GPT-4 (its "(reported)" answered for GPT-2)
            base, _, number = name.rpartition("-")
            # (not when both are asked, "GPT-4 ... than GPT-2?", nor for a version the corpus never names: "GPT-5")
            others = [n for n in names if n != name and n.startswith(f"{base}-")]
            if base and number.isdigit() and not others and name.lower() in vocab \
                    and re.search(rf"\b{re.escape(base)}-\d", text) and not re.search(rf"\b{re.escape(name)}\b", text):
                return VERSION_MISMATCH
            continue
        if base and number[:1].isdigit() and not any(c.isdigit() for c in base) and base not in names:
            # "Gemma Scope 2" (or "gemma scope 2") asked, and not "Gemma Scope" too ("When did Gemma Scope and Gemma
            # Scope 2 come out?" asks both); the text names "Gemma Scope" but never with the 2.
            if re.search(rf"\b{re.escape(base)}\b", text, re.I) and not re.search(
                    rf"\b{re.escape(base)}\s+{re.escape(number)}\b", text, re.I):
                return VERSION_MISMATCH
            continue
        if any(c.isdigit() for c in name) or len(name) < 3 or " " not in name:
            continue  # a one-word name with a number is a family's member: "Claude" asked covers "Claude 3 Sonnet"
        # "Gemma Scope" asked; the text is about "Gemma Scope 2" ("Gemma 2", another name, does not count).
        for m in re.finditer(re.escape(name) + r"\s+(\d+)\b", text, re.I):
            if m.group(1) not in asked:
                return VERSION_MISMATCH
    return 0.0


def stated(u: Unit, q: Question | None = None) -> str:
    """What a unit states: a row's cell values, not its headers ("Key Achievement (2024-2025)" dates no row); asked
    who, the cells that say whose ("Source: MIT"), not any cell that opens with a capital ("Enormous rare features"
    answered "Who said that?" after "What is dark matter?")."""
    if u.kind != "row":
        return u.text
    cells = row_cells(u.text)
    if q is not None and q.qtype == "who":
        return "\n".join(f"{h}: {v}" for h, v in cells if h in WHO_FIELDS)
    return "\n".join(v for _, v in cells)


def labels_of(u: Unit) -> list[str]:
    """The labels a unit is under: its own ("Current Capabilities (2024-2025): ..."), or its list's short lead line
    ("Current Capabilities:")."""
    out = [m.group("label")] if (m := LABELLED_RE.match(u.text)) else []
    lead = u.passage.text.split("\n", 1)[0].strip() if u.passage.kind == "list" else ""
    if lead.endswith(":") and len(lead.split()) <= 4:
        out.append(lead[:-1])
    return out


def label_said(label: str, asked: str) -> bool:
    """Whether a label of two words or more ("Current Capabilities") is said word for word in ``asked``, the
    question's lower-case words joined by spaces, with a space at each end."""
    words = [w for w in tokens(re.sub(r"\([^)]*\)", " ", label)) if w not in ("the", "a", "an")]
    return len(words) >= 2 and f" {' '.join(words)} " in asked


def type_bonus(q: Question, text: str, section: str | None = None) -> float:
    """Favour units holding the kind of fact asked for (a number the question does not contain). A list item's
    numbering ("5. Be tamper-proof") is no amount, unless its section is headed with what is counted ("How many
    references ...?": the References list's last number)."""
    qtype = q.qtype
    asked = set(NUMBER_RE.findall(q.text))
    if section is not None and qtype == "count" and ITEM_NUMBER_RE.match(text) and not (
            q.counted and lancaster(q.counted) in lancaster_set(section)):
        text = ITEM_NUMBER_RE.sub("", text, count=1)
    if qtype == "count" and q.share:
        return COUNT_BONUS if SHARE_RE.search(text) else 0.0
    if qtype == "count" and fact_numbers(text, asked, q.counted):
        return COUNT_BONUS
    if qtype == "when":
        month = re.search(r"\b(January|February|March|April|May|June|July|August|September|October|November|"
                          r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b", text)
        if YEAR_RE.search(text) or month:
            return MONTH_BONUS if month else YEAR_BONUS  # "2024 (May)" answers "when" more exactly than "2024"
        return 0.0
    if qtype == "who":
        asked = set(tokens(q.text))
        names = [w for w in re.findall(r"\b[A-Z][\w&.-]+", text[1:]) if w.lower() not in asked]
        return WHO_BONUS if names else 0.0
    return 0.0


# Amounts written in words: "about a third", "hundreds of SAEs", "millions of features".
AMOUNT_WORDS_RE = re.compile(r"\b(?:a|one|two) (?:third|quarter|half)\b|\bhalf\b|\b(?:dozens|hundreds|thousands|"
                             r"millions|billions|trillions)\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|"
                             r"eleven|twelve|twenty|fifty|hundred)\b", re.I)
# A share: "70%", "70 percent", "about a third", "half".
SHARE_RE = re.compile(r"\d\s?%|\bpercent\b|\b(?:a|one|two) (?:third|quarter|half)\b|\bhalf\b", re.I)
# A number that is part of a name: "Claude 3", "GPT-4", "Gemma 2" (not "34M features").
NAME_NUMBER_RE = re.compile(r"(?:\b[A-Z][\w]*[\s-]|-)$")


def fact_numbers(text: str, asked: set[str], counted: str | None = None) -> list[str]:
    """Numbers in ``text`` that could answer "how many": not asked already, not a year, not a version, and not
    a compound's number ("1-layer transformers" counts no features) unless it counts what is asked ("layers")."""
    out = []
    for m in NUMBER_RE.finditer(text):
        n = m.group(0)
        if n in asked or YEAR_RE.fullmatch(n) or NAME_NUMBER_RE.search(text[max(0, m.start() - 20) : m.start()]):
            continue
        compound = COMPOUND_RE.match(text, m.end())
        if compound and not (counted and counted.lower().startswith(compound.group(1).lower())):
            continue
        out.append(n)
    return out


# A list item's number: "5. Be tamper-proof", "2) Verify alignment".
ITEM_NUMBER_RE = re.compile(r"^\W*\d{1,2}[.)]\s")
# "1-layer", "8-layer": a number joined to the word it describes.
COMPOUND_RE = re.compile(r"-([a-z]{3,})\b")

