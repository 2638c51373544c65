import datetime
from decimal import Decimal

import msgspec
import pytest

from seglam.cache.entry import Entry, Signature, Param, Verification
from seglam.cache.errors import CorruptEntryError
from seglam.cache.seal import Sealer
from seglam.cache.values import decode_value, encode_value

SEALER = Sealer(b"k" * 32)


def seal(record):
    return SEALER.seal("entries", b"abc123", record)


def unseal(data, kind, key="abc123"):
    return SEALER.unseal("entries", key.encode(), data, kind)


def _entry() -> Entry:
    return Entry(id="abc123", source="def f() -> int:\n    return 1\n", program_hash="00" * 32,
                 signature=Signature(entry="f", params=(Param(name="x", type="int"),), returns="int"),
                 verification=Verification(ok=True, tool="t"), patterns=("Hello {x: int} world",))


def test_values_round_trip_exactly():
    values = [1, 2**80, -(2**70), 1.5, float("inf"), Decimal("1.10"), datetime.date(2024, 1, 2),
              (1, "a"), {1, 2}, {(1, 2): [True, None]}, ["x", {"k": Decimal("2")}]]
    for v in values:
        enc = encode_value(v)
        assert decode_value(msgspec.msgpack.decode(msgspec.msgpack.encode(enc))) == v
        assert decode_value(msgspec.json.decode(msgspec.json.encode(enc))) == v


def test_seal_round_trip():
    e = _entry()
    assert unseal(seal(e), Entry) == e


@pytest.mark.parametrize("pos", [0, 3, 5, 10, 22, 40, -1])
def test_any_flipped_byte_is_detected(pos):
    data = bytearray(seal(_entry()))
    data[pos] ^= 0x40
    with pytest.raises(CorruptEntryError):
        unseal(bytes(data), Entry, "abc123")


def test_a_seal_binds_the_secret_the_database_and_the_key():
    data = seal(_entry())
    with pytest.raises(CorruptEntryError, match="seal mismatch"):
        Sealer(b"x" * 32).unseal("entries", b"abc123", data, Entry)  # another cache's secret
    with pytest.raises(CorruptEntryError, match="seal mismatch"):
        SEALER.unseal("history", b"abc123", data, Entry)  # moved to another database
    with pytest.raises(CorruptEntryError, match="seal mismatch"):
        SEALER.unseal("entries", b"abc124", data, Entry)  # moved under another key


def test_small_values_are_sealed_too():
    value = SEALER.seal_value("index", b"sort", b"abc123\x000")
    assert SEALER.open_value("index", b"sort", value) == b"abc123\x000"
    for pos in range(len(value)):
        bad = bytearray(value)
        bad[pos] ^= 0x01
        assert SEALER.open_value("index", b"sort", bytes(bad)) is None
    assert SEALER.open_value("index", b"sorts", value) is None


def test_truncated_record_is_detected():
    with pytest.raises(CorruptEntryError):
        unseal(seal(_entry())[:30], Entry)


def test_default_location_follows_platform_conventions(monkeypatch, tmp_path):
    import sys

    from seglam.cache.store import default_path

    monkeypatch.setenv("SEGLAM_CACHE", str(tmp_path / "explicit"))
    assert default_path() == tmp_path / "explicit"
    monkeypatch.delenv("SEGLAM_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert default_path() == tmp_path / "xdg" / "seglam"
