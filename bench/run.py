"""Time `envcheck scan` over generated trees, and envcheck's start-up, as a user runs it.

Usage: python bench/run.py [--sizes 50 200 1000] [--repeat 3]
Prints a Markdown table (paste it into bench/README.md). Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

REPO = Path(__file__).resolve().parent.parent
MIXED_HEAD = 'resource "aws_ecs_task_definition" "a" {\n  family = "f"\n  container_definitions = jsonencode([])\n}\n'
MIXED_BLOCK = 'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "bucket-{i}"\n  tags = {{ Name = "x" }}\n}}\n'


def timed(args: list[str], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "envcheck", *args], cwd=REPO, capture_output=True, check=False)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 1000])
    parser.add_argument("--ecs-share", type=float, default=0.1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("| case | files | median seconds |")
    print("|---|---:|---:|")
    print(f"| `envcheck --version` (start-up) | 0 | {timed(['--version'], args.repeat):.3f} |")
    print(f"| `envcheck scan examples/myteacher` | 14 | {timed(['scan', 'examples/myteacher'], args.repeat):.3f} |")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "main.tf").write_text(MIXED_HEAD + "".join(MIXED_BLOCK.format(i=i) for i in range(12000)))
        seconds = timed(["scan", "--fail-on", "never", str(root)], args.repeat)
        print(f"| one 1 MB main.tf: a task definition among 12,000 other resources | 1 .tf | {seconds:.3f} |")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "tree"
            generate(root, size, args.ecs_share)
            seconds = timed(["scan", "--fail-on", "never", str(root)], args.repeat)
            share = int(args.ecs_share * 100)
            print(
                f"| generated tree, {share}% ECS task definitions | {size} .tf + {max(1, size // 20)} .env | "
                f"{seconds:.3f} |"
            )


if __name__ == "__main__":
    main()
