"""The tt-rss client's faults, without a server: each is one line, and nothing is retried in a storm."""

from __future__ import annotations

import json

import httpx
import pytest

from newsreader.sync import SyncError
from newsreader.sync.ttrss_client import LoginRefused, TtrssClient

SECRET = "s3cret-pass"


def client(handler, **options) -> TtrssClient:
    return TtrssClient(
        "https://rss.example.org/tt-rss", "me", SECRET, transport=httpx.MockTransport(handler), **options
    )


def reply(content, status: int = 0) -> httpx.Response:
    return httpx.Response(200, json={"seq": 0, "status": status, "content": content})


def logged_in(request: httpx.Request) -> httpx.Response | None:
    body = json.loads(request.content)
    if body["op"] == "login":
        return reply({"session_id": "sid-1", "api_level": 15})
    return None


def test_a_refused_login_is_asked_once() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return reply({"error": "LOGIN_ERROR"}, status=1)

    with pytest.raises(LoginRefused) as caught:
        client(handler).call("getFeeds")
    assert len(calls) == 1
    assert SECRET not in str(caught.value)


def test_an_ended_session_logs_in_again_once() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        seen.append(body["op"])
        if body["op"] == "login":
            return reply({"session_id": f"sid-{len(seen)}", "api_level": 15})
        if body["sid"] == "sid-1":
            return reply({"error": "NOT_LOGGED_IN"}, status=1)
        return reply([{"id": 1}])

    assert client(handler).call("getFeeds") == [{"id": 1}]
    assert seen == ["login", "getFeeds", "login", "getFeeds"]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (httpx.Response(503, text="down"), r"tt-rss server error \(HTTP 503\)"),
        (httpx.Response(200, text="<html>not json</html>"), "the reply is not JSON"),
        (httpx.Response(200, headers={"content-length": str(200 * 1024 * 1024)}, content=b"{}"), "too large"),
    ],
)
def test_bad_replies_are_one_line(answer: httpx.Response, message: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return logged_in(request) or answer

    with pytest.raises(SyncError, match=message):
        client(handler).call("getFeeds")


def test_an_endless_reply_is_cut_at_the_cap() -> None:
    def endless():
        while True:
            yield b"x" * 65536

    def handler(request: httpx.Request) -> httpx.Response:
        return logged_in(request) or httpx.Response(200, content=endless())

    with pytest.raises(SyncError, match="larger than 1 MB"):
        client(handler, max_reply=1_000_000).call("getHeadlines")


@pytest.mark.parametrize(
    ("error", "message"),
    [(httpx.ConnectError("refused"), "server unreachable"), (httpx.ReadTimeout("slow"), "server timed out")],
)
def test_network_faults(error: Exception, message: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error

    with pytest.raises(SyncError, match=message):
        client(handler).call("getFeeds")
