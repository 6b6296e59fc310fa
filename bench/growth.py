"""Growth benchmark: the corpus at 1x, 10x, 100x and 1000x its size, embedded and server mode.

    python bench/growth.py                                  # all sizes, both modes
    python bench/growth.py --sizes 1 10 --modes embedded    # a quick look

The survey corpus is kept whole at every size; the extra documents are *distinct* real
text: the docstrings of the Python modules installed in this environment (stdlib,
torch, transformers, gradio, ...), one Markdown document per module, one section per
class or function. Repeated docstrings are skipped, so nothing dedupes by content hash.

Each (size, mode) runs in a fresh child process so its memory peak is its own. Reported:
ingest throughput (passages/s; the cold embedded run embeds every passage, the other two
reuse its vectors from the embedding cache and so time the index writes), index size on disk; then, in
a second fresh process as a serving app starts: the time to open the index for serving, that process's
memory peak (and the Chroma server's in server mode), warm retrieve and ask p50/p95 over the eval
questions, and retrieval hit@1 of the eval questions with the extra documents as distractors.
``--random-vectors`` gives the passages without a cached vector random unit vectors (a million
passages take hours to embed here): such rows measure the engine at that size, not answer quality.
Results go to bench/results/.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SIZES = [1, 10, 100, 1000]
MODES = ["embedded", "embedded+cache", "server"]


# ----- corpus generation ------------------------------------------------------------------------
def module_sources() -> list[Path]:
    """Every .py file of the stdlib and of site-packages, in a fixed order."""
    roots = [Path(sysconfig.get_paths()["stdlib"]), Path(sysconfig.get_paths()["purelib"])]
    files: list[Path] = []
    for root in roots:
        files += sorted(p for p in root.rglob("*.py") if "test" not in p.parts and "tests" not in p.parts)
    return files


def docstring_documents(files: list[Path]):
    """(module name, [(qualname, [paragraph, ...])]) for every module with docstrings."""
    seen: set[str] = set()
    for path in files:
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, ValueError, OSError):
            continue
        sections = []
        stack = [("", tree)]
        while stack:
            prefix, node = stack.pop(0)
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                    name = f"{prefix}{child.name}"
                    doc = ast.get_docstring(child) or ""
                    paras = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", doc)]
                    paras = [p for p in paras if len(p) >= 80 and p not in seen and not p.startswith((">>>", ".."))]
                    seen.update(paras)
                    if paras:
                        sections.append((name, paras))
                    if isinstance(child, ast.ClassDef):
                        stack.append((f"{name}.", child))
        if sections:
            yield path.stem if path.stem != "__init__" else path.parent.name, str(path), sections


def build_corpus(target_passages: int, out: Path) -> int:
    """The survey corpus plus docstring documents, until ``target_passages`` passages.

    When the installed modules' docstrings run out (about 130k passages here), they are used again
    as new documents whose every paragraph ends with "(variant k)": distinct text, so nothing dedupes.
    """
    from interp_qa.corpus import load_passages
    from interp_qa.settings import DEFAULT_CORPUS

    skip = shutil.ignore_patterns("raw", "README.md", ".interp-qa-ignore")  # what ingest ignores there too
    shutil.copytree(DEFAULT_CORPUS, out / "survey", ignore=skip)
    n = len(load_passages([out / "survey"]).passages)
    extra = out / "extra"
    extra.mkdir()
    k = 0
    documents = list(docstring_documents(module_sources()))  # parsed once, used again by each variant
    for variant in range(1000):
        tag = f" (variant {variant})" if variant else ""
        for module, source, sections in documents:
            if n >= target_passages:
                return n
            k += 1
            body = [f"---\ntitle: {json.dumps('Python module ' + module + tag)}\nurl: {json.dumps('file://' + source)}"
                    "\n---", f"# {module}{tag}"]
            for name, paras in sections:
                if n >= target_passages:
                    break
                body.append(f"## {name}")
                for p in paras[: target_passages - n]:
                    body.append(p + tag)
                    n += 1
            (extra / f"{k:07d}-{re.sub(r'[^A-Za-z0-9_]+', '-', module)}.md").write_text("\n\n".join(body) + "\n")
    return n


def seed_random_vectors(corpus: Path, cache_path: Path) -> int:
    """Random unit vectors in the embedding cache for every extra passage it has no vector for.

    Embedding a million passages on 2 cores takes hours; rows built this way measure the engine
    (Chroma, BM25, statistics, memory) at that size, not answer quality. The survey's own passages
    are embedded by the model, so its questions still find them.
    """
    import numpy as np

    from interp_qa.corpus import load_passages
    from interp_qa.index import EmbeddingCache, load_torch_embed_model
    from interp_qa.settings import Settings

    settings = Settings(data_dir=cache_path.parent)
    cache = EmbeddingCache(cache_path, settings.resolve_embed_model())
    passages = load_passages([corpus]).passages
    have = cache.get_many({p.content_hash for p in passages})
    survey = [p for p in passages if p.content_hash not in have and p.source.startswith("survey")]
    if survey:
        embs = load_torch_embed_model(settings).get_text_embedding_batch([p.embed_text() for p in survey])
        cache.put_many({p.content_hash: e for p, e in zip(survey, embs, strict=True)})
    rng = np.random.default_rng(0)
    embedded = {p.content_hash for p in survey}
    missing = sorted({p.content_hash for p in passages if p.content_hash not in have} - embedded)
    dim = json.loads((Path(settings.resolve_embed_model()) / "config.json").read_text())["hidden_size"]
    for i in range(0, len(missing), 10_000):
        vecs = rng.standard_normal((len(missing[i : i + 10_000]), dim)).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        cache.put_many(dict(zip(missing[i : i + 10_000], vecs.tolist(), strict=True)))
    cache.close()
    return len(missing)


# ----- one measurement (child process) ----------------------------------------------------------
def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def peak_rss_mb(pid: int | None = None) -> float:
    if pid is None:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def ingest_only(corpus: Path, data: Path, chroma_url: str | None) -> dict:
    """Ingest ``corpus`` into ``data`` (or the Chroma server): the ingest figures."""
    from interp_qa import Settings
    from interp_qa.index import ingest

    settings = Settings(data_dir=data, corpus_paths=[corpus], collection="bench", chroma_url=chroma_url)
    report = ingest(settings)
    return {
        "passages": report.total, "errors": len(report.errors), "ingest_s": round(report.seconds, 1),
        "ingest_per_s": round(report.total / report.seconds, 1) if report.seconds else None,
        "embedded": report.embedded,
        "disk_mb": round(dir_size(settings.chroma_dir) / 1e6, 1) if chroma_url is None else None,
    }


def serve_only(data: Path, chroma_url: str | None, queries: int) -> dict:
    """Open the index as a fresh serving process does, then time retrieve and ask; this process's peak memory."""
    t0 = time.perf_counter()
    import chromadb  # noqa: F401 - imported first, so load_s times opening the index, not imports
    import llama_index.core  # noqa: F401

    from interp_qa import Assistant, Settings
    from interp_qa.evaluation import DEFAULT_QUESTIONS, hit_at, load_questions, percentile, relevance

    settings = Settings(data_dir=data, collection="bench", chroma_url=chroma_url)
    assistant = Assistant(settings, auto_ingest=False)
    t1 = time.perf_counter()
    assistant.retriever  # noqa: B018 - open BM25, the statistics and the model, as serving does
    load_s = time.perf_counter() - t1
    start_s = time.perf_counter() - t0

    qs = [q for q in load_questions(DEFAULT_QUESTIONS) if q.answerable and not q.history]
    assistant.retrieve(qs[0].question)
    assistant.ask(qs[0].question)  # warm
    plan = [qs[i % len(qs)] for i in range(queries)]
    retrieve_ms, ask_ms, hits = [], [], []
    for q in plan:
        t = time.perf_counter()
        got = assistant.retrieve(q.question)
        retrieve_ms.append((time.perf_counter() - t) * 1000)
        hits.append(hit_at(relevance([p.text for p in got], q.evidence), 1))
        t = time.perf_counter()
        assistant.ask(q.question)
        ask_ms.append((time.perf_counter() - t) * 1000)
    return {
        "load_s": round(load_s, 2), "start_s": round(start_s, 2),
        "app_peak_mb": round(peak_rss_mb(), 0),
        "retrieve_p50_ms": round(percentile(retrieve_ms, 50), 1),
        "retrieve_p95_ms": round(percentile(retrieve_ms, 95), 1),
        "ask_p50_ms": round(percentile(ask_ms, 50), 1), "ask_p95_ms": round(percentile(ask_ms, 95), 1),
        "hit_at_1": round(sum(hits) / len(hits), 3), "queries": len(plan),
    }


# ----- driver -----------------------------------------------------------------------------------
def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_chroma(path: Path) -> tuple[subprocess.Popen, str]:
    import urllib.request

    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    proc = subprocess.Popen([str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2)
            return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("chroma run did not start")


def run_one(size: int, mode: str, corpus: Path, work: Path, queries: int) -> dict:
    """One child run. "embedded" embeds every passage (cold); "embedded+cache" and "server" start
    from the vectors the cold run left in the embedding cache, so they time the index writes."""
    data = work / f"data-{mode}"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir()
    cache = work / "embeddings.sqlite3"
    if mode != "embedded" and cache.exists():
        shutil.copy(cache, data / cache.name)
    server, url = (None, None)
    if mode == "server":
        server, url = start_chroma(work / "chroma-server")
    try:
        row: dict = {}
        for step in (["--ingest", str(corpus), str(data), url or ""], ["--serve", str(data), url or "", str(queries)]):
            out = subprocess.run([sys.executable, __file__, *step], capture_output=True, text=True, check=False)
            if out.returncode:
                raise RuntimeError(f"{size}x {mode} {step[0]} failed:\n{out.stderr[-3000:]}")
            row |= json.loads(out.stdout.strip().splitlines()[-1])
        if mode == "embedded":
            shutil.copy(data / cache.name, cache)
        if server is not None:
            row["server_peak_mb"] = round(peak_rss_mb(server.pid), 0)
            row["disk_mb"] = round(dir_size(work / "chroma-server") / 1e6, 1)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
            shutil.rmtree(work / "chroma-server", ignore_errors=True)
        shutil.rmtree(data, ignore_errors=True)
    return {"size": f"{size}x", "mode": mode, **row}


COLUMNS = [("size", "size"), ("mode", "mode"), ("passages", "passages"), ("embedded", "embedded"),
           ("ingest_per_s", "ingest passages/s"),
           ("disk_mb", "disk MB"), ("app_peak_mb", "app peak MB"), ("server_peak_mb", "server peak MB"),
           ("load_s", "load s"), ("start_s", "start s"),
           ("retrieve_p50_ms", "retrieve p50 ms"), ("retrieve_p95_ms", "retrieve p95 ms"),
           ("ask_p50_ms", "ask p50 ms"), ("ask_p95_ms", "ask p95 ms"), ("hit_at_1", "hit@1"),
           ("vectors", "vectors")]


def table(rows: list[dict]) -> str:
    head = "| " + " | ".join(label for _, label in COLUMNS) + " |"
    sep = "|" + "|".join("---:" if k not in ("size", "mode") else "---" for k, _ in COLUMNS) + "|"
    body = ["| " + " | ".join("" if r.get(k) is None else str(r.get(k)) for k, _ in COLUMNS) + " |" for r in rows]
    return "\n".join([head, sep, *body])


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--ingest":
        corpus, data, url = sys.argv[2:5]
        print(json.dumps(ingest_only(Path(corpus), Path(data), url or None)))
        return 0
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        data, url, queries = sys.argv[2:5]
        print(json.dumps(serve_only(Path(data), url or None, int(queries))))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=SIZES)
    ap.add_argument("--modes", nargs="+", default=MODES, choices=MODES)
    ap.add_argument("--queries", type=int, default=100, help="timed questions per size and mode")
    ap.add_argument("--random-vectors", action="store_true",
                    help="give passages without a cached vector a random unit vector instead of embedding them "
                         "(for sizes beyond what 2 cores embed in hours; marked in the results)")
    ap.add_argument("--seed-cache", type=Path, default=None,
                    help="an embeddings.sqlite3 from an earlier run, to re-measure the cached modes without "
                         "embedding again")
    ap.add_argument("--fresh", action="store_true", help="start bench/results/growth.json afresh instead of "
                    "replacing only the rows measured now")
    args = ap.parse_args()

    from interp_qa.corpus import load_passages
    from interp_qa.settings import DEFAULT_CORPUS

    base = len(load_passages([DEFAULT_CORPUS]).passages)
    RESULTS.mkdir(parents=True, exist_ok=True)
    # One ONNX export of the embedding model for every row (ingest would otherwise export it per data dir).
    onnx = tempfile.TemporaryDirectory(prefix="growth-onnx-")
    os.environ["INTERP_QA_EMBED_ONNX_DIR"] = onnx.name
    previous = RESULTS / "growth.json"  # rows of sizes and modes not run now are kept; the ones run, replaced
    rows: list[dict] = json.loads(previous.read_text())["rows"] if previous.exists() and not args.fresh else []
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix=f"growth-{size}x-") as tmp:
            work = Path(tmp)
            (work / "corpus").mkdir()
            t0 = time.perf_counter()
            n = build_corpus(base * size, work / "corpus")
            print(f"{size}x: {n} passages generated in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
            if args.seed_cache:
                shutil.copy(args.seed_cache, work / "embeddings.sqlite3")
            vectors = "model"
            if args.random_vectors:
                t0 = time.perf_counter()
                seeded = seed_random_vectors(work / "corpus", work / "embeddings.sqlite3")
                vectors = f"random ({seeded:,}; the survey's by the model)" if seeded else "model"
                print(f"{size}x: {seeded} random vectors in {time.perf_counter() - t0:.1f} s", file=sys.stderr,
                      flush=True)
            for mode in args.modes:
                row = run_one(size, mode, work / "corpus", work, args.queries) | {"vectors": vectors}
                at = next((i for i, r in enumerate(rows) if (r["size"], r["mode"]) == (row["size"], mode)), None)
                if at is None:
                    rows.append(row)
                else:
                    rows[at] = row
                print(json.dumps(row), file=sys.stderr, flush=True)
                (RESULTS / "growth.json").write_text(json.dumps({"cpu_count": os.cpu_count(), "rows": rows}, indent=2))
    order = {f"{k}x": i for i, k in enumerate(sorted({int(r["size"][:-1]) for r in rows}))}
    rows.sort(key=lambda r: (order[r["size"]], MODES.index(r["mode"])))
    (RESULTS / "growth.md").write_text(table(rows) + "\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
