#!/usr/bin/env python3
"""Style checks that fail the test suite (style §7): lines over 100 columns, functions over 70
lines, FIXME markers, and calls banned outside the one place allowed to make them (the host
clock and OS randomness live in core/clock.cpp and core/random.cpp only, DESIGN §4; benchmarks
time themselves with the steady clock)."""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCE_DIRS = ["core", "schemas", "storage", "kernels", "actors", "net", "sim", "bin",
               "benchmarks", "tests"]
SUFFIXES = {".hpp", ".cpp", ".cu", ".cuh", ".fbs", ".py", ".sh"}
COLUMNS_MAX = 100
FUNCTION_LINES_MAX = 70
BANNED = [
    (re.compile(r"\b(system_clock|steady_clock|high_resolution_clock)::now\b"),
     {"core/clock.cpp", "benchmarks/"}, "read the injected clock_source instead"),
    (re.compile(r"\bstd::random_device\b|(?<![\w:])s?rand\s*\("),
     {"core/random.cpp"}, "use an injected random_source"),
    (re.compile(r"\bFIXME\b"), set(), "resolve it or file an issue"),
]
# A function definition starting at column 0: "type name(args) [const…] {".
FUNCTION_START = re.compile(r"^[A-Za-z_][^;=]*\)\s*(const|override|noexcept|final|\s)*\{\s*$")


def check_file(path, rel, problems):
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    start = None
    for number, line in enumerate(lines, 1):
        if len(line) > COLUMNS_MAX:
            problems.append(f"{rel}:{number}: line has {len(line)} columns (max {COLUMNS_MAX})")
        for pattern, allowed, advice in BANNED:
            code = line.split("//")[0] if path.suffix != ".py" else line
            exempt = any(rel == a or (a.endswith("/") and rel.startswith(a)) for a in allowed)
            if not exempt and pattern.search(code) and "tidy.py" not in rel:
                problems.append(f"{rel}:{number}: banned: {pattern.pattern} ({advice})")
        if path.suffix in {".cpp", ".cu", ".hpp", ".cuh"}:
            if start is None and FUNCTION_START.match(line):
                start = number
            elif start is not None and line.startswith("}"):
                length = number - start - 1
                if length > FUNCTION_LINES_MAX:
                    problems.append(f"{rel}:{start}: function body has {length} lines "
                                    f"(max {FUNCTION_LINES_MAX})")
                start = None


def main():
    problems = []
    for folder in SOURCE_DIRS:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix in SUFFIXES and "fixtures" not in path.parts:
                check_file(path, str(path.relative_to(ROOT)), problems)
    for problem in problems:
        print(problem)
    print(f"tidy: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
