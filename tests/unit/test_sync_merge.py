"""Last writer wins: any interleaving of changes and any reading order end in one state."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.store import Change
from newsreader.sync.merge import merge, newest

changes = st.builds(
    Change,
    kind=st.sampled_from(["read", "bookmark"]),
    key=st.sampled_from(["a", "b", "c"]),
    value=st.fixed_dictionaries({"read": st.booleans()}),
    stamp=st.integers(0, 20),
    device=st.sampled_from(["dev-a", "dev-b"]),
)


def apply_in_order(batches: list[list[Change]]) -> dict:
    state: dict = {}
    for batch in batches:
        state.update(merge(state, batch))
    return state


@given(st.lists(changes, max_size=30), st.randoms())
@settings(max_examples=200, deadline=None)
def test_reading_order_does_not_matter(log: list[Change], rnd) -> None:
    shuffled = list(log)
    rnd.shuffle(shuffled)
    cut = rnd.randint(0, len(shuffled))
    assert apply_in_order([log]) == apply_in_order([shuffled[:cut], shuffled[cut:]]) == newest(log)


@given(st.lists(changes, max_size=20), st.lists(changes, max_size=20), st.randoms())
@settings(max_examples=200, deadline=None)
def test_two_devices_meet_in_one_state(mine: list[Change], theirs: list[Change], rnd) -> None:
    # each device reads its own changes first, then the other's, in pieces of any size
    def pieces(items: list[Change]) -> list[list[Change]]:
        out, rest = [], list(items)
        while rest:
            n = rnd.randint(1, len(rest))
            out.append(rest[:n])
            rest = rest[n:]
        return out

    a = apply_in_order([mine, *pieces(theirs)])
    b = apply_in_order([theirs, *pieces(mine), mine])  # reading a log twice changes nothing
    assert a == b


def test_tie_goes_to_the_greater_device_id() -> None:
    one = Change("read", "k", {"read": True}, 5, "aaa")
    two = Change("read", "k", {"read": False}, 5, "bbb")
    assert newest([one, two])[("read", "k")] is two
    assert newest([two, one])[("read", "k")] is two
