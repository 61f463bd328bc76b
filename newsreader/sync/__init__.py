"""Sync: your reading follows you from device to device.

Two backends: a Tiny Tiny RSS server (:mod:`newsreader.sync.ttrss`) or a
folder that another tool copies between devices (:mod:`newsreader.sync.folder`).
Local changes wait in the outbox (``newsreader.store.outbox``) until a backend
took them. The reader calls :func:`status_line` for its status bar and
:meth:`SyncTrigger.changed` after a change (or :func:`sync_once` in a worker).
With ``[sync] fetch = "server"`` a refresh is a sync and an add is
:func:`subscribe_through_server`: the device fetches no feed itself.
"""

from newsreader.sync.context import SyncError, SyncReport
from newsreader.sync.engine import SyncStatus, status_line, sync_once, sync_status
from newsreader.sync.server_feeds import ServerSubscription, subscribe_through_server
from newsreader.sync.trigger import SyncTrigger

__all__ = [
    "ServerSubscription",
    "SyncError",
    "SyncReport",
    "SyncStatus",
    "SyncTrigger",
    "status_line",
    "subscribe_through_server",
    "sync_once",
    "sync_status",
]
