"""tfvars: which .tfvars files set a root's variables, and the values they set.

For a root, lowest precedence first: variable defaults; `terraform.tfvars`, `terraform.tfvars.json`,
`*.auto.tfvars(.json)` in its directory (what Terraform loads itself); then the var-files: any other
`*.tfvars(.json)` in the scan that sets a variable the root declares and is nearer to it (longest
common directory) than to any other such root. One var-file is applied as is; when several apply
(one per environment), a variable they do not all set to the same value is Unknown, naming the
files: envcheck does not pick an environment.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from envcheck.fs import ScanContext, display_path
from envcheck.sources.terraform.blocks import Attr, Module, hcl_body, parsed_or_reported
from envcheck.sources.terraform.budget import guarded
from envcheck.sources.terraform.evaluate import Evaluator, Workspace
from envcheck.sources.terraform.hcl import parse_hcl
from envcheck.sources.terraform.values import MISSING, tf_equal
from envcheck.values import Unknown

_TFVARS_NAME = re.compile(r"""^\s*"?([A-Za-z_][\w-]*)"?\s*[=:]""", re.M)


class Tfvars:
    """The scan's tfvars files, each read (and evaluated) once, whichever roots it serves."""

    def __init__(self, files: list[Path], ctx: ScanContext, workspace: Workspace) -> None:
        self.files = files
        self.ctx = ctx
        self.workspace = workspace
        self._values: dict[Path, dict[str, Any] | None] = {}

    def var_files(self, roots: list[Module], tf_dirs: set[Path]) -> dict[Path, list[Path]]:
        """Each var-file goes to the nearest root(s) declaring a variable it sets (module docstring)."""
        out: dict[Path, list[Path]] = {}
        for path in self.files:
            if _is_auto_tfvars(path) and path.parent in tf_dirs:
                continue  # Terraform loads it for its own directory
            text = self.ctx.read_text(path)
            if text is None:
                continue
            names = set(_TFVARS_NAME.findall(text))
            owners = [m for m in roots if names & set(m.variables)]
            if not owners:
                continue
            best = max(_shared_depth(path.parent, m.dir) for m in owners)
            for module in owners:
                if _shared_depth(path.parent, module.dir) == best:
                    out.setdefault(module.dir, []).append(path)
        return out

    def root_values(self, module: Module, var_files: list[Path]) -> dict[str, Any]:
        """Variable values for a root: auto-loaded tfvars, then the var-files (agreeing, or Unknown)."""
        values: dict[str, Any] = {}
        for path in _auto_tfvars(module.dir, self.files):
            values.update(self._file_values(path) or {})
        sets = [(path, self._file_values(path) or {}) for path in var_files]
        for name in module.variables:
            given = [(path, found.get(name, MISSING)) for path, found in sets]
            if not given:
                continue
            first = given[0][1]
            if all(value is not MISSING and tf_equal(value, first) for _, value in given):
                values[name] = first
            elif any(value is not MISSING for _, value in given):
                names = " and ".join(display_path(p) for p, _ in given[:3])
                values[name] = Unknown(f"var.{name} (differs between {names})")
        return values

    def _file_values(self, path: Path) -> dict[str, Any] | None:
        if path not in self._values:
            self._values[path] = self._read(path)
        return self._values[path]

    def _read(self, path: Path) -> dict[str, Any] | None:
        """The values one file sets, or None after an SRC002 finding (or when it cannot be read)."""
        text = self.ctx.read_text(path)
        if text is None:
            return None
        if path.name.lower().endswith(".json"):
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                self.ctx.report("SRC002", f"JSON does not parse: {exc.msg}", path, exc.lineno)
                return None
            except RecursionError:
                self.ctx.report("SRC002", "JSON does not parse: nested too deeply", path)
                return None
            return data if isinstance(data, dict) else {}
        parsed = parsed_or_reported(self.ctx, path, "HCL", lambda: hcl_body(parse_hcl(text).body, path))
        if parsed is None:
            return None
        attrs, _ = parsed
        scope = Evaluator(self.workspace, None, path.parent)

        def value(attr: Attr) -> Any:
            return guarded(lambda: scope.eval(attr.expr), attr.line, f"var.{attr.name}")

        return {name: value(attr) for name, attr in attrs.items()}


_TFVARS_NAME = re.compile(r"""^\s*"?([A-Za-z_][\w-]*)"?\s*[=:]""", re.M)


def _is_auto_tfvars(path: Path) -> bool:
    """The tfvars Terraform loads for its own directory without being told."""
    name = path.name
    return name in ("terraform.tfvars", "terraform.tfvars.json") or name.endswith((".auto.tfvars", ".auto.tfvars.json"))


def _auto_tfvars(folder: Path, tfvars: list[Path]) -> list[Path]:
    """The files Terraform loads by itself, in its order of precedence (lowest first)."""
    mine = [p for p in tfvars if p.parent == folder and _is_auto_tfvars(p)]
    order = {"terraform.tfvars": 0, "terraform.tfvars.json": 1}
    return sorted(mine, key=lambda p: (order.get(p.name, 2), p.name))


def _shared_depth(a: Path, b: Path) -> int:
    """How many leading path parts `a` and `b` share: the nearer root gets a var-file."""
    try:
        return len(Path(os.path.commonpath([a, b])).parts)
    except ValueError:
        return 0
