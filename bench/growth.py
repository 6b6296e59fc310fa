"""Growth benchmark: the corpus at 1x, 10x, 100x and 1000x its size, embedded and server mode.

    python bench/growth.py                                  # all sizes, both modes
    python bench/growth.py --sizes 1 10 --modes embedded    # a quick look

The survey corpus is kept whole at every size; the extra documents are *distinct* real
text: the docstrings of the Python modules installed in this environment (stdlib,
torch, transformers, gradio, ...), one Markdown document per module, one section per
class or function. Repeated docstrings are skipped, so nothing dedupes by content hash.

Each (size, mode) runs in a fresh child process so its memory peak is its own. Reported:
ingest throughput (passages/s; the cold embedded run embeds every passage, the other two
reuse its vectors from the embedding cache and so time the index writes), index size on disk, memory peak of
the app (and of the Chroma server in server mode), time to load the index for serving,
warm retrieve and ask p50/p95 over the eval questions, and retrieval hit@1 of the eval
questions with the extra documents as distractors. Results go to bench/results/.
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
    """The survey corpus plus docstring documents, until ``target_passages`` passages."""
    from interp_qa.corpus import load_passages
    from interp_qa.settings import DEFAULT_CORPUS

    skip = shutil.ignore_patterns("raw", "README.md", ".interp-qa-ignore")  # what ingest ignores there too
    shutil.copytree(DEFAULT_CORPUS, out / "survey", ignore=skip)
    n = len(load_passages([out / "survey"]).passages)
    extra = out / "extra"
    extra.mkdir()
    for k, (module, source, sections) in enumerate(docstring_documents(module_sources()), start=1):
        if n >= target_passages:
            break
        body = [f"---\ntitle: {json.dumps('Python module ' + module)}\nurl: {json.dumps('file://' + source)}\n---",
                f"# {module}"]
        for name, paras in sections:
            if n >= target_passages:
                break
            body.append(f"## {name}")
            for p in paras[: target_passages - n]:
                body.append(p)
                n += 1
        (extra / f"{k:06d}-{re.sub(r'[^A-Za-z0-9_]+', '-', module)}.md").write_text("\n\n".join(body) + "\n")
    return n


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


def measure(corpus: Path, data: Path, chroma_url: str | None, queries: int) -> dict:
    """Ingest ``corpus`` into ``data`` (or the Chroma server), then time serving it."""
    from interp_qa import Assistant, Settings
    from interp_qa.evaluation import DEFAULT_QUESTIONS, hit_at, load_questions, percentile, relevance

    settings = Settings(data_dir=data, corpus_paths=[corpus], collection="bench", chroma_url=chroma_url)
    assistant = Assistant(settings, auto_ingest=False)
    report = assistant.ingest()
    t0 = time.perf_counter()
    assistant.retriever  # noqa: B018 - load passages, BM25 and the model, as serving does
    load_s = time.perf_counter() - t0

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
        "passages": report.total, "errors": len(report.errors), "ingest_s": round(report.seconds, 1),
        "ingest_per_s": round(report.total / report.seconds, 1) if report.seconds else None,
        "embedded": report.embedded,
        "load_s": round(load_s, 2),
        "disk_mb": round(dir_size(settings.chroma_dir) / 1e6, 1) if chroma_url is None else None,
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
        cmd = [sys.executable, __file__, "--child", str(corpus), str(data), url or "", str(queries)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if out.returncode:
            raise RuntimeError(f"{size}x {mode} failed:\n{out.stderr[-3000:]}")
        row = json.loads(out.stdout.strip().splitlines()[-1])
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
           ("load_s", "load s"), ("retrieve_p50_ms", "retrieve p50 ms"), ("retrieve_p95_ms", "retrieve p95 ms"),
           ("ask_p50_ms", "ask p50 ms"), ("ask_p95_ms", "ask p95 ms"), ("hit_at_1", "hit@1")]


def table(rows: list[dict]) -> str:
    head = "| " + " | ".join(label for _, label in COLUMNS) + " |"
    sep = "|" + "|".join("---:" if k not in ("size", "mode") else "---" for k, _ in COLUMNS) + "|"
    body = ["| " + " | ".join("" if r.get(k) is None else str(r.get(k)) for k, _ in COLUMNS) + " |" for r in rows]
    return "\n".join([head, sep, *body])


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        corpus, data, url, queries = sys.argv[2:6]
        print(json.dumps(measure(Path(corpus), Path(data), url or None, int(queries))))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=SIZES)
    ap.add_argument("--modes", nargs="+", default=MODES, choices=MODES)
    ap.add_argument("--queries", type=int, default=100, help="timed questions per size and mode")
    ap.add_argument("--seed-cache", type=Path, default=None,
                    help="an embeddings.sqlite3 from an earlier run, to re-measure the cached modes without "
                         "embedding again (rows of modes not run are kept from bench/results/growth.json)")
    args = ap.parse_args()

    from interp_qa.corpus import load_passages
    from interp_qa.settings import DEFAULT_CORPUS

    base = len(load_passages([DEFAULT_CORPUS]).passages)
    RESULTS.mkdir(parents=True, exist_ok=True)
    rows: list[dict] = []
    previous = RESULTS / "growth.json"
    if args.seed_cache and previous.exists():
        rows = json.loads(previous.read_text())["rows"]
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix=f"growth-{size}x-") as tmp:
            work = Path(tmp)
            (work / "corpus").mkdir()
            t0 = time.perf_counter()
            n = build_corpus(base * size, work / "corpus")
            print(f"{size}x: {n} passages generated in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
            if args.seed_cache:
                shutil.copy(args.seed_cache, work / "embeddings.sqlite3")
            for mode in args.modes:
                row = run_one(size, mode, work / "corpus", work, args.queries)
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
