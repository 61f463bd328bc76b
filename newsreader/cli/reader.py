"""``newsreader`` with no command: open the cache and start the reader."""

from __future__ import annotations

import sys
import threading

from newsreader.core.paths import Paths


def run_app() -> int:
    import gc

    # Back on after the first frame (app.py, _freeze_startup_objects).
    gc.disable()
    from newsreader.store import InstanceLock

    paths = Paths.default()
    lock = InstanceLock(paths.cache_db.with_name(paths.cache_db.name + ".lock"))
    problem = lock.acquire()
    if problem:
        print(f"newsreader: {problem}", file=sys.stderr)
        return 1
    try:
        return _run(paths)
    finally:
        lock.release()


def _run(paths: Paths) -> int:
    from newsreader.exchange.files import load_sample
    from newsreader.tui.services import Services

    services = Services.for_paths(paths)
    terminal = _ask_terminal_for_graphics(services.config.ui.images)
    if services.cache.is_empty():
        stats = load_sample(services.cache)
        services.startup_messages.insert(
            0,
            f"Showing the bundled sample news ({stats.new} stories, invented for newsreader). "
            "Import your own with `newsreader import PATH` or subscribe with `newsreader add URL`.",
        )
    from newsreader.tui.first_screen import FirstScreen

    # Read the first screen's rows while Textual is imported (first_screen.py says why).
    first_screen = FirstScreen(services).start()
    from newsreader.tui.app import NewsReaderApp

    if terminal is not None:
        terminal.join()
    try:
        NewsReaderApp(services, first_screen, freeze_startup=True).run()
    finally:
        services.cache.close()
    return 0


def _ask_terminal_for_graphics(mode: str) -> threading.Thread | None:
    """Ask the terminal how it can draw pictures (tui/terminal_graphics.py),
    on a thread while the cache opens and Textual is imported: it must be
    done before the app reads the keyboard. None when pictures are off."""
    if mode == "off" or not sys.stdout.isatty():
        return None

    from newsreader.tui.terminal_graphics import ask_terminal

    thread = threading.Thread(target=ask_terminal, args=(mode,), name="terminal-graphics", daemon=True)
    thread.start()
    return thread


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run_app())
