"""Reading files and cutting them into citable passages."""

from __future__ import annotations

from pathlib import Path

from interp_qa.corpus import load_passages, read_document, split_passages
from interp_qa.settings import DEFAULT_CORPUS


def test_passages_carry_title_section_and_source():
    result = load_passages([DEFAULT_CORPUS])
    assert result.errors == []
    assert len(result.documents) == 13  # the survey and 12 references; raw/ is ignored
    ids = [p.id for p in result.passages]
    assert len(ids) == len(set(ids))
    row = next(p for p in result.passages if "34 million features" in p.text)
    assert row.kind == "table_row"
    assert "Organization: Anthropic" in row.text and "Features Identified: 34 million features" in row.text
    assert row.section.endswith("Research Progress by Organization")
    assert row.source == "survey.md" and row.refs == ["corpus/references/scaling-monosemanticity"]


def test_a_list_keeps_its_lead_line():
    result = load_passages([DEFAULT_CORPUS])
    p = next(p for p in result.passages if "Sycophancy features" in p.text)
    assert p.kind == "list"
    assert p.text.startswith("Anthropic's May 2024 research specifically identified features")


def test_user_folder_of_markdown_text_and_bad_files(tmp_path: Path):
    (tmp_path / "notes.md").write_text("---\ntitle: My notes\n---\n# My notes\n\n## Part\n\nA first paragraph.\n")
    (tmp_path / "plain.txt").write_text("Plain text paragraph one.\n\nParagraph two.\n")
    (tmp_path / "latin1.md").write_bytes("caf\xe9".encode("latin-1"))
    (tmp_path / "empty.md").write_text("")
    (tmp_path / "bad-front.md").write_text("---\ntitle: [unclosed\n---\nbody\n")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02abc")
    (tmp_path / "huge.md").write_text("A sentence of filler text. " * 800_000)  # 20.6 MiB
    (tmp_path / "twin.md").write_text("# Twin\n\nThe Markdown twin.\n")
    (tmp_path / "twin.txt").write_text("The text twin has the same document id.\n")
    result = load_passages([tmp_path])
    assert sorted(d.title for d in result.documents) == ["My notes", "Twin", "plain"]
    notes = next(p for p in result.passages if p.title == "My notes" and p.kind == "paragraph")
    assert notes.section == "Part" and notes.text == "A first paragraph."
    messages = "\n".join(result.errors)
    assert "latin1.md: not UTF-8" in messages
    assert "empty.md: the file is empty" in messages
    assert "bad-front.md: malformed YAML front matter" in messages
    assert "binary.txt: looks binary" in messages
    assert "huge.md: 20.6 MiB is over the 20 MiB limit" in messages
    assert f"twin.txt: same document id '{tmp_path.name}/twin' as" in messages and "twin.md" in messages
    assert len(result.errors) == 6 and len(result.failed) == 6


def test_pdf_is_read_by_page(tmp_path: Path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    path = tmp_path / "two-pages.pdf"
    with PdfPages(path) as pdf:
        for text in ("Linear probes reached 90% accuracy.", "Sparse autoencoders found 34M features."):
            fig = plt.figure(figsize=(4, 2))
            fig.text(0.05, 0.5, text)
            pdf.savefig(fig)
            plt.close(fig)
    result = load_passages([tmp_path])
    assert not result.errors
    by_section = {p.section: p.text for p in result.passages}
    assert "90% accuracy" in by_section["Page 1"] and "34M features" in by_section["Page 2"]


def test_a_pdf_without_text_is_reported(tmp_path: Path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    path = tmp_path / "blank.pdf"
    with path.open("wb") as f:
        writer.write(f)
    result = load_passages([tmp_path])
    # A PDF without a text layer is reported, not silently indexed as nothing.
    assert any("blank.pdf: no text" in e for e in result.errors)


def test_long_paragraphs_are_split_at_sentences(tmp_path: Path):
    sentence = "This sentence is about interpretability and is forty-something characters. "
    (tmp_path / "long.md").write_text("# Long\n\n" + sentence * 60)
    doc = read_document(tmp_path / "long.md", tmp_path)
    parts = split_passages(doc)
    assert len(parts) > 1 and all(len(p.text) <= 1200 for p in parts)
    assert " ".join(p.text for p in parts) == (sentence * 60).strip()
