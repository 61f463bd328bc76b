"""Sync: your reading follows you from device to device.

Two backends: a Tiny Tiny RSS server (:mod:`newsreader.sync.ttrss`) or a
folder that another tool copies between devices (:mod:`newsreader.sync.folder`).
Local changes wait in the outbox (``newsreader.store.outbox``) until a backend
took them. The reader calls :func:`sync_once` (in a worker) and
:func:`status_line`.
"""

from newsreader.sync.context import SyncError, SyncReport
from newsreader.sync.engine import SyncStatus, status_line, sync_once, sync_status

__all__ = ["SyncError", "SyncReport", "SyncStatus", "status_line", "sync_once", "sync_status"]
