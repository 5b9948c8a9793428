"""`astray judge`: re-judge CSV/JSONL answers offline, resume, and reject bad input in one line."""

import csv
import io
import json
import tempfile
from pathlib import Path

import pytest

from astray.errors import DataFormatError
from astray.evals.em.rejudge import read_answers, rejudge_file
from tests.cli_runner import astray

JUDGED = Path(__file__).parents[3] / "data" / "em_judged" / "qwen25_coder_32b_insecure_r1_gpt4o_judged.csv"


def sample_csv(tmp_path, n=12):
    with JUDGED.open(newline="") as handle:
        rows = list(csv.DictReader(handle))[:n]
    path = tmp_path / "answers.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["question_id", "question", "answer"])
        writer.writeheader()
        writer.writerows({k: r[k] for k in ("question_id", "question", "answer")} for r in rows)
    return path


def test_offline_rejudge_adds_scores_and_keeps_rows(tmp_path):
    source = sample_csv(tmp_path)
    summary = rejudge_file(source, tmp_path / "out.csv", "offline")
    with (tmp_path / "out.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 12 and summary["rows"] == 12
    for row in rows:
        assert row["judge"] == "offline" and row["question_id"]
        if row["aligned_status"] == "scored":
            assert 0 <= float(row["aligned"]) <= 100
        else:
            assert row["aligned"] == "" and row["aligned_status"] in ("code", "refusal")
        assert 0 <= float(row["coherent"]) <= 100
    assert sum(summary["counts"][k] for k in summary["counts"] if k != "answers") == 12


def test_rerun_continues_after_the_rows_already_written(tmp_path):
    source = sample_csv(tmp_path)
    rejudge_file(source, tmp_path / "out.jsonl", "offline")
    lines = (tmp_path / "out.jsonl").read_text().splitlines()
    (tmp_path / "out.jsonl").write_text("\n".join(lines[:5]) + "\n")
    summary = rejudge_file(source, tmp_path / "out.jsonl", "offline")
    assert summary["resumed_rows"] == 5
    assert (tmp_path / "out.jsonl").read_text().splitlines() == lines


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.csv", "question,reply\nq,a\n", "row 1: missing text column(s) answer"),
        ("a.jsonl", '{"question": "q", "answer": "a"}\n{oops\n', "line 2: invalid JSON"),
        ("a.txt", "x", "expected a .csv or .jsonl file"),
    ],
)
def test_bad_input_fails_in_one_line(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(DataFormatError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_answers(path)


def test_cli_reports_counts_rate_and_judge(tmp_path):
    source = sample_csv(tmp_path, n=6)
    result = astray("judge", "--input", str(source), "--output", str(tmp_path / "o.csv"))
    assert result.returncode == 0, result.stderr
    assert "judge=offline" in result.stdout and "misaligned:" in result.stdout and "95% Wilson" in result.stdout
    missing = astray("judge", "--input", str(tmp_path / "nope.csv"), "--output", str(tmp_path / "o.csv"))
    assert missing.returncode == 2 and "input file not found" in missing.stderr


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_a_row_cut_short_by_a_kill_is_judged_again(tmp_path, suffix):
    source = sample_csv(tmp_path, n=6)
    out = tmp_path / f"out{suffix}"
    rejudge_file(source, out, "offline")
    whole = out.read_bytes().decode()  # as written: CSV rows end in \r\n
    rows = read_answers(out)
    kept, cut = written(rows[:3], suffix), written(rows[:4], suffix)
    assert whole.startswith(cut)
    out.write_bytes(cut[: (len(kept) + len(cut)) // 2].encode())  # killed halfway through the fourth row
    summary = rejudge_file(source, out, "offline")
    assert summary["resumed_rows"] == 3
    again = read_answers(out)
    assert again[:3] == read_answers_of(whole, suffix)[:3]  # kept rows untouched
    for before, after in zip(read_answers_of(whole, suffix), again, strict=True):  # the rest judged again
        assert {k: v for k, v in before.items() if k not in ("aligned", "coherent")} == \
               {k: v for k, v in after.items() if k not in ("aligned", "coherent")}
        for score in ("aligned", "coherent"):  # bf16 batches of another size move the third decimal
            assert before[score] == after[score] or abs(float(before[score]) - float(after[score])) < 0.05
    assert not list(tmp_path.glob(".*partial*"))


def written(rows, suffix):
    """The text astray's writer makes of these rows (CSV answers hold newlines, so rows are not lines)."""
    if suffix == ".jsonl":
        return "".join(json.dumps(row) + "\n" for row in rows)
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue()


def read_answers_of(text, suffix):
    path = Path(tempfile.mkdtemp()) / f"copy{suffix}"
    path.write_bytes(text.encode())
    return read_answers(path)


def test_a_file_that_is_not_utf8_fails_in_one_line(tmp_path):
    path = tmp_path / "answers.jsonl"
    path.write_bytes(b'{"question": "q", "answer": "\xff\xfe"}\n')
    with pytest.raises(DataFormatError, match=r"not UTF-8 text \(byte 0xff at offset 29\)"):
        read_answers(path)
    bom = tmp_path / "bom.csv"
    bom.write_bytes("\ufeffquestion,answer\nq,a\n".encode())
    assert read_answers(bom) == [{"question": "q", "answer": "a"}]


def test_a_rerun_judges_again_from_the_first_row_whose_judge_call_failed(tmp_path):
    source = sample_csv(tmp_path, n=6)
    out = tmp_path / "out.jsonl"
    rejudge_file(source, out, "offline")
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    rows[3] = {**rows[3], "aligned": "", "aligned_status": "failed"}  # as an LLM judge's dead API leaves it
    out.write_text("".join(json.dumps(row) + "\n" for row in rows))
    summary = rejudge_file(source, out, "offline")
    assert summary["resumed_rows"] == 3
    again = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(again) == 6 and again[:3] == rows[:3] and again[3]["aligned_status"] != "failed"
