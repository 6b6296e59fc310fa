"""What a generation carries besides its Chroma collection: BM25 and corpus statistics, saved at ingest."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from interp_qa import Assistant, generation
from interp_qa.retrieval import Retriever


def test_ingest_saves_the_live_generation_s_bm25_and_statistics(assistant):
    r = assistant.retriever
    path = assistant.settings.generations_dir / r.collection.name
    assert r.files.path == path and (path / "bm25").is_dir() and (path / "stats.sqlite3").is_file()
    assert r.size == r.collection.count() > 100
    assert "sonnet" in r.vocab and "zzzqqq" not in r.vocab
    assert r.doc_freq.get(r.stem_all(["features"])[0]) > 5 and r.doc_freq.get("zzzqqq") == 0
    assert ("claude", "3") in r.numbered and ("claude", "9") not in r.numbered
    assert len(r.files.centroid) == 384
    assert {source for source, _, _ in r.documents()} >= {"survey.md"}


def test_serving_reads_no_passage_at_start(assistant, monkeypatch):
    def read_everything(*args, **kwargs):
        raise AssertionError("a serving process read every passage")

    monkeypatch.setattr(generation, "read_rows", read_everything)
    r = Retriever(assistant.settings)
    assert r.retrieve("How many features did OpenAI extract from GPT-4?", top_k=3)


def test_a_small_corpus_s_section_cards_are_embedded_at_ingest_not_while_a_question_waits(assistant):
    r = Retriever(assistant.settings)
    embedded: list[str] = []
    real = r.embed.get_text_embedding_batch

    def counted(texts, **kwargs):
        embedded.extend(texts)
        return real(texts, **kwargs)

    object.__setattr__(r.embed, "get_text_embedding_batch", counted)
    passages = r.retrieve("What are the key cruxes?", top_k=8)
    sims = r.section_similarities("What are the key cruxes?", passages)
    assert sims and embedded == []  # every card came from the generation's files
    # Their similarities are the ones an embedding made now would give.
    key = next(iter(sims))
    fresh = r.tree._vectors.pop(key)
    object.__setattr__(r.tree, "_saved_card", None)
    again = r.section_similarities("What are the key cruxes?", passages)
    assert embedded and abs(again[key] - sims[key]) < 1e-5
    assert abs(float(fresh @ r.tree._vectors[key]) - 1.0) < 1e-5


def test_missing_or_stale_files_are_built_once_with_a_log_line(settings, assistant, tmp_path, caplog):
    data = tmp_path / "copy"
    shutil.copytree(settings.data_dir, data, ignore=shutil.ignore_patterns("generations", "ingest.lock"))
    s = settings.model_copy(update={"data_dir": data})
    with caplog.at_level("WARNING", logger="interp_qa"):
        first = Assistant(s, auto_ingest=False).ask("How many features did Anthropic extract from Claude 3 Sonnet?")
    assert [r.getMessage() for r in caplog.records if "building them from the index" in r.getMessage()]
    assert first.text == assistant.ask("How many features did Anthropic extract from Claude 3 Sonnet?").text
    # A folder in another format (an older version's) is rebuilt the same way.
    live = Assistant(s, auto_ingest=False).retriever.collection.name
    db = sqlite3.connect(s.generations_dir / live / "stats.sqlite3")
    with db:
        db.execute("UPDATE meta SET value = '0' WHERE key = 'format'")
    db.close()
    caplog.clear()
    with caplog.at_level("WARNING", logger="interp_qa"):
        r = Retriever(s)
    assert any("unreadable" in rec.getMessage() for rec in caplog.records)
    assert generation.is_current(s, live) and r.size == assistant.retriever.size


def test_a_damaged_statistics_file_is_not_trusted(assistant, tmp_path):
    folder = tmp_path / "g"
    shutil.copytree(assistant.retriever.files.path, folder)
    (folder / "stats.sqlite3").write_bytes(b"not a database" * 100)
    with pytest.raises(sqlite3.DatabaseError):
        generation.GenerationFiles(folder, 20)
