"""Serving throughput of `astray serve embedded`: 16 chat requests one by one, then from 16 concurrent clients.

Real HTTP (uvicorn on 127.0.0.1) and the real `openai` client; sampled answers (temperature 1, a seed
per request, so both runs make the same answers), `--max-tokens` each.

Usage: python benchmarks/serve.py [--clients 16] [--max-tokens 64] [--device auto]
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openai

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))
from _machine import describe_machine  # noqa: E402

from tests.serve.test_serve import serving  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--max-tokens", type=int, default=64)
    args = parser.parse_args()
    with serving() as url:
        api = openai.OpenAI(base_url=url, api_key="none", max_retries=0, timeout=600)

        def ask(i: int) -> int:
            reply = api.chat.completions.create(model="embedded", seed=i, temperature=1.0, max_tokens=args.max_tokens,
                                                messages=[{"role": "user", "content": f"Tell me about your day, part {i}."}])
            return reply.usage.completion_tokens

        ask(0)  # warm-up
        start = time.perf_counter()
        one_by_one = sum(ask(i) for i in range(args.clients))
        sequential_s = time.perf_counter() - start
        start = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            together = sum(pool.map(ask, range(args.clients)))
        concurrent_s = time.perf_counter() - start
    print(f"machine: {describe_machine()}")
    print(f"command: python benchmarks/serve.py --clients {args.clients} --max-tokens {args.max_tokens}")
    print("| requests | tokens | seconds | tokens/s |\n|---|---|---|---|")
    print(f"| {args.clients} one by one | {one_by_one} | {sequential_s:.1f} | {one_by_one / sequential_s:.1f} |")
    print(f"| {args.clients} concurrent clients | {together} | {concurrent_s:.1f} | {together / concurrent_s:.1f} |")
    print(f"concurrent / one by one: {(together / concurrent_s) / (one_by_one / sequential_s):.1f}x")


if __name__ == "__main__":
    main()
