"""The fetcher (``feeds/fetch.py``) against a loopback server that misbehaves on purpose.

Deadlines and caps are small here (0.3 s, 1 MiB) so the hostile cases end
fast; each test asserts the exact outcome a user would see.
"""

#: The fetcher's deadline (seconds) and body cap (bytes) in these tests.
DEADLINE = 0.3
CAP = 1024 * 1024
