"""UCS2 parts, concatenation headers, MO decoding and receipts, without a socket."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sms_gateway import codec


def test_70_characters_fit_one_message():
    assert codec.encode_parts("字" * 70, ref=1) == [("字" * 70).encode("utf-16-be")]


def test_150_chinese_characters_make_three_concatenated_parts():
    text = "测" * 150
    parts = codec.encode_parts(text, ref=42)
    assert len(parts) == 3
    for seq, part in enumerate(parts, start=1):
        assert part[:6] == bytes([5, 0, 3, 42, 3, seq])
    assert [len(p[6:]) // 2 for p in parts] == [67, 67, 16]
    assert b"".join(p[6:] for p in parts).decode("utf-16-be") == text


def test_a_surrogate_pair_is_never_split():
    text = "字" * 66 + "😀" + "字" * 10
    chunks = codec.split_units(text)
    assert chunks[0] == "字" * 66 and chunks[1].startswith("😀")
    for part in codec.encode_parts(text, ref=0):
        part[6:].decode("utf-16-be")  # every part decodes on its own


@given(st.text(min_size=1, max_size=600))
def test_parts_always_reassemble(text):
    parts = codec.encode_parts(text, ref=7)
    if len(parts) == 1:
        assert parts[0].decode("utf-16-be", errors="surrogatepass") == text
    else:
        assert all(len(p) - 6 <= 134 for p in parts)
        assert b"".join(p[6:] for p in parts).decode("utf-16-be", errors="surrogatepass") == text


def test_signature_prefix_once():
    assert codec.with_signature("你好", "【某市12345】") == "【某市12345】你好"
    assert codec.with_signature("【某市12345】你好", "【某市12345】") == "【某市12345】你好"


@pytest.mark.parametrize("raw, expected", [
    ("+86 138-1234-5678", "13812345678"), ("008613812345678", "13812345678"),
    ("8613812345678", "13812345678"), ("13812345678", "13812345678"),
])
def test_normalize_number(raw, expected):
    assert codec.normalize_number(raw) == expected


def test_split_udh_8_and_16_bit_refs():
    assert codec.split_udh(0x40, bytes([5, 0, 3, 9, 3, 2]) + b"ab") == (codec.Concat(9, 3, 2), b"ab")
    assert codec.split_udh(0x40, bytes([6, 8, 4, 1, 2, 3, 1]) + b"x") == (codec.Concat(258, 3, 1), b"x")
    assert codec.split_udh(0x00, b"plain") == (None, b"plain")
    assert codec.split_udh(0x40, bytes([5, 0, 3, 9, 3, 7]) + b"x")[0] is None  # seq beyond total


def test_decode_text():
    assert codec.decode_text(8, "你好".encode("utf-16-be")) == ("你好", True)
    assert codec.decode_text(15, "你好".encode("gbk")) == ("你好", True)
    assert codec.decode_text(0, b"CX 123") == ("CX 123", True)
    text, clean = codec.decode_text(8, b"\xd8\x00\x4f\x60")  # lone high surrogate, then 你
    assert not clean and text.endswith("你") and "\ufffd" in text
    text, clean = codec.decode_text(8, b"\x4f\x60\x00")  # odd length
    assert not clean and text.startswith("你")
    text.encode("utf-8")


def test_receipts():
    r = codec.parse_receipt(short_message=b"id:0A1B sub:001 dlvrd:001 submit date:2601010000 "
                                          b"done date:2601010001 stat:DELIVRD err:000 text:",
                            source_addr=b"8613812345678", user_message_reference=5)
    assert (r.message_id, r.stat, r.outcome, r.umr, r.destination) == (
        "0A1B", "DELIVRD", ("delivered", None), 5, "13812345678")
    r = codec.parse_receipt(short_message=b"", receipted_message_id=b"77", message_state=5)
    assert r.outcome == ("undelivered", 30003)
    assert codec.parse_receipt(short_message=b"garbage") is None
    assert set(codec.alternate_ids("255")) >= {"ff", "FF"} and "255" in codec.alternate_ids("ff")
    assert codec.is_receipt(0x04) and not codec.is_receipt(0x40)
