"""`sgecompile run` without SGE: the --out state, the worker side, the scheduling loop on a local dask cluster."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from sgecompile.runner import progress, schedule
from sgecompile.runner.execute import execute, execute_some
from sgecompile.runner.schedule import Tally, run_all
from sgecompile.runner.state import RESULTS, Command, Outcome, State, outcomes, summary
from sgecompile.runner.todo import Todo

from .conftest import Terminal

HOSTILE = ["a b", "'q'", '"d"', "$HOME", "`id`", "x; rm -rf /", "two\nlines", "-n", ""]
ECHO_ARGV = [sys.executable, "-c", "import json, sys; print(json.dumps(sys.argv[1:]))"]


def test_id_is_argv_and_folder() -> None:
    """The same argv in another folder, or split differently, is another command; the same one is the same."""
    assert Command(("a", "b"), "/x").id == Command(("a", "b"), "/x").id
    assert len({Command(("a", "b"), "/x").id, Command(("a", "b"), "/y").id, Command(("a b",), "/x").id}) == 3


def test_todo_hands_each_command_out_once_and_skips_earlier_successes(tmp_path: Path) -> None:
    """Each line once, a command written twice twice (as emit --tasks and a shell run it); one that succeeded
    earlier not at all, its repeat still; counts say so."""
    path = tmp_path / "cmds.txt"
    path.write_text("a\nb\na\nc\nb\n")
    todo = Todo(path, "/w")
    todo.skip({Command(("b",), "/w").digest, Command(("elsewhere",), "/w").digest})
    assert (todo.total, todo.earlier, len(todo)) == (5, 1, 4)
    assert [(c.argv, c.repeat) for c in todo] == [(("a",), 0), (("a",), 1), (("c",), 0), (("b",), 1)]


def test_todo_keeps_digests_not_commands(tmp_path: Path) -> None:
    """What the first reading keeps is 12 bytes a command, whatever the commands' length."""
    path = tmp_path / "cmds.txt"
    path.write_text("".join(f"iqtree -s alignment-{i}.phy -nt 10 --prefix trees/{i}\n" for i in range(100)))
    assert {len(digest) for digest in Todo(path, "/w").pending} == {12}


def test_outcomes_read_back_last_wins_and_a_cut_line_is_skipped(tmp_path: Path) -> None:
    """What a run recorded comes back on the next, the last outcome of a command counting; a cut line is ignored."""
    state = State(tmp_path)
    command, undone = Command(("sh", "-c", "exit 3"), "/tmp"), Command(("flaky",), "/tmp")
    state.record(Outcome(command, 3))
    state.record(Outcome(command, 0, attempts=2, seconds=1.5, host="node1"))
    state.record(Outcome(undone, 0))
    state.record(Outcome(undone, 1))
    state.close()
    with open(tmp_path / RESULTS, "a") as file:
        file.write('{"id": "cut sho')
    assert list(outcomes(tmp_path / RESULTS))[1:] == [
        Outcome(command, 0, 2, 1.5, "node1"),
        Outcome(undone, 0),
        Outcome(undone, 1),
    ]
    assert State(tmp_path).succeeded == {command.digest}


def test_status_texts() -> None:
    """Exit statuses, signals and dask's own failures read as people say them."""
    command = Command(("x",), "/")
    assert Outcome(command, 3).status == "exit 3"
    assert Outcome(command, -9).status == "killed by SIGKILL"
    assert Outcome(command, None, error="KilledWorker: x").status == "not run: KilledWorker: x"


def test_summary_lists_failures_with_their_logs(tmp_path: Path) -> None:
    """The summary counts every command and names each failure's status, attempts and stderr file."""
    state = State(tmp_path)
    failed = Outcome(Command(("sh", "-c", "exit 3"), "/w"), 3, attempts=2)
    text = summary(10, 4, 5, [failed], state)
    assert text.splitlines() == [
        "10 commands: 9 succeeded (4 in an earlier run), 1 failed",
        f"  exit 3 after 2 attempts: sh -c 'exit 3'  (stderr: {state.logs(failed.command)}.err)",
    ]
    assert summary(10, 0, 5, [], None) == "10 commands: 5 succeeded (0 in an earlier run), 0 failed, 5 not run yet\n"


def test_hostile_argv_reaches_the_program_exactly(tmp_path: Path) -> None:
    """Spaces, quotes, $, backticks, ;, newlines and empty words arrive as written: no shell reads them."""
    logs = str(tmp_path / "logs" / "ab" / "one")
    code, seconds, host = execute([*ECHO_ARGV, *HOSTILE], str(tmp_path), logs)
    assert (code, json.loads(Path(logs + ".out").read_text())) == (0, HOSTILE)
    assert seconds > 0 and host


@pytest.mark.parametrize(("program", "code"), [("no-such-program-here", 127), ("./plain.txt", 126)])
def test_a_program_that_cannot_start_is_127_or_126_with_the_reason(tmp_path: Path, program: str, code: int) -> None:
    """A missing program answers 127 and one that is not executable 126, as a shell would, saying why on stderr."""
    (tmp_path / "plain.txt").write_text("not a program\n")
    logs = str(tmp_path / "c")
    assert execute([program], str(tmp_path), logs)[0] == code
    assert f"cannot start {program!r}" in Path(logs + ".err").read_text()


@pytest.fixture(scope="module")
def client():
    """A dask cluster in this process: 2 threads, the scheduler's tasks visible to the test."""
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0") as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def test_retries_rerun_failures_and_record_each_command_once(client, tmp_path: Path) -> None:
    """A command failing once succeeds on its retry; one always failing is recorded once, after K+1 attempts."""
    flaky = Command(("sh", "-c", "test -e seen || { touch seen; exit 4; }"), str(tmp_path))
    broken = Command(("sh", "-c", "exit 5"), str(tmp_path))
    fine = [Command(("true", str(i)), str(tmp_path)) for i in range(5)]
    state = State(tmp_path / "out")
    tally = run_all(client, [flaky, broken, *fine], state, window=4, retries=2)
    state.close()
    assert (tally.done, tally.failed, [(f.command, f.exit, f.attempts) for f in tally.failures]) == (
        6,
        1,
        [(broken, 5, 3)],
    )
    lines = (tmp_path / "out" / RESULTS).read_text().splitlines()
    assert len(lines) == 7 and len({json.loads(line)["id"] for line in lines}) == 7


def test_no_more_tasks_than_the_window_reach_the_scheduler(client, tmp_path: Path) -> None:
    """200 commands through a window of 8: at most 8 are ever waiting or running, and few finished ones linger."""
    scheduler = client.cluster.scheduler
    most_unfinished = most_held = 0

    class Watched:
        def submit(self, *args, **kwargs):
            nonlocal most_unfinished, most_held
            ours = [t for key, t in scheduler.tasks.items() if str(key).startswith("sgecompile-run-")]
            most_held = max(most_held, len(ours))
            most_unfinished = max(most_unfinished, sum(1 for t in ours if t.state not in ("memory", "forgotten")))
            return client.submit(*args, **kwargs)

    commands = [Command(("true", str(i)), str(tmp_path)) for i in range(200)]
    tally = run_all(Watched(), commands, None, window=8)
    assert tally.done == 200 and 0 < most_unfinished <= 8 and most_held <= 24


def test_progress_line() -> None:
    """Done, failed, running (at most the threads connected), rate and time left, in one line."""
    tally = Tally(total=600, done=100, failed=20, in_flight=40)
    assert progress.line(tally, 12.0, 16) == "100/600 done, 20 failed, 16 running, 10.0/s, about 48 s left"
    assert progress.line(Tally(total=5), 0.0, 2) == "0/5 done, 0 failed, 0 running"


def test_plain_output_gets_periodic_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """A log file gets a plain line at each interval and the last figures at the end, no terminal codes."""
    monkeypatch.setattr(progress, "PLAIN_EVERY", 0.0)
    stream = io.StringIO()
    display = progress.Display(lambda: 4, stream)
    display(Tally(total=3, done=1, in_flight=2))
    display.close(Tally(total=3, done=3))
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("sgecompile run: 1/3 done, 0 failed, 2 running, ")
    assert lines[-1].startswith("sgecompile run: 3/3 done, 0 failed, 0 running") and "\x1b" not in stream.getvalue()


def test_a_terminal_gets_a_live_bar() -> None:
    """On a terminal the figures are drawn by rich, in place."""
    stream = Terminal("utf-8")
    display = progress.Display(lambda: 4, stream)
    display(Tally(total=3, done=1, in_flight=2))
    display.close(Tally(total=3, done=3))
    assert "1/3 done" in stream.getvalue()  # rich's drawing; the closing line says 3/3
    assert stream.getvalue().count("\x1b[?25h") >= 1  # the cursor shown again


def test_stopping_gives_the_terminal_back_without_a_last_line() -> None:
    """Stopped on Ctrl-C, the drawing ends and the cursor comes back; no figures are claimed."""
    stream = Terminal("utf-8")
    display = progress.Display(lambda: 4, stream)
    display(Tally(total=3, done=1, in_flight=2))
    display.stop()
    assert stream.getvalue().endswith("\x1b[?25h") and not display.live.live.is_started


def test_everything_done_earlier_starts_no_cluster(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run again after every command succeeded: nothing is submitted (no SGE is needed to know it), exit 0."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cmds.txt").write_text("true\necho 'a b'\n")
    (tmp_path / "p.toml").write_text('[worker]\ncores = 1\nmemory = "1GB"\n')
    state = State(tmp_path / "out")
    for argv in (("true",), ("echo", "a b")):
        state.record(Outcome(Command(argv, str(tmp_path)), 0))
    state.close()
    code, out, _ = cli("run", "p.toml", "cmds.txt", "--out", "out")
    assert (code, out) == (0, "sgecompile run: all 2 commands succeeded in an earlier run (see out)\n")


def test_unreadable_list_is_a_usage_error(cli, tmp_path: Path) -> None:
    """A command list that cannot be read stops before any job, with its line number (exit 2)."""
    (tmp_path / "cmds.txt").write_text("echo 'unclosed\n")
    (tmp_path / "p.toml").write_text('[worker]\ncores = 1\nmemory = "1GB"\n')
    code, _, err = cli("run", tmp_path / "p.toml", tmp_path / "cmds.txt")
    assert code == 2 and "cmds.txt:1: No closing quotation" in err


def test_resources_bound_the_commands_running_at_once(tmp_path: Path) -> None:
    """On a worker of 4 threads holding cores=2, tasks asking cores=1 run at most 2 at once (4 without asking)."""
    distributed = pytest.importorskip("distributed")
    spans = tmp_path / "spans"
    stamp = [
        sys.executable,
        "-c",
        f"import time; b = time.time(); time.sleep(0.4); open({str(spans)!r}, 'a').write(f'{{b}} {{time.time()}}\\n')",
    ]

    def most_at_once(resources: dict[str, int] | None) -> int:
        spans.write_text("")
        commands = [Command((*stamp, str(i)), str(tmp_path)) for i in range(8)]
        with (
            distributed.LocalCluster(
                n_workers=1, threads_per_worker=4, processes=False, dashboard_address=":0", resources={"cores": 2}
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            assert run_all(client, commands, None, window=8, resources=resources).done == 8
        edges = sorted(
            (float(t), step)
            for line in spans.read_text().split("\n")
            if line
            for t, step in zip(line.split(), (1, -1), strict=True)
        )
        running = most = 0
        for _, step in edges:
            running += step
            most = max(most, running)
        return most

    assert most_at_once({"cores": 1}) == 2
    assert most_at_once(None) == 4


def test_the_terminal_gets_the_first_failures_and_summary_txt_all(tmp_path: Path, capsys) -> None:
    """25 failures: 20 on stdout and where the other 5 are; summary.txt lists every one."""
    from sgecompile.commands.run import _report

    failures = [Outcome(Command(("false", str(i)), "/w"), 1) for i in range(25)]
    state = State(tmp_path)
    _report(30, 0, Tally(total=30, done=5, failed=25, failures=failures), state)
    shown = capsys.readouterr().out.splitlines()
    assert len(shown) == 22 and shown[-1] == f"  ... and 5 more in {tmp_path / 'summary.txt'}"
    assert len((tmp_path / "summary.txt").read_text().splitlines()) == 26


def test_a_task_stops_starting_commands_when_its_budget_is_spent(tmp_path: Path) -> None:
    """After a command that outlasts the budget, the task's other commands are not started: they go back."""
    slow, quick = (["sleep", "0.3"], str(tmp_path), None), (["true"], str(tmp_path), None)
    assert [code for code, _, _ in execute_some([slow, quick, quick], budget=0.1)] == [0]
    assert len(execute_some([quick, quick, quick], budget=10)) == 3


def test_pace_puts_short_commands_together_but_never_starves_the_last_threads() -> None:
    """One command a task until one came back; then enough for TASK_SECONDS, capped by what is left per window slot."""
    pace = schedule.Pace()
    assert pace.size(unsent=10_000, window=32) == 1
    pace.measured([0.005, 0.005])
    assert pace.size(unsent=10_000, window=32) == 50
    assert pace.size(unsent=320, window=32) == 10 and pace.size(unsent=5, window=32) == 1
    pace.measured([0.0001])
    assert pace.size(unsent=10_000, window=32) == schedule.MOST_PER_TASK
    pace.measured([60.0])
    assert pace.size(unsent=10_000, window=32) == 1


def test_commands_a_task_did_not_start_go_back_first_in_order() -> None:
    """A task that ran 1 of its 3 commands: that one is its outcome, the other two are the next taken, in order."""
    a, b, c = (Command((x,), "/") for x in "abc")
    queue = schedule._Queue(iter([Command(("d",), "/")]))
    found = schedule._outcomes([(0, 0.5, "h")], [(a, 1), (b, 1), (c, 2)], queue, schedule.Pace())
    assert found == [Outcome(a, 0, 1, 0.5, "h")]
    assert queue.take(3) == [(b, 1), (c, 2), (Command(("d",), "/"), 1)]


def test_a_task_dask_gave_up_on_fails_alone_or_sends_its_commands_again_alone() -> None:
    """A lost task of one command is that command's failure; of several, each command is sent again in a task alone."""
    a, b = Command(("a",), "/"), Command(("b",), "/")
    queue = schedule._Queue(iter([]))
    error = (RuntimeError, RuntimeError("gone"), None)
    assert schedule._outcomes(error, [(a, 1), (b, 1)], queue, schedule.Pace()) == []
    assert queue.take(10) == [(a, 1)] and queue.take(10) == [(b, 1)]
    (failed,) = schedule._outcomes(error, [(a, 2)], queue, schedule.Pace())
    assert (failed.attempts, failed.status) == (2, "not run: RuntimeError: gone")
    (cancelled,) = schedule._outcomes(RuntimeError("cancelled"), [(a, 1)], queue, schedule.Pace())
    assert cancelled.status == "not run: RuntimeError: cancelled"


def test_short_commands_share_tasks_and_each_is_recorded_once(client, tmp_path: Path) -> None:
    """300 short commands take far fewer than 300 tasks, and every one is recorded exactly once."""
    submitted = 0

    class Counted:
        def submit(self, *args, **kwargs):
            nonlocal submitted
            submitted += 1
            return client.submit(*args, **kwargs)

    state = State(tmp_path / "out")
    commands = [Command(("true", str(i)), str(tmp_path)) for i in range(300)]
    assert run_all(Counted(), commands, state, window=4).done == 300
    state.close()
    ids = [json.loads(line)["id"] for line in (tmp_path / "out" / RESULTS).read_text().splitlines()]
    assert sorted(ids) == sorted(c.id for c in commands) and submitted < 150


def test_finished_commands_are_not_kept_in_the_client(tmp_path: Path) -> None:
    """After 2000 commands, the process holds few of their argv: dask's message logs are kept short while it runs."""
    import gc

    distributed = pytest.importorskip("distributed")
    commands = [Command(("true", f"kept-{i}"), str(tmp_path)) for i in range(2000)]
    with (
        schedule.forgetful(),
        distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0") as cluster,
        distributed.Client(cluster) as client,
    ):
        assert run_all(client, commands, None, window=8).done == 2000
        del commands
        gc.collect()
        kept = [o for o in gc.get_objects() if isinstance(o, list) and o[:1] == ["true"] and "kept-" in o[-1]]
    assert len(kept) < 200  # 2000 with dask's default logs


def test_a_command_listed_again_runs_again_and_resumes_on_its_own(tmp_path: Path) -> None:
    """`Rscript simulate.R` 3 times is 3 commands (it ran once); once the first succeeded, two are left."""
    from sgecompile.runner.todo import Todo

    listed = tmp_path / "c.txt"
    listed.write_text("Rscript simulate.R\ntrue\nRscript simulate.R\nRscript simulate.R\n")
    todo = Todo(listed, "/w")
    commands = list(Todo(listed, "/w"))
    assert len(todo) == 4 and [c.repeat for c in commands] == [0, 0, 1, 2]
    assert (
        len({c.digest for c in commands}) == 4 and commands[0].digest == Command(("Rscript", "simulate.R"), "/w").digest
    )
    todo.skip({commands[0].digest})
    assert [(c.argv[0], c.repeat) for c in todo] == [("true", 0), ("Rscript", 1), ("Rscript", 2)]
