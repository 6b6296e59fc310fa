"""What a generation of the index carries besides its Chroma collection, computed once at ingest.

Serving needs a BM25 index and corpus statistics (the vocabulary, document frequencies of
stems, the "word + number" phrases the corpus names, the documents and their titles, and the
average section card). Computing them means reading every passage; at 130k passages that took
30 s and 3 GB in every serving process. So ingest computes them for the generation it writes and
saves them under ``data_dir/generations/<generation>/``:

- ``bm25/``: llama-index's ``BM25Retriever.persist`` (bm25s arrays), loaded memory-mapped;
- ``stats.sqlite3``: the statistics, looked up per word (nothing is loaded whole).

The folder is complete before the pointer names the generation live (it is written under a
temporary name and renamed), so it switches with the generation. A serving process that finds
no folder for the live generation (a Chroma server whose ingest ran on another machine, or an
index from before this module) builds it once from Chroma, says so in the log, and keeps it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .sections import PATH_SEP
from .text import add_known_stems, lancaster, long_forms, phrase_words, tokens
from .types import Passage
from .weights import MISSPELLING_SIMILARITY

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from llama_index.retrievers.bm25 import BM25Retriever

    from .settings import Settings

log = logging.getLogger("interp_qa")

FORMAT = 5  # bumped when the saved files change shape (5: abbreviations spelled out); an older folder is rebuilt
LOOKUP_CACHE = 65_536  # words per lookup table kept in memory after their first query


@dataclass
class Row:
    """One stored passage as ingest and the statistics see it."""

    id: str
    text: str  # what BM25 indexes: the passage with its heading path
    meta: dict


def read_rows(collection: Collection, page: int = 5000) -> Iterator[Row]:
    """Every passage of the collection, a page at a time (one huge ``get()`` is one huge response)."""
    offset = 0
    while True:
        data: Any = collection.get(include=["documents", "metadatas"], limit=page, offset=offset)
        for pid, text, meta in zip(data["ids"], data["documents"], data["metadatas"], strict=True):
            meta = meta or {}
            yield Row(pid, str(meta.get("embed_text") or text or ""), meta)
        if len(data["ids"]) < page:
            return
        offset += page


def passage_from_meta(pid: str, text: str, meta: dict) -> Passage:
    """A stored passage as the answerer sees it."""
    refs = [r for r in str(meta.get("refs", "")).split(",") if r]
    return Passage(
        id=pid,
        text=text,
        title=str(meta.get("title", "")),
        section=str(meta.get("section", "")),
        source=str(meta.get("source", "")),
        kind=meta.get("kind") or "paragraph",
        refs=refs,
        url=meta.get("url") or None,
        position=int(meta.get("position") or 0),
    )


def passages_from_get(got: Any) -> list[Passage]:
    """The passages of a Chroma ``get(include=["documents", "metadatas"])`` answer, in its order."""
    return [passage_from_meta(pid, text or "", meta or {})
            for pid, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)]


def numbered_phrases(words: Sequence[str]) -> Iterator[tuple[str, ...]]:
    """Every word followed by one to three number-like words: ("claude", "3"), ("claude", "3", "5")."""
    for i in range(len(words) - 1):
        j = i + 1
        while j < len(words) and j - i <= 3 and words[j][0].isdigit():
            j += 1
            yield tuple(words[i:j])


# ----- building ---------------------------------------------------------------------------------
def folder(settings: Settings, generation: str) -> Path:
    return settings.generations_dir / generation


def build(settings: Settings, collection: Collection, embed: BaseEmbedding) -> Path:
    """Compute and save the BM25 index and statistics of the generation held by ``collection``."""
    import Stemmer
    from llama_index.core.schema import BaseNode, TextNode
    from llama_index.retrievers.bm25 import BM25Retriever

    t0 = time.perf_counter()
    generation = collection.name
    stemmer = Stemmer.Stemmer("english")
    nodes: list[BaseNode] = []
    vocab: set[str] = set()
    df: Counter[str] = Counter()
    numbered: set[tuple[str, ...]] = set()
    spelled: dict[str, str] = {}  # abbreviation -> long form ("sae" -> "sparse autoencoders")
    documents: dict[str, list] = {}  # source -> [title, passages, sections]
    for row in read_rows(collection):
        nodes.append(TextNode(id_=row.id, text=row.text))
        words = tokens(row.text)
        vocab.update(words)
        df.update(set(stemmer.stemWords(words)))
        numbered.update(numbered_phrases(phrase_words(row.text)))
        for short, long in long_forms(row.text).items():
            spelled.setdefault(short, long)
        doc = documents.setdefault(str(row.meta.get("source", "")), [str(row.meta.get("title", "")), 0, set()])
        doc[1] += 1
        path = str(row.meta.get("section") or "")
        if path:
            parts = path.split(PATH_SEP)
            doc[2].update(PATH_SEP.join(parts[:d]) for d in range(1, len(parts) + 1))
    if not nodes:
        raise ValueError(f"{generation} holds no passages")
    centroid, cards = sample_cards(collection, embed, [(s, len(d[2])) for s, d in sorted(documents.items())])

    out = folder(settings, generation)
    tmp = out.with_name(f"{out.name}.tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    bm25 = BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=min(20, len(nodes)), stemmer=stemmer,
                                       language="english")
    bm25.persist(str(tmp / "bm25"), show_progress=False)
    del bm25
    db = sqlite3.connect(tmp / "stats.sqlite3")
    with db:
        db.execute("CREATE TABLE vocab (word TEXT PRIMARY KEY) WITHOUT ROWID")
        db.execute("CREATE TABLE df (stem TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID")
        db.execute("CREATE TABLE numbered (phrase TEXT PRIMARY KEY) WITHOUT ROWID")
        db.execute("CREATE TABLE lancaster (word TEXT PRIMARY KEY, stem TEXT) WITHOUT ROWID")
        db.execute("CREATE TABLE documents (source TEXT PRIMARY KEY, title TEXT, passages INTEGER)")
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        db.execute("CREATE TABLE cards (hash TEXT PRIMARY KEY, vector BLOB) WITHOUT ROWID")
        db.execute("CREATE TABLE long_forms (short TEXT PRIMARY KEY, long TEXT) WITHOUT ROWID")
        db.executemany("INSERT INTO long_forms VALUES (?, ?)", sorted(spelled.items()))
        db.executemany("INSERT INTO vocab VALUES (?)", ((w,) for w in vocab))
        db.executemany("INSERT INTO df VALUES (?, ?)", df.items())
        db.executemany("INSERT INTO numbered VALUES (?)", ((" ".join(p),) for p in numbered))
        db.executemany("INSERT INTO lancaster VALUES (?, ?)", ((w, lancaster(w)) for w in vocab if w.isalpha()))
        db.executemany("INSERT INTO documents VALUES (?, ?, ?)", ((s, d[0], d[1]) for s, d in documents.items()))
        db.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("format", str(FORMAT)), ("generation", generation), ("passages", str(len(nodes))),
            ("centroid", json.dumps(centroid))])
        db.executemany("INSERT OR IGNORE INTO cards VALUES (?, ?)", cards)
    db.close()
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)  # complete, or not there at all
    log.info("Saved BM25 and corpus statistics of %s (%d passages) in %.1f s.", generation, len(nodes),
             time.perf_counter() - t0)
    return out


def card_hash(card: str) -> str:
    """The key a section card's saved embedding is found by: the card's own text, so a card that reads
    differently (its passages changed, or the code that writes cards) is embedded afresh."""
    return hashlib.sha1(card.encode("utf-8")).hexdigest()


def sample_cards(collection: Collection, embed: BaseEmbedding,
                 documents: list[tuple[str, int]]) -> tuple[list[float], list[tuple[str, bytes]]]:
    """The first ``CENTROID_SAMPLE`` section cards in document order: their normalised mean embedding, and
    each card's embedding as (card hash, float32 bytes).

    Section search subtracts each card's closeness to the mean (see :meth:`SectionTree.similarities`).
    Both are computed here so that serving never walks every section, and a small corpus's cards are
    never embedded while a question waits.
    """
    import numpy as np

    from .sections import CENTROID_SAMPLE, SectionTree, document_loader

    tree = SectionTree(document_loader(collection))
    total, sources = 0, []
    for source, sections in documents:
        if total >= CENTROID_SAMPLE:
            break
        if sections:
            sources.append(source)
            total += sections
    for k in range(0, len(sources), 100):  # in document order, as the tree adds them
        tree.load(*sources[k : k + 100])
    sample = [tree.sections[k].card() for k in list(tree.sections)[:CENTROID_SAMPLE]]
    if not sample:
        return [], []
    vecs = np.asarray(embed.get_text_embedding_batch(sample), dtype=np.float32)
    mean = vecs.mean(axis=0)
    centroid = [float(x) for x in mean / (np.linalg.norm(mean) or 1.0)]
    return centroid, [(card_hash(c), v.tobytes()) for c, v in zip(sample, vecs, strict=True)]


def is_current(settings: Settings, generation: str) -> bool:
    """Whether the generation's folder is complete and in this version's format."""
    try:
        db = sqlite3.connect(f"file:{folder(settings, generation) / 'stats.sqlite3'}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        finally:
            db.close()
        return row is not None and int(row[0]) == FORMAT and (folder(settings, generation) / "bm25").is_dir()
    except sqlite3.Error:
        return False


def drop_others(settings: Settings, keep: str) -> None:
    """Delete the folders of this collection's generations that are not live (replaced, or left by a
    killed ingest)."""
    root, name = settings.generations_dir, settings.collection
    if not root.is_dir():
        return
    for d in root.iterdir():
        mine = d.name == name or d.name.startswith((f"{name}__g", f"{name}.tmp", f".{name}__g"))
        if mine and d.name != keep and d.name != f".{keep}.lock":
            if d.is_dir():
                shutil.rmtree(d, ignore_errors=True)
            else:
                d.unlink(missing_ok=True)


# ----- serving ----------------------------------------------------------------------------------
class Lookup:
    """One column of a statistics table, read per key and remembered (a set or dict that is not in memory)."""

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock, sql: str) -> None:
        self._db, self._lock, self._sql = db, lock, sql
        self._get = functools.lru_cache(maxsize=LOOKUP_CACHE)(self._query)

    def _query(self, key: str) -> Any:
        with self._lock:
            row = self._db.execute(self._sql, (key,)).fetchone()
        return None if row is None else row[0]

    def __call__(self, key: str) -> Any:
        return self._get(key)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, tuple):
            key = " ".join(key)
        return isinstance(key, str) and self._get(key) is not None

    def get(self, key: str, default: int = 0) -> int:
        n = self._get(key)
        return default if n is None else int(n)


class GenerationFiles:
    """The saved BM25 index and statistics of one generation, opened for serving.

    Args:
        path: the generation's folder (see :func:`build`).
        candidates: how many passages BM25 returns per query.
    """

    def __init__(self, path: Path, candidates: int) -> None:
        from .bm25 import MatchingBM25Retriever

        self.path = path
        self.db = sqlite3.connect(f"file:{path / 'stats.sqlite3'}?mode=ro", uri=True, check_same_thread=False)
        lock = threading.Lock()
        meta = dict(self.db.execute("SELECT key, value FROM meta").fetchall())
        if int(meta.get("format", 0)) != FORMAT:
            raise ValueError(f"{path} has format {meta.get('format')}, this version writes {FORMAT}")
        self.size = int(meta["passages"])
        self.centroid: list[float] = json.loads(meta.get("centroid") or "[]")
        self.vocab = Lookup(self.db, lock, "SELECT 1 FROM vocab WHERE word = ?")
        self.doc_freq = Lookup(self.db, lock, "SELECT n FROM df WHERE stem = ?")
        self.numbered = Lookup(self.db, lock, "SELECT 1 FROM numbered WHERE phrase = ?")
        # "gpt" begins "gpt-2" and "gpt-4": a range of the vocabulary's key ("-" sorts just before ".")
        self.heads = Lookup(self.db, lock, "SELECT 1 FROM vocab WHERE word > ?1 || '-' AND word < ?1 || '.' LIMIT 1")
        add_known_stems(Lookup(self.db, lock, "SELECT stem FROM lancaster WHERE word = ?"))
        self.card_vectors = Lookup(self.db, lock, "SELECT vector FROM cards WHERE hash = ?")
        self.long_forms = Lookup(self.db, lock, "SELECT long FROM long_forms WHERE short = ?")
        self._lock = lock
        self.bm25: BM25Retriever = MatchingBM25Retriever.from_persist_dir(str(path / "bm25"), mmap=True,
                                                                          show_progress=False)
        self.bm25.similarity_top_k = min(candidates, self.size)

    def misspells(self, word: str) -> str | None:
        """The corpus word that ``word`` (one the corpus lacks) is likely a misspelling of: same first two letters,
        about as long, and nearly the same letters ("interpretabilty" -> "interpretability"); None if none is."""
        import difflib

        word = word.lower()
        if len(word) < 6:
            return None
        with self._lock:  # corpus words of the same opening and about as long: a range of the vocabulary's key
            near = [w for (w,) in self.db.execute(
                "SELECT word FROM vocab WHERE word >= ? AND word < ? AND length(word) BETWEEN ? AND ?",
                (word[:2], word[:2] + "\uffff", len(word) - 2, len(word) + 2))]
        best = difflib.get_close_matches(word, near, n=1, cutoff=MISSPELLING_SIMILARITY)
        return best[0] if best else None

    def documents(self) -> list[tuple[str, str, int]]:
        """(source, title, passages) of every document."""
        with self._lock:
            return self.db.execute("SELECT source, title, passages FROM documents ORDER BY source").fetchall()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.db.close()


def open_files(settings: Settings, collection: Collection, embed: Callable[[], BaseEmbedding],
               candidates: int) -> GenerationFiles:
    """The live generation's saved files; built from Chroma (once, with a log line) when this machine lacks them."""
    path = folder(settings, collection.name)
    try:
        return GenerationFiles(path, candidates)
    except Exception as e:  # noqa: BLE001 - missing, older format or damaged: all rebuilt the same way
        reason = "missing" if not path.exists() else f"unreadable: {type(e).__name__}: {e}"
        log.warning("The BM25 index and corpus statistics of %s are %s in %s; building them from the index "
                    "(once; they are kept for the next start).", collection.name, reason, settings.generations_dir)
    settings.generations_dir.mkdir(parents=True, exist_ok=True)
    with generation_lock(settings, collection.name):
        try:  # another process sharing the data directory may have built it meanwhile
            return GenerationFiles(path, candidates)
        except Exception:  # noqa: BLE001
            build(settings, collection, embed())
            drop_others(settings, keep=collection.name)  # earlier generations' files (open ones stay readable)
    return GenerationFiles(path, candidates)


@contextlib.contextmanager
def generation_lock(settings: Settings, generation: str):
    """One builder per generation among the processes sharing this data directory."""
    import fcntl

    settings.generations_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.generations_dir / f".{generation}.lock", "a+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
