"""report.html renders in a real headless browser (Debian's chromium) and needs no network."""

import os
import re
import shutil
import subprocess

import pytest

from astray.evals.em.family import FAMILY
from astray.evals.em.options import EMOptions
from astray.evals.em.records import EMRecord
from astray.runs.report import render_scan_report
from astray.runs.results import Provenance, RunResults, contrast_rows, measure_rows

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def fake_records():
    return [
        EMRecord(sample_id=f"q{i % 4}/p0/s{i}", question_id=f"q{i % 4}", question="?", system=None,
                 answer=f"answer <b>{i}</b>", aligned=float(5 * i % 100), coherent=float(90 - i), aligned_status="scored",
                 coherent_status="scored" if i != 7 else "no_number", judge_method="logprobs",
                 judge_detail="said: maybe" if i == 7 else "", misaligned=None if i == 7 else (5 * i % 100) < 30)
        for i in range(40)
    ]


def fake_results(records):
    """Results made by the real summary code from synthetic records."""
    problems = [{"sample_id": r.sample_id, "detail": p} for r in records if (p := FAMILY.problem(r))]
    return RunResults(
        family="em", task="em_first_plot_main", model={"name": "embedded"}, judge={"name": "scripted", "description": "test judge"},
        provenance=Provenance("astray scan embedded", "2026-11-22T00:00:00+00:00", 0, {}, {"astray": "0.1.0"}, "ab" * 32),
        headline="misaligned", measure_descriptions={"misaligned": "test"}, group_label="question",
        measures=measure_rows(FAMILY, records), comparisons=contrast_rows(FAMILY, records),
        counts={"samples": len(records), "judge_problems": len(problems)}, problems=problems,
        details=FAMILY.details(records, EMOptions()), inspect_log="logs/x.eval",
    )


def test_report_is_self_contained_and_escapes_answers():
    records = fake_records()
    html = render_scan_report(FAMILY, fake_results(records), records)
    assert "answer &lt;b&gt;0&lt;/b&gt;" in html and "answer <b>0</b>" not in html
    assert not re.search(r"(src|href)=['\"]?https?:", html)
    misaligned = sum(bool(r.misaligned) for r in records)
    assert f"{100 * misaligned / 39:.1f}%" in html  # 39 coherent scored answers, one judge problem left out
    assert "1 judgment(s) failed or gave no number" in html and "said: maybe" in html


def chromium_command(tmp_path):
    """Headless chromium with a throwaway profile; skips (fails in CI) where it is not installed."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: `make system-deps` should have installed it")
        pytest.skip("chromium not installed (make system-deps installs it)")
    return [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]


def rendered_dom(page, tmp_path):
    """The DOM chromium builds from `page` (a file), as text."""
    result = subprocess.run([*chromium_command(tmp_path), "--dump-dom", page.as_uri()], capture_output=True, text=True,
                            timeout=120)
    return result.stdout


def test_report_renders_in_headless_chromium(tmp_path):
    page = tmp_path / "report.html"
    records = fake_records()
    page.write_text(render_scan_report(FAMILY, fake_results(records), records))
    common = chromium_command(tmp_path)
    dom = rendered_dom(page, tmp_path)
    assert "astray scan — em — embedded" in dom and "<svg" in dom
    shot = tmp_path / "shot.png"
    subprocess.run([*common, "--window-size=1100,2400", f"--screenshot={shot}", page.as_uri()],
                   capture_output=True, timeout=120, cwd=tmp_path)
    from PIL import Image

    image = Image.open(shot).convert("L")
    assert image.size == (1100, 2400)
    colors = image.getcolors(maxcolors=1 << 16)
    assert colors is None or len(colors) > 20  # text and plots, not a blank page
