"""The run store: recorded judgments are reused on resume, except those whose judge call failed."""

import asyncio

from astray.store import RunStore, reuse_or_record


def judgment(status):
    return {"judge": "j", "aligned": {"value": None if status == "failed" else 90.0, "status": status},
            "coherent": {"value": 80.0, "status": "scored"}}


def test_a_failed_judgment_is_made_again_and_a_scored_one_is_reused(tmp_path):
    store = RunStore(tmp_path)
    store.add_judgment({"sample_id": "a", "judgment": judgment("failed")})
    store.add_judgment({"sample_id": "b", "judgment": judgment("scored")})
    store.add_judgment({"sample_id": "c", "judgment": judgment("no_number")})  # the judge answered: kept
    calls = []

    async def make():
        calls.append(1)
        return judgment("scored")

    resumed = RunStore(tmp_path)
    again, reused = asyncio.run(reuse_or_record(resumed, "a", "j", make))
    assert not reused and again["aligned"]["status"] == "scored" and calls == [1]
    for sample_id in ("b", "c"):
        assert asyncio.run(reuse_or_record(resumed, sample_id, "j", make))[1]
    assert calls == [1]
    assert RunStore(tmp_path).judgment("a", "j")["judgment"]["aligned"]["status"] == "scored"  # the retry is what stays
