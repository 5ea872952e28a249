"""The command line, in-process (lossnotes.cli.main) and as ``python -m lossnotes``."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from lossnotes import Grid, evaluate_surface
from lossnotes.cli import main
from lossnotes.descent import descend


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_descend_json_matches_the_library(capsys):
    status, out, err = run(
        capsys,
        "descend",
        "--loss",
        "cross_entropy",
        "--start",
        "0",
        "0",
        "-1000",
        "--target",
        "2",
        "--lr",
        "1",
        "--steps",
        "5000",
        "--format",
        "json",
    )
    assert status == 0 and err == ""
    data = json.loads(out)
    expected = descend("cross_entropy", [0.0, 0.0, -1000.0], 2, 1.0, 5000)
    assert data["recovered_at"] == expected.recovered_at is not None
    assert data["steps"] == 5000
    assert data["final_logits"] == expected.final_logits.tolist()
    assert data["final_loss"] == float(expected.final_loss)


def test_descend_text_in_chinese(capsys):
    status, out, err = run(
        capsys,
        "--lang",
        "zh_CN",
        "descend",
        "--loss",
        "mse",
        "--start",
        "0",
        "0",
        "-1000",
        "--target",
        "2",
        "--steps",
        "10",
    )
    assert status == 0 and err == ""
    assert "在 10 次更新内，目标类别从未拥有严格最高的 logit" in out
    assert "最终损失：0.5" in out


def test_table_json_and_csv(capsys):
    status, out, _ = run(capsys, "table", "--target", "0", "--grid", "20", "--format", "json")
    assert status == 0
    rows = json.loads(out)
    assert [(r["loss_name"], r["target"]) for r in rows] == [("cross_entropy", 0), ("mse", 0)]
    ce = evaluate_surface("cross_entropy", 0, Grid(resolution=20))
    assert rows[0]["loss_min"] == float(ce.loss.min())
    status, out, _ = run(capsys, "table", "--grid", "20", "--format", "csv")
    assert status == 0
    assert out.splitlines()[0].startswith("loss_name,target,loss_min")
    assert len(out.splitlines()) == 5


def test_surface_writes_figure_and_values(capsys, tmp_path):
    png, npz, csv_path = tmp_path / "s.png", tmp_path / "s.npz", tmp_path / "s.csv"
    status, _out, err = run(
        capsys,
        "surface",
        "--fixed-logit",
        "-1000",
        "--target",
        "0",
        "--loss",
        "mse",
        "--grid",
        "12",
        "--range",
        "-10",
        "10",
        "-o",
        str(png),
        "--values",
        str(npz),
    )
    assert status == 0 and err == ""
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    expected = evaluate_surface("mse", 0, Grid(-10, 10, 12, -1000))
    with np.load(npz) as data:
        np.testing.assert_array_equal(data["loss"], expected.loss)
        np.testing.assert_array_equal(data["grad"], expected.grad)
    svg = tmp_path / "s.svg"
    assert run(capsys, "surface", "--grid", "8", "-o", str(svg), "--values", str(csv_path))[0] == 0
    assert b"<svg" in svg.read_bytes()[:500]
    lines = csv_path.read_text().splitlines()
    assert lines[0] == "z0,z1,z2,loss,grad0,grad1,grad2" and len(lines) == 65


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["surface", "-o", "fig.pdf"], "-o must name a file ending in .png / .svg"),
        (["surface", "--values", "v.txt"], "--values must name a file ending in .npz / .csv"),
        (["surface"], "surface needs -o FILE"),
        (["surface", "--grid", "5000", "--values", "v.npz"], "2 to 4096"),
        (["surface", "--range", "3", "1", "--values", "v.npz"], "low < high"),
        (["surface", "--loss", "hinge", "-o", "f.png"], "hinge"),
        (["table", "--format", "xml"], "xml"),
        (["descend", "--start", "0", "nan", "--target", "0"], "--start must be a finite number"),
        (
            ["descend", "--start", "0", "1", "--target", "5"],
            "target must be a class index from 0 to 1",
        ),
        (["descend", "--start", "0", "1", "--target", "x"], "--target must be an integer"),
        (["descend", "--start", "0", "1", "--target", "0", "--lr", "-1"], "lr"),
        ([], "a command is required"),
        (["--lang", "fr", "table"], "--lang must be one of en, zh_CN"),
    ],
)
def test_errors_are_one_line_with_status_2(capsys, argv, fragment):
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("lossnotes: error: ")
    assert fragment in err
    assert "Traceback" not in err


def test_unwritable_output_is_one_line(capsys, tmp_path):
    target = tmp_path / "missing" / "fig.png"
    status, _, err = run(capsys, "surface", "--grid", "4", "-o", str(target))
    assert status == 2 and err.count("\n") == 1 and str(target) in err


def test_chinese_error_and_help(capsys):
    status, _, err = run(capsys, "--lang", "zh_CN", "surface", "-o", "a.pdf")
    assert status == 2
    assert err.startswith("lossnotes：错误：-o 必须是以 .png / .svg 结尾的文件名")
    status, out, _ = run(capsys, "--lang", "zh_CN", "--help")
    assert status == 0
    assert out.startswith("用法：lossnotes")
    assert "显示此帮助并退出" in out and "示例：" in out
    # section headings end with the full-width colon, in every command's help
    assert "\n选项：\n" in out and "\n命令：\n" in out and ":\n" not in out
    status, out, _ = run(capsys, "--lang", "zh_CN", "descend", "--help")
    assert status == 0 and "\n选项：\n" in out and ":\n" not in out


def test_help_lists_examples(capsys):
    status, out, _ = run(capsys, "--help")
    assert status == 0
    assert "\noptions:\n" in out and "\ncommands:\n" in out
    assert "lossnotes descend --loss cross_entropy --start 0 0 -1000" in out
    status, out, _ = run(capsys, "surface", "--help")
    assert status == 0 and "--values FILE" in out


def test_python_dash_m(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "lossnotes",
            "descend",
            "--start",
            "0",
            "0",
            "-1000",
            "--target",
            "2",
            "--steps",
            "700",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["recovered_at"] == 667 and data["steps"] == 700
    bad = subprocess.run(
        [sys.executable, "-m", "lossnotes", "surface", "-o", str(tmp_path / "no" / "x.svg")],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


def test_a_reader_leaving_early_is_not_an_error():
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "lossnotes", "table", "--target", "0", "--format", "csv"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # the reader is gone before the table is written (`| head -0`)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0
    assert b"Traceback" not in err and b"BrokenPipe" not in err


def test_library_input_errors_are_worded_in_chinese(capsys):
    from lossnotes.cli import main

    assert main(["--lang", "zh_CN", "table", "--target", "5"]) == 2
    err = capsys.readouterr().err
    assert err == "lossnotes：错误：target 必须是 0 到 2 之间的类别索引（K = 3），收到的是 5\n"
    assert main(["--lang", "zh_CN", "surface", "--grid", "1", "-o", "a.png"]) == 2
    err = capsys.readouterr().err
    assert "resolution 必须是 2 到 4096 之间的整数，收到的是 1（上限是为了控制内存" in err
    assert main(["table", "--target", "5"]) == 2
    assert capsys.readouterr().err == (
        "lossnotes: error: target must be a class index from 0 to 2 (K = 3), got 5\n"
    )


def test_argparse_messages_in_chinese_and_left_untouched_afterwards(capsys):
    import argparse

    from lossnotes.cli import main

    assert main(["--lang", "zh_CN", "table", "--format", "xml"]) == 2
    assert capsys.readouterr().err == (
        "lossnotes：错误：参数 --format：无效的选择：'xml'（可选 'markdown', 'csv', 'json'）\n"
    )
    assert main(["--lang", "zh_CN", "table", "--bogus"]) == 2
    assert capsys.readouterr().err == "lossnotes：错误：无法识别的参数：--bogus\n"
    assert main(["table", "--bogus"]) == 2
    assert capsys.readouterr().err == "lossnotes: error: unrecognized arguments: --bogus\n"
    assert argparse._("unrecognized arguments: %s") == "unrecognized arguments: %s"


def test_argparse_language_leaves_gettext_and_the_environment_as_they_were(capsys, monkeypatch):
    """argparse gets lossnotes' catalog through gettext only while the command line parses."""
    import gettext
    import os

    from lossnotes.cli import main

    monkeypatch.setenv("LANGUAGE", "fr")
    domain = gettext.textdomain()
    assert main(["--lang", "zh_CN", "table", "--bogus"]) == 2
    assert "无法识别的参数" in capsys.readouterr().err
    assert gettext.textdomain() == domain
    assert os.environ["LANGUAGE"] == "fr"
    assert gettext.gettext("unrecognized arguments: %s") == "unrecognized arguments: %s"
    monkeypatch.delenv("LANGUAGE")
    assert main(["--lang", "zh_CN", "descend", "--help"]) == 0
    assert capsys.readouterr().out.startswith("用法：lossnotes descend")
    assert "LANGUAGE" not in os.environ and gettext.textdomain() == domain


@pytest.mark.parametrize("bug", [ValueError, TypeError, RuntimeError])
def test_an_internal_bug_shows_its_traceback(monkeypatch, bug):
    """Only the reader's input errors become one line; a bug in lossnotes propagates."""
    import lossnotes.cli

    def broken(args, lang, _):
        raise bug("a bug in lossnotes")

    monkeypatch.setitem(lossnotes.cli._COMMANDS, "table", broken)
    with pytest.raises(bug, match="a bug in lossnotes"):
        main(["table", "--grid", "4"])
