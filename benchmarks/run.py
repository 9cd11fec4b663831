"""sgecompile's benchmarks, each figure a ratio against a reference measured in the same run.

    python -m benchmarks [--short] [--no-live] [--json FILE]

1. render latency: whole-process `sgecompile render profiles/perun.toml`, against
   the dask-jobqueue route (`python -c` building SGECluster(...) and printing
   job_script()) and against `python -c pass` (the interpreter's floor);
2. check throughput: `sgecompile check` of 1000 generated profiles (small ones,
   and realistic ones with a site base, comments, variants and a prologue), each
   against one Python process that reads and tomli-parses the same files (the
   floor of any Python checker);
3. launch to ready on the test SGE: `sgecompile.launch` until N workers are
   connected, against a plain SGECluster with the same settings; and
   submitting 16 jobs one `qsub` at a time against one array job;
4. realized parallelism: tasks that each run `sleep 0.5` through subprocess.run
   on P workers, against the ideal P / 0.5 tasks per second;
5. `sgecompile run`: a list of short commands as one whole `sgecompile run`,
   against the same list as an `emit --tasks` array job (submit until the
   last task has left qstat), the two taking turns for 3 rounds; commands of
   `sleep 2` on 8 slots against the ideal; and the peak memory of the
   `sgecompile run` process (client and scheduler) for 10,000 and 100,000
   commands (what it grows by per command), against the large list held as
   one graph (client.map) by a scheduler in the process;
6. across hosts: the cell with two exec hosts (`start-sge --hosts 2`), launch()
   until 8 workers are connected on them against a plain SGECluster, and the
   realized parallelism of 160 tasks of `sleep 0.5` there;
7. beyond the walltime: one-second tasks for longer than the jobs' walltime
   (140 s on 4 workers, h_rt 100 s), the workers retiring before it and
   replaced ahead, against the same computation on jobs that outlast it.

Medians of repeated runs; --short uses fewer repeats and smaller N (for CI,
where it only has to run, not to be fast).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PERUN = ROOT / "profiles" / "perun.toml"
TESTSGE = ROOT / "profiles" / "testsge.toml"
START_SGE = ROOT / "tests" / "sge" / "start-sge"
NODES = Path("bench-nodes.toml")  # written in the benchmarks' working folder: testsge.toml on node1 and node2
BRIDGE = "sgebr0"  # the submit host's side of the multi-host cell's network
SGECOMPILE = str(Path(sys.executable).parent / "sgecompile")  # the installed command, as users run it
SGECLUSTER_PERUN = (
    "from dask_jobqueue import SGECluster\n"
    "c = SGECluster(cores=1, processes=1, memory='1GB', queue='256G-batch', walltime='99:99:99',\n"
    "               resource_spec='h_vmem=64G', job_extra_directives=['-V', '-pe threaded 10'])\n"
    "print(c.job_script())\n"
)


# As users run it: bytecode cached (this machine's image sets PYTHONDONTWRITEBYTECODE, which would
# make every process compile every module it imports).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(commands: dict[str, list[str]], repeat: int) -> dict[str, float]:
    """Median wall time of each whole process, in seconds.

    The commands take turns, one run each per round, so that a change in the
    machine's speed during the run touches all of them alike; the first round
    is not timed (disk cache, bytecode and template caches).
    """
    times: dict[str, list[float]] = {name: [] for name in commands}
    for round in range(repeat + 1):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
            if round:
                times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def render_latency(repeat: int) -> dict[str, float]:
    python = sys.executable
    found = timed(
        {
            "render_s": [SGECOMPILE, "render", str(PERUN)],
            "dask_jobqueue_s": [python, "-c", SGECLUSTER_PERUN],
            "python_pass_s": [python, "-c", "pass"],
        },
        repeat,
    )
    return {**found, "speedup": found["dask_jobqueue_s"] / found["render_s"]}


def small_profile(i: int) -> str:
    """A short profile of a handful of keys, all in one file."""
    return (
        f'[site]\npe = "threaded"\nmemory_resource = "h_vmem"\n[job]\nqueue = "all.q"\nwalltime = "{1 + i % 48}:00:00"\n'
        f'[worker]\ncores = {1 + i % 8}\nprocesses = 1\nmemory = "{1 + i % 16}GiB"\n'
    )


REALISTIC_SITE = """\
# The cluster's facts, shared by every profile of the group.
[site]
pe = "threaded"                  # -pe threaded <slots>
memory_resource = "h_vmem"       # per slot on this cluster
memory_per = "slot"
shell = "/bin/bash"

[job]
queue = "all.q"
export_env = true
log_directory = "~/sge-logs"
"""


def realistic_profile(i: int) -> str:
    """A profile as a group keeps them: a site base, comments, resources, directives, a prologue and variants."""
    cores = 1 + i % 8
    return f"""\
# Alignments of batch {i}: IQ-TREE on every file, {cores} threads each.
extends = "site.toml"

[job]
name = "iqtree-{i}"
walltime = "{1 + i % 48}:30:00"   # the longest tree takes about a day
resources = {{ mem_free = "{1 + i % 16}G", arch = "lx-amd64" }}
directives = ["-m ea", "-M someone@example.org", "-P project{i % 5}"]
prologue = [
    "module load iqtree/2.2",
    "export OMP_NUM_THREADS={cores}",
]

[worker]
cores = {cores}
processes = 1
memory = "{1 + i % 16}GiB"
task_cores = 1
death_timeout = 120
local_directory = "${{TMPDIR:-/tmp}}"

[variants.big]
worker = {{ cores = {2 * cores}, memory = "{2 + 2 * (i % 16)}GiB" }}
job = {{ walltime = "96:00:00" }}

[variants.quick]
job = {{ walltime = "0:30:00", queue = "short.q" }}
"""


def generated_profiles(folder: Path, count: int, kind: str = "small") -> Path:
    folder.mkdir()
    if kind == "realistic":
        (folder / "site.toml").write_text(REALISTIC_SITE)
    make = realistic_profile if kind == "realistic" else small_profile
    for i in range(count):
        (folder / f"p{i}.toml").write_text(make(i))
    return folder


# The floor of any Python checker: one process that reads and parses the same files with tomli.
PARSE_ONLY = (
    "import pathlib, sys, tomli\n"
    "for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.toml')):\n"
    "    tomli.loads(p.read_text(encoding='utf-8'))\n"
)


def check_throughput(repeat: int, count: int) -> dict[str, float]:
    """``sgecompile check`` of ``count`` small and realistic profiles, each against reading and parsing them."""
    found: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        commands = {}
        for kind in ("small", "realistic"):
            folder = generated_profiles(Path(tmp) / kind, count, kind)
            commands[f"check_{count}_{kind}_s"] = [SGECOMPILE, "check", str(folder)]
            commands[f"parse_{count}_{kind}_s"] = [sys.executable, "-c", PARSE_ONLY, str(folder)]
        found.update(timed(commands, repeat))
    for kind in ("small", "realistic"):
        found[f"ratio_{kind}"] = found[f"check_{count}_{kind}_s"] / found[f"parse_{count}_{kind}_s"]
    return found


QUIET = {"scheduler_options": {"dashboard_address": ":0"}}


def _launch_time(workers: int, profile: Path = TESTSGE) -> float:
    """Seconds from calling ``sgecompile.launch`` until it yields a client with ``workers`` connected."""
    import sgecompile

    begin = time.perf_counter()
    with sgecompile.launch(profile, workers=workers, scheduler_options=_scheduler(profile)):
        return time.perf_counter() - begin


def _scheduler(profile: Path) -> dict[str, str]:
    """The scheduler's options: no dashboard port to fight over; on the nodes, the bridge's side."""
    return {"dashboard_address": ":0"} | ({"interface": BRIDGE} if profile == NODES else {})


def _sgecluster_time(workers: int, profile: Path = TESTSGE) -> float:
    """The same for a plain SGECluster with the settings of profiles/testsge.toml, as users write it today."""
    from dask_jobqueue import SGECluster
    from distributed import Client

    begin = time.perf_counter()
    cluster = SGECluster(
        cores=1,
        processes=1,
        memory="512MiB",
        queue="all.q",
        walltime="00:30:00",
        resource_spec="h_vmem=1216M",
        job_extra_directives=["-V", "-pe threaded 1"],
        death_timeout=30,
        log_directory="sge-logs",
        interface="eth0" if profile == NODES else None,
        scheduler_options=_scheduler(profile),
    )
    try:
        cluster.scale(n=workers)
        with Client(cluster) as client:
            client.wait_for_workers(workers, timeout=300)
            return time.perf_counter() - begin
    finally:
        cluster.close()


def launch_to_ready(sizes: list[int], repeat: int) -> dict[str, float]:
    _launch_time(1), _sgecluster_time(1)  # warm-up: imports and first connections, counted for neither
    found = {}
    for n in sizes:  # interleaved, so that neither side gets the quiet moments
        ours: list[float] = []
        theirs: list[float] = []
        pair = [(ours, _launch_time), (theirs, _sgecluster_time)]
        for round in range(repeat):  # who goes first alternates: a fixed order met SGE's 1 s tick at a fixed phase
            for times, measure in pair if round % 2 == 0 else pair[::-1]:
                times.append(measure(n))
        found[f"launch_{n}_s"] = statistics.median(ours)
        found[f"sgecluster_{n}_s"] = statistics.median(theirs)
        found[f"ratio_{n}"] = found[f"sgecluster_{n}_s"] / found[f"launch_{n}_s"]
    return found


def across_hosts(repeat: int, tasks: int) -> dict[str, float]:
    """launch() until 8 workers are connected on node1 and node2 against a plain SGECluster; realized parallelism.

    The cell gets its two nodes for this (``start-sge --hosts 2``) and is
    single-host again after.
    """
    subprocess.run([str(START_SGE), "--hosts", "2"], check=True, capture_output=True)
    try:
        NODES.write_text(
            f'extends = "{TESTSGE}"\n[site]\nscheduler_interface = "{BRIDGE}"\n[job]\nname = "bench-nodes"\n'
            '[worker]\ninterface = "eth0"\n'
        )
        ours, theirs = [], []
        for round in range(repeat):
            pair = [(ours, _launch_time), (theirs, _sgecluster_time)]
            for times, measure in pair if round % 2 == 0 else pair[::-1]:
                times.append(measure(8, NODES))
        parallel = realized_parallelism(8, tasks, NODES)
    finally:
        subprocess.run([str(START_SGE)], check=True, capture_output=True)
    return {
        "launch_8_s": statistics.median(ours),
        "sgecluster_8_s": statistics.median(theirs),
        "ratio_8": statistics.median(theirs) / statistics.median(ours),
        "tasks_per_s": parallel["tasks_per_s"],
        "parallel_fraction": parallel["fraction"],
    }


def submission(jobs: int) -> dict[str, float]:
    """Held jobs (-h never run) submitted one by one, then as one array; all removed after."""
    from sgecompile import sgecommands as sge

    with tempfile.NamedTemporaryFile("w", suffix=".sh") as script:
        script.write("#!/bin/bash\n#$ -h\n#$ -l h_rt=60\n#$ -o /dev/null\n#$ -j y\ntrue\n")
        script.flush()
        begin = time.perf_counter()
        single = [sge.submit(script.name) for _ in range(jobs)]
        one_by_one = time.perf_counter() - begin
        begin = time.perf_counter()
        array = sge.submit(script.name, ["-t", f"1-{jobs}"])
        as_array = time.perf_counter() - begin
        sge.delete([*single, array])
    return {
        f"submit_{jobs}_one_by_one_s": one_by_one,
        f"submit_{jobs}_array_s": as_array,
        "speedup": one_by_one / as_array,
    }


def realized_parallelism(workers: int, tasks: int, profile: Path = TESTSGE) -> dict[str, float]:
    import dask

    import sgecompile

    def run_sleep() -> int:
        return subprocess.run(["sleep", "0.5"], check=True).returncode

    with sgecompile.launch(profile, workers=workers, scheduler_options=_scheduler(profile)) as client:
        client.gather(client.map(lambda x: x, range(workers * 4)))  # warm up every worker
        begin = time.perf_counter()
        client.gather(client.compute([dask.delayed(run_sleep, pure=False)() for _ in range(tasks)]))
        elapsed = time.perf_counter() - begin
    ideal = workers / 0.5
    return {
        "workers": workers,
        "tasks": tasks,
        "tasks_per_s": tasks / elapsed,
        "ideal_per_s": ideal,
        "fraction": tasks / elapsed / ideal,
    }


def _second(x: int) -> int:
    time.sleep(1)
    return x


def _throughput(profile: Path, workers: int, tasks: int) -> tuple[float, int]:
    """Tasks per second of ``tasks`` one-second tasks on ``workers`` workers kept by launch, and jobs retired."""
    import sgecompile

    with sgecompile.launch(profile, jobs=workers, scheduler_options={"dashboard_address": ":0"}) as client:
        begin = time.perf_counter()
        assert client.gather(client.map(_second, range(tasks))) == list(range(tasks))
        elapsed = time.perf_counter() - begin
        retired = client.cluster.keeper.retired
    return tasks / elapsed, retired


def beyond_walltime(workers: int, seconds: int, walltime: int, margin: int) -> dict[str, float]:
    """A computation of ``seconds`` on ``workers`` workers whose jobs have a shorter walltime, against one without.

    The workers retire before h_rt (dask's --lifetime) and the keeper submits
    their replacements ahead; the reference's 30-minute walltime outlasts
    the computation.
    """
    short = Path("bench-walltime.toml")
    short.write_text(
        f'extends = "{TESTSGE}"\n[job]\nname = "bench-walltime"\nwalltime = "{walltime}"\n'
        f'[worker]\nlifetime_margin = "{margin}"\n'
    )
    tasks = workers * seconds
    reference, _ = _throughput(_profile("bench-nowalltime", cores=1), workers, tasks)
    ours, retired = _throughput(short, workers, tasks)
    return {
        "workers": workers,
        "walltime_s": walltime,
        "computation_s": seconds,
        "jobs_retired": retired,
        "tasks_per_s": ours,
        "reference_per_s": reference,
        "fraction": ours / reference,
    }


def _profile(name: str, cores: int = 4) -> Path:
    """The test SGE's profile under a job name of its own (its jobs are found by name), 4 threads a job."""
    path = Path(f"{name}.toml")
    path.write_text(f'extends = "{TESTSGE}"\n[job]\nname = "{name}"\n[worker]\ncores = {cores}\nprocesses = 1\n')
    return path


def _commands(path: str, count: int, argv: str = "true") -> str:
    Path(path).write_text("".join(f"{argv} {i}\n" for i in range(count)))
    return path


def _peak(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one whole process."""
    begin = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"{command[:2]} exited {process.returncode}")
    return time.perf_counter() - begin, usage.ru_maxrss / 1000  # Linux: kilobytes


def _peak_run(profile: Path, commands: str, jobs: int) -> tuple[float, float]:
    """Wall seconds and peak memory of ``sgecompile run``: its client and its scheduler, in one process."""
    return _peak([SGECOMPILE, "run", str(profile), commands, "--jobs", str(jobs)])


# The reference for memory: the whole list as one graph (client.map), held by a scheduler in the
# same process, as a script around launch() would; no worker, so nothing runs: only the holding.
ONE_GRAPH = (
    "import sys, time\n"
    "from distributed import Client, LocalCluster\n"
    "from sgecompile.runner.execute import execute\n"
    "count = int(sys.argv[1])\n"
    "with LocalCluster(n_workers=0, processes=False, dashboard_address=':0') as cluster, Client(cluster) as client:\n"
    "    futures = client.map(execute, [['true', str(i)] for i in range(count)], cwd='.', logs=None, pure=False)\n"
    "    while len(cluster.scheduler.tasks) < count:\n"
    "        time.sleep(0.1)\n"
)


def _array_time(profile: Path, commands: str) -> float:
    """Seconds from ``submit.sh`` of an ``emit --tasks`` folder until its last task has left qstat."""
    from sgecompile import sgecommands as sge

    emit = [SGECOMPILE, "emit", str(profile), "--tasks", commands, "--out", "array"]
    subprocess.run(emit, check=True, stdout=subprocess.DEVNULL, env=ENV)
    name = profile.stem
    begin = time.perf_counter()
    subprocess.run(["array/submit.sh"], check=True, stdout=subprocess.DEVNULL)
    while any(job.name == name for job in sge.queued()):
        time.sleep(0.1)
    return time.perf_counter() - begin


def run_command(short: bool) -> dict[str, float]:
    """``sgecompile run`` against an ``emit --tasks`` array, against the ideal, and its memory as the list grows."""
    import sgecompile
    from sgecompile.runner.schedule import run_all
    from sgecompile.runner.state import Command

    count, small, large = (40, 100, 1000) if short else (600, 10_000, 100_000)
    rounds = 1 if short else 3
    sleeps, jobs = (16, 1) if short else (64, 2)  # jobs of 4 threads: 4 or 8 slots
    _commands("short.txt", count)
    arrays, ours = [], []
    for _ in range(rounds):  # taking turns, so that the cell's other work touches both alike
        arrays.append(_array_time(_profile("bench-array"), "short.txt"))
        ours.append(_peak_run(_profile("bench-run"), "short.txt", 2)[0])
    with sgecompile.launch(_profile("bench-sleep"), jobs=jobs, **QUIET) as client:
        client.gather(client.map(lambda x: x, range(jobs * 16)))  # warm up every thread
        commands = [Command(("sh", "-c", "sleep 2", str(i)), os.getcwd()) for i in range(sleeps)]
        begin = time.perf_counter()
        run_all(client, commands, None, window=16 * jobs)
        elapsed = time.perf_counter() - begin
    slots = 4 * jobs
    _, small_mb = _peak_run(_profile("bench-small"), _commands("small.txt", small), 2)
    large_s, large_mb = _peak_run(_profile("bench-large"), _commands("large.txt", large), 2)
    _, graph_mb = _peak([sys.executable, "-c", ONE_GRAPH, str(large)])
    return {
        f"run_{count}_s": statistics.median(ours),
        f"run_{count}_min_s": min(ours),
        f"run_{count}_max_s": max(ours),
        f"array_{count}_s": statistics.median(arrays),
        "speedup": statistics.median(arrays) / statistics.median(ours),
        f"sleep2_{sleeps}_on_{slots}_s": elapsed,
        "sleep2_ideal_s": sleeps * 2 / slots,
        "fraction_of_ideal": sleeps * 2 / slots / elapsed,
        f"peak_mb_{small}": small_mb,
        f"peak_mb_{large}": large_mb,
        f"seconds_{large}": large_s,
        "bytes_per_command": (large_mb - small_mb) * 1e6 / (large - small),
        f"one_graph_peak_mb_{large}": graph_mb,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--short", action="store_true", help="few repeats and small N (CI)")
    parser.add_argument("--no-live", action="store_true", help="skip the parts that need the test SGE")
    parser.add_argument("--json", default=str(ROOT / "benchmarks" / "results.json"), metavar="FILE")
    args = parser.parse_args(argv)
    repeat = 3 if args.short else 11
    results: dict[str, dict[str, float]] = {
        "render_latency": render_latency(repeat),
        "check_throughput": check_throughput(repeat, 100 if args.short else 1000),
    }
    if not args.no_live:
        with tempfile.TemporaryDirectory() as tmp:
            here = os.getcwd()
            os.chdir(tmp)  # jobs run with -cwd: their logs stay out of the repository
            try:
                results["launch_to_ready"] = launch_to_ready([2], 3) if args.short else launch_to_ready([2, 8, 16], 5)
                results["submission"] = submission(4 if args.short else 16)
                results["realized_parallelism"] = (
                    realized_parallelism(2, 8) if args.short else realized_parallelism(8, 160)
                )
                results["run_command"] = run_command(args.short)
                results["across_hosts"] = across_hosts(1, 32) if args.short else across_hosts(5, 160)
                results["beyond_walltime"] = (
                    beyond_walltime(2, 20, 16, 5) if args.short else beyond_walltime(4, 140, 100, 30)
                )
            finally:
                os.chdir(here)
    Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    return 0


def table(results: dict[str, dict[str, float]]) -> str:
    lines = [f"{'benchmark':<24} {'figure':<28} {'value':>10}"]
    for name, figures in results.items():
        for figure, value in figures.items():
            lines.append(f"{name:<24} {figure:<28} {value:>10.3f}")
    return "\n".join(lines)
