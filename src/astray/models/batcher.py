"""Collect concurrent generation requests into batches on one worker thread.

Inspect calls a provider's `generate` once per sample, concurrently. On a CPU a 135M model is
overhead-bound at batch 1, so the provider queues requests here; the worker waits a few
milliseconds for company, then runs them as one batch (measured: benchmarks/RESULTS.md).
"""

from __future__ import annotations

import asyncio
import queue
import threading
from concurrent.futures import Future

from astray.models.generation import Generation
from astray.models.local import ChatRequest, LocalModel

_GATHER_SECONDS = 0.05


class RequestBatcher:
    """A daemon thread that batches `ChatRequest`s for one `LocalModel`."""

    def __init__(self, model: LocalModel, batch_size: int) -> None:
        self.model = model
        self.batch_size = batch_size
        self._queue: queue.Queue[tuple[ChatRequest, Future[Generation]]] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="astray-batcher", daemon=True)
        self._thread.start()

    async def submit(self, request: ChatRequest) -> Generation:
        future: Future[Generation] = Future()
        self._queue.put((request, future))
        return await asyncio.wrap_future(future)

    def _run(self) -> None:
        while True:
            pending = [self._queue.get()]
            try:
                while len(pending) < self.batch_size:
                    pending.append(self._queue.get(timeout=_GATHER_SECONDS))
            except queue.Empty:
                pass
            live = [(r, f) for r, f in pending if f.set_running_or_notify_cancel()]
            if not live:
                continue
            try:
                outputs = self.model.generate([r for r, _ in live], batch_size=self.batch_size)
            except BaseException as err:  # hand every failure to the awaiting sample
                for _, future in live:
                    future.set_exception(err)
                continue
            for (_, future), output in zip(live, outputs, strict=True):
                future.set_result(output)
