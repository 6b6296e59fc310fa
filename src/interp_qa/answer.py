"""The extractive answerer: a short cited answer built only from corpus text, no LLM.

Every sentence of an answer is a sentence, list item, or table cell copied from the
passage its [n] marker cites, so each claim can be checked against its source. When
the corpus does not answer (the question names things the corpus never mentions, or no
passage is close enough), it abstains and says which topics it does cover.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from .retrieval import Retriever, phrase_words, tokens
from .types import Answer, Passage

STOPWORDS = set(
    """
    a an the of in on at to for from by with about as into through over under and or but not no nor
    is are was were be been being am do does did doing have has had having can could will would
    shall should may might must what which who whom whose when where why how that this these those
    it its they them their there here i you he she we me my your our his her than then so such some
    any all each per if else also just very more most much many few other another only own same too
    s t don tell explain describe give list name say said according does did please me us one ones
    survey corpus text page mentioned mention
    """.split()
)
# Capitalised words that start questions or are generic; never "names" the corpus must know.
GENERIC_CAPS = {"what", "which", "who", "whom", "whose", "when", "where", "why", "how", "is", "are", "was",
                "were", "do", "does", "did", "can", "could", "should", "would", "will", "according", "and",
                "in", "on", "for", "the", "a", "an", "of", "list", "name", "give", "tell", "explain",
                "describe", "compare", "i", "if", "besides", "apart", "among", "between", "say", "per"}
NUMBER_RE = re.compile(
    r"(?<![\w#])[≈~]?\d+(?:[.,]\d+)*"
    r"(?:\s?(?:%|x\b|[KMBT]\b\+?|million|billion|trillion)|[KMBT]\+?)?"
)
MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"}
YEAR_RE = re.compile(r"\b(?:19|20)\d\d\b")
FOLLOW_UP_RE = re.compile(
    r"^(and|what about|how about|and what about|what of|same for|and for|also|then|ok|okay)\b|"
    r"\b(it|its|they|their|them|that one|this one|those|these|he|she|his|her)\b",
    re.I,
)
COUNT_Q = re.compile(r"\bhow (many|much|large|big|small)\b|\bnumber of\b|\bwhat (share|percent|percentage|"
                     r"fraction|proportion|portion|rate)\b|\bwhat (?:sizes?|scales?)\b|\bhow many\b|"
                     # "Which extracted more features, A or B?": settled by the two numbers
                     r"\b(?:which|who|did|does|do|was|were|is|are)\b.*\b(more|fewer|larger|bigger|smaller)\b.*\bor\b|"
                     r"\bor\b.*\b(more|fewer|larger|bigger|smaller)\b", re.I)
# "When was ...", not "what happens when its activations ...": "when" as a conjunction asks no date.
# "When would interpretability fall short?" asks for conditions, not a date.
WHEN_Q = re.compile(r"^\W*(?:and |so |but |then )?when\b(?!\s+(?:would|could|might|should|can|must)\b)|"
                    r"\bwhen (?:was|were|did|do|does|is|are|will|has|had)\b|"
                    r"\b(?:what|which) (?:year|date|month)\b", re.I)
WHO_Q = re.compile(r"^\s*(?:who|whose)\b|\bwhich (organi[sz]ation|lab|company|team|group|researchers?|authors?)\b|"
                   r"\bwho (wrote|published|released|built|developed|led)\b", re.I)
# "What is Gemma Scope?", "Describe polysemanticity.": a question asking what a thing is.
DEFINE_Q = re.compile(r"^\W*(?:what\s+(?:is|are)\s+(?:an?\s+|the\s+)?|describe\s+|define\s+|explain\s+)"
                      r"(?P<x>[\w\-' ]{2,40}?)\W*$", re.I)
LIST_Q = re.compile(r"\b(which|what) (kinds?|types?|sorts?|categories|features|approaches|capabilities|"
                    r"limitations|vulnerabilities|challenges|conditions|requirements)\b|"
                    r"\blist\b|\bwhat are (the|some)\b|\bname (the|some)\b", re.I)


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


@dataclass
class Question:
    text: str
    terms: dict[str, float]  # stem -> weight (follow-ups: the earlier question's terms weigh less)
    key_terms: list[str]  # names/identifiers the corpus must mention for an answer to exist
    qtype: str  # count | when | who | list | other
    search_text: str
    context_terms: list[str] = field(default_factory=list)  # a follow-up's carried-over names
    expansion: str = ""  # corpus words for everyday ones the question uses ("weaknesses" for "drawbacks")
    words: dict[str, str] = field(default_factory=dict)  # stem -> a question word it stems from
    definition: re.Pattern | None = None  # "What is X?": matches a sentence saying "X is ..."
    counted: str | None = None  # "How many people ...": "people" ("" for "how many times")
    best_similarity: float | None = None  # over all retrieval candidates, set by the assistant

    @functools.cached_property
    def coarse(self) -> dict[str, str]:
        """Stem -> Lancaster stem ("scale" ~ "Scalability").

        Computed on first use, after the embedding model has loaded: NLTK then imports in 0.15 s,
        against 1.5 s cold alongside the model.
        """
        return {st: lancaster(w) for st, w in self.words.items()}


class ExtractiveAnswerer:
    """Composes answers from retrieved passages; deterministic and offline.

    Args:
        retriever: a loaded :class:`Retriever` (gives passages and corpus statistics).
        min_similarity: below this best-passage cosine similarity the corpus is off-topic.
    """

    def __init__(self, retriever: Retriever, min_similarity: float = 0.30,
                 synonyms: list[tuple[str, list[str]]] | None = None) -> None:
        self.r = retriever
        self.min_similarity = min_similarity
        # (corpus word, pattern of the everyday words a question may use for it)
        self.synonyms = [(word, re.compile(r"\b(?:" + "|".join(map(re.escape, alts)) + r")\b", re.I))
                         for word, alts in (synonyms or []) if alts]

    def expand(self, question: str) -> list[str]:
        """Corpus words for the everyday words of a question: "drawbacks" -> ["weaknesses"]."""
        low = question.lower()
        return [word for word, alts in self.synonyms if alts.search(question) and word not in low]

    # ----- question analysis -----------------------------------------------------------
    def analyse(self, question: str, history: list[str] | None = None) -> Question:
        prev = [h for h in (history or []) if h.strip()][-1:]  # the last user turn carries the subject
        follow = bool(prev) and is_follow_up(question)
        terms: dict[str, float] = {}
        if follow:
            for s in self.content_stems(prev[0]):
                terms[s] = 0.4
        for s in self.content_stems(question):
            terms[s] = 1.0
        expansion = self.expand(question)
        for s in self.content_stems(" ".join(expansion)):
            terms.setdefault(s, SYNONYM_WEIGHT)
        qtype = question_type(question)
        if follow and qtype == "other":
            qtype = question_type(prev[0])
        search = f"{prev[0]} {question}" if follow else question
        carried = self.key_terms(prev[0]) if follow else []
        q = Question(question, terms, self.key_terms(question), qtype, search, carried,
                     expansion=" ".join(expansion))
        # Computed once here: the re-ranker scores every candidate unit with them, for each search.
        words = [w for w in tokens(question) if w not in STOPWORDS and len(w) > 3 and w.isalpha()]
        q.words = {st: w for w, st in zip(words, self.r.stem_all(words), strict=True) if st in terms}
        m = DEFINE_Q.match(question)
        if m:
            name = re.escape(m.group("x")).replace(r"\ ", r"\s+")
            q.definition = re.compile(rf"(?:the |an? )?{name}s?\b[^.]{{0,40}}?\b(?:is|are|was|were|refers? to)\b",
                                      re.I)
        m = COUNTED_RE.search(question)
        if m:
            noun = (m.group(1) or m.group(2)).lower()
            q.counted = "" if noun in MEASURE_WORDS else noun
        return q

    def content_stems(self, text: str) -> list[str]:
        words = [w for w in tokens(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]
        stems = []
        for w, stem in zip(words, self.r.stem_all(words), strict=True):
            parts = w.split("-")
            if len(parts) < 2 or not all(x.isalpha() for x in parts):
                stems.append(stem)
                continue
            joined = self.r.stem_all(["".join(parts)])[0]  # "trade-off" is also written "tradeoff"
            found = [x for x in (stem, joined) if x in self.r.doc_freq]
            # "safety-related" is not a corpus word; "features related to safety" has both halves.
            stems += found or self.r.stem_all([x for x in parts if x not in STOPWORDS and len(x) > 1])
        return stems

    def _names_any(self, q: Question, u: Unit) -> bool:
        """Does the unit's passage mention a name the question asks about (any side of a comparison)?"""
        naming = self.naming_terms(q)
        return not naming or len(self.absent_key_terms(q, [u])) < len(naming)

    def _counts_asked(self, q: Question, u: Unit) -> bool:
        """Does the unit count what the question counts ("how many people": "17 people")?"""
        if not q.counted:  # "how many times was it cited": the count is of citations, not "times"
            return True
        have = self.stem_set(f"{u.passage.section} {u.text}")
        return self.r.stem_all([q.counted])[0] in have or lancaster(q.counted) in lancaster_set(u.text)

    @staticmethod
    def _holds_amount(q: Question, u: Unit) -> bool:
        text = u.text if u.kind != "lead" else u.passage.text
        return bool(fact_numbers(text, set(NUMBER_RE.findall(q.text))) or AMOUNT_WORDS_RE.search(text))

    def stem_set(self, text: str) -> set[str]:
        """The stems of a passage's words, hyphenated ones also by their halves and joined ("trade-off":
        trade, off, tradeoff)."""
        words = tokens(text)
        words += [x for w in words if "-" in w for x in [*w.split("-"), w.replace("-", "")] if x]
        return set(self.r.stem_all(words))

    def key_terms(self, text: str) -> list[str]:
        """Names, model versions, numbers: things the corpus must mention to answer."""
        out = []
        for m in re.finditer(r"[A-Za-z0-9][\w.\-']*(?:\s+\d[\w.]*)?", text):
            word = m.group(0).rstrip(".'").replace("'s", "")
            first = word.split()[0]
            if " " in word and (first.lower() in MONTHS or not (first[:1].isupper() or first[:1].isdigit())):
                if first.lower() in MONTHS:
                    out.append(first)
                word = first = word.split()[-1]  # "the 2020", "January 2024": the number on its own
            has_digit = any(c.isdigit() for c in word)
            is_cap = first[:1].isupper() and first.lower() not in GENERIC_CAPS
            is_acronym = sum(c.isupper() for c in first) >= 2
            if m.start() == 0 and not (has_digit or is_acronym):
                continue  # the first word of a question is capitalised anyway
            if has_digit or is_cap or is_acronym:
                out.append(word)
        return out

    def unknown_terms(self, q: Question) -> list[str]:
        missing = []
        for term in q.key_terms:
            words = tokens(term)
            if not words:
                continue
            if len(words) > 1 and all(w in self.r.vocab for w in words):
                # "Claude 2" / "Gemma 3": every word is known, but is the pair?
                parts = phrase_words(term)
                if all(w[0].isdigit() for w in parts[1:]) and parts not in self.r.numbered:
                    missing.append(term)
            elif not all(w in self.r.vocab or self._known_variant(w) for w in words):
                missing.append(term)
        return missing

    def coverage(self, q: Question, chosen: list[Unit]) -> float:
        """Share of the question's weight (idf; words the corpus lacks weigh most) the answer covers."""
        context = " ".join(f"{u.passage.title} {u.passage.section} {u.passage.text}" for u in chosen)
        have = self.stem_set(context)
        current = {s: w for s, w in q.terms.items() if w >= 1.0}
        total = sum(self.r.idf(s) for s in current)
        return sum(self.r.idf(s) for s in current if s in have) / total if total else 1.0

    def absent_key_terms(self, q: Question, chosen: list[Unit]) -> list[str]:
        """Key terms of the question that none of the chosen units' passages mention."""
        context = " ".join(f"{u.passage.title} {u.passage.section} {u.passage.text}" for u in chosen)
        have = set(tokens(context)) | set(self.r.stem_all(tokens(context)))
        return [t for t in self.naming_terms(q) if not self._mentions(t, have)]

    def naming_terms(self, q: Question) -> list[str]:
        """Key terms rare enough to say what a question is about ("AI", in most passages, is not)."""
        n = len(self.r.passages) or 1
        out = []
        for term in q.key_terms:
            stems = self.r.stem_all(self._key_words(term))
            if stems and any(self.r.doc_freq.get(s, 0) <= 0.2 * n for s in stems):
                out.append(term)
        return out

    @staticmethod
    def _key_words(term: str) -> list[str]:
        words = [w.split("-")[0] if "-" in w and not w.split("-")[-1].isdigit() else w for w in tokens(term)]
        return [w for w in words if w not in STOPWORDS and not w.isdigit() and w not in MONTHS]

    def _mentions(self, term: str, have: set[str]) -> bool:
        words = self._key_words(term)
        return not words or any(w in have or self.r.stem_all([w])[0] in have for w in words)

    def _known_variant(self, word: str) -> bool:
        """'RLHF-tuned' (known parts), 'January' ('Jan'), 'autoencoders' (stem)."""
        if self.r.stem_all([word])[0] in self.r.doc_freq:
            return True
        if word in MONTHS and word[:3] in self.r.vocab:
            return True
        # "RLHF-tuned", "SAE-reconstructed": a compound is known when the thing it names is.
        head = word.split("-")[0]
        return "-" in word and (head in self.r.vocab or self.r.stem_all([head])[0] in self.r.doc_freq)

    # ----- answering ---------------------------------------------------------------------
    def answer(self, question: str, passages: list[Passage], q: Question | None = None) -> Answer:
        q = q or self.analyse(question)
        unknown = self.unknown_terms(q)
        best_sim = max((p.similarity or 0.0 for p in passages), default=0.0)
        if q.best_similarity is not None:
            best_sim = max(best_sim, q.best_similarity)
        if not passages or unknown or best_sim < self.min_similarity:
            if unknown:
                why = "The corpus never mentions " + ", ".join(f"“{t}”" for t in unknown) + "."
            elif not passages:
                why = "Nothing in the corpus matches the question."
            else:
                why = "No passage of the corpus is close to this question."
            return self.abstain(question, passages, why, q)
        units = self.score_units(q, passages)
        if not units or units[0].score <= 0:
            return self.abstain(question, passages, "No passage contains the words of the question.", q)
        chosen = self.choose(q, units)
        if best_sim < 0.3 and self.coverage(q, chosen) < 0.2:
            return self.abstain(question, passages, "No passage is about what the question asks.", q)
        if q.counted is not None and not any(self._holds_amount(q, u) and self._names_any(q, u)
                                             and self._counts_asked(q, u) for u in chosen):
            # "How many people work at DeepMind?": one passage names DeepMind, another gives Anthropic's
            # head count; no passage gives a number about what was asked.
            names = self.naming_terms(q)
            why = "No passage gives the number" + (f" of {q.counted}" if q.counted else "") + (
                " for " + " ".join(names) if names else "") + "."
            return self.abstain(question, passages, why, q)
        absent = self.absent_key_terms(q, chosen)
        if absent:
            # The corpus knows each name, but not together: "How many people work at DeepMind?"
            # finds Anthropic's head count. Saying so beats answering about something else.
            why = "No passage about " + ", ".join(f"“{t}”" for t in absent) + " answers this."
            return self.abstain(question, passages, why, q)
        text, cites = self.compose(q, chosen)
        return Answer(
            question=question, text=text, citations=cites, abstained=False, passages=passages,
            standalone_question=q.search_text if q.search_text != question else None,
        )

    def rerank(self, q: Question, passages: list[Passage]) -> list[Passage]:
        """Re-order fused candidates by their best citable unit (sentence, item or row).

        A passage ranks high when one of its units carries the question's rarer words and,
        for "how many"/"when" questions, the kind of fact asked for.
        """
        best: dict[str, float] = {}
        for u in self.score_units(q, passages, rank_weight=0.2):
            best[u.passage.id] = max(best.get(u.passage.id, -1e9), u.score)
        out = sorted(passages, key=lambda p: -best.get(p.id, -1e9))
        for p in out:
            p.score = round(best.get(p.id, 0.0), 6)
        return out

    def abstain(self, question: str, passages: list[Passage], why: str, q: Question) -> Answer:
        topics: list[str] = []
        for p in passages:
            topic = f"{p.title} — {p.section}" if p.section else p.title
            if topic not in topics:
                topics.append(topic)
        topics = topics[:3]
        text = f"The corpus does not say. {why}"
        if topics:
            text += " Closest topics it covers: " + "; ".join(topics) + "."
        return Answer(
            question=question, text=text, citations=[], abstained=True, status="abstained",
            passages=passages, closest_topics=topics,
            standalone_question=q.search_text if q.search_text != question else None,
        )

    def units_of(self, p: Passage) -> list[Unit]:
        if p.kind == "table_row":
            return [Unit(p, p.text, "row")]
        if p.kind == "metadata":
            return [Unit(p, line, "meta") for line in p.text.split("\n") if line.strip()]
        if p.kind == "list":
            lines = [ln for ln in p.text.split("\n") if ln.strip()]
            return [Unit(p, ln, "lead" if k == 0 and ln.endswith(":") else "item") for k, ln in enumerate(lines)]
        return [Unit(p, s, "sentence") for s in split_sentences(p.text)]

    def score_units(self, q: Question, passages: list[Passage], rank_weight: float = 0.35) -> list[Unit]:
        units: list[Unit] = []
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
                lexical = sum(q.terms[s] * self.r.idf(s) for s in u.covered)
                if q.coarse:  # words of the same family the Snowball stems keep apart
                    ul = lancaster_set(u.text)
                    lexical += DERIVED_MATCH_WEIGHT * sum(q.terms[s] * self.r.idf(s) for s, ls in q.coarse.items()
                                                          if s not in u.covered and s not in ctx and ls in ul)
                # A sentence under "Red-Teaming" is about red-teaming without saying so; it counts in full.
                # A front-matter line names its document only through the title (names_document weighs that).
                ctx_weight = 0.5 if u.kind == "meta" else 1.0
                lexical += ctx_weight * sum(q.terms[s] * self.r.idf(s) for s in ctx)
                total = sum(w * self.r.idf(s) for s, w in q.terms.items()) or 1.0
                u.score = lexical / total + rank_weight / (1 + rank) + type_bonus(q, u.text)
                if u.kind == "meta":
                    if names_doc is None:
                        names_doc = self.names_document(q, p)
                    field_words = tokens(u.text.split(":", 1)[0])
                    header = set(self.r.stem_all(field_words))
                    # "How often was it cited?" names the "Citations" field through a coarser stem.
                    derived = any(lancaster(w) in q.coarse.values() for w in field_words if w not in GENERIC_FIELDS)
                    u.score += meta_bonus(q, u.text, header, derived) if names_doc else -0.3
                if q.definition and q.definition.match(u.text):
                    u.score += 0.3  # "What is Gemma Scope?" is answered by "Gemma Scope is ..."
                if u.kind == "sentence" and u.text.rstrip().endswith(":"):
                    u.score -= 0.3  # "Per Bereska & Gavves (2024), a review ...:" introduces an answer, is none
                if q.qtype == "list" and p.kind == "list":
                    u.score += 0.2
                    # The lead line says what the list is: "The Goal: ..." answers "what are the goals".
                    lead = self.stem_set(p.text.split("\n", 1)[0])
                    u.score += LEAD_W * sum(q.terms[s] * self.r.idf(s) for s in q.terms if s in lead) / total
                u.score -= version_mismatch(q, f"{p.title}\n{u.text}")  # the title says what it is about
                units.append(u)
        units.sort(key=lambda u: -u.score)
        return units

    def names_document(self, q: Question, p: Passage, min_idf: float = 2.0) -> bool:
        """Does the question name the document a front-matter passage describes?

        "Year: 2024" answers "when was *Towards Monosemanticity* published?", not every
        "when" question: the question must share a rare word (idf >= ``min_idf``, about
        one passage in ten or fewer) with the document's title or its field values.
        """
        values = " ".join(line.split(":", 1)[-1] for line in p.text.split("\n"))
        have = set(self.r.stem_all(tokens(f"{p.title} {values}")))
        return sum(self.r.idf(s) for s, w in q.terms.items() if w >= 1.0 and s in have) >= min_idf

    def choose(self, q: Question, units: list[Unit]) -> list[Unit]:
        best = units[0]
        chosen = [best]
        if best.kind == "lead" or (q.qtype == "list" and best.passage.kind == "list"):
            return chosen
        covered = set(best.covered)
        if best.kind == "row" and re.match(r"\W*(which|what)\b", q.text, re.I):
            # "Which approaches are in production use?": every row of the table that matches as well.
            for u in units[1:8]:
                if (u.kind == "row" and u.passage.section == best.passage.section and u.covered == best.covered
                        and u.score >= 0.75 * best.score and len(chosen) < 3):
                    chosen.append(u)
            if len(chosen) > 1:
                return chosen
        # A comparison names two things: add the best unit for a named thing still missing.
        for term in q.key_terms:
            stems = set(self.content_stems(term))
            if stems and not stems & covered:
                near = [u for u in units[1:12] if stems & u.own and u.score >= 0.5 * best.score]
                # "Did A or B extract more?": B's side is the unit holding B's number, when one does.
                extra = next((u for u in near if type_bonus(q, u.text) > 0), near[0] if near else None)
                if extra and extra not in chosen and len(chosen) < 3:
                    chosen.append(extra)
                    covered |= extra.covered
        for u in units[1:4]:
            if len(chosen) >= 2:
                break
            new = {s for s in u.covered - covered if q.terms.get(s, 0) >= 1.0}
            if u.score >= 0.75 * best.score and new and u.text not in {c.text for c in chosen}:
                chosen.append(u)
                covered |= u.covered
            if len(chosen) == 2:
                break
        return chosen

    def compose(self, q: Question, chosen: list[Unit]) -> tuple[str, list[Passage]]:
        cites: list[Passage] = []
        parts: list[str] = []
        whole: set[str] = set()  # list passages already given in full
        for u in chosen:
            if u.passage.id in whole:
                continue
            if u.passage.id not in [c.id for c in cites]:
                cites.append(u.passage)
            n = [c.id for c in cites].index(u.passage.id) + 1
            if u.kind == "row":
                body = self.render_row(q, u)
            elif u.kind == "lead" or (u.kind == "item" and q.qtype == "list" and not self._item_answers(u)) or (
                    u.kind == "item" and q.qtype not in ("count", "when") and len(u.passage.text) <= SHORT_LIST):
                # A short list is one answer: "If main risk is misuse: limited help; ...; Low priority".
                body = render_list(u.passage.text)
                whole.add(u.passage.id)
            elif u.kind == "item":
                lead = u.passage.text.split("\n", 1)[0]
                body = u.text if lead == u.text or not lead.endswith(":") else f"{lead} {u.text}"
                children = sub_items(u.passage.text, u.text)
                if children:  # "5. Be tamper-proof" is a heading; what it means is in its sub-items
                    body = f"{body}: {'; '.join(children)}"
            else:
                body = u.text
            if q.qtype in ("count", "when", "who") and u.kind != "row" and not parts:
                fact = lead_fact(q, body, self.r)
                if fact and not body.startswith(fact):
                    body = f"{fact} — {body}"
            parts.append(f"{ensure_period(body)} [{n}]")
        return " ".join(parts), cites

    def _item_answers(self, u: Unit) -> bool:
        """Does the item itself (not its list's lead line) carry the question's rarer words?"""
        lead = u.passage.text.split("\n", 1)[0]
        lead_stems = set(self.r.stem_all(tokens(lead)))
        return any(s not in lead_stems for s in u.own)

    def render_row(self, q: Question, u: Unit) -> str:
        """A table row, the cell that answers first: 'Features Identified: 34 million features (…)'."""
        cells = [c for c in u.text.split("\n") if ": " in c]
        if not cells:
            return u.text
        scored, holding = [], []
        for i, cell in enumerate(cells):
            header, value = cell.split(": ", 1)
            hstems = set(self.r.stem_all(tokens(header)))
            vstems = self.stem_set(value)
            s = sum(q.terms.get(t, 0) * self.r.idf(t) for t in hstems) * 1.0
            coarse = lancaster_set(header)  # "scale" names the "Scalability" column
            s += DERIVED_MATCH_WEIGHT * sum(q.terms.get(t, 0) * self.r.idf(t) for t, ls in q.coarse.items()
                                            if t not in hstems and ls in coarse)
            s += sum(q.terms.get(t, 0) * self.r.idf(t) for t in vstems) * 0.6
            typed = type_bonus(q, value)
            if q.qtype == "who":  # "Source: Olah et al." answers "whose work ...?"; a capital letter does not
                typed = 0.2 if header in WHO_FIELDS else 0.0
            s += 2 * typed
            scored.append((s, i, header, value))
            if typed > 0 and q.qtype in ("count", "when", "who"):
                holding.append(scored[-1])
        # "How many ...?" / "When ...?" is answered by a cell holding a number or date, when one does.
        answer_cell = max(holding or scored, key=lambda x: (x[0], -x[1]))
        key_cell = scored[0]
        ordered = [answer_cell]
        if key_cell is not answer_cell:
            ordered.append(key_cell)
        for s in sorted(scored, key=lambda x: -x[0]):
            if s not in ordered and s[0] > 0 and len(ordered) < 4:
                ordered.append(s)
        if len(ordered) == 1:
            # "What is neural network dark matter?" matches the row's name; the answer is the rest.
            ordered += [s for s in scored if s not in ordered][:2]
        _, _, h0, v0 = ordered[0]
        rest = "; ".join(f"{h}: {v}" for _, _, h, v in ordered[1:])
        return f"{h0}: {v0}" + (f" ({rest})" if rest else "")


def question_type(q: str) -> str:
    if COUNT_Q.search(q):
        return "count"
    if WHEN_Q.search(q):
        return "when"
    if WHO_Q.search(q):
        return "who"
    if LIST_Q.search(q):
        return "list"
    return "other"


def is_follow_up(q: str) -> bool:
    return bool(FOLLOW_UP_RE.search(q)) or len(tokens(q)) <= 4


SYNONYM_WEIGHT = 0.9  # a corpus word the question says in other words ("drawbacks" for "weaknesses")
LEAD_W = 0.4  # weight of the question words a list's lead line carries, for list questions
SHORT_LIST = 400  # characters: a list this short is answered whole
META_FOR = {"when": ("Year",), "who": ("Authors", "Organization", "Publisher")}
WHO_FIELDS = {"Authors", "Author", "Organization", "Publisher", "Source", "Lab", "Team", "Company", "By"}
# Field names that are also question words: "what kind of model", "what number of features".
GENERIC_FIELDS = {"kind", "type", "sort", "number", "count"}


def meta_bonus(q: Question, line: str, stems: set[str], derived: bool = False) -> float:
    """Front-matter lines answer questions about their field ("how many citations", "who wrote")."""
    header = line.split(":", 1)[0]
    if q.qtype in META_FOR:
        # "When was it published?" wants the Year line, not the Publisher line. A field wanted by the
        # question's type weighs less than one it names: "2024 (May)" in the timeline says more than "Year: 2024".
        return 0.3 if header in META_FOR[q.qtype] else -0.2
    if q.qtype == "count" and not fact_numbers(line.split(":", 1)[-1], set(NUMBER_RE.findall(q.text))):
        return -0.2  # "How many ...?" is not answered by "Organization: DeepMind", whatever the field
    if (stems - GENERIC_FIELDS) & set(q.terms) or derived:
        return 0.6
    return -0.2


def name_runs(text: str) -> list[str]:
    """Capitalised names as the question writes them: "What is Gemma Scope?" -> ["Gemma Scope"]."""
    out = []
    for run in re.findall(r"[A-Z][\w\-]*(?:\s+(?:[A-Z][\w\-]*|\d[\w.]*))*", text):
        words = run.split()
        while words and words[0].lower() in GENERIC_CAPS:
            words = words[1:]
        if words:
            out.append(" ".join(words))
    return out


def version_mismatch(q: Question, text: str) -> float:
    """'What is Gemma Scope?' should not be answered about Gemma Scope 2, nor the other way round."""
    asked = q.search_text
    for name in name_runs(asked):
        base, _, number = name.rpartition(" ")
        if base and number[:1].isdigit() and not any(c.isdigit() for c in base):
            # "Gemma Scope 2" asked; the text names "Gemma Scope" but never with the 2.
            if re.search(rf"\b{re.escape(base)}\b", text) and not re.search(
                    rf"\b{re.escape(base)}\s+{re.escape(number)}\b", text):
                return 0.3
            continue
        if any(c.isdigit() for c in name) or len(name) < 3:
            continue
        # "Gemma Scope" asked; the text is about "Gemma Scope 2" ("Gemma 2", another name, does not count).
        for m in re.finditer(re.escape(name) + r"\s+(\d+)\b", text):
            if m.group(1) not in asked:
                return 0.3
    return 0.0


def type_bonus(q: Question, text: str) -> float:
    """Favour units holding the kind of fact asked for (a number the question does not contain)."""
    qtype = q.qtype
    asked = set(NUMBER_RE.findall(q.text))
    if qtype == "count" and fact_numbers(text, asked):
        return 0.25
    if qtype == "when":
        month = re.search(r"\b(January|February|March|April|May|June|July|August|September|October|November|"
                          r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b", text)
        if YEAR_RE.search(text) or month:
            return 0.35 if month else 0.25  # "2024 (May)" answers "when" more exactly than "2024"
        return 0.0
    if qtype == "who":
        asked = set(tokens(q.text))
        names = [w for w in re.findall(r"\b[A-Z][\w&.-]+", text[1:]) if w.lower() not in asked]
        return 0.2 if names else 0.0
    return 0.0


MEASURE_WORDS = {"times", "ways", "kinds", "types", "sorts", "more", "other", "different", "total", "of", "in",
                 "the", "such", "distinct", "separate", "individual", "new"}
# "How many X", "number of X": asks for a count of X ("how much work" may not want a number at all).
COUNTED_RE = re.compile(r"\bhow many ([a-z][\w-]*)|\bnumber of ([a-z][\w-]*)", re.I)
# Amounts written in words: "about a third", "hundreds of SAEs", "millions of features".
AMOUNT_WORDS_RE = re.compile(r"\b(?:a|one|two) (?:third|quarter|half)\b|\bhalf\b|\b(?:dozens|hundreds|thousands|"
                             r"millions|billions|trillions)\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|"
                             r"eleven|twelve|twenty|fifty|hundred)\b", re.I)
# A number that is part of a name: "Claude 3", "GPT-4", "Gemma 2" (not "34M features").
NAME_NUMBER_RE = re.compile(r"(?:\b[A-Z][\w]*[\s-]|-)$")


def fact_numbers(text: str, asked: set[str]) -> list[str]:
    """Numbers in ``text`` that could answer "how many": not asked already, not a year, not a version."""
    out = []
    for m in NUMBER_RE.finditer(text):
        n = m.group(0)
        if n in asked or YEAR_RE.fullmatch(n) or NAME_NUMBER_RE.search(text[max(0, m.start() - 20) : m.start()]):
            continue
        out.append(n)
    return out


# Weight of a question word matched only through a coarser stem ("scale" ~ "Scalability", "cited" ~
# "Citations", which the Snowball stems used everywhere else keep apart).
DERIVED_MATCH_WEIGHT = 0.5


@functools.cache
def _lancaster_stemmer():
    from nltk.stem import LancasterStemmer

    return LancasterStemmer()


@functools.lru_cache(maxsize=200_000)
def lancaster(word: str) -> str:
    """Lancaster stem: coarser than Snowball, so words of one family meet ("scale", "scalability")."""
    return _lancaster_stemmer().stem(word)


@functools.lru_cache(maxsize=100_000)
def lancaster_set(text: str) -> frozenset[str]:
    return frozenset(lancaster(w) for w in tokens(text) if w.isalpha() and len(w) > 3)


def load_synonyms(path: Path | None = None) -> list[tuple[str, list[str]]]:
    """Synonym groups, one per line: ``corpus word: everyday word, other words``; # starts a comment."""
    from importlib import resources

    text = path.read_text(encoding="utf-8") if path else (
        resources.files("interp_qa").joinpath("synonyms.txt").read_text(encoding="utf-8"))
    groups = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        word, sep, alts = line.partition(":")
        others = [a.strip().lower() for a in alts.split(",") if a.strip()]
        if not sep or not word.strip() or not others:
            raise ValueError(f"{path or 'synonyms.txt'}:{n}: expected 'corpus word: other word, other word', "
                             f"got {line!r}")
        groups.append((word.strip().lower(), others))
    return groups


def split_sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z“\"(])", text.strip())
    return [p.strip() for p in parts if p.strip()]


def ensure_period(text: str) -> str:
    text = text.rstrip().removesuffix(":")  # "... for AI safety:" said alone ends with a period
    return text if text.endswith((".", "!", "?", "”", '"', ")")) else text + "."


def sub_items(text: str, item: str) -> list[str]:
    """The "- " lines nested under a numbered ``item`` ("5. Be tamper-proof") of a list passage."""
    if not re.match(r"\d+[.)]\s", item):
        return []
    lines = [ln for ln in text.split("\n") if ln.strip()]
    if item not in lines:
        return []
    out = []
    for ln in lines[lines.index(item) + 1 :]:
        if not ln.startswith("- "):
            break
        out.append(ln[2:].strip())
    return out


def render_list(text: str) -> str:
    """A list passage as one line; long items shortened to their label ("Sycophancy features")."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    lead = lines[0] if lines[0].endswith(":") else ""
    items = lines[1:] if lead else lines
    full = "; ".join(i.lstrip("- ") for i in items)
    if len(full) > SHORT_LIST:
        # "Sycophancy features: Patterns that ..." -> its label; an item with no short label stays whole.
        short = [re.sub(r"^(.{1,60}?):\s.*$", r"\1", i.lstrip("- ")) for i in items]
        full = "; ".join(short)
    return f"{lead} {full}".strip()


def lead_fact(q: Question, sentence: str, r: Retriever) -> str | None:
    """The span of a sentence that answers a count/when question, to put first."""
    if q.qtype == "count":
        best, best_score = None, -1.0
        asked = set(NUMBER_RE.findall(q.text))
        for m in NUMBER_RE.finditer(sentence):
            if m.group(0) in asked or YEAR_RE.fullmatch(m.group(0)):
                continue  # "Claude 3", "in 2024": part of the question, not its answer
            span = m.group(0)
            for w in re.findall(r"[\w\-']+|[^\w\s]", sentence[m.end() : m.end() + 60])[:3]:
                if not re.fullmatch(r"[\w\-']+", w) or w.lower() in STOPWORDS:
                    break
                span += " " + w
            before = re.search(r"(?:(?:approximately|about|roughly|around|nearly|over|some|≈)\s+)$",
                               sentence[: m.start()])
            if before:
                span = before.group(0) + span
            stems = set(r.stem_all(tokens(sentence[max(0, m.start() - 40) : m.end() + 40])))
            score = sum(q.terms.get(s, 0) for s in stems)
            if score > best_score:
                best, best_score = span, score
        return best
    if q.qtype == "when":
        m = re.search(r"\b(?:(?:January|February|March|April|May|June|July|August|September|October|"
                      r"November|December)\s+)?(?:19|20)\d\d\b", sentence)
        return m.group(0) if m else None
    return None


MARKER_RE = re.compile(r"\s*\[(\d+)\]")


def untraceable(answer_text: str, citations: list[Passage]) -> list[str]:
    """Fragments of an answer that do not appear in the passage their [n] marker cites.

    An extractive answer is built only from copied spans, so this list is empty for
    every answer it gives; it is the check a generated answer must also pass.
    """
    bad: list[str] = []
    pos = 0
    for m in MARKER_RE.finditer(answer_text):
        segment, pos = answer_text[pos : m.start()], m.end()
        n = int(m.group(1))
        if not 1 <= n <= len(citations):
            bad.append(f"[{n}] points at no citation")
            continue
        source = re.sub(r"\s+", " ", citations[n - 1].text)
        for frag in re.split(r"\s—\s|;\s|\s\(|\)|:\s|\n", segment):
            frag = frag.strip().rstrip(".").strip()
            frag = re.sub(r"^[-*] ", "", frag)
            if frag and frag not in source:
                bad.append(frag)
    return bad
