"""Load test: 50 concurrent conversations, 500 questions, through the web app's HTTP API.

    python bench/load.py                      # starts the UI on a free port, then drives it
    python bench/load.py --url http://127.0.0.1:7860/

Every answer is compared with a serial run of the same question (the answerer is
deterministic), so "correct" means identical to the serial answer; none may be dropped.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default=None)
    ap.add_argument("--conversations", type=int, default=50)
    ap.add_argument("--questions", type=int, default=500)
    ap.add_argument("--via", choices=["gradio", "openai"], default="gradio",
                    help="gradio: the UI's queue API (gradio_client); openai: /v1/chat/completions (openai client)")
    args = ap.parse_args()

    from gradio_client import Client

    from interp_qa import Assistant
    from interp_qa.evaluation import DEFAULT_QUESTIONS, load_questions

    assistant = Assistant()
    url = args.url
    if url is None:
        from interp_qa.ui import launch

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        launch(port=port, assistant=assistant, block=False)
        url = f"http://127.0.0.1:{port}/"
    pool = [q for q in load_questions(DEFAULT_QUESTIONS) if not q.history]
    plan = [pool[i % len(pool)].question for i in range(args.questions)]
    expected = {q: assistant.ask(q).text for q in set(plan)}  # the serial run

    per_conv = [plan[i :: args.conversations] for i in range(args.conversations)]
    latencies: list[float] = []
    wrong, dropped = [], 0

    def conversation(questions: list[str]) -> list[tuple[str, str | None, float]]:
        if args.via == "openai":
            from openai import OpenAI

            chat = OpenAI(base_url=url.rstrip("/") + "/v1", api_key="unused", max_retries=0, timeout=300)

            def ask(q: str) -> str:
                reply = chat.chat.completions.create(model="interp-qa", messages=[{"role": "user", "content": q}])
                return reply.choices[0].message.content
        else:
            client = Client(url, verbose=False)

            def ask(q: str) -> str:
                return client.predict(q, [], api_name="/ask")["text"]
        out = []
        for q in questions:
            t0 = time.perf_counter()
            try:
                text = ask(q)
            except Exception as e:  # noqa: BLE001 - counted as dropped
                text = None
                print(f"dropped: {q!r}: {e}", file=sys.stderr)
            out.append((q, text, (time.perf_counter() - t0) * 1000))
        return out

    t0 = time.perf_counter()
    with ThreadPoolExecutor(args.conversations) as ex:
        results = [r for conv in ex.map(conversation, per_conv) for r in conv]
    wall = time.perf_counter() - t0
    for q, text, ms in results:
        if text is None:
            dropped += 1
        elif text != expected[q]:
            wrong.append(q)
        latencies.append(ms)
    latencies.sort()
    report = {
        "via": args.via, "conversations": args.conversations, "questions": len(results), "dropped": dropped,
        "wrong": len(wrong),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1), "max_ms": round(latencies[-1], 1),
        "throughput_qps": round(len(results) / wall, 1), "wall_s": round(wall, 1),
    }
    print(json.dumps(report, indent=2))
    return 0 if not dropped and not wrong else 1


if __name__ == "__main__":
    raise SystemExit(main())
