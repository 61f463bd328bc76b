"""SQL scripts as the schema's steps are written: split into statements, and
whether a statement is done already (so a step can run again safely)."""

from __future__ import annotations

import re
import sqlite3

_ADD_COLUMN = re.compile(r"ALTER TABLE (\w+) ADD COLUMN (\w+)", re.IGNORECASE)
_DROP_COLUMN = re.compile(r"ALTER TABLE (\w+) DROP COLUMN (\w+)", re.IGNORECASE)
_RENAME_COLUMN = re.compile(r"ALTER TABLE (\w+) RENAME COLUMN \w+ TO (\w+)", re.IGNORECASE)
_FILL_FROM_COLUMN = re.compile(r"UPDATE (\w+) SET \w+ = \w+\((\w+)\)", re.IGNORECASE)


def already_done(conn: sqlite3.Connection, statement: str) -> bool:
    """Whether ``statement`` is done already: it adds a column the table has,
    or renames one to a name it has, or drops (or fills another column
    from) one it has not (a step
    half-applied by hand, or a test that rewinds the version number)."""
    text = statement.strip()
    patterns = ((_ADD_COLUMN, True), (_RENAME_COLUMN, True), (_DROP_COLUMN, False), (_FILL_FROM_COLUMN, False))
    for pattern, done_if_there in patterns:
        match = pattern.match(text)
        if match is not None:
            there = any(row[1] == match.group(2) for row in conn.execute(f"PRAGMA table_xinfo({match.group(1)})"))
            return there == done_if_there
    return False


def split_script(script: str) -> list[str]:
    """Split a script into statements, keeping trigger bodies whole."""
    statements: list[str] = []
    current: list[str] = []
    in_trigger = False
    for line in script.splitlines():
        stripped = line.split("--", 1)[0].rstrip()
        if not stripped.strip():
            continue
        current.append(stripped)
        upper = stripped.strip().upper()
        if upper.startswith("CREATE TRIGGER"):
            in_trigger = True
        if in_trigger:
            if upper == "END;":
                statements.append("\n".join(current))
                current, in_trigger = [], False
        elif stripped.endswith(";"):
            statements.append("\n".join(current))
            current = []
    if current:
        statements.append("\n".join(current))
    return statements
