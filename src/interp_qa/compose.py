"""Composition: question + re-ranked passages -> a cited :class:`Answer`, or an abstention saying why.

Every sentence of an answer is a sentence, list item, or table cell copied from the passage its
[n] marker cites, so each claim can be checked against its source. When the corpus does not
answer (the question names things the corpus never mentions, or no passage is close enough),
it abstains and says which topics it does cover. Whether a section, a comparison or a whole document answers
instead of one fact is :mod:`interp_qa.scope`'s decision.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from .digest import document_digest, related_digest, section_digest
from .question import CorpusStats, Question
from .rerank import (
    AMOUNT_WORDS_RE,
    NAME_NUMBER_RE,
    WHO_FIELDS,
    Unit,
    UnitScorer,
    fact_numbers,
    stated,
    type_bonus,
    version_mismatch,
)
from .scope import ScopeFinder
from .sections import PATH_SEP, Section, SectionTree
from .text import (
    ABSTAIN_PHRASE,
    LABELLED_RE,
    MARKER_RE,
    MONTHS,
    NUMBER_RE,
    STOPWORDS,
    YEAR_RE,
    ensure_period,
    lancaster,
    lancaster_set,
    long_form,
    phrase_words,
    row_cells,
    split_sentences,
    tokens,
)
from .types import Answer, Passage
from .weights import (
    DIGEST_CHARS,
    JOIN_SHARE,
    LIST_TIE_ITEMS,
    LIST_TIE_SHARE,
    MIN_COVERAGE,
    NAMED_COVER,
    RELATED_BELOW_COVER,
    RELATED_BELOW_COVER_UNNAMED,
    RELATED_MIN_CHARS,
    RELATED_PASSAGES,
    ROW_VALUE_WEIGHT,
    SCOPE_NEAR_BEST,
    SHORT_LIST,
    SIDE_SHARE,
    SPLIT_LIST_ITEMS,
    WEAK_SIMILARITY,
    WHO_BONUS,
)

# What heads the passages a fact adds when it may be only part of the answer.
SEE_ALSO = "See also:"

def shift_markers(text: str, by: int) -> str:
    """``text``'s [n] markers numbered on after ``by`` citations, for appending it to an answer that has them."""
    return re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + by}]", text)


def versioned_and_bare(text: str) -> list[re.Pattern]:
    """Names a question asks both with a version and without ("Gemma Scope and Gemma Scope 2"), each as a pattern
    of the bare name's words not followed by a number."""
    out = []
    for m in re.finditer(r"\b([A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)\s+\d+\b", text):
        if re.search(rf"\b{re.escape(m.group(1))}\b(?!\s+\d)", text):
            out.append(re.compile(rf"\b{' '.join(phrase_words(m.group(1)))}\b(?! \d)"))
    return out


class Composer:
    """Turns a question and its re-ranked passages into an :class:`Answer`, or an abstention with its reason.

    Args:
        stats: corpus statistics (stems, document frequencies, vocabulary).
        scorer: the unit scorer the passages were re-ranked with.
        min_similarity: below this best-passage cosine similarity the corpus is off-topic.
    """

    def __init__(self, stats: CorpusStats, scorer: UnitScorer, min_similarity: float,
                 tree: SectionTree | None = None, main_document: Callable[[], str | None] | None = None,
                 documents: Callable[[], list[tuple[str, str, int]]] | None = None) -> None:
        self.stats = stats
        self.scorer = scorer
        self.min_similarity = min_similarity
        self.tree = tree
        self.main_document = main_document
        self.scope = ScopeFinder(stats, scorer, tree, main_document, documents)

    def answer(self, question: str, passages: list[Passage], q: Question,
               section_sims: dict | None = None) -> Answer:
        """The cited answer to ``q`` from ``passages`` (re-ranked, best first), or an abstention.

        ``section_sims`` (section key -> cosine similarity of its card to the question) lets a
        question be answered by a whole section or a comparison rather than one fact.
        """
        if q.whole_document and self.tree is not None and self.main_document is not None:
            main = self.main_document()
            if main:  # "Give me an overview.": the main document's digest, whatever passage is nearest
                text, cites = document_digest(self.tree, main, verdicts=q.conclusions)
                return Answer(question=question, text=text, citations=cites, abstained=False, passages=passages,
                              scope="document", standalone_question=q.standalone)
        off_topic = self.scope.off_topic(q)
        if off_topic:  # "What does the survey say about AI consciousness?" got the survey's digest
            return self.abstain(question, passages, "The corpus never mentions " + ", ".join(
                f"“{w}”" for w in off_topic) + ".", q)
        # "Summarize the Scaling Monosemanticity paper", "What did Bereska and Gavves find?", "Tell me about Gemma
        # Scope.": that reference's digest
        reference = self.scope.named_document(q) if q.overview or q.reports or q.about_entity else None
        if reference is None and q.reports:
            reference = self.scope.document_of_words(q)
        if reference is not None and self.tree is not None:
            text, cites = document_digest(self.tree, reference)
            # ... and what the survey says of it, in its tables' rows that link to it: "What did the early circuits
            # work establish?" is asked of the survey's "First demonstration of interpretable circuits" as well
            main = self.main_document() if self.main_document else None
            said, citing = related_digest(self.scope.citing_rows(reference), self.scope.header_weight(q),
                                          DIGEST_CHARS - len(text) - len(SEE_ALSO) - 3, main)
            if said:
                text, cites = f"{text}\n\n{SEE_ALSO}\n{shift_markers(said, len(cites))}", cites + citing
            return Answer(question=question, text=text, citations=cites, abstained=False, passages=passages,
                          scope="document", standalone_question=q.standalone)
        unknown = self.unknown_terms(q)
        best_sim = max((p.similarity or 0.0 for p in passages), default=0.0)
        if q.best_similarity is not None:
            best_sim = max(best_sim, q.best_similarity)
        if not passages or unknown:
            why = ("The corpus never mentions " + ", ".join(f"“{t}”" for t in unknown) + "." if unknown
                   else "Nothing in the corpus matches the question.")
            return self.abstain(question, passages, why, q)
        units = self.scorer.score_units(q, passages)
        if best_sim < self.min_similarity and not self.says_every_name(q, units[:1]) and not self.names_a_heading(q):
            return self.abstain(question, passages, "No passage of the corpus is close to this question.", q)
        # "What safety features were found in Claude 3 Sonnet?" matched the works cited ("Also cited in the text:
        # Scaling Monosemanticity: ... Claude 3 Sonnet"): a list of titles says nothing of what they found.
        units = [u for u in units if not self.lists_works(q, u.passage)] or units
        if not units or units[0].score <= 0:
            return self.abstain(question, passages, "No passage contains the words of the question.", q)
        rows = self.scope.subject_rows(q) if q.about_entity else []
        if rows:
            # "Tell me about Anthropic.": the row whose subject it is says what it did, though the question's one
            # word matched the roll call of labs ("Organizations Leading Work: Anthropic (...), OpenAI (...), ...").
            chosen = self.scorer.score_units(q, rows)[:3]
            text, cites = self.compose(q, chosen)
            linked = self.scope.linked_document(rows[0]) if len(rows) == 1 else None
            if linked is not None and self.tree is not None and DIGEST_CHARS - len(text) >= RELATED_MIN_CHARS:
                # "What did the MIT agent actually do?": its row names the work it links ("Automated interpretability
                # agent"), and that work's own summary says what it did
                work, work_cites = document_digest(self.tree, linked, DIGEST_CHARS - len(text) - 2)
                return Answer(question=question, text=f"{text}\n\n{shift_markers(work, len(cites))}",
                              citations=cites + work_cites,
                              abstained=False, passages=passages, standalone_question=q.standalone)
            text, cites = self.see_also(q, chosen, passages, text, cites)
            return Answer(question=question, text=text, citations=cites, abstained=False, passages=passages,
                          standalone_question=q.standalone)
        wider = self.scope.wider(q, passages, units, section_sims or {})
        if wider is not None:
            text, cites, scope = wider
            if scope == "section" and self.beyond_section(q, cites):
                text, cites = self.related(q, passages, text, cites, near=True)
            return Answer(question=question, text=text, citations=cites, abstained=False, passages=passages,
                          scope=scope, standalone_question=q.standalone)
        chosen = self.choose(q, units)
        captioned = self.scope.captioned(q, chosen)
        if captioned is not None and self.tree is not None and not self.absent_key_terms(q, chosen):
            # "Who holds which views ...?" is best matched by "Range of views on interpretability's role in AI
            # safety", a caption that says nothing by itself: the section it captions answers.
            text, cites = section_digest(self.tree, captioned, self.scope.header_weight(q))
            return Answer(question=question, text=text, citations=cites, abstained=False, passages=passages,
                          scope="section", standalone_question=q.standalone)
        split = self.split_list(q, chosen[0])
        if split is not None and self.tree is not None and not self.lacks_names(q, chosen):
            # "What are the requirements for interpretability to be sufficient?" found one item of a numbered list
            # whose items are passages of their own ("we'd need to: 1. ...", "we'd need to: 2. ..."): the list is asked.
            text, cites = section_digest(self.tree, split, self.scope.header_weight(q))
            return Answer(question=question, text=text, citations=cites, abstained=False, passages=passages,
                          scope="section", standalone_question=q.standalone)
        if q.naming and self.absent_key_terms(q, chosen) and not self._names_any(q, units[0]):
            # "Why is RLHF insufficient?": the best units are the survey's "Interpretability is likely insufficient
            # if:" list, which says nothing of RLHF. Before saying no passage answers, answer from the units that
            # mention what the question names: in the top passages, else in the other candidates.
            named = [u for u in units if self._names_any(q, u)]
            shown = {p.id for p in passages}
            if not named:
                more = [p for p in q.reserve if p.id not in shown]
                named = [u for u in self.scorer.score_units(q, more) if u.score > 0 and self._names_any(q, u)]
            if named:
                chosen = self.choose(q, named + [u for u in units if u not in named])
                passages = passages + list({u.passage.id: u.passage for u in chosen if u.passage.id not in shown}
                                           .values())
        if best_sim < WEAK_SIMILARITY and self.coverage(q, chosen) < MIN_COVERAGE:
            return self.abstain(question, passages, "No passage is about what the question asks.", q)
        if q.counted is not None and not any(self._holds_amount(q, u) and self._names_any(q, u)
                                             and self._counts_asked(q, u) for u in chosen):
            listing = self.scope.listing(q, passages)
            if listing is not None and self.tree is not None:
                # "How many cruxes does the survey list?": no passage says a number, but a section headed with
                # what is counted lists them; its digest lets the reader count, every line cited.
                text, cites = section_digest(self.tree, listing, self.scope.header_weight(q))
                return Answer(question=question, text=text, citations=cites, abstained=False, passages=passages,
                              scope="section", standalone_question=q.standalone)
            # "How many people work at DeepMind?": one passage names DeepMind, another gives Anthropic's
            # head count; no passage gives a number about what was asked.
            names = list(q.naming)
            why = "No passage gives the number" + (f" of {q.counted}" if q.counted else "") + (
                " for " + " ".join(names) if names else "") + "."
            return self.abstain(question, passages, why, q)
        absent = self.absent_key_terms(q, chosen)
        if absent and not self.held_by_named(q, absent, chosen):
            # The corpus knows each name, but not together: "How many people work at DeepMind?"
            # finds Anthropic's head count. Saying so beats answering about something else.
            why = "No passage about " + ", ".join(f"“{t}”" for t in absent) + " answers this."
            return self.abstain(question, passages, why, q)
        text, cites = self.compose(q, chosen)
        text, cites = self.see_also(q, chosen, passages, text, cites)
        return Answer(
            question=question, text=text, citations=cites, abstained=False, passages=passages,
            standalone_question=q.standalone,
        )

    def lacks_names(self, q: Question, chosen: list[Unit]) -> bool:
        """Whether the chosen units lack a name the question gives, one no table row ties to a name they say."""
        absent = self.absent_key_terms(q, chosen)
        return bool(absent) and not self.held_by_named(q, absent, chosen)

    def held_by_named(self, q: Question, absent: list[str], chosen: list[Unit]) -> bool:
        """Whether every name the chosen units lack belongs to one they say, by a table row that holds both: "What
        kinds of dangerous things did Anthropic find inside Claude?" is answered by Anthropic's discoveries, and the
        labs' table gives Anthropic's work on Claude 3 Sonnet ("How many people work at DeepMind?" names no other)."""
        present = [t for t in q.naming if t not in absent]
        if not present or self.tree is None:
            return False
        rows = [self.scorer.words_and_stems(p.text) for sec in self.tree.sections.values() for p in sec.direct
                if p.kind == "table_row"]
        return all(any({a, b} <= set(q.names_in(row)) for row in rows for b in present) for a in absent)

    def on_subject(self, q: Question, u: Unit) -> bool:
        """Whether ``u`` is about what a follow-up that names nothing itself follows ("it" in "Who built it?" after
        "What is MAIA?"): its passage's title, section or text mentions a name the turn before gave (always true
        for other questions)."""
        if not q.context_terms or q.naming:
            return True
        have = self.scorer.stem_set(f"{u.passage.title} {u.passage.section} {u.text}")
        return any(self.scorer.stem_set(t) <= have for t in q.context_terms)

    def says_every_name(self, q: Question, units: list[Unit]) -> bool:
        """Whether a unit names all that the question names and holds most of its words (by weight), however far
        its embedding is: "What are MIB and LoBOX?" was refused (two acronyms are close to nothing), though a summary
        names both; so was "What are MIB and LoBOX used for?", whose "used" the summary does not say."""
        said = {s for s, w in q.terms.items() if w >= 1.0}
        total = sum(self.stats.idf(s) for s in said)
        return bool(q.naming) and bool(said) and any(
            len(q.names_in(self.scorer.words_and_stems(u.text))) == len(q.naming)
            and sum(self.stats.idf(s) for s in said & u.covered) >= NAMED_COVER * total for u in units)

    def names_a_heading(self, q: Question) -> bool:
        """Whether a heading of the main document holds every word the question says that few passages hold: "How
        many cruxes are there?" is close to no passage's text (the word is only in "Key Cruxes"), but is on topic."""
        main = self.main_document() if self.main_document else None
        rare = {s for s, w in q.terms.items() if w >= 1.0 and self.scope.rare(s)}
        if self.tree is None or main is None or not rare:
            return False
        self.tree.load(main)
        return any(rare <= self.scope.heading_stems(sec) for key, sec in self.tree.sections.items() if key[0] == main)

    def lists_works(self, q: Question, p: Passage) -> bool:
        """Whether ``p`` is in a list of works cited that the question does not ask about (by its heading's words,
        or a synonym's: "Which papers does the survey cite?" asks for the References)."""
        return self.tree is not None and any(sec.bibliography and not self.scorer.stem_set(sec.heading) & set(q.terms)
                                             for sec in self.tree.of(p))

    def split_list(self, q: Question, u: Unit) -> Section | None:
        """The section of a list asked for (a list question) that ``u`` is one item of, when the list's items are
        passages of their own under one lead line (``SPLIT_LIST_ITEMS`` or more)."""
        if self.tree is None or q.qtype != "list" or u.passage.kind != "list" or not self.tree.of(u.passage):
            return None
        lead = u.passage.text.split("\n", 1)[0]
        sec = self.tree.of(u.passage)[-1]
        items = [p for p in sec.direct if p.kind == "list" and p.text.split("\n", 1)[0] == lead]
        if lead.endswith(":") and len(items) >= SPLIT_LIST_ITEMS:
            return sec
        # One item of a list in one passage: "What kinds of dangerous concepts did researchers locate ...?" matched
        # "Dangerous content features: ...", one of the four kinds. An item that lists things itself ("Key Gaps: Neural
        # Network Dark Matter → ...; Automation Bottleneck → ...; ..." for "What kinds of gaps ...?") is the list asked.
        # (The section's one list: "If main risk is misuse:" is one of four lists, and a question about it is not
        # about the others; nor is a follow-up that only carries the list question it follows.)
        lines = [ln for ln in u.passage.text.split("\n")[1:] if ln.strip()]
        lists = [p.id for p in sec.direct if p.kind == "list"]
        return sec if lead.endswith(":") and u.kind == "item" and len(lines) >= SPLIT_LIST_ITEMS \
            and u.text.count(";") < 2 and lists == [u.passage.id] and not q.type_carried else None

    def see_also(self, q: Question, chosen: list[Unit], passages: list[Passage], text: str,
                 cites: list[Passage]) -> tuple[str, list[Passage]]:
        """A fact (the ``chosen`` units) that holds less than ``RELATED_BELOW_COVER`` of the question's weight may
        be only part of what was asked ("What obstacles does interpretability research still face?" finds one
        sentence that says "challenges"): the next of the best ``RELATED_PASSAGES`` re-ranked candidates follow it
        under "See also:", one cited line each, as far as the answer's ``DIGEST_CHARS`` allow; so do they after a
        sentence or row when the question asks for several things (a list question). A question that asks
        for one fact (how many, when, who), or is answered by a field of the record of a reference it names, gets
        the fact alone; works cited and a reference's record are never added."""
        best = chosen[0]
        if self.tree is None or q.counted is not None or q.qtype in ("count", "when", "who"):
            return text, cites
        if best.passage.kind == "metadata" and self.scorer.names_document(q, best.passage):
            return text, cites  # "Where was Scaling Monosemanticity published?": a field of its record answers it all
        if q.abbreviation and long_form(q.abbreviation, best.text):
            return text, cites  # "What does SAE stand for?": what it is short for answers it all
        budget = DIGEST_CHARS - len(text) - len(SEE_ALSO) - 3
        cover = self.scorer.share(q, set().union(*(u.covered for u in chosen)))
        # "What are the main challenges ...?" asks for several things: one sentence is at most one of them.
        several = q.qtype == "list" and best.kind != "lead" and best.passage.kind != "list"
        below = RELATED_BELOW_COVER_UNNAMED if self.about_topic(q, best, text) else RELATED_BELOW_COVER
        if (cover >= below and not several) or budget < RELATED_MIN_CHARS:
            return text, cites
        return self.related(q, passages, text, cites)

    def beyond_section(self, q: Question, cites: list[Passage]) -> bool:
        """Whether a question a section's digest (``cites``) answers may be about more than that section: it names
        nothing ("Could a clever AI fool the people trying to read its mind?"), says no rare word of the section's
        headings ("What are the drawbacks of red-teaming?" is Behavioral Testing (Red-Teaming)'s), asks for no shape
        (both sides, conditions, a chronology, one column of every row) and picks no works cited, and is no follow-up
        (its subject carried)."""
        if q.naming or q.asks_shape or q.distributive or q.standalone is not None:
            return False
        if any(c.kind == "metadata" for c in cites):
            return False
        headings = set().union(*(self.scorer.stem_set(c.section) for c in cites))
        return not any(self.scope.rare(s) for s in q.said() if s in headings)

    def related(self, q: Question, passages: list[Passage], text: str,
                cites: list[Passage], near: bool = False) -> tuple[str, list[Passage]]:
        """``text`` followed by "See also:" and the best ``RELATED_PASSAGES`` re-ranked candidates it does not cite,
        one cited line each under its heading, as far as ``DIGEST_CHARS`` allows; only those ``near`` the best
        (scoring ``SCOPE_NEAR_BEST`` of it) after a section, which says more than a fact and needs less."""
        budget = DIGEST_CHARS - len(text) - len(SEE_ALSO) - 3
        if self.tree is None or budget < RELATED_MIN_CHARS:
            return text, cites
        used = {c.id for c in cites}
        ranked = [*passages, *q.reserve][:RELATED_PASSAGES]  # the shown passages, then the next candidates
        if near:
            # ... and outside the sections it shows: a digest kept to what the question asks ("between 2021 and 2023")
            # has left the rest of its section out on purpose
            top = max((p.score for p in passages), default=0.0)
            held = {(c.source, c.section) for c in cites}
            ranked = [p for p in ranked if p.score >= SCOPE_NEAR_BEST * top and (p.source, p.section) not in held]
        more = [p for p in ranked if p.id not in used and p.kind != "metadata"
                and not any(sec.bibliography for sec in self.tree.of(p))]
        # a list item whose label says a rare word of the question is given whole ("interpretability" says nothing)
        rare_said = {s for s in q.said() if self.scope.rare(s)}
        related, shown = related_digest(more, self.scope.header_weight(q), budget,
                                        self.main_document() if self.main_document else None,
                                        asked=lambda text: self.scorer.share(q, rare_said & self.scorer.stem_set(text)))
        if not related:
            return text, cites
        return f"{text}\n\n{SEE_ALSO}\n{shift_markers(related, len(cites))}", cites + shown

    def about_topic(self, q: Question, best: Unit, text: str) -> bool:
        """Whether a question asks about a topic, not for a fact of a thing: it names nothing rare, asks no yes or no,
        and its answer is neither a table row, nor a whole list, nor the label it asks ("What is AI control best for?"
        is answered by "Best for: Using AI while limiting risk", "How well does AI control scale?" by AI Control's
        Scalability cell, "What would make interpretability tamper-proof?" by "5. Be tamper-proof" and its points)."""
        if q.naming or q.yes_no or best.kind == "row" or len(re.findall(r"^- ", text, re.M)) >= 2:
            return False
        label = best.text.split(":", 1)[0] if ":" in best.text else ""
        return not self.scorer.stem_set(label) & set(q.terms)

    def abstain(self, question: str, passages: list[Passage], why: str, q: Question) -> Answer:
        topics: list[str] = []
        for p in passages:
            topic = f"{p.title} — {p.section}" if p.section else p.title
            if topic not in topics:
                topics.append(topic)
        topics = topics[:3]
        text = f"{ABSTAIN_PHRASE}. {why}"
        if topics:
            text += " Closest topics it covers: " + "; ".join(topics) + "."
        return Answer(
            question=question, text=text, citations=[], abstained=True, status="abstained", scope="abstained",
            passages=passages, closest_topics=topics,
            standalone_question=q.standalone,
        )

    def _names_any(self, q: Question, u: Unit) -> bool:
        """Does the unit's passage mention a name the question asks about (any side of a comparison)?"""
        return not q.naming or len(self.absent_key_terms(q, [u])) < len(q.naming)

    def _counts_asked(self, q: Question, u: Unit) -> bool:
        """Does the unit count what the question counts ("how many people": "17 people")?"""
        if not q.counted:  # "how many times was it cited": the count is of citations, not "times"
            return True
        stem, coarse = self.stats.stem_all([q.counted])[0], lancaster(q.counted)

        def says(text: str) -> bool:
            return stem in self.scorer.stem_set(text) or coarse in lancaster_set(text)

        if u.kind == "row":
            # A header names what its own cell holds: "Parameters: 1.5B" counts parameters, "Milestone: GPT-4 concepts"
            # no milestones ("How many milestones ...?" got "16M features"); a value names what the row is about
            # ("Extracting Concepts from GPT-4": its 16 million features are the concepts counted).
            asked = set(NUMBER_RE.findall(q.text))
            cells = row_cells(u.text)
            return says(u.passage.section) or any(says(value) for _, value in cells) or any(
                says(header) and (fact_numbers(value, asked, q.counted) or AMOUNT_WORDS_RE.search(value))
                for header, value in cells)
        return says(f"{u.passage.section} {u.text}")

    @staticmethod
    def _holds_amount(q: Question, u: Unit) -> bool:
        text = u.text if u.kind != "lead" else u.passage.text
        return bool(fact_numbers(text, set(NUMBER_RE.findall(q.text)), q.counted) or AMOUNT_WORDS_RE.search(text))

    def unknown_terms(self, q: Question) -> list[str]:
        missing = []
        for term in q.key_terms:
            words = tokens(term)
            if not words:
                continue
            if len(words) > 1 and all(w in self.stats.vocab for w in words):
                # "Claude 2" / "Gemma 3": every word is known, but is the pair?
                parts = phrase_words(term)
                dated = parts[0][:3] in {m[:3] for m in MONTHS} and YEAR_RE.fullmatch(parts[-1])  # "Jan 2024"
                if all(w[0].isdigit() for w in parts[1:]) and parts not in self.stats.numbered and not dated:
                    missing.append(term)
            elif not all(w in self.stats.vocab or self._known_variant(w) for w in words):
                missing.append(term)
        return missing

    def coverage(self, q: Question, chosen: list[Unit]) -> float:
        """Share of the question's weight (idf; words the corpus lacks weigh most) the answer covers."""
        context = " ".join(f"{u.passage.title} {u.passage.section} {u.passage.text}" for u in chosen)
        have = self.scorer.stem_set(context)
        current = q.said()
        total = sum(self.stats.idf(s) for s in current)
        return sum(self.stats.idf(s) for s in current if s in have) / total if total else 1.0

    def absent_key_terms(self, q: Question, chosen: list[Unit]) -> list[str]:
        """Key terms of the question that none of the chosen units' passages mention."""
        context = " ".join(f"{u.passage.title} {u.passage.section} {u.passage.text}" for u in chosen)
        mentioned = q.names_in(self.scorer.words_and_stems(context))
        return [t for t in q.naming if t not in mentioned]

    def _known_variant(self, word: str) -> bool:
        """'RLHF-tuned' (known parts), 'January' ('Jan'), 'autoencoders' (stem), 'GPT' (of 'GPT-4')."""
        if self.stats.stem_all([word])[0] in self.stats.doc_freq or word in self.stats.heads:
            return True
        if word in MONTHS and word[:3] in self.stats.vocab:
            return True
        # "RLHF-tuned", "SAE-reconstructed": a compound is known when the thing it names is.
        head = word.split("-")[0]
        return "-" in word and (head in self.stats.vocab or self.stats.stem_all([head])[0] in self.stats.doc_freq)

    def choose(self, q: Question, units: list[Unit]) -> list[Unit]:
        if q.qtype == "when" and not dates(q, units[0]):
            # "When was Gemma Scope released?" matched "... released by Google DeepMind", which gives no date: the
            # best unit that dates what the question (or the one it follows) names answers, when one does.
            names = [self.scorer.stem_set(t) for t in [*q.naming, *q.context_terms, *q.versions]]  # "gemma scope"
            dated = [u for u in units[1:12] if dates(q, u) and names
                     and not version_mismatch(q, u.text, self.stats.vocab) and all(
                         n <= self.scorer.stem_set(f"{u.passage.title} {u.passage.section} {u.text}") for n in names)]
            if dated:
                units = [dated[0], *[u for u in units if u is not dated[0]]]
        if not self.on_subject(q, units[0]):
            # "Who built it?" after "What is MAIA?" matched "... how models are built": a follow-up that names nothing
            # itself is about what the turn before named, and is answered by a unit about it, when one is.
            about = [u for u in units[1:12] if self.on_subject(q, u)]
            if about:
                units = [about[0], *[u for u in units if u is not about[0]]]
        if q.yes_no and units[0].kind == "row" and not self.scope.names_row(q, units[0]):
            # "Is scalable oversight in production use?": the row of what it names answers yes or no, though another
            # row of the table says "Production use" (Red-Teaming's answered)
            named = [u for u in units[1:12] if u.kind == "row" and u.passage.section == units[0].passage.section
                     and self.scope.names_row(q, u)]
            if named:
                units = [named[0], *[u for u in units if u is not named[0]]]
        elif q.yes_no and not (units[0].kind == "row" and self.scope.names_row(q, units[0])):
            # "Is AI control enough?": the row of what it names answers, by the column it asks (Sufficiency Alone),
            # though a list says its name ("AI control approaches may be more relevant")
            by_column = self.scope.asks_named_row(q, units[1:12])
            if by_column is not None:
                units = [by_column, *[u for u in units if u is not by_column]]
        best = units[0]
        chosen = [best]
        if best.kind == "lead" or (q.qtype == "list" and best.passage.kind == "list"):
            return chosen
        if best.kind == "item" and len([u for u in units[1:] if u.kind == "item" and u.passage.id == best.passage.id
                                        and u.score >= LIST_TIE_SHARE * best.score]) >= LIST_TIE_ITEMS:
            # The question matches other items of one list as well as its best: it asks for the list, as
            # AutoMerging gives a parent whose children are retrieved ("What safety-relevant things were
            # found ...?": deception, sycophancy and dangerous content features score alike).
            best = replace(best, kind="lead")  # composed as its list's lead line with every item
            chosen = [best]
        covered = set(best.covered)
        if best.kind == "row" and re.match(r"\W*(which|what)\b", q.text, re.I):
            # "Which approaches are in production use?": every row of the table that matches as well.
            for u in units[1:8]:
                if (u.kind == "row" and u.passage.section == best.passage.section and u.covered == best.covered
                        and u.score >= JOIN_SHARE * best.score and len(chosen) < 3):
                    chosen.append(u)
            if len(chosen) > 1:
                return chosen
        # A comparison names two things: add the best unit for a named thing still missing. A name with its version
        # is missing until a unit says it whole ("When did Gemma Scope and Gemma Scope 2 come out?": Gemma Scope's
        # row says "Gemma 2", not "Gemma Scope 2").
        said = " ".join(phrase_words(" ".join(u.text for u in chosen)))

        def add_best(near: list[Unit]) -> None:
            # "Did A or B extract more?": B's side is the unit holding B's number, when one does.
            nonlocal said
            extra = next((u for u in near if type_bonus(q, u.text) > 0), near[0] if near else None)
            if extra and extra not in chosen and len(chosen) < 3:
                chosen.append(extra)
                covered.update(extra.covered)
                said += " " + " ".join(phrase_words(extra.text))

        for term in q.key_terms:
            stems = q.key_stems.get(term, set())
            whole = None  # a versioned name, as its words: "gemma scope 2"
            if any(c.isdigit() for c in term) and len(phrase_words(term)) > 1:
                whole = re.compile(rf"\b{' '.join(phrase_words(term))}\b")
            if stems and (not stems & covered or whole is not None and not whole.search(said)):
                add_best([u for u in units[1:12] if stems & u.own and u.score >= SIDE_SHARE * best.score
                          and (whole is None or whole.search(" ".join(phrase_words(u.text))))])
        # A name asked both bare and with its version ("Gemma Scope and Gemma Scope 2") is said bare only by a unit
        # that names it without the version: the best unit may say only "Gemma Scope 2".
        for bare in versioned_and_bare(q.text):
            if not bare.search(said):
                add_best([u for u in units[1:12] if bare.search(" ".join(phrase_words(u.text)))
                          and u.score >= SIDE_SHARE * best.score])
        asked = set(NUMBER_RE.findall(q.text))
        given = {n for c in chosen for n in fact_numbers(c.text, asked, q.counted)} if q.qtype == "count" else set()
        for u in units[1:4]:
            if len(chosen) >= 2:
                break
            if given & set(fact_numbers(u.text, asked, q.counted)):
                continue  # "How many ...?" is answered once: a unit repeating the answer's number says it again
            if not self.on_subject(q, u):
                continue
            new = {s for s in u.covered - covered if q.terms.get(s, 0) >= 1.0}
            if u.score >= JOIN_SHARE * best.score and new and u.text not in {c.text for c in chosen}:
                chosen.append(u)
                covered |= u.covered
            if len(chosen) == 2:
                break
        return chosen

    def compose(self, q: Question, chosen: list[Unit]) -> tuple[str, list[Passage]]:
        """The chosen units as cited text: sentences and rows run on; a whole list is a Markdown list."""
        cites: list[Passage] = []
        parts: list[tuple[str, bool]] = []  # (text, is a Markdown list block)
        whole: set[str] = set()  # list passages already given in full
        for u in chosen:
            if u.passage.id in whole:
                continue
            if u.passage.id not in [c.id for c in cites]:
                cites.append(u.passage)
            n = [c.id for c in cites].index(u.passage.id) + 1
            if u.kind == "row":
                body = self.render_row(q, u)
            elif u.kind == "lead" or (u.kind == "item" and q.qtype == "list" and not self._item_answers(q, u)) or (
                    u.kind == "item" and q.qtype not in ("count", "when") and len(u.passage.text) <= SHORT_LIST):
                # A short list is one answer: "If main risk is misuse:" and each of its items.
                lead, items = render_list(u.passage.text)
                # A list with no lead line is named by its heading: "Which approach can't rule out deception?" got
                # "Strengths: ... Weaknesses: Can't rule out deception ..." and not which approach that is.
                lead = lead or (u.passage.section.rsplit(PATH_SEP, 1)[-1] if u.passage.section else "")
                lines = ([f"{lead.removesuffix(':')} [{n}]"] if lead else []) + [f"- {i} [{n}]" for i in items]
                parts.append(("\n".join(lines), True))
                whole.add(u.passage.id)
                continue
            elif u.kind == "item":
                lead = u.passage.text.split("\n", 1)[0]
                body = u.text if lead == u.text or not lead.endswith(":") else f"{lead} {u.text}"
                children = sub_items(u.passage.text, u.text)
                if children:  # "5. Be tamper-proof" is a heading; what it means is in its sub-items
                    body = f"{body}: {'; '.join(children)}"
            else:
                body = u.text
                if DANGLING_RE.match(body):
                    before = preceding_sentence(u.passage.text, u.text)
                    if before and before not in {c.text for c in chosen}:
                        body = f"{ensure_period(before)} {body}"
            heading = u.passage.section.rsplit(PATH_SEP, 1)[-1] if u.passage.section else ""
            if q.qtype == "when" and not YEAR_RE.search(body) and YEAR_RE.search(heading):
                # "When did Golden Gate Claude come out?": its item is dated only by its heading, "Steering and
                # Editing (2024)"; the answer says the date it is given, not an undated line.
                body = f"{heading}: {body}"
            spelled = long_form(q.abbreviation, body) if q.abbreviation and not parts else None
            if spelled:  # "What does SAE stand for?": "SAEs — sparse autoencoders: Anthropic applies ..."
                body = f"{spelled[0]} — {spelled[1]}: {body}"
            if q.qtype in ("count", "when", "who") and u.kind != "row" and not parts:
                fact = lead_fact(q, body, self.stats)
                # (a record's line says its one fact already: "Year: 2024" was written "2024 — Year: 2024")
                if fact and not body.startswith(fact) and not (u.kind == "meta" and LABELLED_RE.match(body)):
                    body = f"{fact} — {body}"
            parts.append((f"{ensure_period(body)} [{n}]", False))
        text = ""
        for k, (part, block) in enumerate(parts):
            joint = "" if k == 0 else ("\n" if block or parts[k - 1][1] else " ")
            text += joint + part
        return text, cites

    def _item_answers(self, q: Question, u: Unit) -> bool:
        """Does the item itself (not its list's lead line) carry the question's own words? (Not a synonym's: "concerns"
        also searches "risk model", and "Models optimize ..." answered "What are the main concerns about RLHF?".)"""
        lead = u.passage.text.split("\n", 1)[0]
        lead_stems = set(self.stats.stem_all(tokens(lead)))
        return any(s not in lead_stems and q.terms.get(s, 0) >= 1.0 for s in u.own)

    def echoes(self, q: Question, value: str, named: bool = True) -> bool:
        """Whether a cell only names what the question is about ("OpenAI"; a row's own name, ``named=False``, such
        as "2022"): no word the question does not say, and a name it gives ("Strong (if specified)" answers "Which
        approach is strong ...?")."""
        stems = set(self.stats.stem_all([w for w in tokens(value) if w not in STOPWORDS]))
        return bool(stems) and stems <= set(q.terms) and (not named or bool(q.names_in(self.scorer.stem_set(value))))

    def render_row(self, q: Question, u: Unit) -> str:
        """A table row as a person writes it: the row's subject and the cell that answers, then context.

        'OpenAI — Features Identified: 16 million features (Scale Reached: GPT-4)'.
        """
        cells = row_cells(u.text)
        if not cells:
            return u.text
        scored, holding = [], []
        asked = self.scope.header_weight(q, subject=cells[0][1])
        # A yes or no asked of a row: the column whose cells, in any row, say what the question does ("Is scalable
        # oversight in production use?": Current Maturity), though this row's says otherwise ("Research phase")
        by_cells = self.scope.column_weight(q, secs[-1], cells[0][1]) if q.yes_no and self.tree is not None and (
            secs := self.tree.of(u.passage)) else None
        counted = self.stats.stem_all([q.counted])[0] if q.counted else None
        for i, (header, value) in enumerate(cells):
            vstems = self.scorer.stem_set(value)
            s = asked(header)
            s += sum(q.terms.get(t, 0) * self.stats.idf(t) for t in vstems) * ROW_VALUE_WEIGHT
            typed = type_bonus(q, value)
            if q.qtype == "who":  # "Source: Olah et al." answers "whose work ...?"; a capital letter does not
                typed = WHO_BONUS if header in WHO_FIELDS else 0.0
            s += 2 * typed
            scored.append((s, i, header, value))
            if (typed > 0 and q.qtype in ("count", "when", "who")
                    or counted in vstems and AMOUNT_WORDS_RE.search(value)):  # "Hundreds of SAEs released"
                holding.append(scored[-1])
        # "How many ...?" / "When ...?" is answered by a cell holding a number or date, when one does; by the one that
        # says what is counted, when one does ("the estimated parameter count": Parameters, not Estimated Features
        # Needed; "How many SAEs ...?": Hundreds of SAEs released, not Gemma 2 (2B-9B parameters)).
        holding = [c for c in holding if counted in self.scorer.stem_set(f"{c[2]} {c[3]}")] or holding
        if by_cells is not None and len(scored) > 1:
            cell = max(scored[1:], key=lambda c: by_cells(c[2]))
            if by_cells(cell[2]) > max(asked(c[2]) for c in scored[1:]):
                scored[cell[1]] = (max(c[0] for c in scored) + 1.0, *cell[1:])
        answer_cell = max(holding or scored, key=lambda x: (x[0], -x[1]))
        key_cell = scored[0]
        ordered = [answer_cell]
        if key_cell is not answer_cell:
            ordered.append(key_cell)
        # "Why might interpretability give us false confidence?": the row's other cells say why ("Learned features may
        # not map to human concepts"), though they say none of the question's words
        for scored_cell in sorted(scored, key=lambda x: -x[0]):
            if scored_cell not in ordered and (scored_cell[0] > 0 or q.asks_why) and len(ordered) < 4:
                ordered.append(scored_cell)
        # The best cell only names what was asked about: the row's own name ("What happened in 2022?") or a name
        # the question gives ("What does the survey say about OpenAI?" matches "Source: OpenAI"). It leads, and
        # the row's other cells, asked-for first, say what about it.
        if self.echoes(q, answer_cell[3], named=answer_cell is not key_cell):
            others = [c for c in ordered if c is not answer_cell] + [c for c in scored if c not in ordered]
            return f"{answer_cell[3]} — " + "; ".join(f"{h}: {v}" for _, _, h, v in others[:3])
        if len(ordered) == 1:
            # "What is neural network dark matter?" matches the row's name; the answer is the rest.
            ordered += [s for s in scored if s not in ordered][:2]
        _, _, h0, v0 = ordered[0]
        subject = "" if answer_cell is key_cell else f"{key_cell[3]} — "
        rest = "; ".join(f"{c[2]}: {c[3]}" for c in ordered[1:] if c is not key_cell or not subject)
        return f"{subject}{h0}: {v0}" + (f" ({rest})" if rest else "")


def dates(q: Question, u: Unit) -> bool:
    """Whether ``u`` holds a date (a row in its cells, not its headers: "Key Achievement (2024-2025)" dates nothing)."""
    return type_bonus(q, stated(u)) > 0


# A sentence that leans on the one before it: "They discuss ...", "It provides ...", "This mirrors ...",
# "(2-5) remain largely unsolved" (the items of a list above).
DANGLING_RE = re.compile(r"(?:It|Its|They|Their|These|Those|This|That|Such)\b(?!\s+(?:paper|article|survey|"
                         r"review|report|work|study|post|release|suite|page)\b)|\(\d")


def preceding_sentence(text: str, sentence: str) -> str | None:
    """The sentence of ``text`` just before ``sentence``, if ``sentence`` is not its first."""
    sentences = split_sentences(text)
    k = sentences.index(sentence) if sentence in sentences else 0
    return sentences[k - 1] if k > 0 else None


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


def render_list(text: str) -> tuple[str, list[str]]:
    """A list passage's lead line ('' when none) and items; past SHORT_LIST characters, long items are
    shortened to their label ("Sycophancy features")."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    lead = lines[0] if lines[0].endswith(":") else ""
    items = [i.lstrip("- ") for i in (lines[1:] if lead else lines)]
    if len("; ".join(items)) > SHORT_LIST:
        # "Sycophancy features: Patterns that ..." -> its label; an item with no short label stays whole.
        items = [re.sub(r"^(.{1,60}?):\s.*$", r"\1", i) for i in items]
    return lead, items


# A share in words: "about a third", "half" (a number's share, "70% interpretable", is read as a number is).
SHARE_SPAN_RE = re.compile(r"(?:(?:about|roughly|approximately|nearly|over|some|around)\s+)?"
                           r"(?:\b(?:a|one|two)\s+(?:third|quarter|half)\b|\bhalf\b)", re.I)


def lead_fact(q: Question, sentence: str, stats: CorpusStats) -> str | None:
    """The span of a sentence that answers a count/when question, to put first."""
    if q.qtype == "count":
        # "What share of global capacity was Anthropic's team?": the share ("about a third"), not the count beside it
        share = SHARE_SPAN_RE.search(sentence) if q.share and not re.search(r"\d\s?%", sentence) else None
        if share:
            return share.group(0)
        best, best_score = None, -1.0
        asked = set(NUMBER_RE.findall(q.text))
        for m in NUMBER_RE.finditer(sentence):
            if m.group(0) in asked or YEAR_RE.fullmatch(m.group(0)) or NAME_NUMBER_RE.search(
                    sentence[max(0, m.start() - 20) : m.start()]):
                continue  # "Claude 3", "in 2024": part of the question or a name, not its answer
            span = m.group(0)
            for w in re.findall(r"[\w\-']+|[^\w\s]", sentence[m.end() : m.end() + 60])[:3]:
                if not re.fullmatch(r"[\w\-']+", w) or w.lower() in STOPWORDS:
                    break
                span += " " + w
            before = re.search(r"(?:(?:approximately|about|roughly|around|nearly|over|some|≈)\s+)$",
                               sentence[: m.start()])
            if before:
                span = before.group(0) + span
            stems = set(stats.stem_all(tokens(sentence[max(0, m.start() - 40) : m.end() + 40])))
            score = sum(q.terms.get(s, 0) for s in stems)
            if score > best_score:
                best, best_score = span, score
        return best
    if q.qtype == "when":
        date = re.search(r"\b(?:(?:January|February|March|April|May|June|July|August|September|October|"
                         r"November|December)\s+)?(?:19|20)\d\d\b", sentence)
        return date.group(0) if date else None
    return None


def listed_items(answer_text: str) -> list[str]:
    """The top-level items of a list answer, without their markers: what "the second one" may point at. A crux's line
    ("Can we interpret ...?: No - ...; Yes - ...") is its question. What follows "See also:" is no part of the answer:
    "the last one" of the cruxes is the fourth crux, not the last related passage."""
    items = []
    for ln in answer_text.split(f"\n\n{SEE_ALSO}\n", 1)[0].split("\n"):
        if ln.startswith("- "):
            item = MARKER_RE.sub("", ln[2:]).strip()
            label, sep, _ = item.partition("?: ")
            items.append(label + "?" if sep else item)
    return items


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
        cited = citations[n - 1]
        source = re.sub(r"\s+", " ", f"{cited.title}\n{cited.section}\n{cited.text}")
        for frag in re.split(r"\s—\s|;\s|\s\(|\)|:\s|\n", segment):
            frag = frag.strip().rstrip(".…").strip()  # "…": the passage goes on
            frag = re.sub(r"^[-*] ", "", frag)
            if frag and frag != SEE_ALSO.rstrip(":") and frag not in source:
                bad.append(frag)
    return bad
