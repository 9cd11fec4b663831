"""The README's promises: its test command is what CI runs, its example output is real."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ROOT


def test_ci_runs_the_readme_test_command() -> None:
    """The command in .ci/run is word for word the test command the README gives."""
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    command = next(line for line in ci if line.startswith("python3 -m venv"))
    assert f"```sh\n{command}\n```" in (ROOT / "README.md").read_text()


def test_readme_perun_example_is_what_render_prints(cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The rendered Perun script in the README matches `sgecompile render`, but for the interpreter path."""
    readme = (ROOT / "README.md").read_text()
    shown = readme.split("`sgecompile render profiles/perun.toml` prints:\n\n```sh\n")[1].split("```")[0]
    code, out, _err = cli("render", ROOT / "profiles" / "perun.toml")
    assert code == 0
    python = out.splitlines()[-1].split()[0]
    assert out.replace(python, "/usr/bin/python3", 1) == shown
    assert Path(python).name.startswith("python")


def test_readme_drawing_is_what_explain_draws_on_a_terminal(cli, monkeypatch, utf8_terminal) -> None:  # type: ignore[no-untyped-def]
    """The Perun drawing in the README is `explain --diagram` on a UTF-8 terminal, line for line."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split("`sgecompile explain profiles/perun.toml --diagram` draws")[1]
    shown = shown.split("```text\n")[1].split("```")[0]
    monkeypatch.chdir(ROOT)
    terminal = utf8_terminal()
    assert cli("explain", "profiles/perun.toml", "--diagram")[0] == 0
    assert terminal.getvalue() == shown


def test_readme_explain_rows_are_what_explain_prints(cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Each row of the README's `explain` excerpt is a row `sgecompile explain profiles/perun.toml` prints."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split("set each value (")[1].split("```text\n")[1].split("```")[0]
    monkeypatch.chdir(ROOT)
    code, out, _ = cli("explain", "profiles/perun.toml")
    assert code == 0
    assert set(shown.splitlines()) <= set(out.splitlines())


def test_readme_preset_list_is_what_sites_prints(cli) -> None:  # type: ignore[no-untyped-def]
    """The list of presets in the README is the table `sgecompile sites` prints, row for row."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split("`sgecompile sites` lists them:\n\n```text\n")[1].split("```")[0]
    code, out, _err = cli("sites")
    assert code == 0 and out.split("\n\n")[0] + "\n" == shown
