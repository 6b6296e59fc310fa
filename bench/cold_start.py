"""Cold-start benchmark: what a user waits for before the first answer, in fresh processes.

    python bench/cold_start.py              # 5 runs of each, against $INTERP_QA_DATA_DIR's index
    python bench/cold_start.py --runs 3

Measured, each in a new process (the index must exist: `interp-qa ingest` first):
- ``floor``: ``python -c "import chromadb, llama_index.core"``, what any answer costs at least;
- ``cli_ask``: ``interp-qa ask "..."`` wall time and peak RSS;
- ``first_ask``: a fresh Python's ``import interp_qa; interp_qa.ask(...)``;
- ``help``: ``interp-qa --help``;
- ``app``: ``python app.py`` until ``/healthz`` answers HTTP 200.
Medians go to bench/results/cold_start.json.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "How many features did OpenAI extract from GPT-4?"


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
    return wall, usage.ru_maxrss / 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_start() -> float:
    """Seconds from ``python app.py`` to HTTP 200 on /healthz."""
    port = free_port()
    env = {**os.environ, "GRADIO_SERVER_PORT": str(port)}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - t0 < 120:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    if r.status == 200:
                        return time.perf_counter() - t0
            except OSError:
                pass
            if proc.poll() is not None:
                raise SystemExit("app.py exited before answering")
            time.sleep(0.02)
        raise SystemExit("app.py did not answer within 120 s")
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "cold_start.json")
    args = ap.parse_args()
    py = sys.executable
    cli = [py, "-m", "interp_qa.cli"]
    commands = {
        "floor": [py, "-c", "import chromadb, llama_index.core"],
        "cli_ask": [*cli, "ask", QUESTION, "--no-stream"],
        "first_ask": [py, "-c", f"import interp_qa; interp_qa.ask({QUESTION!r})"],
        "help": [*cli, "--help"],
    }
    timed(commands["cli_ask"])  # warm the page cache (and any one-time export) before measuring
    walls: dict[str, list[float]] = {k: [] for k in [*commands, "app"]}
    rss: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(args.runs):  # interleaved, so a busy moment hits every command alike
        for name, cmd in commands.items():
            w, m = timed(cmd)
            walls[name].append(w)
            rss[name].append(m)
        walls["app"].append(app_start())
    result = {
        "runs": args.runs,
        "cpu_count": os.cpu_count(),
        **{f"{k}_s": round(statistics.median(v), 2) for k, v in walls.items()},
        **{f"{k}_peak_mb": round(max(v)) for k, v in rss.items()},
    }
    result["cli_ask_over_floor"] = round(result["cli_ask_s"] / result["floor_s"], 2)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
