"""``kaoping validate`` on hostile scheme files: a located Chinese refusal, exit 2, little memory.

The alias bomb runs in a child process under an address-space limit (RLIMIT_AS, 1 GB) so that a
regression fails quickly instead of eating the machine; the child reports its own peak resident
memory, which must stay under 100 MB (measured ≈ 45 MB, most of it the interpreter and imports).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from kaoping.cli.main import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "honggutan-2021" / "scheme.yaml"


def billion_laughs() -> str:
    """9 levels of 9 aliases in 362 bytes (the same file as tests/formats/test_scheme_limits.py)."""
    lines = ["a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{','.join([f'*{previous}'] * 9)}]")
    return "\n".join([*lines, "scheme: {id: x, name: *i, year: 2021}"]) + "\n"


def binary_bomb(levels: int = 30) -> str:
    body = ["  a0: &a0 [lol, lol]"] + [f"  a{n}: &a{n} [*a{n - 1}, *a{n - 1}]" for n in range(1, levels)]
    return "x:\n" + "\n".join(body) + f"\nscheme: {{id: t, name: *a{levels - 1}, year: 2021}}\n"


# VmHWM (peak resident set of this program) starts afresh at exec, unlike ru_maxrss, which would
# include the pytest process the child was forked from.
CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1024**3, 1024**3))
from kaoping.cli.main import main
try:
    main(["validate", sys.argv[1]])
except SystemExit as stop:
    code = stop.code
with open("/proc/self/status") as status:
    peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
print("MAXRSS_KB", peak, file=sys.stderr)
sys.exit(code)
"""


def _validate_in_child(path: Path) -> tuple[int, str, int]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, timeout=120, check=False
    )
    peak_kb = int(done.stderr.rsplit("MAXRSS_KB", 1)[-1].split()[0]) if "MAXRSS_KB" in done.stderr else -1
    return done.returncode, done.stderr, peak_kb


def test_validate_refuses_the_billion_laughs_with_its_line_in_under_100_mb(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(billion_laughs(), encoding="utf-8")
    code, stderr, peak_kb = _validate_in_child(path)
    assert code == 2, stderr
    assert "第" in stderr and "别名炸弹" in stderr and "Traceback" not in stderr
    assert 0 < peak_kb < 100 * 1024


def test_validate_refuses_a_doubling_bomb_in_under_100_mb(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(binary_bomb(), encoding="utf-8")
    code, stderr, peak_kb = _validate_in_child(path)
    assert code == 2, stderr
    assert "别名炸弹" in stderr
    assert 0 < peak_kb < 100 * 1024


def test_validate_refuses_nan_points_with_the_place_and_line(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("points: 1,", "points: .nan,", 1)
    path = tmp_path / "scheme.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "components[0].indicators[0].children[0].points" in result.stderr
    assert "“.nan”不是有限的数字" in result.stderr and "第35行第49列" in result.stderr


def test_validate_refuses_json_infinity(tmp_path: Path) -> None:
    path = tmp_path / "scheme.json"
    path.write_text('{"scheme": {"id": "x", "name": "y", "year": -Infinity}}', encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "scheme.year: “-Infinity”不是有限的数字" in result.stderr and "第1行第45列" in result.stderr


def test_validate_refuses_a_5000_digit_year_without_a_python_error(tmp_path: Path) -> None:
    path = tmp_path / "scheme.yaml"
    path.write_text("scheme: {id: x, name: y, year: " + "9" * 5000 + "}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "超过 100 位" in result.stderr
    assert "ValueError" not in result.stderr and "意外问题" not in result.stderr
