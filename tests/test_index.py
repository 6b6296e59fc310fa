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


def test_no_text_is_embedded_twice_even_in_a_new_collection(tmp_path: Path):
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "a.md").write_text("# A\n\nAlpha paragraph one.\n\nAlpha paragraph two.\n")
    s = _settings(tmp_path, corpus)
    assert ingest(s).embedded == 2
    other = s.model_copy(update={"collection": "other_docs"})
    r = ingest(other)
    assert (r.added, r.embedded, r.reused_embeddings) == (2, 0, 2)
    # The cached vectors are the model's: the new collection finds the same passage.
    assert Assistant(other).retrieve("alpha paragraph two", top_k=1, mode="dense")[0].text == "Alpha paragraph two."
    # A cache that cannot be read is only a cache: it starts afresh and ingest goes on.
    s.embed_cache_path.write_bytes(b"this is not sqlite" * 100)
    third = s.model_copy(update={"collection": "third_docs"})
    with pytest.warns(UserWarning, match="embedding cache"):
        r = ingest(third)
    assert r.embedded == 2 and ingest(third.model_copy(update={"collection": "fourth_docs"})).embedded == 0


def test_missing_index_says_how_to_build_it(tmp_path: Path):
    a = Assistant(_settings(tmp_path, tmp_path), auto_ingest=False)
    with pytest.raises(IndexMissingError, match="interp-qa ingest"):
        a.retrieve("anything")


# ----- faults -------------------------------------------------------------------------------
def test_a_second_writer_is_refused_at_once(tmp_path: Path):
    import fcntl
    import time

    from interp_qa.index import IndexBusyError, writer_lock

    s = _settings(tmp_path, tmp_path)
    with writer_lock(s):
        # flock locks belong to open files: another open of the lock file is a second writer.
        with open(s.data_dir / "ingest.lock") as other, pytest.raises(BlockingIOError):
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        t0 = time.monotonic()
        with pytest.raises(IndexBusyError, match="being written by pid"):
            ingest(s)
        assert time.monotonic() - t0 < 5  # an error at once, not SQLite's minutes of waiting


def _indexed_corpus(tmp_path: Path, text: str = "# A\n\nAlpha paragraph.\n") -> tuple[Path, Settings]:
    """A one-file corpus, already ingested."""
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "a.md").write_text(text)
    s = _settings(tmp_path, corpus)
    ingest(s)
    return corpus, s


def _write_notes(corpus: Path, n: int) -> None:
    """Distinct documents from the survey's own sentences, shuffled per file."""
    import random

    from interp_qa.settings import DEFAULT_CORPUS

    sentences = [s for s in (DEFAULT_CORPUS / "survey.md").read_text().replace("\n", " ").split(". ") if len(s) > 40]
    rng = random.Random(0)
    for i in range(n):
        paras = [". ".join(rng.sample(sentences, 3)) + f". (note {i}, part {j})" for j in range(4)]
        (corpus / f"note-{i:04d}.md").write_text(f"# Note {i}\n\n" + "\n\n".join(paras) + "\n")


def _collections(db: Path) -> set[str]:
    """Collection names in an embedded Chroma store, read with sqlite (as another process would)."""
    import sqlite3

    if not db.exists():
        return set()
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
            return {row[0] for row in con.execute("SELECT name FROM collections")}
    except sqlite3.Error:
        return set()


def test_a_killed_ingest_leaves_the_previous_index_serving(tmp_path: Path):
    import os
    import signal
    import subprocess
    import sys
    import time

    corpus, s = _indexed_corpus(tmp_path, "# Facts\n\nThe Zorblax probe found 4242 features in the test model.\n")
    _write_notes(corpus, 80)  # ~370 new passages
    # Their vectors go into the embedding cache first (another collection), so the ingest to kill spends its
    # time writing the new generation, not embedding: the kill lands while that generation is written.
    ingest(s.model_copy(update={"collection": "warm_cache"}))
    db = s.chroma_dir / "chroma.sqlite3"
    before = _collections(db)
    env = {**os.environ, "INTERP_QA_DATA_DIR": str(s.data_dir), "INTERP_QA_CORPUS_PATHS": str(corpus),
           "INTERP_QA_COLLECTION": s.collection}
    proc = subprocess.Popen([sys.executable, "-m", "interp_qa.cli", "ingest"], env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        new = {c for c in _collections(db) - before if c.startswith(f"{s.collection}__g")}
        if new:
            break
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL, "the ingest finished before it could be killed mid-write"
    orphans = {c for c in _collections(db) - before if c.startswith(f"{s.collection}__g")}
    assert orphans  # a new generation was being written

    a = Assistant(s, auto_ingest=False)
    top = a.retrieve("How many features did the Zorblax probe find?", top_k=1)[0]
    assert "4242 features" in top.text
    assert len(a.retriever) == 1  # the previous index, whole and alone
    # ... and its BM25 and statistics are the previous generation's, not the half-written one's.
    assert a.retriever.files.path.name == a.retriever.collection.name
    assert a.retrieve("Zorblax", top_k=5, mode="bm25")[0].id == top.id
    assert not any((s.generations_dir / name).exists() for name in orphans)

    report = ingest(s)  # the next ingest completes
    assert report.total > 300 and report.errors == [] and report.documents == 81
    assert report.embedded == 0  # every vector came from the cache
    b = Assistant(s, auto_ingest=False).retriever
    assert len(b) == report.total == b.collection.count()
    left = {c for c in _collections(db) if c.startswith(f"{s.collection}__g")}
    assert len(left) == 1 and not (left & orphans)  # the orphan is dropped; only the live generation stays
    assert sorted(d.name for d in s.generations_dir.iterdir() if d.name.startswith(f"{s.collection}__g")) == \
        sorted(left)
    assert b.retrieve("note 42", top_k=1, mode="bm25")[0].source == "note-0042.md"


def test_a_damaged_index_is_detected_and_rebuilt(tmp_path: Path):
    from interp_qa.index import IndexUnreadableError

    _, s = _indexed_corpus(tmp_path)
    db = s.chroma_dir / "chroma.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    with pytest.raises((IndexUnreadableError, IndexMissingError), match="ingest"):
        Assistant(s, auto_ingest=False).retrieve("alpha")
    report = ingest(s, rebuild=True)
    assert report.total == 1
    assert "Alpha" in Assistant(s, auto_ingest=False).retrieve("alpha", top_k=1)[0].text


def test_half_deleted_vectors_are_detected(tmp_path: Path):
    from interp_qa.index import IndexUnreadableError

    corpus, s = _indexed_corpus(tmp_path)
    _write_notes(corpus, 5)
    ingest(s)
    (s.chroma_dir / "chroma.sqlite3").unlink()  # the vectors' files stay, their database is gone
    assert any(p.is_dir() for p in s.chroma_dir.iterdir())
    with pytest.raises(IndexUnreadableError, match="--rebuild"):
        Assistant(s, auto_ingest=False).retrieve("alpha")
    assert ingest(s, rebuild=True).total > 1


def test_passages_keep_their_document_order_without_re_embedding(tmp_path: Path):
    text = "# Notes\n\n## Part\n\nFirst paragraph about probes.\n\nSecond paragraph about circuits.\n"
    corpus, s = _indexed_corpus(tmp_path, text)
    # A new section before the others: every later passage moves down, none of them changes.
    (corpus / "a.md").write_text(text.replace("## Part", "## Intro\n\nA new opening paragraph.\n\n## Part"))
    report = ingest(s)
    assert report.added == 1 and report.embedded == 1 and report.unchanged == 2
    passages = Assistant(s, auto_ingest=False).retriever.document("a.md")
    assert [p.text for p in passages] == ["A new opening paragraph.", "First paragraph about probes.",
                                          "Second paragraph about circuits."]
    assert ingest(s).embedded == 0  # and the order is settled: nothing to write
