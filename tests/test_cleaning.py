"""The cleaned corpus keeps every fact of the scraped page, and rebuilding it is deterministic."""

from __future__ import annotations

import re
from pathlib import Path

from interp_qa.cleaning import CARD_RE, build_corpus, clean_page, split_row
from interp_qa.text import DIGITS_RE as NUMBER_RE

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
RAW = (CORPUS / "raw" / "survey-page.txt").read_text(encoding="utf-8")


def cleaned_text() -> str:
    files = [CORPUS / "survey.md", *sorted((CORPUS / "references").glob("*.md"))]
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


def flat(text: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).replace("**", "")
    return re.sub(r"\s+", " ", text)


def test_committed_corpus_is_what_the_cleaner_builds():
    assert build_corpus(CORPUS, check=True) == []


def test_cleaning_is_deterministic():
    a = clean_page(CORPUS / "raw" / "survey-page.txt", CORPUS / "raw" / "page.toml")
    b = clean_page(CORPUS / "raw" / "survey-page.txt", CORPUS / "raw" / "page.toml")
    assert a == b


def test_every_number_survives():
    out = set(NUMBER_RE.findall(cleaned_text()))
    missing = sorted(set(NUMBER_RE.findall(RAW)) - out)
    assert missing == []


def test_every_number_keeps_its_unit_word():
    """'17 people', '34M features', '110 PB': the number with the word after it."""
    pair = re.compile(r"(?<![\w#])(\d+(?:[.,]\d+)*[A-Za-z%+]*)\s+([a-z][a-z\-]+)")
    text = flat(cleaned_text())
    raw_prose = CARD_RE.sub("", RAW)
    missing = [f"{n} {w}" for n, w in pair.findall(raw_prose) if f"{n} {w}" not in text]
    assert missing == []


def test_every_reference_summary_sentence_survives():
    refs = "\n".join(f.read_text(encoding="utf-8") for f in (CORPUS / "references").glob("*.md"))
    start = RAW.splitlines().index("References")
    summaries = [ln for ln in RAW.splitlines()[start + 1 :] if ln.strip() and not ln.endswith("▸")]
    assert len(summaries) == 11
    for summary in summaries:
        for sentence in re.split(r"(?<=[.!?])\s+", summary):
            assert sentence in refs, sentence


def test_every_table_cell_survives():
    survey = flat((CORPUS / "survey.md").read_text(encoding="utf-8"))
    cells = 0
    for line in RAW.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            for cell in split_row(line):
                text = cell.split("↗")[0].strip()  # a link card is reduced to its link text
                assert text in survey, text
                cells += 1
    assert cells > 100


def test_every_card_blurb_and_teaser_survives():
    text = flat(cleaned_text())
    checked = 0
    for m in CARD_RE.finditer(RAW):
        teaser = m["body"].rsplit("...", 1)[0]
        # Sentences are glued on the page ("...features.The work shows..."); the first piece also holds
        # the publisher and title. Every later piece, whole, is in the cleaned corpus: full sentences
        # and the teaser's cut last one alike.
        teaser = re.sub(r"^.*\(\d{4}\)\d+ citations", "", teaser)  # an author line ends "(2024)9 citations"
        pieces = [p.strip() for p in re.split(r"(?<=[.!?])(?=[A-Z])", teaser)][1:]
        for piece in pieces:
            if len(piece.split()) >= 4:
                assert flat(piece) in text, piece
                checked += 1
    assert checked >= 12  # 13 sentences on the page today


def test_headings_lists_tables_and_diagram_are_markdown():
    survey = (CORPUS / "survey.md").read_text(encoding="utf-8")
    assert survey.startswith("# Is Interpretability Sufficient for Safety?\n")
    assert "\n### Safety-Relevant Discoveries\n" in survey  # was glued to the diagram's last line
    assert "| Organization | Key Achievement (2024-2025) |" in survey
    assert "flowchart" not in survey and "-->" not in survey and "fill:#" not in survey
    assert "Sparse Autoencoders → Feature Extraction → 34M features from Claude 3 Sonnet" in survey
    assert "Source ↗" not in survey and "★" not in survey


def test_reference_files_have_front_matter():
    import yaml

    files = sorted((CORPUS / "references").glob("*.md"))
    assert len(files) == 12
    for f in files:
        text = f.read_text(encoding="utf-8")
        meta = yaml.safe_load(text.split("---\n")[1])
        assert meta["title"] and meta["kind"] in {"paper", "web"} and meta["tags"], f
    review = yaml.safe_load((CORPUS / "references" / "sparse-autoencoders-review.md").read_text().split("---\n")[1])
    assert review["authors"] == ["Leonard Bereska", "Efstratios Gavves"]
    assert review["year"] == 2024 and review["citations"] == 364
