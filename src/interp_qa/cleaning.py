"""Clean the scraped survey page into a structured Markdown corpus.

Input: ``corpus/raw/survey-page.txt`` (the page as scraped) and ``corpus/raw/page.toml``
(curation data: heading levels, reference titles, tag vocabulary). Output:
``corpus/survey.md`` and one ``corpus/references/<slug>.md`` per cited work.

The function is deterministic: the same inputs always give byte-identical files,
so ``interp-qa build-corpus --check`` can tell whether the committed corpus is stale.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .text import LABELLED_RE

CARD_RE = re.compile(r"↗(?P<icon>📄|🔗) ?(?P<kind>paper|web)(?P<stars>[★☆]*)(?P<body>.*?)Source ↗")
AUTHOR_LINE_RE = re.compile(
    r"^(?P<blurb>.*\.)(?P<authors>[A-Z][^()]*?) \((?P<year>\d{4})\)(?P<citations>\d+) citations"
    r"(?: · (?P<venue>.*))?$"
)
REF_HEADER_RE = re.compile(r"^(?P<number>\d+)(?P<rest>.*)▸$")
MERMAID_NODE_RE = re.compile(r"(?P<id>\w+)(?:\[(?P<label>[^\]]*)\])?")


@dataclass
class Reference:
    """One cited work, gathered from every card and summary the page has for it."""

    slug: str
    title: str
    link_texts: list[str] = field(default_factory=list)
    kind: str = ""
    rating: int | None = None
    publisher: str = ""
    blurb: str = ""
    teaser: str = ""  # the card's truncated summary
    summary: str = ""  # the full summary from the References section
    authors: list[str] = field(default_factory=list)
    authors_as_listed: str = ""
    year: int | None = None
    citations: int | None = None
    venue: str = ""
    tags: list[str] = field(default_factory=list)
    more_tags: int | None = None
    ref_number: int | None = None
    organization: str = ""


@dataclass
class CleanedCorpus:
    survey: str
    references: dict[str, str]  # slug -> Markdown file text


class PageCleaner:
    """Turns the raw page text into Markdown, driven by the curation file."""

    def __init__(self, raw: str, curation: dict) -> None:
        self.raw = raw
        self.cur = curation
        self.headings: dict[str, int] = curation["headings"]
        self.renames: dict[str, str] = curation.get("heading_renames", {})
        self.refs = {r["slug"]: Reference(slug=r["slug"], title=r["title"]) for r in curation["references"]}
        # Longest titles first, so "Gemma Scope 2: ..." wins over "Gemma Scope: ...".
        self.titles = sorted(self.refs.values(), key=lambda r: -len(r.title))
        self.full_summaries = self._reference_section_summaries()

    # ----- references section -------------------------------------------------------
    def _reference_section_summaries(self) -> list[tuple[str, dict]]:
        lines = self.raw.splitlines()
        start = lines.index("References") + 1
        out: list[tuple[str, dict]] = []
        header: dict = {}
        for line in lines[start:]:
            if not line.strip():
                continue
            m = REF_HEADER_RE.match(line)
            if m:
                header = {"number": int(m["number"]), "rest": m["rest"]}
                continue
            out.append((line.strip(), header))
            header = {}
        return out

    # ----- link cards ----------------------------------------------------------------
    def _match_title(self, text: str) -> tuple[str, Reference]:
        """Split ``publisher + title`` at the start of a card body."""
        for pub in ["", *self.cur["cards"]["publishers"]]:
            if not text.startswith(pub):
                continue
            for ref in self.titles:
                if text[len(pub) :].startswith(ref.title):
                    return pub, ref
        raise ValueError(f"card with no known title (add it to page.toml): {text[:80]!r}")

    def _split_tags(self, run: str) -> list[str]:
        vocab = sorted(self.cur["tags"]["vocabulary"], key=len, reverse=True)
        tags, rest = [], run
        while rest:
            for word in vocab:
                if rest.startswith(word):
                    tags.append(word)
                    rest = rest[len(word) :]
                    break
            else:
                raise ValueError(f"unknown tag at {rest!r} (add it to page.toml [tags])")
        return tags

    def parse_card(self, link_text: str, m: re.Match) -> Reference:
        body = m["body"]
        publisher, ref = self._match_title(body)
        rest = body[len(publisher) + len(ref.title) :]
        tag_m = re.search(r"\.\.\.(?P<tags>[a-z\-]*?)(?:\+(?P<more>\d+))?$", rest)
        if tag_m:
            tag_run, more = tag_m["tags"], tag_m["more"]
            mid = rest[: tag_m.start()] + "..."
        else:  # a card whose teaser is not cut: the tags follow the last full stop
            tm = re.search(r"\.(?P<tags>[a-z\-]+)(?:\+(?P<more>\d+))?$", rest)
            if not tm:
                raise ValueError(f"card without tags: {rest[-80:]!r}")
            tag_run, more = tm["tags"], tm["more"]
            mid = rest[: tm.start() + 1]
        # Where the teaser starts: the full summary it abbreviates, else the last glued full stop.
        start = -1
        for summary, _ in self.full_summaries:
            pos = mid.find(summary[:50])
            if pos >= 0:
                start = pos
                break
        if start < 0:
            glued = [g.end() for g in re.finditer(r"\.(?=[A-Z])", mid)]
            if not glued:
                raise ValueError(f"cannot find the teaser in card {ref.title!r}")
            start = glued[-1]
        head, teaser = mid[:start], mid[start:]
        am = AUTHOR_LINE_RE.match(head)
        if am:
            ref.blurb = am["blurb"]
            ref.authors_as_listed = am["authors"]
            ref.authors = split_authors(am["authors"])
            ref.year = int(am["year"])
            ref.citations = int(am["citations"])
            ref.venue = (am["venue"] or "").strip()
        else:
            ref.blurb = ref.blurb or head
        if link_text not in ref.link_texts:
            ref.link_texts.append(link_text)
        ref.kind = m["kind"]
        ref.rating = m["stars"].count("★") if m["stars"] else ref.rating
        ref.publisher = publisher or ref.publisher
        ref.teaser = teaser.strip()
        ref.tags = self._split_tags(tag_run)
        ref.more_tags = int(more) if more else ref.more_tags
        return ref

    def replace_cards(self, text: str, *, in_cell: bool) -> tuple[str, list[Reference]]:
        """Reduce each card in ``text`` to a Markdown link to the reference file."""
        found: list[Reference] = []
        out, pos = [], 0
        for m in CARD_RE.finditer(text):
            before = text[pos : m.start()]
            if in_cell:
                prefix, link_text = "", before
            else:
                cut = max(before.rfind(": ") + 2 if ": " in before else 0, 0)
                prefix, link_text = before[:cut], before[cut:]
            ref = self.parse_card(link_text.strip(), m)
            found.append(ref)
            out.append(f"{prefix}[{link_text.strip()}](references/{ref.slug}.md)")
            pos = m.end()
        out.append(text[pos:])
        return "".join(out), found

    # ----- body ----------------------------------------------------------------------
    def _split_glued_headings(self, lines: list[str]) -> list[str]:
        """A heading run into the previous line ("...#f8d7daSafety-Relevant Discoveries")."""
        out = []
        for line in lines:
            for heading in self.headings:
                if len(heading) > 12 and line.endswith(heading) and line != heading:
                    cut = len(line) - len(heading)
                    if not line[cut - 1].isspace():
                        out.extend([line[:cut], heading])
                        break
            else:
                out.append(line)
        return out

    def clean(self) -> CleanedCorpus:
        lines = self._split_glued_headings(self.raw.splitlines())
        title = self.cur["title"]
        md: list[str] = [f"# {title}", ""]
        i = 0
        # The page repeats its title on the first two lines; keep it once.
        while i < len(lines) and lines[i].strip() == title:
            i += 1
        while i < len(lines):
            line = lines[i].rstrip()
            if not line.strip():
                i += 1
                continue
            if line in self.headings:
                name = self.renames.get(line, line)
                md += [f"{'#' * self.headings[line]} {name}", ""]
                i += 1
                if line == "References":
                    md += self._references_list()
                    break
                if line == self.cur["cruxes"]["section"]:
                    i = self._cruxes(lines, i, md)
                elif line == self.cur["positions"]["section"]:
                    i = self._positions(lines, i, md)
                continue
            if line.startswith("flowchart "):
                i = self._mermaid(lines, i, md)
                continue
            if line.startswith("|"):
                i = self._table(lines, i, md)
                continue
            i = self._block(lines, i, md)
        survey = "\n".join(md).rstrip() + "\n"
        self._attach_summaries()
        return CleanedCorpus(survey=survey, references={s: render_reference(r) for s, r in self.refs.items()})

    def _block(self, lines: list[str], i: int, md: list[str]) -> int:
        """A paragraph, or a list (bulleted or numbered, with nested bullets)."""
        line = lines[i].rstrip()
        if line.startswith("- ") or re.match(r"^\d+\. ", line):
            while i < len(lines) and (lines[i].startswith("- ") or re.match(r"^\d+\. ", lines[i])):
                item = lines[i].rstrip()
                nested = item.startswith("- ") and any(re.match(r"^\d+\. ", x) for x in md[-12:])
                cleaned, _ = self.replace_cards(item, in_cell=False)
                if nested and not re.match(r"^\d+\. ", item):
                    md.append("   " + cleaned)
                else:
                    md.append(cleaned)
                i += 1
            md.append("")
            return i
        cleaned, _ = self.replace_cards(line, in_cell=False)
        bm = LABELLED_RE.match(cleaned)
        if bm and "[" not in bm["label"]:
            cleaned = f"**{bm['label']}:** {bm['text']}"
        md += [cleaned, ""]
        return i + 1

    def _table(self, lines: list[str], i: int, md: list[str]) -> int:
        header = split_row(lines[i])
        md.append("| " + " | ".join(header) + " |")
        md.append("|" + "---|" * len(header))
        i += 2  # header and separator
        while i < len(lines) and lines[i].startswith("|"):
            cells, row_refs = [], []
            for cell in split_row(lines[i]):
                cleaned, refs = self.replace_cards(cell, in_cell=True)
                cells.append(cleaned)
                row_refs += refs
            md.append("| " + " | ".join(cells) + " |")
            for ref in row_refs:
                self._from_row(ref, dict(zip(header, map(strip_links, cells), strict=False)))
            i += 1
        md.append("")
        return i

    def _from_row(self, ref: Reference, row: dict[str, str]) -> None:
        """Year and organisation of a work, from a table row that cites it."""
        if ref.year is None and (y := re.match(r"\d{4}", row.get("Year", ""))):
            ref.year = int(y.group())
        org = row.get("Organization") or row.get("Source") or ""
        if org and not ref.organization:
            ref.organization = org
        if "et al." in row.get("Source", "") and not ref.authors:
            ref.authors = [row["Source"]]

    def _mermaid(self, lines: list[str], i: int, md: list[str]) -> int:
        """Render a Mermaid flowchart as readable text: each subgraph's chains, then links."""
        labels: dict[str, str] = {}
        groups: list[tuple[str, list[tuple[str, str]]]] = []
        cross: list[tuple[str, str]] = []
        current: list[tuple[str, str]] | None = None
        i += 1
        while i < len(lines):
            line = lines[i].strip()
            if line in self.headings:
                break
            i += 1
            if line.startswith("style ") or not line:
                continue  # colours only
            if line.startswith("subgraph "):
                gm = re.match(r'subgraph (\w+)\["(.*)"\]', line)
                title = gm[2] if gm else line.split(maxsplit=1)[1]
                current = []
                groups.append((title, current))
                continue
            if line == "end":
                current = None
                continue
            if "-->" in line:
                a, b = (s.strip() for s in line.split("-->"))
                ids = []
                for part in (a, b):
                    nm = MERMAID_NODE_RE.fullmatch(part)
                    if not nm:
                        raise ValueError(f"unreadable diagram line: {line!r}")
                    if nm["label"]:
                        labels[nm["id"]] = nm["label"]
                    ids.append(nm["id"])
                (cross if current is None else current).append((ids[0], ids[1]))
        md.append("The page shows this as a diagram; its content as text:")
        md.append("")
        for title, edges in groups:
            chains = chain_edges(edges)
            text = "; ".join(" → ".join(labels.get(n, n) for n in c) for c in chains)
            md.append(f"- **{title}:** {text}")
        if cross:
            by_source: dict[str, list[str]] = {}
            for a, b in cross:
                by_source.setdefault(a, []).append(labels.get(b, b))
            for a, targets in by_source.items():
                md.append(f"- **Links between groups:** {labels.get(a, a)} → {', '.join(targets)}")
        md.append("")
        return i

    def _positions(self, lines: list[str], i: int, md: list[str]) -> int:
        caption = self.cur["positions"]["caption"]
        if lines[i].strip() == caption:
            md += [caption, ""]
            i += 1
        while i + 1 < len(lines) and lines[i + 1].startswith("“"):
            md.append(f"- {lines[i].strip()} {lines[i + 1].strip()}")
            i += 2
        md.append("")
        return i

    def _cruxes(self, lines: list[str], i: int, md: list[str]) -> int:
        """Crux cards: '- ?Question?Position A\\nreason\\n→ implication\\nConfidence: x' twice."""
        block = []
        while i < len(lines) and lines[i] not in self.headings:
            block.append(lines[i])
            i += 1
        text = "\n".join(block)
        for card in re.split(r"(?:^|\s)- \?", text):
            card = card.strip()
            if not card:
                continue
            q_end = card.index("?") + 1
            question, rest = card[:q_end], card[q_end:]
            md += [f"#### {question}", ""]
            # "Confidence: x" closes a position; the next position is glued to it.
            parts = re.split(r"Confidence: (low|medium|high)", rest)
            positions = []
            for k in range(0, len(parts) - 1, 2):
                body, confidence = parts[k].strip(), parts[k + 1]
                body_lines = body.split("\n")
                first = body_lines[0]
                gm = re.search(r"(?<=[a-z])(?=[A-Z])", first)
                if gm:  # "Yes - with tools and AI assistanceHumans+tools can..."
                    label, reason_first = first[: gm.start()], first[gm.start() :]
                    body_lines = [label, reason_first, *body_lines[1:]]
                label = body_lines[0].strip()
                reason = " ".join(x.strip() for x in body_lines[1:] if not x.startswith("→"))
                implication = " ".join(x[1:].strip() for x in body_lines[1:] if x.startswith("→"))
                positions.append(f"- **{label}.** {reason} → {implication} (Confidence: {confidence})")
            md += positions + [""]
        return i

    def _references_list(self) -> list[str]:
        out = []
        for n, (summary, header) in enumerate(self.full_summaries, start=1):
            ref = self._ref_for_summary(summary)
            out.append(f"{n}. [{ref.title}](references/{ref.slug}.md)")
            if header:
                ref.ref_number = header["number"]
                self._from_header(ref, header["rest"])
        listed = {self._ref_for_summary(s).slug for s, _ in self.full_summaries}
        inline = [r for r in self.refs.values() if r.slug not in listed]
        if inline:
            links = ", ".join(f"[{r.title}](references/{r.slug}.md)" for r in inline)
            out += ["", f"Also cited in the text: {links}."]
        return out + [""]

    def _from_header(self, ref: Reference, rest: str) -> None:
        """'Aligning AI ...arXiv·A, B & C·2025·Paper' (a numbered reference header)."""
        fields = rest[len(ref.title) :].split("·")
        if len(fields) >= 4:
            ref.publisher = ref.publisher or fields[0]
            ref.authors_as_listed = fields[1]
            ref.authors = split_authors(fields[1])
            ref.year = ref.year or int(fields[2])

    def _ref_for_summary(self, summary: str) -> Reference:
        for ref in self.refs.values():
            teaser = ref.teaser.removesuffix("...").strip()
            if teaser and summary.startswith(teaser):
                return ref
        raise ValueError(f"summary matches no card: {summary[:80]!r}")

    def _attach_summaries(self) -> None:
        for summary, _ in self.full_summaries:
            self._ref_for_summary(summary).summary = summary


def split_row(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split(" | ")]


def split_authors(text: str) -> list[str]:
    parts = re.split(r",\s*|\s+&\s+", text.strip())
    return [p.strip() for p in parts if p.strip()]


def strip_links(text: str) -> str:
    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).replace("**", "")


def chain_edges(edges: list[tuple[str, str]]) -> list[list[str]]:
    """[(A,B),(B,C),(E,F)] -> [[A,B,C],[E,F]]; keeps the order edges were drawn in."""
    chains: list[list[str]] = []
    for a, b in edges:
        for c in chains:
            if c[-1] == a:
                c.append(b)
                break
        else:
            chains.append([a, b])
    return chains


def render_reference(ref: Reference) -> str:
    import yaml

    meta = {
        "title": ref.title,
        "link_texts": ref.link_texts,
        "authors": ref.authors,
        "authors_as_listed": ref.authors_as_listed or None,
        "organization": ref.organization or None,
        "year": ref.year,
        "publisher": ref.publisher or None,
        "venue": ref.venue or None,
        "kind": ref.kind,
        "rating": f"{ref.rating}/5" if ref.rating else None,
        "citations": ref.citations,
        "url": None,  # the scraped page names no addresses
        "tags": ref.tags,
        "more_tags": ref.more_tags,
        "reference_number": ref.ref_number,
    }
    meta = {k: v for k, v in meta.items() if v not in (None, [], "")}
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    body = [f"# {ref.title}", "", ref.blurb, "", "## Summary", "", ref.summary or ref.teaser, ""]
    if ref.summary and not ref.summary.startswith(ref.teaser.removesuffix("...").strip()):
        body += ["## Card summary", "", ref.teaser, ""]
    return f"---\n{front}---\n\n" + "\n".join(body).rstrip() + "\n"


def clean_page(raw_path: Path, curation_path: Path) -> CleanedCorpus:
    curation = tomllib.loads(curation_path.read_text(encoding="utf-8"))
    return PageCleaner(raw_path.read_text(encoding="utf-8"), curation).clean()


def build_corpus(corpus_dir: Path, *, check: bool = False) -> list[Path]:
    """Write (or with ``check``, compare) the cleaned corpus. Returns the stale/written files."""
    raw = corpus_dir / "raw"
    cleaned = clean_page(raw / "survey-page.txt", raw / "page.toml")
    files = {corpus_dir / "survey.md": cleaned.survey}
    files |= {corpus_dir / "references" / f"{slug}.md": text for slug, text in cleaned.references.items()}
    changed = [p for p, text in files.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    if not check:
        (corpus_dir / "references").mkdir(parents=True, exist_ok=True)
        for path in changed:
            path.write_text(files[path], encoding="utf-8")
    return changed
