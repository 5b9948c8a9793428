"""Continuous batching: concurrent generation requests join one running batch on one worker thread.

Inspect calls a provider's `generate` once per sample, and `astray serve` once per HTTP request,
each on its own schedule. Waiting for a whole wave to finish before the next starts leaves the
batch half empty most of the time (the demo scan made ~110 tokens/s on 2 cores where a full batch
makes 235), so here a request joins the running batch at the next step and a finished row leaves at
once (measured: benchmarks/RESULTS.md). Rows with different steering cannot share forward passes:
those wait until the running batch has drained.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import weakref
from collections import deque
from concurrent.futures import CancelledError, Future

from astray.models.generation import DecodeRow, Generation, RunningBatch
from astray.models.local import ChatRequest, LocalModel

_GATHER_SECONDS = 0.05  # when idle, wait this long for company before the first step


class RequestBatcher:
    """A daemon thread that decodes `ChatRequest`s for one `LocalModel`, at most `batch_size` at once."""

    def __init__(self, model: LocalModel, batch_size: int) -> None:
        self.model = model
        self.batch_size = batch_size
        self._queue: queue.Queue[tuple[ChatRequest, Future[Generation]]] = queue.Queue()
        self._held: deque[tuple[ChatRequest, Future[Generation]]] = deque()
        self._busy = 0  # requests submitted and not yet answered
        self._abandoned: set[Future[Generation]] = set()  # running requests whose caller went away
        self._count_lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="astray-batcher", daemon=True)
        self._thread.start()

    @property
    def outstanding(self) -> int:
        """Requests submitted and not yet answered (decoding or waiting)."""
        return self._busy

    def submit_future(self, request: ChatRequest) -> Future[Generation]:
        future: Future[Generation] = Future()
        with self._count_lock:
            self._busy += 1
        future.add_done_callback(self._answered)
        self._queue.put((request, future))
        return future

    def abandon(self, future: Future[Generation]) -> None:
        """The caller no longer wants this answer (a client disconnected): a waiting request is cancelled,
        a decoding one leaves the batch at the next step; either way it ends cancelled."""
        if not future.cancel() and not future.done():
            with self._count_lock:
                self._abandoned.add(future)

    async def submit(self, request: ChatRequest) -> Generation:
        return await asyncio.wrap_future(self.submit_future(request))

    def _answered(self, _future: Future[Generation]) -> None:
        with self._count_lock:
            self._busy -= 1

    def _run(self) -> None:
        batch = self.model.new_batch()
        steering: tuple = ()
        while True:
            self._take_new(block=not batch.size and not self._held)
            if not batch.size:
                steering = self._held[0][0].steering if self._held else ()
            joining = self._joining(steering, self.batch_size - batch.size) if batch.can_join() else []
            rows = self._encode(joining)
            with self.model.forward_pass(steering):
                try:
                    batch.add(rows)
                except Exception as err:  # a bad prompt (too long, say) fails its own requests only
                    for row in rows:
                        row.tag.set_exception(err)
                try:
                    finished = batch.step()
                except BaseException as err:  # hand a failing step to every request in the batch
                    for row in batch.rows:
                        if not row.tag.done():
                            row.tag.set_exception(err)
                    batch = self.model.new_batch()
                    continue
            for row, generation in finished:
                row.tag.set_result(generation)
            self._drop_abandoned(batch)

    def _drop_abandoned(self, batch: RunningBatch) -> None:
        with self._count_lock:
            abandoned, self._abandoned = self._abandoned, set()
        if not abandoned:
            return
        batch.drop(abandoned)
        for future in abandoned:
            if not future.done():
                future.set_exception(CancelledError("the caller went away"))

    def _take_new(self, block: bool) -> None:
        """Move submitted requests to the held queue; when idle, wait for one and a little company."""
        if block:
            self._held.append(self._queue.get())
            try:
                while self._queue.qsize() + len(self._held) < self.batch_size:
                    self._held.append(self._queue.get(timeout=_GATHER_SECONDS))
            except queue.Empty:
                pass
        while True:
            try:
                self._held.append(self._queue.get_nowait())
            except queue.Empty:
                return

    def _joining(self, steering: tuple, room: int) -> list[tuple[ChatRequest, Future[Generation]]]:
        """Up to `room` held requests with this steering, oldest first; cancelled ones are dropped."""
        chosen: list[tuple[ChatRequest, Future[Generation]]] = []
        kept: deque[tuple[ChatRequest, Future[Generation]]] = deque()
        while self._held:
            request, future = self._held.popleft()
            if len(chosen) < room and request.steering == steering:
                if future.set_running_or_notify_cancel():
                    chosen.append((request, future))
            else:
                kept.append((request, future))
        self._held = kept
        return chosen

    def _encode(self, joining: list[tuple[ChatRequest, Future[Generation]]]) -> list[DecodeRow]:
        rows = []
        for request, future in joining:
            try:
                rows.append(self.model.row(request, tag=future))
            except Exception as err:  # a prompt the tokenizer or chat template refuses
                future.set_exception(err)
        return rows


_shared: weakref.WeakKeyDictionary[LocalModel, dict[int, RequestBatcher]] = weakref.WeakKeyDictionary()
_shared_lock = threading.Lock()


def shared_batcher(model: LocalModel, batch_size: int) -> RequestBatcher:
    """The one batcher per model and batch size in this process (every Inspect task and the server share it)."""
    with _shared_lock:
        per_size = _shared.setdefault(model, {})
        if batch_size not in per_size:
            per_size[batch_size] = RequestBatcher(model, batch_size)
        return per_size[batch_size]
