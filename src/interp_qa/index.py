"""The passage index: a Chroma collection of embedded passages, built incrementally.

Every passage is stored with the SHA-1 of its content. Re-running ingest embeds only
passages whose content is new; a changed file replaces only its own passages; text
that moved (same content, new id) reuses its stored embedding.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .corpus import PassageRecord, load_passages
from .settings import Settings, set_offline_switches

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection
    from llama_index.core.schema import TextNode
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding


class IndexMissingError(RuntimeError):
    """No index yet: run ``interp-qa ingest``."""


class IndexUnreadableError(RuntimeError):
    """The data directory exists but Chroma cannot read it."""


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


_EMBED_CACHE: dict[tuple[str, int], HuggingFaceEmbedding] = {}


def load_embed_model(settings: Settings) -> HuggingFaceEmbedding:
    """The sentence-transformers model, loaded once per process (it costs seconds)."""
    set_offline_switches()
    key = (settings.resolve_embed_model(), settings.embed_batch_size)
    if key not in _EMBED_CACHE:
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding

        _EMBED_CACHE[key] = HuggingFaceEmbedding(
            model_name=key[0], device="cpu", normalize=True, embed_batch_size=settings.embed_batch_size
        )
    return _EMBED_CACHE[key]


def open_client(settings: Settings, *, create: bool) -> ClientAPI:
    set_offline_switches()
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    path = settings.chroma_dir
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


def get_collection(client: ClientAPI, name: str, *, create: bool) -> Collection:
    try:
        if create:
            return client.get_or_create_collection(name, metadata={"hnsw:space": "cosine"})
        return client.get_collection(name)
    except Exception as e:
        if not create:
            raise IndexMissingError(f"The index has no collection {name!r}. Build it with `interp-qa ingest`.") from e
        raise


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
    """Bring the index up to date with the files under ``paths`` (default: the settings' corpus)."""
    from llama_index.vector_stores.chroma import ChromaVectorStore

    t0 = time.perf_counter()
    paths = [Path(p).resolve() for p in (paths or settings.corpus_paths)]
    roots = {str(p if p.is_dir() else p.parent) for p in paths}
    report = IngestReport()
    loaded = load_passages(paths)
    docs, passages, report.errors = loaded.documents, loaded.passages, loaded.errors
    report.documents = len(docs)

    client = open_client(settings, create=True)
    if rebuild:
        with contextlib.suppress(Exception):  # nothing to delete
            client.delete_collection(settings.collection)
    collection = get_collection(client, settings.collection, create=True)
    existing = collection.get(include=["metadatas"])
    stored = {i: m for i, m in zip(existing["ids"], existing["metadatas"] or [], strict=False)}
    by_hash = {m.get("content_hash"): i for i, m in stored.items()}

    root_of = {d.doc_id: d.root for d in docs}
    todo: list[PassageRecord] = []
    for p in passages:
        old = stored.get(p.id)
        if old is None:
            report.added += 1
            todo.append(p)
        elif old.get("content_hash") != p.content_hash:
            report.updated += 1
            todo.append(p)
        else:
            report.unchanged += 1

    # Passages of files that are gone (under a root being ingested); files that failed
    # to load keep their old passages, so a bad edit never loses what was indexed.
    failed_sources = loaded.failed
    new_ids = {p.id for p in passages}
    loaded_docs = {d.doc_id for d in docs}
    stale = []
    for pid, meta in stored.items():
        if pid in new_ids or meta.get("root") not in roots:
            continue
        abs_source = str(Path(meta.get("root", "")) / meta.get("source", ""))
        if meta.get("doc_id") in loaded_docs or abs_source not in failed_sources:
            stale.append(pid)

    if todo:
        embed = load_embed_model(settings)
        reuse = {p.id: by_hash[p.content_hash] for p in todo if p.content_hash in by_hash}
        vectors: dict[str, list[float]] = {}
        if reuse:
            got = collection.get(ids=list(set(reuse.values())), include=["embeddings"])
            emb_by_id = dict(zip(got["ids"], got["embeddings"], strict=False))
            for pid, src in reuse.items():
                if src in emb_by_id:
                    vectors[pid] = list(emb_by_id[src])
        need = [p for p in todo if p.id not in vectors]
        report.reused_embeddings = len(todo) - len(need)
        batch = max(1, settings.embed_batch_size)
        bar = _progress(len(need), progress)
        for k in range(0, len(need), batch):
            chunk = need[k : k + batch]
            embs = embed.get_text_embedding_batch([p.embed_text() for p in chunk])
            for p, e in zip(chunk, embs, strict=True):
                vectors[p.id] = e
            bar.update(len(chunk))
        bar.close()
        report.embedded = len(need)
        nodes = []
        for p in todo:
            node = to_node(p, root_of[p.doc_id])
            node.embedding = vectors[p.id]
            nodes.append(node)
        store = ChromaVectorStore(chroma_collection=collection)
        # ChromaVectorStore.add() is Chroma's add(), which skips ids that exist: drop the old
        # version of each updated passage first.
        updated_ids = [p.id for p in todo if p.id in stored]
        if updated_ids:
            collection.delete(ids=updated_ids)
        for k in range(0, len(nodes), 1000):
            store.add(nodes[k : k + 1000])
    if stale:
        collection.delete(ids=stale)
        report.removed = len(stale)
    report.seconds = time.perf_counter() - t0
    return report


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc="Embedding passages", unit="passage", disable=not enabled or total == 0)
