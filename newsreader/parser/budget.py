"""Parse a large document under a hard time and memory budget.

The parsers are written to be linear, and ``benchmarks/parser_budgets.py``
measures them on pathological documents near the 16 MiB cap (the figures are
in SECURITY.md). But lxml, trafilatura and the regular expressions of the
page-dump reader are big enough that a quadratic path nobody has found yet is
likely (feedparser had several, SECURITY.md, trap 5). So a document larger than
:data:`SUBPROCESS_ABOVE` is parsed in a child process that cannot take more
than :data:`MEMORY_BUDGET` of address space (``RLIMIT_AS``) or more than
:data:`TIME_BUDGET` seconds; past either, the document fails with a one-line
:class:`ParseError` and the caller goes on with the next one. Smaller
documents, nearly all of them, are parsed in-process: a child costs about a
tenth of a second to start.

The child is this module run with ``-m``; it reads a pickled request on
stdin and writes a pickled ``("ok", document)`` or ``("error", reason)`` on
stdout. The pickle comes from our own child process, never from the network.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from newsreader.core.models import ParsedDocument, ParseError
from newsreader.parser import parse

__all__ = ["MEMORY_BUDGET", "SUBPROCESS_ABOVE", "TIME_BUDGET", "parse_bounded"]

#: Documents up to this size are parsed in-process: any of them parses in
#: well under a second.
SUBPROCESS_ABOVE = 1024 * 1024
#: Wall-clock seconds a child may take for one document: a few times what
#: the slowest document of the largest size allowed needs.
TIME_BUDGET = 30.0
#: Address space a child may map: more than twice what the hungriest
#: document we know of (megabytes of bare HTML paragraphs) needs.
MEMORY_BUDGET = 1024 * 1024 * 1024

_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


def parse_bounded(
    data: bytes,
    *,
    as_of: datetime | None = None,
    url: str | None = None,
    format: str | None = None,
    timeout: float | None = None,
    memory: int | None = None,
    threshold: int | None = None,
) -> ParsedDocument:
    """:func:`newsreader.parser.parse`, in a budgeted child when ``data`` is large.

    ``timeout``, ``memory`` and ``threshold`` default to :data:`TIME_BUDGET`,
    :data:`MEMORY_BUDGET` and :data:`SUBPROCESS_ABOVE` (read at each call).
    Raises :class:`ParseError` with a one-line reason for anything that goes
    wrong, the budget included.
    """
    timeout = TIME_BUDGET if timeout is None else timeout
    memory = MEMORY_BUDGET if memory is None else memory
    threshold = SUBPROCESS_ABOVE if threshold is None else threshold
    if len(data) <= threshold:
        return parse(data, as_of=as_of, url=url, format=format)
    request = pickle.dumps((data, as_of, url, format, memory, timeout), protocol=pickle.HIGHEST_PROTOCOL)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH")) if p)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "newsreader.parser.budget"],
            input=request,
            capture_output=True,
            timeout=timeout,
            env=env,
        )
    except subprocess.TimeoutExpired:
        raise ParseError(f"parsing took longer than {timeout:g} s; stopped") from None
    except OSError as exc:
        raise ParseError(f"could not start a parser process ({exc.strerror or exc})") from None
    if done.returncode != 0:
        raise ParseError(_death(done.returncode, memory))
    try:
        status, value = pickle.loads(done.stdout)
    except Exception:  # noqa: BLE001 - a child that died mid-write
        raise ParseError("the parser process gave no answer") from None
    if status == "ok" and isinstance(value, ParsedDocument):
        return value
    raise ParseError(str(value))


def _death(returncode: int, memory: int) -> str:
    if returncode < 0:
        number = -returncode
        if number == signal.SIGXCPU:
            return "parsing used more CPU time than allowed; stopped"
        if number in (signal.SIGKILL, signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS):
            # Past RLIMIT_AS, a C library may abort instead of raising MemoryError.
            return f"the parser process died ({signal.Signals(number).name}); the document may need over {memory // 2**20} MiB"
        return f"the parser process died ({signal.Signals(number).name})"
    return f"the parser process failed (exit status {returncode})"


def _child() -> int:
    import resource

    request = sys.stdin.buffer.read()
    data, as_of, url, fmt, memory, timeout = pickle.loads(request)
    del request
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(timeout) + 5  # a backstop: the parent's wall-clock timeout comes first
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    try:
        answer: tuple[str, object] = ("ok", parse(data, as_of=as_of, url=url, format=fmt))
    except ParseError as exc:
        answer = ("error", str(exc))
    except MemoryError:
        answer = ("error", f"document needs more than {memory // 2**20} MiB to parse")
    try:
        out = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        out = pickle.dumps(("error", f"document needs more than {memory // 2**20} MiB to parse"))
    sys.stdout.buffer.write(out)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_child())
