"""Incremental ingest: unchanged text is never embedded twice; a changed file replaces only its passages."""

from __future__ import annotations

from pathlib import Path

import pytest

from interp_qa import Assistant, Settings
from interp_qa.index import IndexMissingError, ingest


def _settings(tmp_path: Path, corpus: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", corpus_paths=[corpus], collection="test_docs")


def test_incremental_ingest(tmp_path: Path):
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "a.md").write_text("# A\n\nAlpha paragraph one.\n\nAlpha paragraph two.\n")
    (corpus / "b.md").write_text("# B\n\nBeta paragraph.\n")
    s = _settings(tmp_path, corpus)

    first = ingest(s)
    assert (first.added, first.embedded, first.removed) == (3, 3, 0)

    again = ingest(s)
    assert (again.added, again.updated, again.embedded, again.unchanged) == (0, 0, 0, 3)

    (corpus / "a.md").write_text("# A\n\nAlpha paragraph one.\n\nAlpha paragraph two, edited.\n")
    changed = ingest(s)
    assert (changed.updated, changed.embedded, changed.unchanged) == (1, 1, 2)

    (corpus / "b.md").unlink()
    removed = ingest(s)
    assert removed.removed == 1 and removed.embedded == 0

    # A file that turns unreadable keeps what was indexed from it.
    (corpus / "a.md").write_bytes(b"\xff\xfe broken")
    broken = ingest(s)
    assert broken.removed == 0 and any("a.md" in e for e in broken.errors)
    texts = [p.text for p in Assistant(s).retrieve("alpha paragraph", top_k=5)]
    assert "Alpha paragraph two, edited." in texts


def test_moved_text_reuses_its_embedding(tmp_path: Path):
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "a.md").write_text("# A\n\n## One\n\nThe same words.\n")
    s = _settings(tmp_path, corpus)
    ingest(s)
    (corpus / "a.md").write_text("# A\n\n## One\n\nNew first paragraph.\n\nThe same words.\n")
    r = ingest(s)
    # Ids are positional, so "The same words." moved from #one-1 to #one-2: its vector is reused.
    assert r.embedded == 1 and r.reused_embeddings == 1


def test_missing_index_says_how_to_build_it(tmp_path: Path):
    a = Assistant(_settings(tmp_path, tmp_path), auto_ingest=False)
    with pytest.raises(IndexMissingError, match="interp-qa ingest"):
        a.retrieve("anything")
