"""Cost of refusing hostile files (issue 10 §4); not part of the test suite.

    .venv/bin/python benchmarks/bench_hostile_files.py

Each case runs ``kaoping validate`` (or one evidence check) in a fresh subprocess under a 1 GB
address-space limit and reports wall time, CPU time and peak resident memory (VmHWM, which starts
afresh at exec) of that process, plus the tracemalloc peak of the work alone. The baseline row
"startup" is the same process doing nothing but the imports. Writes benchmarks/results/hostile_files.md.

Targets (issue 10): a YAML alias bomb refused in < 1 s and < 100 MB.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "hostile_files.md"
REPEATS = 3

CHILD = r"""
import json, resource, sys, time, tracemalloc
resource.setrlimit(resource.RLIMIT_AS, (1024**3, 1024**3))
mode, path = sys.argv[1], sys.argv[2]
started, cpu = time.perf_counter(), time.process_time()
from kaoping.formats.scheme_file import validate_scheme_file  # imports are part of what a CLI run costs
from kaoping.cli.main import main
imported = time.perf_counter()
if mode == "validate":  # tracemalloc slows pypdf's object walk several times over: not for evidence
    tracemalloc.start()
outcome = ""
if mode == "validate":
    problems = validate_scheme_file(path)
    outcome = problems[0].message[:60] if problems else "accepted"
elif mode == "evidence":
    import os
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaoping.config.settings")
    import django
    django.setup()
    from pathlib import Path
    from kaoping.assessments import filecheck
    work = time.perf_counter()
    try:
        outcome = filecheck.detect(Path(path))
    except filecheck.Refused as refused:
        outcome = str(refused)[:60]
    imported = work
_, peak = tracemalloc.get_traced_memory() if tracemalloc.is_tracing() else (0, 0)
done = time.perf_counter()
with open("/proc/self/status") as status:
    hwm = int(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
print(json.dumps({"wall": done - started, "work": done - imported, "cpu": time.process_time() - cpu,
                  "traced_peak_kb": peak // 1024, "hwm_kb": hwm, "outcome": outcome}))
"""


def billion_laughs() -> str:
    lines = ["a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{','.join([f'*{previous}'] * 9)}]")
    return "\n".join([*lines, "scheme: {id: x, name: *i, year: 2021}"]) + "\n"


def doubling_bomb(levels: int = 30) -> str:
    body = ["  a0: &a0 [lol, lol]"] + [f"  a{n}: &a{n} [*a{n - 1}, *a{n - 1}]" for n in range(1, levels)]
    return "x:\n" + "\n".join(body) + f"\nscheme: {{id: t, name: *a{levels - 1}, year: 2021}}\n"


def big_pdf(pages: int) -> bytes:
    import io

    from reportlab.pdfgen import canvas

    stream = io.BytesIO()
    document = canvas.Canvas(stream, invariant=True, pageCompression=0)
    for page in range(pages):
        for line in range(60):
            document.drawString(40, 800 - line * 12, f"Page {page} line {line} " + "x" * 60)
        document.showPage()
    document.save()
    return stream.getvalue()


def many_object_pdf(count: int) -> bytes:
    """A PDF of ``count`` small annotation objects: the worst case of the object walk per byte."""
    out = bytearray(b"%PDF-1.7\n")
    bodies = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    }
    bodies |= {n: b"<< /Type /Annot /Subtype /Text /Rect [0 0 1 1] /Contents (note %d) >>" % n for n in range(4, count)}
    offsets = {}
    for number, body in bodies.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % count
    out += b"".join(b"%010d 00000 n \n" % offsets[n] for n in range(1, count))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (count, xref)
    return bytes(out)


def run(mode: str, path: Path) -> dict[str, float | str]:
    best: dict[str, float | str] = {}
    for _ in range(REPEATS):
        done = subprocess.run(
            [sys.executable, "-c", CHILD, mode, str(path)], capture_output=True, text=True, timeout=300, check=True
        )
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        if not best or figures["work"] < best["work"]:
            best = figures
    return best


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    cases: list[tuple[str, str, Path]] = []
    for label, text in (
        ("startup only (empty scheme)", "{}\n"),
        (f"billion laughs YAML ({len(billion_laughs().encode())} bytes, 9**9 values)", billion_laughs()),
        (f"doubling bomb YAML ({len(doubling_bomb().encode())} bytes, 60 aliases, 2**30 values)", doubling_bomb()),
        ("honggutan-2021 scheme (12 KB, real)", (HERE.parent / "examples/honggutan-2021/scheme.yaml").read_text()),
    ):
        path = folder / f"{len(cases)}.yaml"
        path.write_text(text, encoding="utf-8")
        cases.append((label, "validate", path))
    pdf = folder / "big.pdf"
    pdf.write_bytes(big_pdf(700))
    cases.append((f"evidence check: {pdf.stat().st_size / 1024 / 1024:.1f} MB, 700-page PDF", "evidence", pdf))
    for count in (49_000, 60_000):
        many = folder / f"many-{count}.pdf"
        many.write_bytes(many_object_pdf(count))
        size = many.stat().st_size / 1024 / 1024
        cases.append((f"evidence check: {size:.1f} MB PDF of {count:,} objects (limit 50,000)", "evidence", many))
    rows = []
    for label, mode, path in cases:
        figures = run(mode, path)
        rows.append(
            f"| {label} | {figures['work']:.3f} | {figures['wall']:.3f} | {figures['cpu']:.3f} | "
            f"{int(figures['traced_peak_kb']) / 1024:.1f} | {int(figures['hwm_kb']) / 1024:.1f} | "
            f"{figures['outcome']} |"
        )
        print(rows[-1], flush=True)
    table = "\n".join(
        [
            "# Refusing hostile files (benchmarks/bench_hostile_files.py)",
            "",
            f"{platform.processor() or platform.machine()}, Python {platform.python_version()}; best of {REPEATS} "
            "fresh processes, each under a 1 GB address-space limit. *work*: the check alone after the imports; "
            "*wall*/*cpu*: the whole process including imports; *traced*: tracemalloc peak of the work; "
            "*RSS*: peak resident set (VmHWM) of the process.",
            "",
            "| case | work s | wall s | cpu s | traced MB | RSS MB | outcome |",
            "|---|---|---|---|---|---|---|",
            *rows,
            "",
            "Before the bounds (commit 51df0ef): the doubling bomb ran 48.6 s and reached 2.39 GB before a "
            "MemoryError; the issue's 318-byte bomb took 11 s and 2.1 GB in the CLI, 4.85 GB and a 500 in a web "
            "worker. Evidence rows include Django's start-up in *wall*/*RSS*; their *traced* is 0 (not traced: "
            "tracemalloc would slow pypdf several times over).",
        ]
    )
    RESULTS.write_text(table + "\n", encoding="utf-8")
    print(f"written {RESULTS}")


if __name__ == "__main__":
    main()
