"""Answers bigger than one fact: a section's digest, or two sides of a comparison, as cited Markdown lists.

Every line is text copied from the passage its [n] cites (or that passage's heading), cut at a
clause boundary when long, so answers stay traceable. The order is the document's.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .sections import PATH_SEP, Section, SectionTree, concludes
from .text import ensure_period, row_cells, split_sentences, title_name
from .types import Passage
from .weights import DIGEST_CHARS, DIGEST_LEVELS

# An item's label: "Sycophancy features: Patterns that ...", "No - fundamentally limited ... . Like a dog".
ITEM_LABEL_RE = re.compile(r"^(?P<label>[^:]{1,70}?)(?::\s|\.\s|\s→\s)")
CLAUSE_RE = re.compile(r"(?<=\w)(?:[.;]\s|,\s|\s—\s|\s→\s)")


class Cites:
    """Citation numbers in order of first use."""

    def __init__(self) -> None:
        self.passages: list[Passage] = []

    def __call__(self, p: Passage) -> int:
        ids = [c.id for c in self.passages]
        if p.id not in ids:
            self.passages.append(p)
            return len(self.passages)
        return ids.index(p.id) + 1


def cut(text: str, limit: int) -> str:
    """``text`` up to ``limit`` characters, ended at a clause boundary (never mid-word)."""
    text = text.strip()
    if len(text) <= limit:
        return text
    ends = [m.start() + 1 for m in re.finditer(r"[.!?](?=\s)", text) if m.start() < limit]
    if ends and ends[-1] >= 0.4 * limit:  # a whole sentence, when one fits
        return text[: ends[-1]].rstrip(".")
    best = 0
    for m in CLAUSE_RE.finditer(text):
        if m.start() > limit:
            break
        best = m.start()
    if best < 15:  # no clause ends in time: cut between words, and say so ("…"), not with a period
        space = text.rfind(" ", 0, limit)
        return text[: space if space > 15 else limit].rstrip(" ,;:—") + "…"
    return text[:best].rstrip(" ,;—")


def short_item(item: str, detail: int) -> str:
    """A list item at a level of detail: 0 whole (to 300 characters), 1 a clause, 2 its label."""
    item = item.lstrip("- ").strip()
    if detail == 0:  # whole, verdict included: "No - ... → Interpretability insufficient ... (Confidence: medium)"
        return cut(item, 300)
    if re.match(r"\d+[.)]\s", item):  # "1. Understand all safety-relevant features": the line is its label
        return cut(item.split("\n", 1)[0], 110 if detail == 1 else 70)
    m = ITEM_LABEL_RE.match(item)
    if detail == 2 and m and len(m.group("label").split()) >= 2:
        return m.group("label").strip()
    if m and len(m.group("label").split()) < 3 and item[m.end("label")] == ":":
        # "Strengths: Direct verification, detects deception": the label alone says nothing
        return cut(item, 110 if detail == 1 else 70)
    if m:
        return m.group("label").strip()
    return cut(item, 110 if detail == 1 else 70)


def asked_item(item: str, level: int, detail: int, asked: Callable[[str], float] | None) -> str:
    """A list item at ``level`` (:func:`short_item`), or whole (cut to the paragraph lengths of ``detail``, 0 fullest)
    when the question says a word of its label (``asked``: how much of the question a text says): "Key Gaps: Neural
    Network Dark Matter → ...", not "Key Gaps"."""
    m = ITEM_LABEL_RE.match(item.lstrip("- ").strip())
    if asked is not None and m and asked(m.group("label")) > 0:
        return cut(item.lstrip("- ").strip(), (300, 220, 160, 120)[detail])
    return short_item(item, level)


def list_lines(p: Passage) -> tuple[str, list[str]]:
    """A list passage's lead line ('' when none) and items (nested sub-points folded into their item)."""
    lines = [ln for ln in p.text.split("\n") if ln.strip()]
    lead = lines[0] if lines and lines[0].endswith(":") and not lines[0].startswith("- ") else ""
    items: list[str] = []
    for ln in lines[1:] if lead else lines:
        if ln.startswith("- ") and items and re.match(r"\d+[.)]\s", items[0]):
            continue  # "- Identify internal goals" under "1. Understand all safety-relevant features"
        items.append(ln)
    return lead, items


def row_line(p: Passage, wanted: Callable[[str], float] | None = None, limit: int = 3) -> str:
    """A table row as a short line: 'subject: cell — cell', the cells the question asks about first."""
    cells = row_cells(p.text)
    if not cells:
        return p.text
    subject, rest = cells[0][1], cells[1:]
    if wanted is not None:
        scored = sorted(rest, key=lambda hv: -wanted(hv[0]))
        asked = [hv for hv in scored if wanted(hv[0]) > 0][: limit - 1]
        if asked:
            return f"{subject} — " + "; ".join(f"{h}: {v}" for h, v in asked)
    values = [cut(v, 90) for _, v in rest[: limit - 1]]
    return f"{subject}: " + " — ".join(values)


def section_digest(tree: SectionTree, sec: Section, wanted: Callable[[str], float] | None = None,
                   budget: int = DIGEST_CHARS, focus: Callable[[Passage], bool] | None = None
                   ) -> tuple[str, list[Passage]]:
    """A section as a cited Markdown list: its conclusion or lead line, then its items in document order.

    Sub-sections give their heading and the labels of what they list; lists give their lead line and
    items; table rows give their first cells (the columns ``wanted`` scores highest first); long
    items are cut to their label or first clause, more so until the answer fits ``budget``. With
    ``focus``, when some of its passages pass it and others do not, only those that do are given
    ("What are the weaknesses of RLHF?" answered by the safety approaches' section: its RLHF row,
    its RLHF limitations and its RLHF sub-section, not every approach).
    """
    while len(sec.children) == 1 and not sec.direct:  # "Key Cruxes" holds only "Key Questions"
        sec = tree.sections[(sec.source, sec.children[0])]
    keep = None
    if focus is not None:
        named = {p.id for p in sec.passages if focus(p)}
        # A lead line that introduces the section's items names them all: "the 2024 review" is the year of "Per
        # Bereska & Gavves (2024), a comprehensive review of ...:", the line above Remaining Challenges' table.
        first = sec.direct[0] if sec.direct else None
        introduces = first is not None and first.id in named and first.text.rstrip().endswith(":")
        keep = named if named and len(named) < len(sec.passages) and not introduces else None
    # The fullest rendering first; kept for the first level, as what it shows decides whether ``keep`` applies.
    rendered = _render(tree, sec, wanted, *DIGEST_LEVELS[0], keep)
    if keep is not None and not any(p.id in keep for p in rendered[1]):
        keep = None  # what passes is none of what the section shows (a conclusion that is its parent's)
        rendered = _render(tree, sec, wanted, *DIGEST_LEVELS[0], keep)
    text, cites = "", list[Passage]()
    for level, (detail, conclusions) in enumerate(DIGEST_LEVELS):
        text, cites = rendered if level == 0 else _render(tree, sec, wanted, detail, conclusions, keep)
        if len(text) <= budget:
            return text, cites
    return _first_lines(text, cites, budget)  # still too long


def _first_lines(text: str, cites: list[Passage], budget: int) -> tuple[str, list[Passage]]:
    """The first lines of ``text`` that fit ``budget``, cited and numbered anew."""
    kept: list[str] = []
    for ln in text.split("\n"):
        if sum(len(k) + 1 for k in kept) + len(ln) > budget:
            break
        kept.append(ln)
    text = "\n".join(kept)
    return _renumber(text, cites, {int(n) for n in re.findall(r"\[(\d+)\]", text)})


def _renumber(text: str, cites: list[Passage], used: set[int]) -> tuple[str, list[Passage]]:
    order = [n for n in range(1, len(cites) + 1) if n in used]
    new = {old: k for k, old in enumerate(order, 1)}
    return re.sub(r"\[(\d+)\]", lambda m: f"[{new[int(m.group(1))]}]", text), [cites[n - 1] for n in order]


def _render(tree: SectionTree, sec: Section, wanted, detail: int,
            conclusions_kept: tuple[int, int], keep: set[str] | None = None) -> tuple[str, list[Passage]]:
    cite = Cites()
    head: list[str] = []
    body: list[str] = []
    direct = sec.direct
    if closes_parent(tree, sec):
        direct = [p for p in direct if p is not sec.parents_conclusion]  # the parent's conclusion, not its own
    # The section's conclusion ("Current Consensus: ...") leads; an opening paragraph is its lead line. A line that
    # introduces what follows ("Per Bereska & Gavves (2024), a comprehensive review ...:") leads instead, and the
    # conclusion closes ("Key insight from Chris Olah ...").
    conclusions = [c for c in section_conclusions(tree, sec) if keep is None or c.id in keep][: conclusions_kept[0]]
    limit = conclusions_kept[1]
    introduced = bool(direct) and direct[0].kind == "paragraph" and direct[0].text.rstrip().endswith(":") \
        and direct[0] not in conclusions and (keep is None or direct[0].id in keep)
    closing: list[Passage] = conclusions if introduced else []
    for c in [] if introduced else conclusions:
        head.append(f"{ensure_period(cut(c.text, limit))} [{cite(c)}]")
    children: list[tuple[int, Passage | Section]] = [(p.position, p) for p in direct if p not in conclusions
                                                      and (keep is None or p.id in keep)]
    for path in sec.children:
        sub = tree.sections[(sec.source, path)]
        if keep is None or any(p.id in keep for p in sub.passages):
            children.append((sub.passages[0].position, sub))
    children.sort(key=lambda x: x[0])
    last_lead = ""
    for _, item in children:
        last_lead = last_lead if isinstance(item, Passage) and item.kind == "list" else ""
        if isinstance(item, Section):
            body += _sub_lines(tree, item, cite, detail, wanted, keep)
            continue
        child = item
        if child.kind == "table_row":
            body.append(f"- {row_line(child, wanted, limit=4)} [{cite(child)}]")
        elif child.kind == "list":
            lead, items = list_lines(child)
            n = cite(child)
            if detail >= 3 and lead:
                labels = "; ".join(short_item(i, 2) for i in items)
                body.append(f"- {cut(lead.removesuffix(':'), 120)}: {labels} [{n}]")
                continue
            nested = "  " if lead else ""
            if lead and lead != last_lead:  # one item per passage under one lead: "we'd need to: 1. ...; 2. ..."
                body.append(f"- {cut(lead.removesuffix(':'), 160 if detail < 2 else 100)} [{n}]")
            last_lead = lead
            body += [f"{nested}- {short_item(i, detail)} [{n}]" for i in items]
            continue
        elif child.kind == "paragraph":
            if not head and child is direct[0] and not sec.children and len(direct) > 1:
                first = next((s for s in split_sentences(child.text) if not s.endswith("?")), "")
                if first:
                    head.append(f"{ensure_period(cut(first, limit))} [{cite(child)}]")
                continue
            body.append(f"- {ensure_period(cut(child.text, (200, 140, 100, 80)[detail]))} [{cite(child)}]")
    if not head and not sec.children and direct and direct[0].kind == "list" and not list_lines(direct[0])[0]:
        # A list with no lead line ("- Strengths: ...; - Weaknesses: ...") does not say what it is about: its
        # heading does ("Behavioral Testing (Red-Teaming)").
        head.append(f"{sec.heading} [{cite(direct[0])}]")
    tail = [f"{ensure_period(cut(c.text, limit))} [{cite(c)}]" for c in closing]
    return "\n".join(head + body) + ("\n\n" + "\n".join(tail) if tail else ""), cite.passages


def section_conclusions(tree: SectionTree, sec: Section) -> list[Passage]:
    """What a section concludes: a labelled paragraph ("Current Consensus: ...", "Most Likely: ...") that
    closes the section or one of its sub-sections, the section's own first."""
    out = []
    for s in [sec] + [tree.sections[(sec.source, tuple(p.section.split(PATH_SEP)))]
                      for p in sec.passages if p.section and p.section != PATH_SEP.join(sec.path)]:
        last = s.direct[-1] if s.direct else None
        if last is not None and concludes(last) and last not in out and len(s.direct) > 1 \
                and not (s is sec and closes_parent(tree, s)):
            out.append(last)
    return out


def closes_parent(tree: SectionTree, sec: Section) -> bool:
    """Whether ``sec``'s closing paragraph closes its parent: ``sec`` is the last of parallel sub-sections ("Most
    Likely: A hybrid approach ..." after the AI Control list ends all six approaches' details, and is not what "What
    is AI control?" is answered with first; see :meth:`SectionTree._mark_parents_conclusion`)."""
    tree.load(sec.source)
    return sec.parents_conclusion is not None


def _sub_lines(tree: SectionTree, sub: Section, cite: Cites, detail: int, wanted=None,
               keep: set[str] | None = None) -> list[str]:
    """A sub-section: its heading, then the labels of what it lists (each cited to its own passage).

    Labels from one passage stay on the heading's line ("Can we ...?: No - ...; Yes - ... [1]");
    labels from several passages (table rows, numbered items) become nested items.
    """
    first = next((p for p in sub.passages if keep is None or p.id in keep), sub.passages[0])
    if detail >= 3:
        return [f"- {sub.heading} [{cite(first)}]"]
    labels: list[tuple[str, Passage]] = []
    for p in sub.direct:
        if keep is not None and p.id not in keep:
            continue
        if p.kind == "list":
            _, items = list_lines(p)
            if re.match(r"\d+[.)]\s", items[0] if items else ""):
                labels.append((short_item(items[0], 2), p))  # one numbered item per passage
            else:
                labels += [(short_item(i, max(detail, 1)), p) for i in items]
        elif p.kind == "table_row":
            labels.append((row_line(p, wanted, limit=2), p))
        elif not labels:
            labels.append((cut(p.text, 90), p))
    for path in sub.children:
        child = tree.sections[(sub.source, path)]
        kept = [p for p in child.passages if keep is None or p.id in keep]
        if kept:
            labels.append((path[-1], kept[0]))
    labels = labels[: (8, 8, 5)[min(detail, 2)]]
    if not labels:
        return [f"- {sub.heading} [{cite(first)}]"]
    if len({p.id for _, p in labels}) == 1:
        body = "; ".join(text for text, _ in labels)
        return [f"- {sub.heading}: {cut(body, 200) if detail >= 2 else body} [{cite(labels[0][1])}]"]
    return [f"- {sub.heading} [{cite(first)}]"] + [f"  - {text} [{cite(p)}]" for text, p in labels]


def document_digest(tree: SectionTree, source: str, budget: int = DIGEST_CHARS,
                    verdicts: bool = False) -> tuple[str, list[Passage]]:
    """A whole document as a cited answer: its opening paragraph (the author's own summary), then its main
    sections in document order, each with what it concludes ("The Sufficiency Question: Current Consensus:
    ...") or its heading alone. Conclusions are cut shorter until the answer fits ``budget``.

    With ``verdicts`` ("What does the survey conclude?", "its final word"), only what the sections conclude,
    their sub-sections' conclusions too, at more length: the headings of sections that conclude nothing say none
    of it ("Current Consensus: Interpretability is valuable but probably needs to combine with other…" was cut to
    make room for them)."""
    opening, tops = _outline(tree, source)
    if verdicts:
        return _verdicts_digest(tree, source, opening, tops, budget)
    text, cites = "", list[Passage]()
    # What a section closes with, when that is a labelled line ("Current Consensus: ...", "Most Likely: ...").
    closing = {sec.key: sec.passages[-1] for sec in tops if concludes(sec.passages[-1]) or len(sec.passages) == 1}
    for limit in (600, 160, 120, 90, 0):  # a reference's one Summary fits whole; the survey's sections, cut
        cite = Cites()
        lines = [f"{ensure_period(cut(p.text, 600))} [{cite(p)}]" for p in opening]
        for sec in tops:
            said = closing.get(sec.key) if limit else None
            if said is not None:
                lines.append(f"- {sec.heading}: {cut(said.text, limit)} [{cite(said)}]")
            else:
                lines.append(f"- {sec.heading} [{cite(sec.passages[0])}]")
        text, cites = "\n".join(lines), cite.passages
        if len(text) <= budget:
            break
    return text, cites


def _outline(tree: SectionTree, source: str) -> tuple[list[Passage], list[Section]]:
    """A document's opening paragraph (the author's own summary) and its top-level sections, but for a list of works
    cited and a lone link table ("Key Links"); a reference's "Summary" is one paragraph, and says what it concludes."""
    opening = [p for p in tree.unsectioned(source) if p.kind == "paragraph"][:1]
    tops = [sec for key, sec in tree.sections.items() if key[0] == source and len(key[1]) == 1
            and not sec.bibliography and (len(sec.passages) > 1 or sec.passages[0].kind == "paragraph")]
    return opening, tops


def _verdicts_digest(tree: SectionTree, source: str, opening: list[Passage], tops: list[Section],
                     budget: int) -> tuple[str, list[Passage]]:
    said = [(sec, p) for sec in tops for p in section_conclusions(tree, sec)]
    if not said:
        return document_digest(tree, source, budget)

    def depth(p: Passage) -> int:
        """How deep the section is that ``p`` concludes: a sub-section's last line that closes its parent
        ("Most Likely: ...") concludes the parent."""
        path = tuple(p.section.split(PATH_SEP))
        return len(path) - (tree.sections[(source, path)].parents_conclusion is not None)

    # Too long: the conclusions of the deepest sections go first, the last of them first; then all are cut shorter.
    order = sorted(range(len(said)), key=lambda k: (depth(said[k][1]), k))
    text, cites = "", list[Passage]()
    for limit in (400, 240, 160):
        for keep in range(len(said), min(2, len(said)) - 1, -1):
            kept = sorted(order[:keep])
            cite = Cites()
            lines = [f"{ensure_period(cut(p.text, 600))} [{cite(p)}]" for p in opening]
            lines += [f"- {said[k][0].heading}: {ensure_period(cut(said[k][1].text, limit))} [{cite(said[k][1])}]"
                      for k in kept]
            text, cites = "\n".join(lines), cite.passages
            if len(text) <= budget:
                return text, cites
    return text, cites


def related_digest(passages: list[Passage], wanted: Callable[[str], float] | None = None,
                   budget: int = DIGEST_CHARS, main: str | None = None,
                   asked: Callable[[str], float] | None = None) -> tuple[str, list[Passage]]:
    """Passages as short cited lines under their headings, in document order: what a reader may also want
    when the best fact holds only part of a question ("What obstacles does the field still face?").

    A table row gives its first cells (the columns ``wanted`` scores highest first), a list its lead line and
    item labels, a paragraph its first clause; each is cut shorter until the whole fits ``budget``. The
    ``main`` document's passages go under their section's heading, another document's under its title; a
    heading with one passage leads its line ("- Scalable Oversight: Strengths: ... [2]"), a heading with more
    is a line of its own (cited to its first) with theirs nested under it, as a section digest writes them.
    A list item whose label the question says (``asked``: how much of the question a text says) is given whole:
    "What stands between extracting 34 million features and proving a model safe?" got the diagram's "Key Gaps"
    without the gaps.
    """
    if not passages:
        return "", []
    docs = list(dict.fromkeys(p.source for p in passages))
    ordered = sorted(passages, key=lambda p: (docs.index(p.source), p.position))
    groups: dict[tuple[str, str], list[Passage]] = {}
    for p in ordered:
        heading = p.section.split(PATH_SEP)[-1] if p.section and p.source == main else title_name(p.title)
        groups.setdefault((p.source, heading), []).append(p)
    text, cites = "", list[Passage]()
    for detail in range(4):
        cite = Cites()
        lines: list[str] = []
        for (_, heading), group in groups.items():
            said: list[tuple[str, Passage]] = []
            for p in group:
                if p.kind == "table_row":
                    said.append((row_line(p, wanted, limit=max(2, 4 - detail)), p))  # a row's name and a cell
                elif p.kind == "list":
                    lead, items = list_lines(p)
                    if lead:
                        labels = "; ".join(asked_item(i, min(detail + 1, 2), detail, asked) for i in items)
                        lead = cut(lead.removesuffix(":"), (160, 120, 100, 100)[detail]).rstrip(":")
                        said.append((f"{lead}: {labels}", p))
                    else:
                        said += [(asked_item(i, min(detail, 2), detail, asked), p) for i in items]
                else:
                    said.append((ensure_period(cut(past_question(p.text), (220, 160, 120, 90)[detail])), p))
            if len(said) == 1:
                lines.append(f"- {heading}: {said[0][0]} [{cite(said[0][1])}]")
            else:
                lines.append(f"- {heading} [{cite(group[0])}]")
                lines += [f"  - {line} [{cite(p)}]" for line, p in said]
        text, cites = "\n".join(lines), cite.passages
        if len(text) <= budget:
            return text, cites
    return _first_lines(text, cites, budget)  # still too long


def past_question(text: str) -> str:
    """A paragraph from after the question it opens with: "How does interpretability compare to alternatives?
    Recent research suggests ..." says what it says in its second sentence."""
    m = re.match(r"[^.!?]*\?\s+(?=\S)", text)
    return text[m.end():] if m else text


def side_lines(p: Passage, tree: SectionTree, cite: Cites) -> str:
    """One side of a comparison: its table row, or its sub-section's items, on one line."""
    if p.kind == "table_row":
        cells = row_cells(p.text)
        subject = cells[0][1]
        return f"- {subject} — " + "; ".join(f"{h}: {v}" for h, v in cells[1:]) + f" [{cite(p)}]"
    sec = tree.of(p)[-1] if tree.of(p) else None
    if sec is not None and p.kind == "list":
        _, items = list_lines(p)
        return f"- {sec.heading} — " + "; ".join(short_item(i, 0) for i in items) + f" [{cite(p)}]"
    head = title_name(p.title)  # "Gemma Scope 2", not its subtitle
    named = "" if not head or p.text.startswith(head) else f"{head} — "  # a reference's passage: which reference
    return f"- {named}{ensure_period(cut(p.text, 300))} [{cite(p)}]"


def comparison(tree: SectionTree, sides: list[list[Passage]], budget: int = DIGEST_CHARS) -> tuple[str, list[Passage]]:
    """Each side's row and sub-section, side by side, as a cited list."""
    cite = Cites()
    lines: list[str] = []
    for found in sides:
        lines += [side_lines(p, tree, cite) for p in found]
    text = "\n".join(lines)
    if len(text) > budget:  # each side's first passage, cut to its share of the budget
        cite, lines = Cites(), []
        for found in [f for f in sides if f]:
            body, marker = side_lines(found[0], tree, cite).rsplit(" [", 1)
            lines.append(f"{cut(body, budget // len(sides) - 8)} [{marker}")
        text = "\n".join(lines)
    return text, cite.passages
