"""What a live cluster says about itself, read-only through ``qconf``: queues, pes, complexes, hosts.

The live rules compare a compiled plan with these facts. Reading them is the
only I/O; parsing ``qconf`` output is kept to the few fields the rules need.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import attrs

from .units import UnitError, parse_walltime
from .vocabulary import Flavor


@attrs.frozen
class Queue:
    name: str
    hosts: tuple[str, ...]
    slots: int  # the slots of each host, unless `slots_on` says otherwise for it
    pes: tuple[str, ...]
    h_rt: int | None  # seconds; None when INFINITY
    slots_on: dict[str, int] = attrs.field(factory=dict)  # per host: `slots 16,[node1=4]`


@attrs.frozen
class Complex:
    name: str
    shortcut: str
    type: str  # INT, MEMORY, TIME, ...
    requestable: bool
    consumable: str  # YES (per slot), JOB (per job), NO
    default: str = "NONE"  # what SGE gives a job that does not ask (column `default` of qconf -sc)


@attrs.frozen
class Host:
    name: str
    memory: int | None  # mem_total in bytes
    capacities: dict[str, str]  # complex_values, e.g. {"h_vmem": "24105M"}


@attrs.frozen
class Pe:
    name: str
    slots: int
    per_host: bool  # allocation_rule $pe_slots: every slot on one host


@attrs.frozen
class Facts:
    queues: dict[str, Queue]
    pes: dict[str, Pe]
    complexes: dict[str, Complex]
    hosts: dict[str, Host]
    max_array_tasks: int | None  # max_aj_tasks: the most tasks one array job may have; None when unlimited
    max_running_tasks: int | None  # max_aj_instances: the most tasks of one array that run at once
    flavor: Flavor | None = None  # told by the first line of `qstat -help`; None when it names none we know
    version: str = ""  # that line, e.g. "SGE 8.1.9"
    projects: tuple[str, ...] = ()  # qconf -sprjl: the projects a job may name with -P
    enforce_project: bool = False  # the global configuration's enforce_project: qsub refuses a job without -P
    max_user_jobs: int | None = None  # max_u_jobs: the most unfinished jobs one user may have; None when unlimited
    max_jobs: int | None = None  # max_jobs: the most unfinished jobs of all users together; None when unlimited


def configuration(text: str) -> dict[str, str]:
    """``qconf -s*`` output as key -> value, joining ``\\``-continued lines."""
    joined = re.sub(r"\s*\\\n\s*", "", text)
    found = {}
    for line in joined.splitlines():
        key, _, value = line.strip().partition(" ")
        if key and not key.startswith("#"):
            found[key] = value.strip()
    return found


def _per_host(value: str) -> list[str]:
    """A queue value with host overrides, ``1,[vm=16]``, as every value it takes."""
    default = value.split(",[", 1)[0]
    overrides = re.findall(r"\[[^=\]]+=([^\]]+)\]", value)
    return [default, *overrides]


def _lines(text: str) -> Iterator[str]:
    return (line.strip() for line in text.splitlines() if line.strip())


Ask = Callable[[list[str]], str]  # runs one qconf command, returns its output


def _queue(ask: Ask, name: str, hostgroups: dict[str, list[str]]) -> Queue:
    conf = configuration(ask(["qconf", "-sq", name]))
    hosts: list[str] = []
    for entry in conf.get("hostlist", "").replace(",", " ").split():
        hosts += hostgroups.get(entry, [entry] if entry != "NONE" else [])
    slots_value = conf.get("slots", "0")
    default = slots_value.split(",[", 1)[0]
    slots = int(default) if default.isdigit() else 0
    slots_on = {h: int(n) for h, n in re.findall(r"\[([^=\]]+)=(\d+)\]", slots_value)}
    pes = [p for p in re.split(r"[\s,]+", conf.get("pe_list", "")) if p and p != "NONE" and "[" not in p]
    limits = [v for v in _per_host(conf.get("h_rt", "INFINITY")) if v.upper() != "INFINITY"]
    try:
        h_rt = (
            None
            if len(limits) < len(_per_host(conf.get("h_rt", "")))
            else max(parse_walltime(v).seconds for v in limits)
        )
    except UnitError:
        h_rt = None
    return Queue(name, tuple(hosts), slots, tuple(pes), h_rt, slots_on)


def _hostgroups(ask: Ask) -> dict[str, list[str]]:
    groups = {}
    for name in _lines(ask(["qconf", "-shgrpl"])):
        conf = configuration(ask(["qconf", "-shgrp", name]))
        groups[name] = conf.get("hostlist", "").split()
    for name, members in groups.items():  # groups may hold groups
        groups[name] = [h for m in members for h in (groups.get(m, [m]))]
    return groups


def _host(ask: Ask, name: str) -> Host:
    conf = configuration(ask(["qconf", "-se", name]))
    capacities = dict(item.split("=", 1) for item in conf.get("complex_values", "NONE").split(",") if "=" in item)
    loads = dict(item.split("=", 1) for item in conf.get("load_values", "").split(",") if "=" in item)
    return Host(name, _load_memory(loads.get("mem_total", "")), capacities)


def _load_memory(text: str) -> int | None:
    """A load value such as ``24105.132812M`` in bytes (load values may have decimals)."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([KMGT]?)", text)
    if not match:
        return None
    return int(float(match[1]) * 1024 ** " KMGT".index(match[2] or " "))


def _complexes(ask: Ask) -> dict[str, Complex]:
    found = {}
    for line in _lines(ask(["qconf", "-sc"])):
        fields = line.split()
        if line.startswith("#") or len(fields) < 6:
            continue
        default = fields[6] if len(fields) > 6 else "NONE"
        found[fields[0]] = Complex(fields[0], fields[1], fields[2], fields[4] in ("YES", "FORCED"), fields[5], default)
    return found


def read(ask: Ask | None = None) -> Facts:
    """Ask the cluster (through ``sge.run`` unless ``ask`` is given); raises ``sge.SGEError`` when it cannot."""
    if ask is None:
        from .sgecommands import run

        ask = run
    groups = _hostgroups(ask)
    queues = {name: _queue(ask, name, groups) for name in _lines(ask(["qconf", "-sql"]))}
    pes = {}
    for name in _lines(ask(["qconf", "-spl"])):
        conf = configuration(ask(["qconf", "-sp", name]))
        slots = conf.get("slots", "0")
        pes[name] = Pe(name, int(slots) if slots.isdigit() else 0, conf.get("allocation_rule") == "$pe_slots")
    hosts = {name: _host(ask, name) for name in _lines(ask(["qconf", "-sel"]))}
    conf = configuration(ask(["qconf", "-sconf"]))
    version = next(_lines(ask(["qstat", "-help"])), "")
    limits = _limit(conf, "max_aj_tasks"), _limit(conf, "max_aj_instances")
    jobs = _limit(conf, "max_u_jobs"), _limit(conf, "max_jobs")
    enforce_project = conf.get("enforce_project", "false").lower() == "true"
    return Facts(
        queues,
        pes,
        _complexes(ask),
        hosts,
        *limits,
        flavor_of(version),
        version,
        _projects(ask),
        enforce_project,
        *jobs,
    )


def _projects(ask: Ask) -> tuple[str, ...]:
    """The projects of ``qconf -sprjl``; none when it says it has no list (it then exits 1, as for no host groups)."""
    from .sgecommands import SGEError

    try:
        return tuple(_lines(ask(["qconf", "-sprjl"])))
    except SGEError as error:
        if "no project list defined" in str(error):
            return ()
        raise


# The first word of `qstat -help`'s first line, per flavor (SGE 8.1.9 run here; UGE 8.6.6's captured
# output; OCS 9.1.4's usage.cc prints "OCS" or, built as Gridware Cluster Scheduler, "GCS").
VERSION_WORDS: dict[str, Flavor] = {"SGE": "sge", "UGE": "uge", "OCS": "ocs", "GCS": "ocs"}


def flavor_of(version: str) -> Flavor | None:
    """The flavor a ``qstat -help`` first line such as ``SGE 8.1.9`` names, if it is one we know."""
    words = version.split()
    return VERSION_WORDS.get(words[0]) if words else None


SGE_MAX_ARRAY_TASKS = 75000  # max_aj_tasks as SGE ships it (sge_conf(5)); the test SGE has it too


def max_array_tasks(ask: Ask | None = None) -> int | None:
    """The most tasks one array job may have here (``max_aj_tasks``), None for no limit.

    Raises ``SGEError`` when the cluster cannot be asked (no qconf, no qmaster).
    """
    if ask is None:
        from .sgecommands import run

        ask = run
    return _limit(configuration(ask(["qconf", "-sconf"])), "max_aj_tasks")


def _limit(conf: dict[str, str], name: str) -> int | None:
    """A limit of the global configuration; 0 means none (sge_conf(5)), and so does a value we cannot read."""
    value = conf.get(name, "0")
    return int(value) if value.isdigit() and int(value) > 0 else None
