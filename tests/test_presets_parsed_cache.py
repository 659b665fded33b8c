"""The parse of a preset file kept on disk (:mod:`sbrt_calc.presets.parsed_cache`, core28, stop 28): used only for
the very bytes it came from, so an edited file is always read again, whatever its time stamp and size."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from sbrt_calc._paths import shipped_presets_dir
from sbrt_calc.errors import PresetError
from sbrt_calc.presets.parsed_cache import _cache_file, parse_toml_bytes
from sbrt_calc.presets.radiobiology import load_radiobiology

SHIPPED = shipped_presets_dir() / "radiobiology.toml"


def _copy(tmp_path: Path) -> Path:
    path = tmp_path / "rb.toml"
    path.write_bytes(SHIPPED.read_bytes())
    return path


def test_an_edited_file_of_the_same_size_and_time_stamp_is_read_again(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SBRT_CALC_DATA_DIR", str(tmp_path / "d"))
    path = _copy(tmp_path)
    before = os.stat(path)
    assert load_radiobiology(path).tissue("late").alpha_beta_gy == 3.0   # parsed, then kept
    assert _cache_file(path, tmp_path / "d" / "cache").is_file()
    assert load_radiobiology(path).tissue("late").alpha_beta_gy == 3.0   # from the kept parse
    text = path.read_text(encoding="utf-8")
    edited = text.replace("alpha_beta_gy = 3.0", "alpha_beta_gy = 4.0", 1)
    assert edited != text and len(edited) == len(text)
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))   # the same size and time stamp as before
    assert load_radiobiology(path).tissue("late").alpha_beta_gy == 4.0


@pytest.mark.parametrize("name", sorted(p.name for p in shipped_presets_dir().glob("*.toml")))
def test_the_kept_parse_is_tomllib_s(tmp_path: Path, name: str) -> None:
    raw = (shipped_presets_dir() / name).read_bytes()
    want = tomllib.loads(raw.decode("utf-8"))
    folder = tmp_path / "cache"
    assert parse_toml_bytes(raw, Path(name), folder) == want   # parsed and kept
    assert parse_toml_bytes(raw, Path(name), folder) == want   # read back


def test_line_ends_read_as_a_text_file_reads_them(tmp_path: Path) -> None:
    raw = b'a = """x\r\ny\r\n"""\r\nb = "c"\rd = 1\r\n'   # CR LF, and a lone CR (a text read makes it LF)
    (tmp_path / "crlf.toml").write_bytes(raw)
    want = tomllib.loads((tmp_path / "crlf.toml").read_text(encoding="utf-8"))
    for _ in range(2):
        got = parse_toml_bytes(raw, tmp_path / "crlf.toml", tmp_path / "cache")
        assert got == want == {"a": "x\ny\n", "b": "c", "d": 1}


def test_a_damaged_or_foreign_cache_entry_is_parsed_again(tmp_path: Path) -> None:
    raw = b"x = 1\n"
    entry = _cache_file(tmp_path / "a.toml", tmp_path / "cache")
    entry.parent.mkdir()
    for junk in (b"", b"\x00garbage", b"\xe3" + bytes(40)):
        entry.write_bytes(junk)
        assert parse_toml_bytes(raw, tmp_path / "a.toml", tmp_path / "cache") == {"x": 1}
    import marshal

    entry.write_bytes(marshal.dumps((("another tag",), raw, {"x": 2})))   # another Python's, or another format
    assert parse_toml_bytes(raw, tmp_path / "a.toml", tmp_path / "cache") == {"x": 1}


def test_no_cache_where_it_cannot_be_written_nor_for_dates(tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("a file where the folder would be")
    assert parse_toml_bytes(b"x = 1\n", tmp_path / "a.toml", tmp_path / "cache") == {"x": 1}
    raw = b"when = 2026-12-02\n"
    want = tomllib.loads(raw.decode())
    assert parse_toml_bytes(raw, tmp_path / "d.toml", tmp_path / "c2") == want
    assert not (tmp_path / "c2").exists() or not any((tmp_path / "c2").iterdir())


def test_bad_text_is_refused_as_before_and_never_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SBRT_CALC_DATA_DIR", str(tmp_path / "d"))
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"kind = \n")
    with pytest.raises(PresetError, match="not valid TOML"):
        load_radiobiology(bad)
    bad.write_bytes(b"kind = '\xff'\n")
    with pytest.raises(PresetError, match="not valid TOML: 'utf-8' codec can't decode byte 0xff in position 8"):
        load_radiobiology(bad)
    assert not (tmp_path / "d" / "cache").exists() or not any((tmp_path / "d" / "cache").iterdir())


def test_a_second_process_reads_the_presets_without_tomllib(tmp_path: Path) -> None:
    """What the start gains: the shipped file's parse read back, tomllib not imported (first process: parsed)."""
    code = ("import sys; from sbrt_calc.presets.radiobiology import radiobiology; rb = radiobiology(); "
            "print('tomllib' in sys.modules, rb.threshold('bed10_oligoprogression').bed_gy)")
    env = dict(os.environ, SBRT_CALC_DATA_DIR=str(tmp_path / "data"))
    env.pop("SBRT_CALC_USER_PRESETS", None)
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
            for _ in range(2)]
    assert runs == ["True 70.0\n", "False 70.0\n"]
    env["SBRT_CALC_PARSED_CACHE"] = "0"   # no cache: parsed every time
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out == "True 70.0\n"
