"""The passage index: a Chroma collection of embedded passages, built incrementally.

Every passage is stored with the SHA-1 of its content. Re-running ingest embeds only
passages whose content is new; a changed file replaces only its own passages; text
that moved (same content, new id) reuses its stored embedding.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .corpus import PassageRecord, load_passages
from .generation import build, drop_others, is_current
from .settings import Settings, set_offline_switches

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from llama_index.core.schema import BaseNode, TextNode


log = logging.getLogger("interp_qa")


class IndexMissingError(RuntimeError):
    """No index yet: run ``interp-qa ingest``."""


class IndexUnreadableError(RuntimeError):
    """The data directory exists but Chroma cannot read it."""


class IndexBusyError(RuntimeError):
    """Another process is writing the index."""


@contextlib.contextmanager
def writer_lock(settings: Settings):
    """One writer at a time: a second ingest fails at once instead of waiting on SQLite.

    The lock is a file in the data directory (released by the OS if the holder dies).
    """
    import fcntl
    import os

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / "ingest.lock"
    with open(path, "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "another process"
            raise IndexBusyError(f"The index at {settings.data_dir} is being written by {holder}; wait for that "
                                 "ingest to finish (one writer at a time).") from None
        f.seek(0)
        f.truncate()
        f.write(f"pid {os.getpid()}")
        f.flush()
        try:
            yield
        finally:
            f.truncate(0)
            fcntl.flock(f, fcntl.LOCK_UN)


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    embedded: int = 0
    reused_embeddings: int = 0
    documents: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return self.added + self.updated + self.unchanged

    def summary(self) -> str:
        s = (
            f"{self.documents} documents, {self.total} passages: {self.added} added, {self.updated} updated, "
            f"{self.removed} removed, {self.unchanged} unchanged; embedded {self.embedded} "
            f"(reused {self.reused_embeddings}) in {self.seconds:.1f} s"
        )
        if self.errors:
            s += f"\n{len(self.errors)} file(s) skipped:\n" + "\n".join(f"  - {e}" for e in self.errors)
        return s


_EMBED_CACHE: dict[tuple[str, str, int], BaseEmbedding] = {}
_EMBED_LOCK = threading.RLock()  # the ONNX export loads the torch model while holding it


def load_embed_model(settings: Settings) -> BaseEmbedding:
    """The model that embeds questions when serving: the ONNX export unless ``embed_backend`` is torch."""
    set_offline_switches()
    if settings.embed_backend == "torch":
        return load_torch_embed_model(settings)
    key = ("onnx", settings.resolve_embed_model(), settings.embed_batch_size)
    with _EMBED_LOCK:
        if key not in _EMBED_CACHE:
            from .embedding import load_serving_model

            _EMBED_CACHE[key] = load_serving_model(settings)
        return _EMBED_CACHE[key]


def load_torch_embed_model(settings: Settings) -> BaseEmbedding:
    """The sentence-transformers model (ingest embeds with it), loaded once per process (it costs seconds)."""
    set_offline_switches()
    key = ("torch", settings.resolve_embed_model(), settings.embed_batch_size)
    with _EMBED_LOCK:  # the retriever loads it in a background thread; load it once
        if key not in _EMBED_CACHE:
            from llama_index.embeddings.huggingface import HuggingFaceEmbedding

            _EMBED_CACHE[key] = HuggingFaceEmbedding(
                model_name=key[1], device="cpu", normalize=True, embed_batch_size=key[2]
            )
        return _EMBED_CACHE[key]


def open_client(settings: Settings, *, create: bool) -> ClientAPI:
    set_offline_switches()
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    if settings.chroma_url:
        return open_http_client(settings)
    path = settings.chroma_dir
    if not (path / "chroma.sqlite3").exists() and path.is_dir() and any(path.iterdir()):
        # Vector segments without the database that names them: a half-deleted directory.
        raise IndexUnreadableError(f"The index at {path} is incomplete (chroma.sqlite3 is missing). "
                                   "Rebuild it with `interp-qa ingest --rebuild`.")
    if not create and not (path / "chroma.sqlite3").exists():
        raise IndexMissingError(
            f"No index at {path}. Build it with `interp-qa ingest` (or call interp_qa.Assistant(...).ingest())."
        )
    path.mkdir(parents=True, exist_ok=True)
    try:
        return chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))
    except Exception as e:  # chromadb raises many types for a damaged store
        raise IndexUnreadableError(
            f"The index at {path} cannot be read ({type(e).__name__}: {e}). "
            "Rebuild it with `interp-qa ingest --rebuild`."
        ) from e


def open_http_client(settings: Settings) -> ClientAPI:
    """A client of a Chroma server (``chroma run``), for several app instances sharing one index."""
    from urllib.parse import urlparse

    import chromadb
    from chromadb.config import Settings as ChromaSettings

    url = urlparse(settings.chroma_url or "")
    if url.scheme not in ("http", "https") or not url.hostname:
        raise ValueError(f"INTERP_QA_CHROMA_URL must look like http://host:port, got {settings.chroma_url!r}.")
    headers = {}
    if settings.chroma_auth_token:
        headers[settings.chroma_auth_header] = settings.chroma_auth_token.get_secret_value()
    try:
        client = chromadb.HttpClient(
            host=url.hostname, port=url.port or (443 if url.scheme == "https" else 8000), ssl=url.scheme == "https",
            headers=headers, settings=ChromaSettings(anonymized_telemetry=False),
        )
        client.heartbeat()
    except Exception as e:
        raise IndexUnreadableError(f"Cannot reach the Chroma server at {settings.chroma_url} ({type(e).__name__}: "
                                   f"{e}). Is `chroma run` serving there?") from e
    return client


# Atomic ingest: passages live in a "generation" collection; a small pointer collection
# names the live one. Ingest fills a new generation, then flips the pointer (one SQLite
# transaction), so a reader never sees half an ingest and a killed ingest changes nothing.
def pointer_name(name: str) -> str:
    return f"{name}__live"


def live_name(client: ClientAPI, name: str) -> str | None:
    try:
        meta = client.get_collection(pointer_name(name)).metadata or {}
        return meta.get("live")
    except Exception:  # no pointer yet: an index from before generations, or none at all
        return name if name in {c.name if hasattr(c, "name") else c for c in client.list_collections()} else None


def get_collection(client: ClientAPI, name: str, *, create: bool = False) -> Collection:
    """The live collection of passages (``create``: an empty one if there is none)."""
    live = live_name(client, name)
    if live is None:
        if not create:
            raise IndexMissingError(f"The index has no collection {name!r}. Build it with `interp-qa ingest`.")
        return client.get_or_create_collection(name, metadata={"hnsw:space": "cosine"})
    try:
        return client.get_collection(live)
    except Exception as e:
        raise IndexUnreadableError(f"The index names collection {live!r}, which cannot be opened ({e}). "
                                   "Rebuild it with `interp-qa ingest --rebuild`.") from e


def check_collection(collection: Collection) -> int:
    """Read one stored vector back, so a damaged store fails at start, not on a question."""
    try:
        n = collection.count()
        if n:
            got: Any = collection.get(limit=1, include=["embeddings"])
            collection.query(query_embeddings=got["embeddings"][:1], n_results=1)
        return n
    except Exception as e:
        raise IndexUnreadableError(f"The index cannot be read ({type(e).__name__}: {e}). "
                                   "Rebuild it with `interp-qa ingest --rebuild`.") from e


def to_node(p: PassageRecord, root: str) -> TextNode:
    from llama_index.core.schema import TextNode

    return TextNode(
        id_=p.id,
        text=p.text,
        metadata={
            "title": p.title,
            "section": p.section,
            "source": p.source,
            "doc_id": p.doc_id,
            "root": root,
            "kind": p.kind,
            "refs": ",".join(p.refs),
            "url": p.url or "",
            "content_hash": p.content_hash,
            "embed_text": p.embed_text(),
            "position": p.position,
        },
        # The stored metadata is for the app, not for the embedding or an LLM prompt.
        excluded_embed_metadata_keys=["embed_text"],
        excluded_llm_metadata_keys=["embed_text", "content_hash", "root", "doc_id"],
    )


def ingest(
    settings: Settings,
    paths: list[Path] | None = None,
    *,
    rebuild: bool = False,
    progress: bool = False,
) -> IngestReport:
    """Bring the index up to date with the files under ``paths`` (default: the settings' corpus).

    Atomic: the new state is written to a new generation and made live in one step, so a
    reader (or a crash) never sees half an ingest. ``rebuild`` re-embeds everything, and
    also recovers a data directory Chroma can no longer read.
    """
    # The lock guards the embedded store; a Chroma server serialises writers itself.
    lock = writer_lock(settings) if not settings.chroma_url else contextlib.nullcontext()
    with lock:
        return _ingest(settings, paths, rebuild=rebuild, progress=progress)


def _open_for_ingest(settings: Settings, rebuild: bool) -> ClientAPI:
    try:
        client = open_client(settings, create=True)
        if rebuild or settings.chroma_url:
            return client
        live = live_name(client, settings.collection)
        if live:
            check_collection(client.get_collection(live))
        return client
    except IndexUnreadableError:
        if not rebuild or settings.chroma_url:
            raise
    # --rebuild on a store Chroma cannot read: start the directory afresh.
    import shutil

    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    shutil.rmtree(settings.chroma_dir, ignore_errors=True)
    return open_client(settings, create=True)


def _ingest(settings: Settings, paths: list[Path] | None, *, rebuild: bool, progress: bool) -> IngestReport:
    from llama_index.vector_stores.chroma import ChromaVectorStore

    t0 = time.perf_counter()
    paths = [Path(p).resolve() for p in (paths or settings.corpus_paths)]
    roots = {str(p if p.is_dir() else p.parent) for p in paths}
    report = IngestReport()
    loaded = load_passages(paths)
    docs, passages, report.errors = loaded.documents, loaded.passages, loaded.errors
    report.documents = len(docs)

    client = _open_for_ingest(settings, rebuild)
    live = live_name(client, settings.collection)
    old = client.get_collection(live) if live else None
    stored: dict[str, dict] = {}
    if old is not None and not rebuild:
        existing: Any = old.get(include=["metadatas"])
        stored = {i: m for i, m in zip(existing["ids"], existing["metadatas"] or [], strict=False)}
    by_hash = {m.get("content_hash"): i for i, m in stored.items()}

    root_of = {d.doc_id: d.root for d in docs}
    todo: list[PassageRecord] = []
    moved: dict[str, int] = {}  # unchanged passages whose place in their document changed: metadata only
    for p in passages:
        prev = stored.get(p.id)
        if prev is None:
            report.added += 1
            todo.append(p)
        elif prev.get("content_hash") != p.content_hash:
            report.updated += 1
            todo.append(p)
        else:
            report.unchanged += 1
            if prev.get("position") != p.position:
                moved[p.id] = p.position

    # Passages of files that are gone (under a root being ingested); files that failed
    # to load keep their old passages, so a bad edit never loses what was indexed.
    failed_sources = loaded.failed
    new_ids = {p.id for p in passages}
    loaded_docs = {d.doc_id for d in docs}
    stale = set()
    for pid, meta in stored.items():
        if pid in new_ids or meta.get("root") not in roots:
            continue
        abs_source = str(Path(meta.get("root", "")) / meta.get("source", ""))
        if meta.get("doc_id") in loaded_docs or abs_source not in failed_sources:
            stale.add(pid)
    report.removed = len(stale)

    if not todo and not stale and not moved and live and not rebuild:
        _drop_old_generations(client, settings.collection, keep=live)
        _finish_generation(settings, client.get_collection(live), build_files=False)
        report.seconds = time.perf_counter() - t0
        return report

    cache = EmbeddingCache.open(settings) if settings.embed_cache else None
    cached = cache.has_many({p.content_hash for p in todo}) if cache is not None and not rebuild else set()
    to_embed = sum(1 for p in todo if p.content_hash not in by_hash and p.content_hash not in cached)

    generation = f"{settings.collection}__g{time.time_ns()}"
    new = client.create_collection(generation, metadata={"hnsw:space": "cosine"})
    todo_ids = {p.id for p in todo}
    keep = [pid for pid in stored if pid not in stale and pid not in todo_ids]
    for k in range(0, len(keep), WRITE_BATCH):  # unchanged passages move with their vectors
        assert old is not None  # passages are kept only from an old generation
        got: Any = old.get(ids=keep[k : k + WRITE_BATCH], include=["embeddings", "documents", "metadatas"])
        metas = [m if pid not in moved else {**m, "position": moved[pid]}
                 for pid, m in zip(got["ids"], got["metadatas"], strict=True)]
        new.add(ids=got["ids"], embeddings=got["embeddings"], documents=got["documents"], metadatas=metas)

    # New and changed passages, a batch at a time (memory stays flat however many there are): each
    # vector comes from the old generation (same content), the embedding cache, or the model.
    # Similar lengths in a batch pad less: the passages go through the model shortest first.
    todo.sort(key=lambda p: len(p.embed_text()))
    store = ChromaVectorStore(chroma_collection=new)
    bar = _progress(to_embed, progress)
    embed = None
    for k in range(0, len(todo), WRITE_BATCH):
        batch = todo[k : k + WRITE_BATCH]
        vectors: dict[str, list[float]] = {}
        reuse = {p.id: by_hash[p.content_hash] for p in batch if p.content_hash in by_hash}
        if reuse and old is not None:
            got = old.get(ids=list(set(reuse.values())), include=["embeddings"])
            emb_by_id = dict(zip(got["ids"], got["embeddings"], strict=False))
            vectors |= {pid: list(emb_by_id[src]) for pid, src in reuse.items() if src in emb_by_id}
        need = [p for p in batch if p.id not in vectors]
        if cache is not None and need and not rebuild:
            found = cache.get_many({p.content_hash for p in need})
            vectors |= {p.id: found[p.content_hash] for p in need if p.content_hash in found}
            need = [p for p in need if p.id not in vectors]
        for j in range(0, len(need), EMBED_CHUNK):
            embed = embed or load_embed_model(settings)  # ONNX: 40 passages/s here against 27 with torch
            chunk = need[j : j + EMBED_CHUNK]
            embs = embed.get_text_embedding_batch([p.embed_text() for p in chunk])
            vectors |= {p.id: e for p, e in zip(chunk, embs, strict=True)}
            if cache is not None:
                cache.put_many({p.content_hash: e for p, e in zip(chunk, embs, strict=True)})
            bar.update(len(chunk))
        report.embedded += len(need)
        nodes: list[BaseNode] = []
        for p in batch:
            node = to_node(p, root_of[p.doc_id])
            node.embedding = vectors[p.id]
            nodes.append(node)
        store.add(nodes)
    bar.close()
    if cache is not None:
        cache.close()
    report.reused_embeddings = len(todo) - report.embedded
    # BM25 and the corpus statistics of the new generation, saved before it goes live.
    _finish_generation(settings, new, build_files=True)
    # The switch: one metadata write names the new generation live.
    pointer = client.get_or_create_collection(pointer_name(settings.collection))
    pointer.modify(metadata={"live": generation})
    _drop_old_generations(client, settings.collection, keep=generation)
    drop_others(settings, keep=generation)
    report.seconds = time.perf_counter() - t0
    return report


def _finish_generation(settings: Settings, collection: Collection, *, build_files: bool) -> None:
    """Save the generation's BM25 and statistics (``build_files``, or when missing), and export the
    embedding model to ONNX for serving if that was not done yet."""
    from .embedding import OnnxExportError, export

    model = None
    if settings.embed_backend == "onnx":
        try:
            export(settings)
        except OnnxExportError as e:
            log.warning("Questions will be embedded with sentence-transformers: %s", e)
    if collection.count() == 0:  # an empty corpus: nothing to search, serving says "the index is empty"
        pass
    elif build_files or not is_current(settings, collection.name):
        model = load_embed_model(settings)
        build(settings, collection, model)
    if not build_files:
        drop_others(settings, keep=collection.name)


WRITE_BATCH = 1000
EMBED_CHUNK = 256  # passages per embedding call (and progress-bar step)


class EmbeddingCache:
    """Vectors by embedding model and passage content hash, in SQLite beside the index.

    The index itself already reuses vectors of unchanged passages; this cache also covers
    a new collection, a rebuilt store and a switch to a Chroma server. It is only a cache:
    if it cannot be read it is started afresh, and nothing else is lost.

    Args:
        path: the SQLite file.
        model: the embedding model's name or path (vectors of other models are never mixed in).
    """

    def __init__(self, path: Path, model: str) -> None:
        import sqlite3

        self.model = model
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=30)
        self.db.execute("CREATE TABLE IF NOT EXISTS vectors (model TEXT, hash TEXT, dim INTEGER, vector BLOB, "
                        "PRIMARY KEY (model, hash))")

    @classmethod
    def open(cls, settings: Settings) -> EmbeddingCache | None:
        import sqlite3
        import warnings

        path, model = settings.embed_cache_path, settings.resolve_embed_model()
        try:
            cache = cls(path, model)
            cache.db.execute("SELECT count(*) FROM vectors WHERE model = ?", (model,)).fetchone()
            return cache
        except sqlite3.DatabaseError as e:
            warnings.warn(f"The embedding cache {path} is unreadable ({e}); starting it afresh.", stacklevel=2)
            path.unlink(missing_ok=True)
            try:
                return cls(path, model)
            except sqlite3.DatabaseError:
                return None

    def get_many(self, hashes: set[str]) -> dict[str, list[float]]:
        import numpy as np

        out: dict[str, list[float]] = {}
        keys = sorted(hashes)
        for k in range(0, len(keys), 500):  # SQLite caps the number of bound parameters
            part = keys[k : k + 500]
            rows = self.db.execute(
                f"SELECT hash, vector FROM vectors WHERE model = ? AND hash IN ({','.join('?' * len(part))})",
                (self.model, *part),
            )
            for h, blob in rows:
                out[h] = np.frombuffer(blob, dtype=np.float32).tolist()
        return out

    def has_many(self, hashes: set[str]) -> set[str]:
        """Which of ``hashes`` have a vector (without reading the vectors)."""
        out: set[str] = set()
        keys = sorted(hashes)
        for k in range(0, len(keys), 500):
            part = keys[k : k + 500]
            rows = self.db.execute(
                f"SELECT hash FROM vectors WHERE model = ? AND hash IN ({','.join('?' * len(part))})",
                (self.model, *part),
            )
            out.update(h for (h,) in rows)
        return out

    def put_many(self, vectors: dict[str, list[float]]) -> None:
        import numpy as np

        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)",
                [(self.model, h, len(v), np.asarray(v, dtype=np.float32).tobytes()) for h, v in vectors.items()],
            )

    def close(self) -> None:
        self.db.close()


def _drop_old_generations(client: ClientAPI, name: str, keep: str) -> None:
    """Delete generations that are not live: the one just replaced, or a killed ingest's."""
    for c in client.list_collections():
        cname = str(getattr(c, "name", c))
        if cname != keep and (cname == name or cname.startswith(f"{name}__g")):
            with contextlib.suppress(Exception):
                client.delete_collection(cname)


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc="Embedding passages", unit="passage", disable=not enabled or total == 0)
