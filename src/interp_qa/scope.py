"""Answer scope: whether a question is answered by a fact, a section's digest, a comparison or a whole document.

The scope is read off where the re-ranked evidence falls in the document tree (:mod:`interp_qa.sections`): a
section whose heading path and lead text match the question, and over whose children the evidence spreads,
answers it when it matches better than the best single unit covers the question's words (llama-index's
``AutoMergingRetriever`` in spirit); two named sides make a comparison; an overview of a named reference is that
reference. :class:`interp_qa.compose.Composer` asks, and writes the fact answers itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .digest import Cites, comparison, document_digest, related_digest, section_digest
from .question import (
    CHRONOLOGY_Q,
    DEGREE_RE,
    GENERIC_CAPS,
    REPORT_VERBS,
    CorpusStats,
    Question,
    degree_bases,
    elided_possessive,
)
from .rerank import Unit, UnitScorer, type_bonus
from .sections import PATH_SEP, Section, SectionTree, concludes
from .text import (
    LABELLED_RE,
    MONTHS,
    STOPWORDS,
    YEAR_RE,
    lancaster_set,
    long_form,
    row_cells,
    row_subject,
    title_name,
    tokens,
)
from .types import AnswerScope, Passage
from .weights import (
    CRUX_MIN_LEXICAL,
    CRUX_MIN_SIMILARITY,
    DERIVED_MATCH_WEIGHT,
    DISTRIBUTIVE_UNITS,
    DOCUMENT_COVER,
    EVERYDAY_SHARE,
    FOLLOW_UP_CARRIED,
    FULL_COVER,
    NAMES_DOCUMENT_SHARE,
    NAMING_DF_SHARE,
    RELATED_PASSAGES,
    SCOPE_LEXICAL,
    SCOPE_MARGIN,
    SCOPE_MERGE_SPREAD,
    SCOPE_NEAR_BEST,
    SCOPE_ROW_NAMED,
    SCOPE_SECTION_MIN,
    SCOPE_SHAPE,
    SCOPE_SIDE_NAMED,
    SCOPE_SPREAD,
    SCOPE_TOP_PASSAGES,
    SYNONYM_WEIGHT,
)

# A month a reader names with its year ("Jan 2024", "May 2024", "July 2024"); capitalised, so "may" is no month.
YEAR_RANGE_RE = re.compile(r"\b(?:between|from)\s+((?:19|20)\d\d)\s+(?:and|to|through|until|till|-)\s+"
                           r"((?:19|20)\d\d)\b", re.I)
DATED_MONTH_RE = re.compile(rf"\b({'|'.join(sorted(m[:3].title() for m in MONTHS))})[a-z]*\.?\s+(?:\d{{1,2}},?\s+)?"
                            r"(?=(?:19|20)\d\d\b)")


# The parts of a document a question may point to: "the References section", "the challenges table".
DOCUMENT_PARTS = {"section", "sections", "table", "tables", "chapter", "part", "page", "paragraph", "list", "heading"}
# What kind of thing a work or event is: "the Circuits work", "the induction heads paper", "the GPT-4 study".
# Words for works and their coming out: they name no work ("the Circuits work", "What has Anthropic published?").
WORK_WORDS = {"work", "works", "paper", "papers", "study", "studies", "result", "results", "release", "releases",
              "research", "article", "articles", "project", "effort", "publish", "published", "publication",
              "publications", "released"}


# What a question says it is about: "Summarize what the survey says about deception.", "... regarding deception?"
TOPIC_RE = re.compile(r"\b(?:about|regarding|concerning|on the (?:topic|subject) of)\s+(?P<topic>[^?.!]+)", re.I)


class ScopeFinder:
    """Decides an answer's scope from the question and where its evidence falls, and writes digests and comparisons.

    Args:
        stats: corpus statistics (stems, document frequencies).
        scorer: the unit scorer the passages were re-ranked with (its stems).
        tree: the documents' sections; without it every answer is a fact.
        main_document: the source "the survey" means.
        documents: (source, title, passages) of every document, for references named by their title.
    """

    def __init__(self, stats: CorpusStats, scorer: UnitScorer, tree: SectionTree | None = None,
                 main_document: Callable[[], str | None] | None = None,
                 documents: Callable[[], list[tuple[str, str, int]]] | None = None) -> None:
        self.stats = stats
        self.scorer = scorer
        self.tree = tree
        self.main_document = main_document
        self.documents = documents
        self._card_stems: dict = {}
        self._mentions: dict[tuple, set[str]] = {}  # a section's words and stems, for what a question says of it
        self._first_authors: dict[str, str | None] = {}
        self._author_words: dict[str, set[str]] = {}  # the words of each record's authors line
        self._work_words: dict[str, set[str]] = {}  # the words and stems of each cited work's passages
        self._heading_words: dict[tuple, str] = {}
        self._heading_stems: dict[tuple, set[str]] = {}  # a heading's content stems, for the questions naming it
        self._linked_words: dict[str, set[str]] = {}  # a linked work's words, for the rows that link to it

    def main_tables(self, dated: bool = False) -> list[tuple[Section, list[Passage]]]:
        """The main document's tables, each as its section and rows (only those that date events, with ``dated``)."""
        main = self.main_document() if self.main_document else None
        if self.tree is None or main is None:
            return []
        out = []
        for key, sec in self.tree.sections.items():
            rows = [p for p in sec.direct if p.kind == "table_row"] if key[0] == main else []
            if rows and (sec.chronological or not dated):
                out.append((sec, rows))
        return out

    def heading_stems(self, sec: Section) -> set[str]:
        """A heading's content stems (not its parenthesis: "(2024-2025)"), read once per section: every section is
        tried for each question."""
        stems = self._heading_stems.get(sec.key)
        if stems is None:
            words = [w for w in tokens(re.sub(r"\([^)]*\)", " ", sec.heading)) if w not in STOPWORDS]
            stems = self._heading_stems[sec.key] = set(self.stats.stem_all(words))
        return stems

    def rare(self, stem: str) -> bool:
        """Whether few passages hold ``stem`` (at most ``NAMING_DF_SHARE`` of them), so that it says what a question
        is about ("cruxes", "vision"; "AI" and "interpretability" are in most)."""
        return 0 < self.stats.doc_freq.get(stem, 0) <= NAMING_DF_SHARE * (self.stats.size or 1)

    def wider(self, q: Question, passages: list[Passage], units: list[Unit],
                    section_sims: dict) -> tuple[str, list[Passage], AnswerScope] | None:
        """A comparison or a section digest, when the evidence says the question is about more than a fact.

        The scope is read off where the evidence falls in the document tree: a section whose
        heading path and lead text match the question (dense and lexical), and over whose children
        the best re-ranked passages spread, answers it when it matches better than the best single
        unit covers the question's words.
        """
        # "Which came first, induction heads or the mathematical framework?": the two dated rows, in order (each
        # work's summary, compared side by side, said no date)
        ordered = self.ordered_events(q) if q.event_pair and self.tree is not None else None
        if ordered is not None and self.tree is not None:
            text, cites = section_digest(self.tree, ordered[0], self.header_weight(q),
                                         focus=lambda p: p.id in ordered[1])
            return text, cites, "comparison"
        # ("Which organization has extracted the most features?" compares the organizations' rows on the column it asks,
        # though it asks who)
        if self.tree is None or q.qtype in ("when", "who") and not self.compares_rows(q) or (
                q.counted is not None and not q.distributive and not q.chronology):
            # "How many people ...?", "When ...?", "Who ...?" ask for one fact ("How many ... each ...?" a column)
            return None
        # "How much bigger is GPT-4 than Claude 3 Sonnet?": each side's row holds its amount
        sides = self.comparison_passages(q, passages)
        if sides:
            text, cites = comparison(self.tree, sides)
            return text, cites, "comparison"
        # "What does the survey say about AI control?": its row and its sub-section (its row alone answered)
        overview = self.subject_overview(q, passages)
        if overview:
            text, cites = comparison(self.tree, [overview])
            return text, cites, "section"
        if q.qtype == "count" and not q.distributive and not q.chronology and type_bonus(q, units[0].text) > 0:
            return None  # an amount asked for, and the best unit holds one: that is the answer
        if q.definition is not None and q.definition.match(units[0].text):
            return None  # "What is reward hacking?": "Reward hacking: Models optimize ..." says, not its whole list
        if q.abbreviation and long_form(q.abbreviation, units[0].text):
            return None  # "What is RLHF?": the sentence that spells it out, not the RLHF rows and limitations
        if q.distributive and not q.chronology and len(q.sides) != 2:
            # "How does each approach rate on ...?", "Which are in production and which are still research?": the
            # table whose rows the best units are, its asked column first (two production rows answered the second)
            # (a table in the section the best unit is in: "How far are we from mapping every concept ...?" is answered
            # by the sentence and table of Scalability Challenge, not by Remaining Challenges' "may not map" row)
            rows = [u for u in units[:DISTRIBUTIVE_UNITS] if u.kind == "row" and not self.names_row(q, u)
                    and u.passage.source == units[0].passage.source
                    and (u.passage.section + PATH_SEP).startswith(units[0].passage.section + PATH_SEP)]
            if rows:
                sec = self.tree.of(rows[0].passage)[-1]
                text, cites = section_digest(self.tree, sec, self.column_weight(q, sec), focus=self.focus(q))
                return text, cites, "section"
            table = self.named_column(q)
            if table is not None:
                text, cites = section_digest(self.tree, table, self.column_weight(q, table), focus=self.focus(q))
                return text, cites, "section"
            # "What are the strengths and weaknesses of each approach?": the best unit's sub-section is one of several
            # alike (each approach's Strengths / Weaknesses / Best for); their parent gives them all
            alike = self.alike_siblings(q, units[0].passage)
            if alike is not None:
                text, cites = section_digest(self.tree, alike, self.header_weight(q), focus=self.focus(q))
                return text, cites, "section"
        # "Which worry makes looking inside models matter the most?": one of alike lists ("If main risk is ...:") is
        # picked by a degree; comparing needs them all (the loss-of-control list answered, its words closest)
        # (unless the best list says the degree itself: "the highest priority" is the list with "High priority")
        alike = self.alike_lists(units[0].passage) if q.degree and len(q.sides) != 2 and not (
            set(tokens(units[0].passage.text)) & {b for m in DEGREE_RE.finditer(q.text)
                                                   for b in degree_bases(m.group(0).lower())}) else None
        if alike is not None:
            text, cites = section_digest(self.tree, alike, self.header_weight(q), focus=self.focus(q))
            return text, cites, "section"
        cover = self.scorer.share(q, units[0].covered)
        # "Which safety approaches have actually been shown to scale?": the question is asked of each row of the table
        # whose rows are approaches, unless a row of it is the best evidence (the rows that say it are the answer:
        # "Which approaches are in production use?") or one unit says it all ("Which organizations lead the work?").
        table = self.table_of_kind(q)
        # "Which approach is most mature?" compares every row on the column it asks, whatever the best evidence.
        compared = self.compares_rows(q, table)
        if table is not None and (compared if q.superlative else cover < FULL_COVER
                                  and units[0].passage.id not in {p.id for p in table.direct}):
            text, cites = section_digest(self.tree, table, self.column_weight(q, table), focus=self.focus(q))
            return text, cites, "section"
        # "What happened between the one-layer result and the Claude 3 Sonnet study?": the dated rows between, though
        # a summary of either work matches the question's words better than the timeline does
        bounded = self.event_span(q) if q.chronology else None
        if bounded is not None and bounded[1]:
            text, cites = section_digest(self.tree, bounded[0], self.header_weight(q), focus=self.focus(q))
            return text, cites, "section"
        best = self.best_section(q, passages, section_sims)
        if best is not None:
            sec, score = best
            # "What's the most likely way forward?": the best evidence is the paragraph that closes AI Control's list
            # and concludes all six approaches' details: their parent answers, not AI Control
            if sec.parents_conclusion is not None and units[0].passage.id == sec.parents_conclusion.id:
                sec = self.tree.sections.get((sec.source, sec.path[:-1]), sec)
            # "Is scalable oversight sufficient on its own?" names a whole row of the table: the row answers.
            # (a year that bounds a chronology names no row: "How has interpretability progressed since 2020?")
            named_row = self.names_row(q, units[0]) and units[0].passage.id in {p.id for p in sec.passages} \
                and not (q.chronology and q.year_bound)
            # ... and so does a yes or no asked of what a row names by a column of it ("Is formal verification
            # sufficient?": its Sufficiency Alone cell, not its sub-section's strengths and weaknesses)
            named_row = named_row or q.yes_no and self.asks_named_row(q, units[:12]) is not None
            # "The arguments for and against ...", "Under what conditions ...?": the form asks for more than one
            # fact, and a section of that shape gives it, however well one fact states the question's words (but
            # only a section about the question: "Are 70% of the features interpretable?" is no verdict's).
            # A fact that holds every word of the question says it all, unless the form asks for a shape or for all
            # there is about a thing ("Tell me about red-teaming."): "Which organizations lead interpretability work?"
            # got "What is Interpretability?" with The Goal's list first.
            says_all = cover >= FULL_COVER and not q.about_entity
            # ... but a list question whose every word the section's heading says asks for that section ("What are the
            # main positions in the debate?": "Positions on Interpretability for Safety", not "50 full-time positions")
            heads_all = q.qtype == "list" and bool(q.said()) and set(q.said()) <= self.heading_stems(sec)
            # A yes-or-no question that one fact states whole is answered by it: "Are 70% of features interpretable?"
            # got the survey's verdict on sufficiency.
            shaped = sec.fits(q) and not (q.yes_no and says_all)
            # "What has Anthropic published, in order?": dated events asked for, and the dated rows the question picks
            # are there, though none was retrieved (a timeline's card is its years: it matches no word of a question)
            # (when the rows say what else it names: "How has Anthropic's team grown over time?" is no question of
            # its dated rows, which never say "team")
            picks_rows = q.chronology and sec.chronological and (
                (pick := self.focus(q)) is not None and any(pick(p) for p in sec.direct)) and self.says_the_rest(q, sec)
            if (score >= SCOPE_SECTION_MIN or picks_rows) and not named_row and (
                    shaped or heads_all or score - cover >= SCOPE_MARGIN and not says_all):
                # "Which references are from DeepMind?": the works cited that the question picks, not all of them
                picked = self.cited_works(q, sec) if sec.bibliography else None
                if picked is not None:
                    return picked[0], picked[1], "section"
                text, cites = section_digest(self.tree, sec, self.header_weight(q), focus=self.focus(q))
                return text, cites, "section"
        # "Summarize the survey": no section is asked about and no passage states much of the question.
        # (the words of the best passage, over its items: "How do planes and medicine relate to this debate?" names two
        # items of one list)
        held = self.scorer.share(q, set().union(*(u.covered for u in units if u.passage.id == units[0].passage.id)))
        main = self.main_document() if q.about_document and held < DOCUMENT_COVER and self.main_document else None
        # "Summarize what the survey says about deception.": a topic it spreads over several sections is answered by
        # what each says of it, not by the whole survey's outline; so is what it concludes about such a topic when no
        # line concluding a section says it ("What does the survey conclude about deception?" got its opening summary)
        if main or q.conclusions and q.about_document and not concludes(units[0].passage):
            topical = self.topic_passages(q, passages)
            if topical:
                text, cites = related_digest(topical, self.header_weight(q), main=topical[0].source)
                return text, cites, "section"
        if main:
            text, cites = document_digest(self.tree, main, verdicts=q.conclusions)
            return text, cites, "document"
        return None

    def topic_passages(self, q: Question, passages: list[Passage]) -> list[Passage]:
        """The passages of the main document that say something of what the question says it is about ("... says about
        deception"), best re-ranked first, when they fall in two sections or more; none when it says of no rare word
        what it is about ("What does the survey see as the most plausible way forward?")."""
        main = self.main_document() if self.main_document else None
        m = TOPIC_RE.search(q.text)
        if main is None or m is None or self.tree is None:
            return []
        topic = {s for s in self.scorer.stem_set(m.group("topic")) if s in q.said() and self.rare(s)}
        if not topic:
            return []
        # (all of it: "behavioral methods" is not every passage with a method)
        held = [p for p in [*passages, *q.reserve] if p.source == main and p.kind != "metadata"
                and topic <= self.scorer.stem_set(f"{p.section} {p.text}")
                and not any(sec.bibliography for sec in self.tree.of(p))]  # works cited name it, say nothing of it
        return held[:RELATED_PASSAGES] if len({p.section for p in held}) >= 2 else []

    def off_topic(self, q: Question) -> list[str]:
        """What a question about the survey asks that the corpus never mentions: every one of its telling words
        (those in at most ``NAMING_DF_SHARE`` of passages: "AI" is in most) is absent ("AI consciousness"); or a
        side of a comparison is ("How does interpretability compare with watermarking?")."""
        if not q.absent or (len(q.sides) != 2 and not q.about_document):
            return []
        # A misspelling ("interpretabilty") is no word the corpus lacks: looked up only here, where a refusal is decided
        absent = [w for w in q.absent if not self.stats.misspells(w)]
        absent_stems = dict(zip(self.stats.stem_all(absent), absent, strict=True))
        if len(q.sides) == 2:
            sides = self.side_stems(q)
            for own in (sides[0] - sides[1], sides[1] - sides[0]):
                if own and all(s in absent_stems for s in own):
                    return [absent_stems[s] for s in own]
        if not q.about_document:
            return []
        # (the corpus word a reader's phrase stands for tells as much: "open questions" are its cruxes, and "What are
        # the biggest open questions in this debate?" was refused for "biggest")
        telling = [s for s, w in q.terms.items() if w >= SYNONYM_WEIGHT
                   and self.stats.doc_freq.get(s, 0) <= NAMING_DF_SHARE * (self.stats.size or 1)]
        return absent if telling and all(s in absent_stems for s in telling) else []

    def named_document(self, q: Question) -> str | None:
        """The document (not the main one) whose title's name, before its subtitle, the question says: nearly all of
        its words by weight ("the RLHF alignment paper" names "AI Alignment through RLHF"); all of them first, then
        the longer ("Gemma Scope 2" over "Gemma Scope")."""
        if self.documents is None:
            return None
        main = self.main_document() if self.main_document else None
        best, best_key = None, (0.0, 0.0)
        for source, title, _ in self.documents():
            stems = set(self.stats.stem_all([w for w in tokens(title_name(title)) if w not in STOPWORDS]))
            weight = sum(self.stats.idf(s) for s in stems)
            if source == main or weight <= 0:
                continue
            share = sum(self.stats.idf(s) for s in stems if s in q.terms) / weight
            first = self.first_author(source)
            if first and self.stats.stem_all([first])[0] in q.terms and not self.another_person(q, source, first):
                share = 1.0  # "Summarize the Bereska and Gavves review": named by its first author
            key = (1.0 if share >= 1.0 else share, weight)
            if share >= NAMES_DOCUMENT_SHARE and key > best_key and not self.names_beyond(q, source):
                best, best_key = source, key
        return best

    def names_beyond(self, q: Question, source: str) -> bool:
        """Whether the question names something a work never mentions: "What did the 2020-2023 circuits work find?"
        says the Circuits article's name, but asks about the survey's "Features and Circuits (2020-2023)"."""
        if not q.naming:
            return False
        have = self._work_words.get(source)
        if have is None:
            have = self._work_words[source] = self.scorer.words_and_stems(
                " ".join(f"{p.title} {p.section} {p.text}" for p in self.work_passages(source)))
        return len(q.names_in(have)) < len(q.naming)

    def document_of_words(self, q: Question) -> str | None:
        """The one document (not the main one) that alone holds a word the question says: "the sociotechnical
        critique" is the RLHF paper's, whatever its title says."""
        if self.documents is None or self.tree is None:
            return None
        main = self.main_document() if self.main_document else None
        # what a work did ("reveal", "establish") is how the question asks, not what about
        verbs = set(self.stats.stem_all(REPORT_VERBS.split("|")))
        said = {s for s in q.said() if q.terms.get(s, 0.0) >= 1.0 and self.stats.doc_freq.get(s, 0) > 0
                and s not in verbs}
        found = set()
        for source, _, _ in self.documents():
            if source != main and said:
                held = [self.scorer.stem_set(p.text) for p in self.work_passages(source)]
                if any(sum(s in h for h in held) == self.stats.doc_freq.get(s, 0) for s in said):
                    found.add(source)
        return found.pop() if len(found) == 1 else None

    def subject_rows(self, q: Question) -> list[Passage]:
        """Table rows of the main document whose subject (first cell) the question names: "Tell me about Anthropic."
        names the "Anthropic" row of the labs' table, "MAIA" the "MIT (MAIA)" row; none for a comparison."""
        main = self.main_document() if self.main_document else None
        if self.tree is None or main is None or not q.naming or len(q.sides) == 2:
            return []
        named = [stems for t in q.naming if (stems := q.key_stems.get(t))]
        rows = []
        sections = sorted((s for k, s in self.tree.sections.items() if k[0] == main),
                          key=lambda s: s.passages[0].position)
        for sec in sections:
            for p in sec.direct:
                if p.kind == "table_row":
                    subject = self.scorer.stem_set(row_subject(p.text))
                    if any(n <= subject for n in named):
                        rows.append(p)
        return rows

    def linked_document(self, row: Passage) -> str | None:
        """The one reference (not the main document) a table row links to, as its source; None for none or several."""
        main = self.main_document() if self.main_document else None
        if self.documents is None or len(row.refs) != 1:
            return None
        source = self.source_of(row.refs[0])
        if source is None or source == main:
            return None
        assert self.tree is not None
        self.tree.load(source)
        return source

    def citing_rows(self, source: str) -> list[Passage]:
        """The main document's table rows that link to ``source`` alone, in document order: what the survey says of a
        work it cites ("2020: Circuits in CNNs — First demonstration of interpretable circuits in vision models")."""
        rows = [p for _, ps in self.main_tables() for p in ps
                if len(p.refs) == 1 and self.source_of(p.refs[0]) == source]
        return sorted(rows, key=lambda p: p.position)

    def source_of(self, ref: str) -> str | None:
        """The document a link points to, by its source: a passage's refs are document ids, the corpus folder then
        the source without its suffix."""
        sources = [s for s, _, _ in self.documents()] if self.documents is not None else []
        found = [s for s in sources if ref.endswith("/" + s.rsplit(".", 1)[0])]
        return found[0] if len(found) == 1 else None

    def work_passages(self, source: str) -> list[Passage]:
        """A cited work's passages: its record first, then its opening and its sections."""
        assert self.tree is not None
        self.tree.load(source)
        return sorted(self.tree.unsectioned(source), key=lambda p: p.kind != "metadata") + [
            p for key, sub in self.tree.sections.items() if key[0] == source and len(key[1]) == 1
            for p in sub.passages]

    def another_person(self, q: Question, source: str, surname: str) -> bool:
        """Whether the question gives the surname a first name its record does not: "What did Chris Olah say?" asks
        about the survey's quote of Chris Olah, not the Circuits article by Olah et al."""
        given = re.findall(rf"\b([A-Z][a-z]+)\s+(?i:{re.escape(surname)})\b", q.text)
        return any(name.lower() not in self._author_words.get(source, set()) | GENERIC_CAPS for name in given)

    def first_author(self, source: str) -> str | None:
        """The surname of the first author its record lists ("Bereska" of "Authors: Leonard Bereska, ..."), if any."""
        if source not in self._first_authors:
            surname = None
            if self.tree is not None:
                for p in self.tree.unsectioned(source):
                    m = re.search(r"^Authors?:\s*([^,\n]+)", p.text, re.M) if p.kind == "metadata" else None
                    words = [w for w in tokens(re.sub(r"\bet al\b.*", "", m.group(1))) if len(w) > 2] if m else []
                    surname = words[-1] if words else None
                    if m:
                        self._author_words[source] = set(tokens(m.group(0)))
                        break
            self._first_authors[source] = surname
        return self._first_authors[source]

    def captioned(self, q: Question, chosen: list[Unit]) -> Section | None:
        """The section whose list or table ``u`` captions: a paragraph's closing line with no end punctuation
        ("Range of views on interpretability's role in AI safety") right before a list or table; or one ending in ":"
        chosen alone ("What did Bereska and Gavves review?" found "Per Bereska & Gavves (2024), a comprehensive review
        of ...:", which introduces the table of challenges), unless one fact is asked."""
        u = chosen[0]
        if self.tree is None or u.kind != "sentence" or u.passage.kind != "paragraph":
            return None
        text = u.passage.text.rstrip()
        # A line ending in ":" says something itself when one fact is asked ("When was the review published?"), or
        # with the facts chosen after it ("What risks does the Bereska and Gavves review discuss?": its summary's).
        alone = len(chosen) == 1 and q.qtype not in ("when", "who", "count")
        ends = r"[.!?\"”)]$" if alone else r"[.!?:\"”)]$"
        if not text.endswith(u.text.rstrip()) or re.search(ends, text):
            return None
        sections = self.tree.of(u.passage)
        if not sections or sections[-1].units() < 2:
            return None
        direct = sections[-1].direct
        ids = [p.id for p in direct]
        after = direct[ids.index(u.passage.id) + 1:] if u.passage.id in ids else []
        return sections[-1] if after and after[0].kind in ("list", "table_row") else None

    def best_section(self, q: Question, passages: list[Passage], sims: dict) -> tuple[Section, float] | None:
        """The section the question is most about: card similarity + card words + spread of the evidence.

        A section that wins while the evidence falls in only one of its children gives way to that
        child's best-scoring sub-section, as llama-index's ``AutoMergingRetriever`` merges children into
        their parent only when enough of them are retrieved. It keeps the parent's score when that is higher.
        """
        assert self.tree is not None
        top = passages[:SCOPE_TOP_PASSAGES]
        best_score = max((p.score for p in top), default=0.0) or 1.0
        candidates = {s.key for p in top for s in self.tree.of(p)}  # the sections the evidence falls in
        # "What is interpretability?" is a heading of the survey, word for word: that section is asked for.
        asked = " ".join(tokens(q.text))
        verbatim = [k for k, s in self.tree.sections.items() if self.heading_words(k, s) == asked and s.units() >= 2]
        if verbatim:
            return self.tree.sections[verbatim[0]], 1.0
        # "How does AI control work?": a section whose heading the question says (the evidence fell in the engineering
        # argument's "must understand to control" and "planes ... work")
        candidates |= {k for k, s in self.tree.sections.items() if k[0] == top[0].source and s.units() >= 2
                       and self.names_heading(q, s)} if top else set()
        if q.asks_shape:  # "for and against ...", "Under what conditions ...?": sections of the shape asked for
            candidates |= {k for k in sims if k in self.tree.sections and self.tree.sections[k].fits(q)}
        scored: dict[tuple, tuple[Section, float, float]] = {}  # key -> (section, score, spread)
        for key in candidates:
            sec = self.tree.sections.get(key)
            if sec is None or sec.units() < 2:
                continue
            if sec.bibliography and not set(self.scorer.stem_set(sec.heading)) & set(q.terms):
                continue  # a list of works cited answers only a question about it ("Which papers are cited?")
            kids: dict = {}
            for p in top:
                if p.source == sec.source and tuple(p.section.split(PATH_SEP))[: len(sec.path)] == sec.path:
                    child = self.tree.child_of(sec, p)
                    kids[child] = max(kids.get(child, 0.0), p.score / best_score)
            spread = sum(v for v in kids.values() if v >= SCOPE_NEAR_BEST)
            stems = self._card_stems.get(key)
            if stems is None:
                stems = self._card_stems[key] = self.scorer.stem_set(sec.card())
            lexical = self.scorer.share(q, stems)
            shape = 0.0
            # A crux answers a yes-or-no question about what it asks, not every one ("Can't we just keep a dangerous
            # AI boxed in?" is no question of deception)
            # (nor one that says none of its rarer words: "Can interpretability alone keep AI safe?" got the deception
            # crux by its "AI" and "interpretability")
            # (its items say it too: "Could AI systems help us interpret other AI systems?" is asked of the crux whose
            # "AI can help interpret" its heading does not say; the deception crux answered)
            off_crux = sec.answered_both_ways and not (q.two_sided and sec.two_sided) and (
                sims.get(key, 0.0) < CRUX_MIN_SIMILARITY
                or max(lexical, self.scorer.share(q, set(q.terms) & self.mentions(key, sec))) < CRUX_MIN_LEXICAL
                or not any(self.rare(t) for t in set(q.terms) & self.mentions(key, sec)))
            if sec.fits(q) and self.about_what_is_named(q, key, sec) and not off_crux:
                shape = SCOPE_SHAPE
                # A section of the shape asked for counts the corpus word a reader's synonym stands for as much as
                # the reader's word: "Is interpretability enough?" got "What is Interpretability?", whose "well
                # enough to" (the corpus's only "enough") outweighed The Sufficiency Question's "sufficient".
                lexical += max(0.0, sum(q.terms[r] * self.stats.idf(r) - q.terms[c] * self.stats.idf(c)
                                        for c, r in q.synonym_of.items()
                                        if c in stems and c in q.terms and r in q.terms and r not in stems)
                               ) / self.scorer.weight(q)
            scored[key] = (sec, sims.get(key, 0.0) + SCOPE_LEXICAL * lexical + SCOPE_SPREAD * spread + shape, spread)
        # "Why isn't RLHF a safety guarantee?": a section that never mentions what the question names is not about it,
        # however rare a word of the question it holds (Formal Verification's "Mathematical guarantees" answered)
        # (a list of works cited names its works' labs through their records: "Which references are from DeepMind?")
        scored = {k: v for k, v in scored.items()
                  if v[0].bibliography or self.about_what_is_named(q, k, v[0])} or scored
        if not scored:
            return None
        if q.conditions or q.chronology:
            # "When would interpretability matter most?" asks for conditions, "Give me a timeline of ..." for dated
            # events: a section that has none cannot give them, however well its words match ("dark matter"). (A
            # yes-or-no question may be answered by a fact or a section of any shape.)
            scored = {k: v for k, v in scored.items() if v[0].fits(q)} or scored
        sec, score, spread = max(scored.values(), key=lambda x: x[1])
        # "Describe the state of the field.": its children carry the named heading in their path, and one of them
        # may score higher; the section the question names answers.
        named = [v for k, v in scored.items() if k[0] == sec.source and len(k[1]) < len(sec.path)
                 and sec.path[: len(k[1])] == k[1] and self.names_heading(q, v[0])]
        if named:
            sec, spread = named[-1][0], named[-1][2]
        elif not self.names_heading(q, sec):
            # "How does AI control work?": the section the question names, though the evidence fell elsewhere
            # (by a word that is no everyday one: "What is the case for interpretability?" names no "What is
            # Interpretability?")
            elsewhere = [v for v in scored.values()
                         if self.names_heading(q, v[0]) and any(self.rare(t) for t in self.heading_stems(v[0]))]
            if elsewhere:
                sec, score, spread = max(elsewhere, key=lambda x: x[1])
        while spread < SCOPE_MERGE_SPREAD and not self.names_heading(q, sec):
            inner = [v for k, v in scored.items() if k[0] == sec.source and len(k[1]) > len(sec.path)
                     and k[1][: len(sec.path)] == sec.path]
            if not inner:
                break
            held = [p for p in top if p.source == sec.source
                    and tuple(p.section.split(PATH_SEP))[: len(sec.path)] == sec.path]
            best_child = self.tree.child_of(sec, held[0]) if held else None
            if isinstance(best_child, tuple) and (sec.source, best_child) not in scored:
                # "field size": State of the Field is asked about by its child's heading, and the best evidence is
                # that child's one paragraph ("Field Size and Growth"): a fact answers, not another sub-section.
                return None
            # The child where the evidence falls answers, as strongly as its parent was asked about: "What
            # have the major labs achieved ...?" is about State of the Field by its lead line, and answered
            # by its Research Progress table, whose own card says less of the question.
            sec, inner_score, spread = max(inner, key=lambda x: x[1])
            score = max(score, inner_score)
        return sec, score

    def heading_words(self, key: tuple, sec: Section) -> str:
        """A section's heading as lower-case words, read once per section."""
        words = self._heading_words.get(key)
        if words is None:
            words = self._heading_words[key] = " ".join(tokens(sec.heading))
        return words

    def about_what_is_named(self, q: Question, key: tuple, sec: Section) -> bool:
        """Whether the section mentions everything the question names ("RLHF"): "Is RLHF enough?" is no question for
        the survey's verdict on interpretability."""
        if not q.naming:
            return True
        return len(q.names_in(self.mentions(key, sec))) == len(q.naming)

    def mentions(self, key: tuple, sec: Section) -> set[str]:
        """The words and stems of a section's heading path and passages, read once per section."""
        have = self._mentions.get(key)
        if have is None:
            have = self._mentions[key] = self.scorer.words_and_stems(
                " ".join(f"{p.section} {p.text}" for p in sec.passages))
        return have

    def listing(self, q: Question, passages: list[Passage]) -> Section | None:
        """The section, among those the evidence falls in, whose own heading says what a "how many" question counts
        ("cruxes": Key Cruxes) and that lists several things."""
        if self.tree is None or not q.counted or q.naming:
            return None
        # The heading says the word itself, or its singular: "cruxes" (Key Cruxes), "approaches" (Approach Comparison
        # Details); not a word of its stem ("researchers" are not counted by "Research Progress by Organization").
        counted = q.counted.lower()
        forms = {counted, counted[:-1], counted[:-2], counted[:-3] + "y"} if counted.endswith("s") else {counted}
        best, best_rank = None, 0
        for p in passages[:SCOPE_TOP_PASSAGES]:
            for sec in self.tree.of(p):
                # ... or its table's column does: "Milestone" (Timeline of Key Achievements), "Approach". The word as
                # asked first: "challenges" is Remaining Challenges before Scalability Challenge.
                headers = [h for r in sec.direct if r.kind == "table_row" for h, _ in row_cells(r.text)]
                # ... or the lead lines of its lists, when two or more say it: "Mechanistic Interpretability Camp:",
                # "Pragmatic/Behavioral Camp:" are the camps of The Meta Question
                leads = [r.text.split("\n", 1)[0] for r in sec.direct if r.kind == "list"]
                leads = [ld for ld in leads if ld.endswith(":") and forms & {w.lower() for w in tokens(ld)}]
                said = {w.lower() for w in tokens(" ".join([sec.heading, *dict.fromkeys(headers),
                                                            *(leads if len(leads) >= 2 else [])]))}
                # ... or the corpus's word for it: "How many papers are cited?" counts the References
                rank = 2 if counted in said else 1 if forms & said or said & set(q.counted_as) else 0
                if rank > best_rank:
                    while len(sec.children) == 1 and not sec.direct:  # "Key Cruxes" holds only "Key Questions"
                        sec = self.tree.sections[(sec.source, sec.children[0])]
                    if sec.units() >= 2:
                        best, best_rank = sec, rank
        return best

    def names_heading(self, q: Question, sec: Section) -> bool:
        """Whether the question says every word of the section's heading ("Describe the state of the field." names
        "State of the Field (2024-2025)"): it asks for that section, not the child its evidence falls in."""
        stems = self.heading_stems(sec)
        if not stems or not all(s in q.terms for s in stems):
            return False
        # ... and it is most of what the question says ("Interpretability for Safety" is named by many questions)
        return self.scorer.share(q, stems) >= 0.5

    def focus(self, q: Question) -> Callable[[Passage], bool] | None:
        """A test of whether a passage (by its heading path or text) names what the question names ("RLHF"), for a
        digest to keep; None when the question names nothing rare enough to say what it is about, or two sides.
        Asked for one end of a chronology ("the latest milestone"), the first or last dated row that passes."""
        named = self.named_focus(q)
        if q.chronology_end is None:
            return named
        rows = [p for _, ps in self.main_tables(dated=True) for p in ps if named is None or named(p)]
        if not rows:
            return named
        end = rows[0] if q.chronology_end == "first" else rows[-1]
        return lambda p: p.id == end.id

    def named_focus(self, q: Question) -> Callable[[Passage], bool] | None:
        """:meth:`focus` but for a chronology's end."""
        if len(q.sides) == 2:
            return None
        terms = [stems for t in q.naming if (stems := q.key_stems.get(t))]
        # "What are its weaknesses?" after "What is scalable oversight?": the one subject "it" carries, when that is
        # rare ("And if the main risk is loss of control?" after misuse's priority names its own)
        carried = {t for t, w in q.terms.items() if w == FOLLOW_UP_CARRIED and self.rare(t)}
        if carried and not terms and re.search(r"\bit(?:s|self)?\b", q.text, re.I):
            terms = [carried]
        # "the main achievements of 2024": its dated rows; "since 2023", "before 2024": a range of years
        years: list[tuple[int, int]] = []
        # "between 2021 and 2024", "from 2021 to 2024": the years between, both included
        ranged = YEAR_RANGE_RE.search(q.text)
        if ranged:
            years.append((int(ranged.group(1)), int(ranged.group(2))))
        for m in re.finditer(r"\b(?:(since|from|after)|(before|until|up to))?\s*((?:19|20)\d\d)\b",
                             YEAR_RANGE_RE.sub(" ", q.text), re.I):
            y = int(m.group(3))
            years.append((y + (m.group(1) or "").lower().startswith("a"), 9999) if m.group(1) else
                         (0, y - (m.group(2) or "").lower().startswith("b")) if m.group(2) else (y, y))
        bounded = self.event_span(q)
        if bounded is not None:
            span = bounded[1]
            return lambda p: p.id in span  # "the landmark results before sparse autoencoders came along"
        topic = self.chronology_topic(q) if q.chronology and not terms else None
        if not terms and not years and topic is None:
            return None
        # "the Jan 2024 milestone", "in May 2024": that month of the year ("2024 (Jan)")
        months = {m[:3] for m in DATED_MONTH_RE.findall(q.text)}

        def names(p: Passage) -> bool:
            if topic is not None:
                # in the row's own words (every row's heading path says "Timeline"), its abbreviations' ("SAE"), or
                # the work it links to ("Scaling Monosemanticity": its summary says "sparse autoencoders")
                if not topic & (self.scorer.stem_set(p.text) | self.abbreviated(p.text) | self.linked_words(p)):
                    return False
                if not years:
                    return True
            have = self.scorer.stem_set(f"{p.section} {p.text}")
            dated = [int(y) for y in YEAR_RE.findall(p.text)]
            in_months = not months or any(re.search(rf"\b{m}", p.text) for m in months)
            return any(t <= have for t in terms) or in_months and any(lo <= y <= hi for lo, hi in years for y in dated)
        return names

    def chronology_form(self, q: Question) -> set[str]:
        """The stems of the words that ask for a chronology ("over time", "the history of")."""
        return set(self.stats.stem_all([w for m in CHRONOLOGY_Q.finditer(q.text) for w in tokens(m.group(0))]))

    def says_the_rest(self, q: Question, sec: Section) -> bool:
        """Whether a dated section's rows say every rare word of the question besides those asking for a chronology
        and the words for works ("published", "papers"). (Not the works they link to: the Mathematical Framework's
        summary says "team".)"""
        said = set().union(*(self.scorer.stem_set(p.text) | self.abbreviated(p.text) for p in sec.direct))
        skip = self.chronology_form(q) | set(self.stats.stem_all(sorted(WORK_WORDS)))
        return all(t in said for t, w in q.terms.items() if w >= 1.0 and self.rare(t) and t not in skip)

    def chronology_topic(self, q: Question) -> set[str] | None:
        """What a chronology is of, when it names no name: the rarest word the question says besides the chronology's
        own ("Give me a timeline of sparse autoencoder research": autoencoders; "of work on vision models": vision);
        None when every word it says is an everyday one ("a timeline of interpretability research")."""
        form = self.chronology_form(q)
        rare = [t for t, w in q.terms.items() if w >= 1.0 and t not in form and self.rare(t)]
        topic = {min(rare, key=lambda t: self.stats.doc_freq.get(t, 0))} if rare else None
        # ... that a dated row says itself: "breakthroughs" are what every row is, said only in a linked work's summary
        said = topic is not None and any(topic & (self.scorer.stem_set(p.text) | self.abbreviated(p.text))
                                         for _, rows in self.main_tables(dated=True) for p in rows)
        return topic if said else None

    def cited_works(self, q: Question, sec: Section) -> tuple[str, list[Passage]] | None:
        """The works a list of references links to that the question picks, each with its record's organization and
        year, cited by the passage that says what picked it: by a name ("from DeepMind"), a year ("from 2024") or the
        rarest word it says besides the list's own ("papers about sparse autoencoders"). None when it picks by
        nothing, or picks none."""
        if self.tree is None or self.documents is None:
            return None
        titles = {s: t for s, t, _ in self.documents()}
        years = set(YEAR_RE.findall(q.text))
        own = set(self.scorer.stem_set(f"{sec.heading} {sec.card()}")) | set(q.synonym_of) | set(q.synonym_of.values())
        # (where the list is, "the References section", picks none of its works)
        own |= set(self.stats.stem_all(sorted(DOCUMENT_PARTS)))
        topic = [t for t, w in q.terms.items() if w >= 1.0 and t not in own and not t.isdigit() and self.rare(t)]
        # (nor does the list's own name: "What is in the References section?")
        names = [stems for t in q.naming if (stems := q.key_stems.get(t)) and not t.isdigit() and not stems <= own]
        if not (years or topic or names):
            return None
        wanted = names + [{min(topic, key=lambda t: self.stats.doc_freq.get(t, 0))}] if topic else names
        cite = Cites()
        lines = []
        for ref in dict.fromkeys(r for p in sec.direct for r in p.refs):
            source = self.source_of(ref)
            if source is None:
                continue
            passages = self.work_passages(source)
            record = next((p for p in passages if p.kind == "metadata"), None)
            fields = dict(re.findall(r"^([A-Z][\w ]+):\s*(.+)$", record.text, re.M)) if record else {}
            title = titles[source]
            evidence: list[Passage | None] = []
            if years:
                evidence.append(record if record is not None and fields.get("Year") in years else None)
            for stems in wanted:  # the record first: "Organization: DeepMind"
                evidence.append(next((p for p in passages if stems <= self.scorer.words_and_stems(f"{title} {p.text}")),
                                     None))
            found = [e for e in evidence if e is not None]
            if len(found) < len(evidence):
                continue
            said = ", ".join(v for k in ("Organization", "Year") if (v := fields.get(k)))
            lines.append(f"- {title}" + (f" ({said})" if said else "") + f" [{cite(found[0])}]")
        if not lines:
            return None
        return "\n".join(lines), cite.passages

    def linked_words(self, row: Passage) -> set[str]:
        """The stems of the work a table row links to (its passages' text and abbreviations), read once per work."""
        source = self.linked_document(row) if row.kind == "table_row" else None
        if source is None or self.tree is None:
            return set()
        if source not in self._linked_words:
            text = " ".join(p.text for p in self.work_passages(source))
            self._linked_words[source] = set(self.scorer.stem_set(text)) | self.abbreviated(text)
        return self._linked_words[source]

    def abbreviated(self, text: str) -> set[str]:
        """The stems of the long forms of the abbreviations ``text`` uses ("SAEs": sparse, autoencod)."""
        out: set[str] = set()
        for w in re.findall(r"\b[A-Z]{2,}s?\b", text):
            long = self.stats.long_forms(w.lower().removesuffix("s"))
            if long:
                out |= set(self.stats.stem_all(tokens(long)))
        return out

    def event_span(self, q: Question) -> tuple[Section, set[str]] | None:
        """The dated table and the ids of its rows between the events that bound the question's chronology ("before
        sparse autoencoders came along", "between the one-layer result and the Claude 3 Sonnet study"); None when a
        bounding event is no row."""
        found = [self.event_rows(side, event) for side, event in q.event_bound]
        rows = [f for f in found if f is not None]
        if not found or len(rows) < len(found):
            return None
        return rows[0][0], set.intersection(*(ids for _, ids in rows))

    def event_rows(self, side: str, event: str) -> tuple[Section, set[str]] | None:
        """A dated table and the ids of its rows before or after the row that names ``event`` ("sparse autoencoders
        came along": the 2023 row, "Sparse autoencoders extract interpretable features ..."): the row holding most of
        the event's words (by their weight; the first of equals), not all of them ("the big Claude 3 Sonnet study" is
        the row "34M features from Claude 3 Sonnet"); None when no row holds any."""
        best = self.event_row(event)
        if best is None:
            return None
        sec, rows, hit = best
        kept = rows[:hit] if side in ("before", "until", "prior to") else rows[hit:] if side == "since" else \
            rows[max(hit - 1, 0):hit] if side == "previous" else rows[hit + 1:hit + 2] if side == "next" else \
            rows[hit + 1:]
        return sec, {p.id for p in kept}

    def event_row(self, event: str) -> tuple[Section, list[Passage], int] | None:
        """The dated table, its rows and the place of the row that names ``event``: the one holding most of the
        event's words by their weight (the first of equals); None when no row holds any."""
        # ("the Circuits work": what kind of thing an event is names no row; "SAEs work on deeper transformers" matched)
        stems = set(self.stats.stem_all([w for w in tokens(event) if w not in STOPWORDS and w not in WORK_WORDS]))
        best, best_weight = None, 0.0
        for sec, rows in self.main_tables(dated=True):
            for i, p in enumerate(rows):
                weight = sum(self.stats.idf(t) for t in stems & self.scorer.stem_set(p.text))
                if weight > best_weight:
                    best, best_weight = (sec, rows, i), weight
        return best

    def ordered_events(self, q: Question) -> tuple[Section, set[str]] | None:
        """The dated table and its two rows that name the events a question asks the order of ("Which came first,
        induction heads or the mathematical framework?"); None unless both are rows, and different ones."""
        if len(q.event_pair) != 2:
            return None
        first, second = (self.event_row(e) for e in q.event_pair)
        if first is None or second is None or first[2] == second[2]:
            return None
        sec, rows, i = first
        return sec, {rows[i].id, rows[second[2]].id}

    def names_row(self, q: Question, u: Unit) -> bool:
        """Whether ``u`` is a table row whose subject the question names ("AI Control", "Claude 3 Sonnet")."""
        if u.kind != "row":
            return False
        weight = said = 0.0
        for word in dict.fromkeys(tokens(row_subject(u.passage.text))):
            # "Red-Teaming" is named by "red-teaming" (its halves do not each need saying) or by "red teaming"
            stem = self.stats.stem_all([word])[0]
            halves = self.stats.stem_all([x for x in word.split("-") if x]) if "-" in word else []
            weight += self.stats.idf(stem)
            if stem in q.terms or (halves and all(h in q.terms for h in halves)):
                said += self.stats.idf(stem)
        return weight > 0 and said / weight >= SCOPE_ROW_NAMED

    def asks_named_row(self, q: Question, units: list[Unit]) -> Unit | None:
        """The first of ``units`` that is a table row the question names and asks a column of (by its header)."""
        return next((u for u in units if u.kind == "row" and self.names_row(q, u) and any(
            self.header_weight(q, row_subject(u.text))(h) > 0 for h, _ in row_cells(u.text)[1:])), None)

    def alike_siblings(self, q: Question, p: Passage) -> Section | None:
        """The parent of the sub-section ``p`` is in, when its sub-sections are alike (three or more, each a list
        under the same labels: "Strengths:", "Weaknesses:", "Best for:") and what the question asks each of is what
        the parent's heading path says they are ("each approach": Approach Comparison Details; "each side" is no
        crux)."""
        sections = self.tree.of(p) if self.tree is not None else []
        if len(sections) < 2 or self.tree is None:
            return None
        parent = sections[-2]
        if not q.distributed & set(self.stats.stem_all(tokens(" ".join(parent.path)))):
            return None
        kids = [self.tree.sections.get((parent.source, c)) for c in parent.children]

        def labels(sec: Section | None) -> tuple[str, ...]:
            return tuple(m.group("label") for x in (sec.direct if sec else []) if x.kind == "list"
                         for ln in x.text.split("\n") if (m := LABELLED_RE.match(ln.lstrip("-* "))))
        first = labels(kids[0]) if kids else ()
        # ... or each a crux, answered "Yes - ..." and "No - ..."
        alike = first and all(labels(k) == first for k in kids) or all(k is not None and k.answered_both_ways
                                                                         for k in kids)
        return parent if len(kids) >= 3 and alike else None

    def alike_lists(self, p: Passage) -> Section | None:
        """The section of the list ``p``, when it is one of three or more lists there whose lead lines open alike ("If
        main risk is deceptive alignment:", "If main risk is misuse:")."""
        if p.kind != "list" or self.tree is None or not (sections := self.tree.of(p)):
            return None

        def opening(x: Passage) -> tuple[str, ...]:
            lead = x.text.split("\n", 1)[0]
            return tuple(tokens(lead.rsplit(": ", 1)[-1])[:3]) if lead.endswith(":") else ()
        mine = opening(p)
        # ... and go on differently: the parts of one numbered list under one lead are no alternatives
        leads = {x.text.split("\n", 1)[0] for x in sections[-1].direct if x.kind == "list" and opening(x) == mine}
        return sections[-1] if len(mine) == 3 and len(leads) >= 3 else None

    def table_of_kind(self, q: Question) -> Section | None:
        """The main document's table whose rows are the kind of thing the question asks which of: "Which safety
        approaches ...?" asks the table whose first column is "Approach", "Which models ...?" the one of "Model"."""
        if q.which_kind is None:
            return None
        for sec, rows in self.main_tables():
            kind = tokens(row_cells(rows[0].text)[0][0])
            stem = self.stats.stem_all(kind[-1:])[0] if kind else None
            # "Which safety methods ...?": a word the synonyms give for the kind ("approach: methods") names it
            if stem is not None and q.which_kind in (stem, q.synonym_of.get(stem)):
                return sec
        return None

    def compares_rows(self, q: Question, table: Section | None = None) -> bool:
        """Whether the question picks one of a kind by a degree of a column the kind's table (``table``, when already
        found) has ("Which approach is most mature?": Current Maturity)."""
        table = (table or self.table_of_kind(q)) if q.superlative else None
        return table is not None and self.asks_column(q, table)

    def asks_column(self, q: Question, table: Section) -> bool:
        """Whether the question asks one of ``table``'s columns, by its header or its cells ("mature": Current
        Maturity; "promising" asks none)."""
        rows = [p for p in table.direct if p.kind == "table_row"]
        weight = self.column_weight(q, table)
        return bool(rows) and any(weight(h) > 0 for h, _ in row_cells(rows[0].text)[1:])

    def named_column(self, q: Question) -> Section | None:
        """The main document's table with a column whose header the question names, when none of its rows is among
        the best evidence: "How well does each safety method scale?" asks the Scalability column, though the
        approaches' own sub-sections matched better."""
        weight = self.header_weight(q)
        best, best_weight = None, 0.0
        for sec, rows in self.main_tables():
            for h in [h for h, _ in row_cells(rows[0].text)][1:]:  # the first names the row
                # every word of the header said, as it is or by a derived form ("scale": "Scalability")
                said = all(weight(w) > 0 for w in tokens(h) if w not in STOPWORDS)
                if said and weight(h) > best_weight:
                    best, best_weight = sec, weight(h)
        return best

    def header_weight(self, q: Question, subject: str = "") -> Callable[[str], float]:
        """How much a table column's header is asked about ("Deception Detection" for "detect deception";
        "scale" names the "Scalability" column through the coarse stem). The words of a row's ``subject`` name no
        column of it: "Is scalable oversight enough?" asks Sufficiency Alone, not Scalability."""
        everyday = EVERYDAY_SHARE * (self.stats.size or 1)
        named = set(self.scorer.stem_set(subject)) if subject else set()

        def weight(header: str) -> float:
            # A word in most passages names no column: "What is each lab bringing to interpretability?" is not
            # asking the "Interpretability Rate" column.
            stems = {t for t in self.stats.stem_all(tokens(header)) if self.stats.doc_freq.get(t, 0) <= everyday}
            coarse = lancaster_set(header)
            return sum(q.terms.get(t, 0) * self.stats.idf(t) for t in stems - named) + DERIVED_MATCH_WEIGHT * sum(
                q.terms.get(t, 0) * self.stats.idf(t) for t, ls in q.coarse.items()
                if t not in stems and t not in named and ls in coarse and self.stats.doc_freq.get(t, 0) <= everyday)
        return weight

    def column_weight(self, q: Question, sec: Section, subject: str = "") -> Callable[[str], float]:
        """How much a column of ``sec``'s table is asked about: by its header ("Deception Detection"), or by what its
        cells say ("Which are in production use?" asks the Current Maturity column); a row's ``subject`` as in
        :meth:`header_weight`."""
        values: dict[str, set[str]] = {}
        for p in sec.direct:
            if p.kind == "table_row":
                for header, value in row_cells(p.text):
                    values.setdefault(header, set()).update(self.scorer.stem_set(value))
        by_header = self.header_weight(q, subject)
        everyday = EVERYDAY_SHARE * (self.stats.size or 1)
        named = set(self.scorer.stem_set(subject)) if subject else set()

        def weight(header: str) -> float:
            asked = [t for t in values.get(header, ()) if t in q.terms and t not in named
                     and self.stats.doc_freq.get(t, 0) <= everyday]
            return by_header(header) + sum(q.terms[t] * self.stats.idf(t) for t in asked)
        return weight

    def side_stems(self, q: Question) -> list[set[str]]:
        """Each comparison side's words that the question weighs (its stems)."""
        return [set(self.scorer.stem_set(s)) & set(q.terms) for s in elided_possessive(q.sides)]

    def comparison_passages(self, q: Question, passages: list[Passage]) -> list[list[Passage]] | None:
        """For "How does A compare with B?": each side's table row and sub-section, when both are found."""
        if len(q.sides) != 2:
            return None
        side_stems = self.side_stems(q)
        a, b = side_stems[0] - side_stems[1], side_stems[1] - side_stems[0]
        if bool(a) != bool(b):  # "Gemma Scope" vs "Gemma Scope 2": each is all its words (names with no more win)
            a, b = side_stems
        pool = self.near_pool(passages)
        out: list[list[Passage]] = []
        for own in (a, b):
            weight = sum(self.stats.idf(s) for s in own)
            if not own or weight <= 0:
                return None
            found = self.named_row_and_list(own, pool)
            if not found:
                # A side no row or sub-section names may be a document: "How does MAIA differ from Gemma Scope?"
                # gets a passage of the reference whose title names it, among the candidates retrieved.
                found = self.named_passage(own, {p.id for side in out for p in side})
            if not found:
                return None
            out.append(found)
        return out

    def near_pool(self, passages: list[Passage]) -> dict[str, Passage]:
        """The retrieved passages and those beside the best of them, in the same table or among the sibling
        sub-sections (a side's row or sub-section may not be retrieved itself)."""
        assert self.tree is not None
        pool: dict[str, Passage] = {p.id: p for p in passages}
        for p in passages[:SCOPE_TOP_PASSAGES]:
            for sec in self.tree.of(p)[-2:]:
                for sib in sec.passages:
                    pool.setdefault(sib.id, sib)
        return pool

    def named_row_and_list(self, own: set[str], pool: dict[str, Passage]) -> list[Passage]:
        """The table row and the sub-section's list in ``pool`` that ``own`` (stems) names best, each when it names
        enough of it (SCOPE_SIDE_NAMED)."""
        weight = sum(self.stats.idf(s) for s in own)
        found = []
        for kind in ("table_row", "list"):
            best, best_share = None, (0.0, 0.0)
            for p in pool.values():
                if p.kind != kind or not p.section:  # a list is named by its sub-section's heading
                    continue
                name = row_subject(p.text) if kind == "table_row" else p.section.rsplit(PATH_SEP, 1)[-1]
                # The side's words the name carries, or the name's words the side carries ("interpretability
                # as a safety approach" names the "Interpretability" sub-section).
                # A hyphenated name also matches by its halves ("GPT-4": gpt, 4, gpt4), but weighs as written.
                stems = self.scorer.stem_set(name)
                plain = set(self.stats.stem_all(tokens(name)))
                named = sum(self.stats.idf(s) for s in own & stems)
                exact = min(1.0, named / (sum(self.stats.idf(s) for s in plain) or 1.0))
                share = (max(named / weight, exact), exact)  # ties go to the name with no words besides
                if share > best_share:
                    best, best_share = p, share
            if best is not None and best_share[0] >= SCOPE_SIDE_NAMED:
                found.append(best)
        return found

    def subject_overview(self, q: Question, passages: list[Passage]) -> list[Passage] | None:
        """For "What does the survey say about AI control?": the row and the sub-section that are both all of what
        the question names (each the whole of its name: "AI Control"), when both are there."""
        if not q.about_document or len(q.sides) == 2 or self.tree is None:
            return None
        own = {t for t, w in q.terms.items() if w >= 1.0}
        if not own:
            return None
        found = self.named_row_and_list(own, self.near_pool(passages))
        full = [p for p in found if set(self.stats.stem_all(tokens(
            row_subject(p.text) if p.kind == "table_row" else p.section.rsplit(PATH_SEP, 1)[-1]))) <= own]
        return full if len(full) == 2 else None

    def named_passage(self, own: set[str], used: set[str]) -> list[Passage]:
        """The summary of the reference whose title names ``own`` (all of it; the title's name with no words
        besides first: "Gemma Scope" is "Gemma Scope: Open Sparse Autoencoders for Gemma 2 ...", not "Gemma Scope 2:
        Helping ..."), read from the index whatever was retrieved; none when no title names it."""
        if self.documents is None or self.tree is None:
            return []
        main = self.main_document() if self.main_document else None
        weight = sum(self.stats.idf(s) for s in sorted(own)) or 1.0
        ranked = []
        for source, title, _ in self.documents():
            if source == main or sum(self.stats.idf(s) for s in sorted(own & self.scorer.stem_set(title))) < weight:
                continue
            head = set(self.stats.stem_all(tokens(title_name(title))))
            union = sum(self.stats.idf(s) for s in sorted(own | head)) or 1.0
            ranked.append((round(sum(self.stats.idf(s) for s in sorted(own & head)) / union, 9), source))
        for _, source in sorted(ranked, key=lambda x: (-x[0], x[1])):
            self.tree.load(source)
            sections = sorted((sec for key, sec in self.tree.sections.items() if key[0] == source),
                              key=lambda sec: sec.passages[0].position)
            # Its Summary, else its opening paragraph (the first that the other side does not use)
            for p in [*(sec.passages[0] for sec in sections), *self.tree.unsectioned(source)]:
                if p.kind == "paragraph" and p.id not in used:
                    return [p]
        return []
