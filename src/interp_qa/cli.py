"""Command line: ``interp-qa ingest | ask | serve | eval | build-corpus``.

Only argparse is imported at start, so ``interp-qa --help`` answers at once; each
command imports the heavy libraries it needs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .text import MODES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="interp-qa",
        description="Cited answers about the survey 'Is Interpretability Sufficient for Safety?'. "
        "Settings come from INTERP_QA_* environment variables (e.g. INTERP_QA_DATA_DIR).",
    )
    parser.add_argument("--config", type=Path, default=None,
                        help="TOML settings file (same keys as the INTERP_QA_* variables, lower case)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="build or update the index from corpus files")
    p.add_argument("paths", nargs="*", type=Path, help="files or folders (default: the bundled corpus)")
    p.add_argument("--rebuild", action="store_true", help="drop the index and build it from scratch")

    p = sub.add_parser("ask", help="answer a question with citations")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print the Answer as JSON")
    p.add_argument("--top-k", type=int, default=None, help="passages to retrieve (default 5)")
    p.add_argument("--mode", choices=MODES, default=None)
    p.add_argument("--history", action="append", default=[], help="an earlier question (repeatable)")
    p.add_argument("--stream", action=argparse.BooleanOptionalAction, default=None,
                   help="print the answer as it is written (default: when printing to a terminal)")
    add_llm_options(p)

    p = sub.add_parser("retrieve", help="show the passages retrieved for a question")
    p.add_argument("question")
    p.add_argument("--top-k", type=int, default=5)
    p.add_argument("--mode", choices=MODES, default=None)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("serve", help="start the web UI")
    p.add_argument("--host", default=None, help="address to bind (default 127.0.0.1 or GRADIO_SERVER_NAME)")
    p.add_argument("--port", type=int, default=None, help="port (default 7860 or GRADIO_SERVER_PORT)")
    p.add_argument("--insecure", action="store_true", help="allow a non-loopback address without INTERP_QA_AUTH")
    add_llm_options(p)

    p = sub.add_parser("doctor", help="check the index, the embedding model and the answer back end")
    add_llm_options(p)

    p = sub.add_parser("eval", help="score retrieval configurations and answers")
    p.add_argument("--questions", type=Path, default=None, help="JSONL question set (default eval/questions.jsonl)")
    p.add_argument("--configs", nargs="+", default=None,
                   help="retrieval configs: bm25 dense hybrid hybrid+rerank naive (default: all)")
    p.add_argument("--out", type=Path, default=None, help="output folder (default eval/results)")
    p.add_argument("--limit", type=int, default=None, help="only the first N questions")
    add_llm_options(p)
    for name in ("hit1", "mrr", "fact-accuracy"):
        p.add_argument(f"--min-{name}", type=float, default=None, help=f"exit 1 if {name} is below this")

    p = sub.add_parser("build-corpus", help="rebuild corpus/*.md from corpus/raw (deterministic)")
    p.add_argument("--check", action="store_true", help="report stale files, write nothing (exit 1 if any)")
    p.add_argument("--corpus", type=Path, default=None)

    args = parser.parse_args(argv)
    if args.config is not None:
        import os

        os.environ["INTERP_QA_CONFIG"] = str(args.config)
    try:
        return COMMANDS[args.command](args)
    except BrokenPipeError:  # `interp-qa ask ... | head`: the reader has what it wanted
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (ValueError, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except Exception as e:
        from pydantic import ValidationError

        from .corpus import CorpusFileError
        from .index import IndexBusyError, IndexMissingError, IndexUnreadableError

        if isinstance(e, IndexMissingError | IndexUnreadableError | IndexBusyError | ValidationError | CorpusFileError):
            print(f"error: {e}", file=sys.stderr)
            return 2
        raise


LLM_OPTIONS = ("llm", "llm_base_url", "llm_model", "llm_api_key", "llm_model_path", "llm_timeout")


def add_llm_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("answer model (default from settings: INTERP_QA_LLM...)")
    g.add_argument("--llm", choices=["extractive", "openai", "llama-cpp"], default=None, help="answer back end")
    g.add_argument("--llm-base-url", default=None, help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1")
    g.add_argument("--llm-model", default=None, help="model name sent to the endpoint")
    g.add_argument("--llm-api-key", default=None, help="API key (prefer INTERP_QA_LLM_API_KEY)")
    g.add_argument("--llm-model-path", type=Path, default=None, help="GGUF file for --llm llama-cpp")
    g.add_argument("--llm-timeout", type=float, default=None, help="seconds per model request")


def _settings(args: argparse.Namespace | None = None):
    from .settings import Settings

    overrides = {k: getattr(args, k) for k in LLM_OPTIONS if getattr(args, k, None) is not None}
    return Settings(**overrides)


def _assistant(args: argparse.Namespace | None = None):
    from .assistant import Assistant

    return Assistant(_settings(args))


def cmd_ingest(args: argparse.Namespace) -> int:
    report = _assistant().ingest(args.paths or None, rebuild=args.rebuild, progress=sys.stderr.isatty())
    print(report.summary())
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from .types import Answer

    stream = args.stream if args.stream is not None else (sys.stdout.isatty() and not args.json)
    answer, streamed = None, ""
    for piece in _assistant(args).ask_stream(args.question, history=args.history or None, top_k=args.top_k,
                                             mode=args.mode):
        if isinstance(piece, Answer):
            answer = piece
        elif stream:
            streamed += piece
            print(piece, end="", flush=True)
    assert answer is not None
    if args.json:
        print(answer.model_dump_json(indent=2))
        return 0
    if stream:
        print()
        if streamed.strip() == answer.text.strip():
            pass
        else:  # the checked answer differs from what the model wrote: show the one to trust
            print("\nChecked answer:")
            print(answer.text)
    else:
        print(answer.text)
    for note in answer.notes:
        print(f"note: {note}", file=sys.stderr)
    if answer.citations:
        print()
        for n, c in enumerate(answer.citations, 1):
            where = f"{c.title} — {c.section}" if c.section else c.title
            print(f"[{n}] {where} ({c.source}, {c.id})")
    return 0


def cmd_retrieve(args: argparse.Namespace) -> int:
    passages = _assistant().retrieve(args.question, top_k=args.top_k, mode=args.mode)
    if args.json:
        print(json.dumps([p.model_dump() for p in passages], indent=2, ensure_ascii=False))
        return 0
    for n, p in enumerate(passages, 1):
        print(f"{n}. [{p.score:.4f}] {p.id}\n   {p.text[:200].replace(chr(10), ' | ')}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .ui import launch

    launch(host=args.host, port=args.port, insecure=args.insecure, settings=_settings(args))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from .evaluation import DEFAULT_QUESTIONS, evaluate, format_table, load_questions, write_outputs
    from .settings import PROJECT_ROOT

    questions = load_questions(args.questions or DEFAULT_QUESTIONS)
    if args.limit:
        questions = questions[: args.limit]
    results = evaluate(_assistant(args), questions, args.configs, progress=sys.stderr.isatty())
    print(format_table(results))
    paths = write_outputs(results, args.out or PROJECT_ROOT / "eval" / "results")
    print(f"\nWrote {paths['json']}, {paths['report']}, {paths['chart']}")
    best = max(results["retrieval"].values(), key=lambda m: m["mrr"])
    facts = (results.get("answers") or {}).get("fact_accuracy")
    gates = [("hit1", best["hit@1"]), ("mrr", best["mrr"]), ("fact_accuracy", facts)]
    failed = [f"{n} {v:.3f} < {getattr(args, 'min_' + n)}" for n, v in gates
              if getattr(args, "min_" + n) is not None and v is not None and v < getattr(args, "min_" + n)]
    if failed:
        print("Below the gate: " + "; ".join(failed), file=sys.stderr)
        return 1
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from .models import doctor

    checks = doctor(_settings(args))
    for c in checks:
        print(f"{'ok ' if c.ok else 'FAIL'} {c.name}: {c.detail}")
    return 0 if all(c.ok for c in checks) else 1


def cmd_build_corpus(args: argparse.Namespace) -> int:
    from .cleaning import build_corpus
    from .settings import DEFAULT_CORPUS

    changed = build_corpus(args.corpus or DEFAULT_CORPUS, check=args.check)
    if args.check:
        for p in changed:
            print(f"stale: {p}")
        return 1 if changed else 0
    print(f"wrote {len(changed)} file(s)" if changed else "corpus is up to date")
    return 0


COMMANDS = {
    "ingest": cmd_ingest, "ask": cmd_ask, "retrieve": cmd_retrieve, "serve": cmd_serve,
    "eval": cmd_eval, "build-corpus": cmd_build_corpus, "doctor": cmd_doctor,
}

if __name__ == "__main__":
    raise SystemExit(main())
