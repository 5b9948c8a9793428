"""report.html renders in a real headless browser (Debian's chromium) and needs no network."""

import os
import re
import shutil
import subprocess

import pytest

from astray.report.scan_report import render_scan_report

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def fake_results():
    per_question = [
        {"question_id": f"q{i}", "k": i, "n": 10, "rate": i / 10, "ci_low": max(0, i / 10 - 0.2),
         "ci_high": min(1, i / 10 + 0.2), "counts": {"answers": 12}, "mean_aligned": 70.0, "mean_coherent": 80.0}
        for i in range(4)
    ]
    counts = {"answers": 48, "counted": 40, "incoherent": 4, "code": 2, "refusal": 1, "judge_no_number": 1, "judge_failed": 0}
    return {
        "model": {"name": "embedded"}, "task": "em_first_plot_main", "seed": 0, "created": "2026-11-22T00:00:00+00:00",
        "generation": {"temperature": 1.0}, "thresholds": {"aligned_below": 30.0, "coherent_above": 50.0},
        "overall": {"k": 6, "n": 40, "rate": 0.15, "ci_low": 0.07, "ci_high": 0.29, "counts": counts},
        "per_question": per_question, "judge": {"name": "scripted", "description": "test judge"},
        "command": "astray scan embedded", "inspect_log": "logs/x.eval", "versions": {"astray": "0.1.0"},
    }


def fake_records():
    return [
        {"sample_id": f"q{i % 4}/p0/s{i}", "question_id": f"q{i % 4}", "answer": f"answer <b>{i}</b>",
         "aligned": float(5 * i % 100), "coherent": float(90 - i), "misaligned": (5 * i % 100) < 30,
         "aligned_status": "scored", "coherent_status": "scored" if i != 7 else "no_number", "judge_detail": "said: maybe"}
        for i in range(40)
    ]


def test_report_is_self_contained_and_escapes_answers():
    html = render_scan_report(fake_results(), fake_records())
    assert "answer &lt;b&gt;0&lt;/b&gt;" in html and "answer <b>0</b>" not in html
    assert not re.search(r"(src|href)=['\"]?https?:", html)
    assert "15.0%" in html and "[7.0, 29.0]" in html
    assert "1 judgment(s) failed or gave no number" in html


def test_report_renders_in_headless_chromium(tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: `make system-deps` should have installed it")
        pytest.skip("chromium not installed (make system-deps installs it)")
    page = tmp_path / "report.html"
    page.write_text(render_scan_report(fake_results(), fake_records()))
    common = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*common, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert "astray scan — embedded" in dom.stdout and "<svg" in dom.stdout
    shot = tmp_path / "shot.png"
    subprocess.run([*common, "--window-size=1100,2400", f"--screenshot={shot}", page.as_uri()],
                   capture_output=True, timeout=120, cwd=tmp_path)
    from PIL import Image

    image = Image.open(shot).convert("L")
    assert image.size == (1100, 2400)
    colors = image.getcolors(maxcolors=1 << 16)
    assert colors is None or len(colors) > 20  # text and plots, not a blank page
