"""Hypothesis fuzzing of the text readers: whatever the bytes, a reader either returns finite
recordings or raises a ClonusError -- never another exception. Example counts are modest so
that the io suite stays well under a minute."""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from io_builders import BINARY_FUZZ_TARGETS, FUZZ_TARGETS

import clonus
from clonus.exceptions import ClonusError, ClonusWarning, UnitWarning

ALPHABET = st.sampled_from(list("0123456789.,;-+eE \t\n\"'xyzNaInf:()[]/s°") +
                           ["nan", "inf", "-inf", "1e999", "\x00", "é", "\r\n", "time", "Time (s)"])
SNIPPET = st.lists(ALPHABET, min_size=1, max_size=12).map("".join)

op = st.one_of(
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 200)),
    st.tuples(st.just("insert"), st.floats(0, 1), SNIPPET),
    st.tuples(st.just("replace"), st.floats(0, 1), SNIPPET),
    st.tuples(st.just("truncate"), st.floats(0, 1), st.just("")),
    st.tuples(st.just("dup_line"), st.floats(0, 1), st.just("")),
)


def _apply(text: str, ops: list[tuple]) -> str:
    for kind, where, arg in ops:
        i = int(where * len(text))
        if kind == "delete":
            text = text[:i] + text[i + arg:]
        elif kind == "insert":
            text = text[:i] + arg + text[i:]
        elif kind == "replace":
            text = text[:i] + arg + text[i + len(arg):]
        elif kind == "truncate":
            text = text[:i]
        else:
            lines = text.split("\n")
            j = min(int(where * len(lines)), len(lines) - 1)
            lines.insert(j, lines[j])
            text = "\n".join(lines)
    return text


def _check(path: Path, fmt: str | None) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", UnitWarning)  # unknown units are expected in fuzzed text
        try:
            groups = clonus.read_all(path, format=fmt)
        except ClonusError as exc:
            assert str(exc)  # a message, naming something
            return
    for g in groups:
        assert np.isfinite(g.data).all()
        assert g.n_samples >= 1 and g.fs > 0


@pytest.mark.parametrize("name, build", FUZZ_TARGETS, ids=[f"{n}-{b.__name__}" for n, b in
                                                           FUZZ_TARGETS])
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(ops=st.lists(op, min_size=1, max_size=4))
def test_mutated_files(name, build, ops) -> None:
    with tempfile.TemporaryDirectory() as d:
        p = build(Path(d), mutate=lambda s: _apply(s, ops))
        _check(p, None)
        _check(p, name)


@pytest.mark.parametrize("name", sorted({n for n, _ in FUZZ_TARGETS + BINARY_FUZZ_TARGETS}))
@settings(max_examples=15, deadline=None, derandomize=True)
@given(text=st.lists(SNIPPET, min_size=0, max_size=40).map("".join))
def test_random_text_forced_format(name, text) -> None:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "random.csv"
        p.write_text(text, encoding="utf-8")
        _check(p, name)


# ---------------------------------------------------------------------------- binary readers
byte_op = st.one_of(
    st.tuples(st.just("flip"), st.floats(0, 1), st.integers(1, 255)),
    st.tuples(st.just("truncate"), st.floats(0, 1), st.just(0)),
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 600)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.integers(1, 600)),
    st.tuples(st.just("zero_run"), st.floats(0, 1), st.integers(1, 64)),
    st.tuples(st.just("dup_block"), st.floats(0, 1), st.just(0)),
)


def _apply_bytes(raw: bytes, ops: list[tuple]) -> bytes:
    b = bytearray(raw)
    for kind, where, arg in ops:
        i = min(int(where * len(b)), max(len(b) - 1, 0))
        if not b:
            break
        if kind == "flip":
            b[i] ^= arg
        elif kind == "truncate":
            del b[i:]
        elif kind == "delete":
            del b[i:i + arg]
        elif kind == "insert":
            b[i:i] = bytes((i * 7 + k) & 0xFF for k in range(arg))
        elif kind == "zero_run":
            b[i:i + arg] = bytes(len(b[i:i + arg]))
        else:  # repeat one 512-byte block after the 1024-byte header (sequence restart)
            k = 1024 + 512 * int(where * max((len(b) - 1024) // 512, 1))
            b[k:k] = b[k:k + 512]
    return bytes(b)


def _check_binary(path: Path, fmt: str | None, **options) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", ClonusWarning)  # truncation/skips are documented warnings
        try:
            groups = clonus.read_all(path, format=fmt, **options)
        except ClonusError as exc:
            assert str(exc)
            return
    for g in groups:
        assert np.isfinite(g.data).all()
        assert g.n_samples >= 1 and g.fs > 0


@pytest.mark.parametrize("name, build", BINARY_FUZZ_TARGETS,
                         ids=[f"{n}-{b.__name__}" for n, b in BINARY_FUZZ_TARGETS])
@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(ops=st.lists(byte_op, min_size=1, max_size=4))
def test_mutated_binary_files(name, build, ops) -> None:
    with tempfile.TemporaryDirectory() as d:
        p = build(Path(d), mutate=lambda raw: _apply_bytes(raw, ops))
        if p.stat().st_size == 0:
            return
        _check_binary(p, None)
        _check_binary(p, name)
        _check_binary(p, name, nan_policy="omit")
