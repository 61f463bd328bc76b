"""Running the user's own commands (openers, ``pipe_command``, ``notify_command``).

A command is an argument list from ``config.toml``, never a shell line: the
placeholders ``{url}``, ``{title}``, ``{file}`` (and ``{body}`` for
notifications) are filled in inside single arguments, so a title holding
``; rm -rf ~`` stays one harmless argument. Every run has a time limit and
its problems come back as one line: a missing program, a non-zero exit, a
command that hangs.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from newsreader.core.sanitize import clean_line

__all__ = ["CommandResult", "fill", "run_command"]

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
#: Longest a filled-in argument may be (a title is never this long).
MAX_ARGUMENT = 4096


@dataclass(frozen=True, slots=True)
class CommandResult:
    """``status`` is the exit code (None when the command never ran or was
    stopped); ``error`` is one line for the user, None on success."""

    status: int | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def fill(command: Sequence[str], values: Mapping[str, str]) -> list[str]:
    """``command`` with each ``{name}`` replaced by its value (one clean line,
    NUL-free); an unknown placeholder is left as written."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            return match.group(0)
        return clean_line(values[name])[:MAX_ARGUMENT]

    return [_PLACEHOLDER.sub(value, argument) for argument in command]


def run_command(
    command: Sequence[str],
    *,
    stdin: bytes | None = None,
    timeout: float = 30.0,
    wait: bool = True,
    terminal: bool = False,
) -> CommandResult:
    """Run ``command`` (already filled in). With ``wait`` False it is started
    and left to run (a browser, a player); else it must end within ``timeout``
    seconds or it is killed. Its output goes nowhere (it would tear the
    reader's screen) unless ``terminal``: a pager run while the reader is
    suspended."""
    if not command or not command[0]:
        return CommandResult(None, "no command given")
    program = command[0]
    if shutil.which(program) is None:
        return CommandResult(None, f"{clean_line(program)[:80]}: program not found")
    try:
        process = subprocess.Popen(
            list(command),
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=None if terminal else subprocess.DEVNULL,
            stderr=None if terminal else subprocess.DEVNULL,
            start_new_session=not terminal,
        )
    except OSError as exc:
        return CommandResult(None, f"{clean_line(program)[:80]}: {clean_line(exc.strerror or str(exc))}")
    if not wait:
        return CommandResult(None)
    try:
        process.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return CommandResult(None, f"{clean_line(program)[:80]}: stopped after {timeout:g} s")
    except BrokenPipeError:
        process.wait()  # it stopped reading: its exit status says how it went
    if process.returncode != 0:
        return CommandResult(process.returncode, f"{clean_line(program)[:80]}: exited with status {process.returncode}")
    return CommandResult(0)
