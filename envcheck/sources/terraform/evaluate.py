"""The expression evaluator: an hcl2 node (or a .tf.json value) to a value, as far as the files allow.

Whatever depends on apply time (data sources, resource attributes, module outputs, variables nobody
sets, functions not implemented) becomes `Unknown(reason)` in place; it is never guessed. What
Terraform itself would reject becomes a `Failure`, which `try()` and `can()` can see.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from envcheck.fs import display_path
from envcheck.sources.terraform.blocks import JsonValue, Module
from envcheck.sources.terraform.budget import spend
from envcheck.sources.terraform.functions import FUNCTIONS
from envcheck.sources.terraform.hcl import (
    Step,
    flatten_traversal,
    index_step,
    node_kind,
    node_line,
    node_name,
    rule_name,
    splat_step,
)
from envcheck.sources.terraform.operators import logical, lookup, operate
from envcheck.sources.terraform.templates import heredoc_body, template_pieces, unescape
from envcheck.sources.terraform.values import (
    Failure,
    FileText,
    Partial,
    SourceFile,
    as_number,
    as_text,
    at_line,
    brief,
    first_unknown,
    join_template,
    known,
    tf_equal,
    tidy_number,
)
from envcheck.values import Unknown


class Workspace(Protocol):
    """What evaluation needs from the loader: template expressions parsed, files read inside the scanned roots."""

    def expression(self, src: str) -> Any: ...

    def read_source(self, where: str, root_dir: Path) -> SourceFile | None: ...


class Variables(Protocol):
    """The module instance `var.*`, `local.*` and `path.module` refer to."""

    module: Module

    def var(self, name: str) -> Any: ...

    def local(self, name: str) -> Any: ...


_NODE_HANDLERS = {
    "ExprTermRule": "_term",
    "ConditionalRule": "_conditional",
    "BinaryOpRule": "_binary",
    "UnaryOpRule": "_unary",
    "IntLitRule": "_int",
    "FloatLitRule": "_float",
    "LiteralValueRule": "_literal",
    "StringRule": "_string",
    "HeredocTemplateRule": "_heredoc",
    "HeredocTrimTemplateRule": "_heredoc",
    "TupleRule": "_tuple",
    "ObjectRule": "_object",
    "IdentifierRule": "_traversal",
    "GetAttrExprTermRule": "_traversal",
    "IndexExprTermRule": "_traversal",
    "AttrSplatExprTermRule": "_splat",
    "FullSplatExprTermRule": "_splat",
    "FunctionCallRule": "_call",
    "ForTupleExprRule": "_for_tuple",
    "ForObjectExprRule": "_for_object",
}


@dataclass(eq=False)
class Evaluator:
    """Evaluates expressions for one module instance; `bindings` hold for-iterators, each and count.

    `isolated` is a templatefile() scope (only its variables); `shift` maps the lines of a
    re-parsed template expression back to the file.
    """

    workspace: Workspace
    instance: Variables | None
    root_dir: Path
    bindings: dict[str, Any] = field(default_factory=dict)
    isolated: bool = False
    shift: int = 0

    def bound(self, extra: dict[str, Any]) -> Evaluator:
        return dataclasses.replace(self, bindings={**self.bindings, **extra})

    def shifted(self, shift: int) -> Evaluator:
        return dataclasses.replace(self, shift=shift)

    def line(self, node: Any) -> int | None:
        if isinstance(node, JsonValue):
            return node.line
        line = node_line(node)
        return None if line is None else line + self.shift

    def eval(self, node: Any) -> Any:
        spend()
        if isinstance(node, JsonValue):
            return self._json(node)
        handler = _NODE_HANDLERS.get(node_kind(node))
        if handler is None:
            return Unknown("an expression envcheck does not evaluate", self.line(node))
        return getattr(self, handler)(node)

    # -- literals and structure

    def _json(self, node: JsonValue) -> Any:
        value = node.value
        if isinstance(value, str):
            return value if node.literal else self._template(value, node.line, node.line)
        if isinstance(value, list):
            return [self._json(JsonValue(v, node.line, node.literal)) for v in value]
        if isinstance(value, dict):
            return {k: self._json(JsonValue(v, node.line, node.literal)) for k, v in value.items()}
        return value

    def _term(self, node: Any) -> Any:
        return self.eval(node.expression)

    def _int(self, node: Any) -> Any:
        return int(node.token.value)

    def _float(self, node: Any) -> Any:
        return tidy_number(float(node.token.value))

    def _literal(self, node: Any) -> Any:
        return {"true": True, "false": False, "null": None}.get(node_name(node))

    def _tuple(self, node: Any) -> Any:
        return [self.eval(element) for element in node.elements]

    def _object(self, node: Any) -> Any:
        out: dict[str, Any] = {}
        for element in node.elements:
            key = self._object_key(element.key)
            if isinstance(key, Unknown):
                return key  # an unknown key makes the whole object unknown
            out[key] = self.eval(element.expression)
        return out

    def _object_key(self, key: Any) -> Any:
        if node_kind(key) == "ObjectElemKeyRule":
            inner = key.value
            if node_kind(inner) == "IdentifierRule":
                return node_name(inner)
            value = known(self.eval(inner))
        else:
            value = known(self.eval(key.expression))
        if isinstance(value, Unknown):
            return value
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return as_text(value)
        return Failure("an object key is not a string", self.line(key))

    # -- strings

    def _string(self, node: Any) -> Any:
        values: list[Any] = []
        only_interpolation = len(node.string_parts) == 1
        for part in node.string_parts:
            content = part.content
            kind = rule_name(content)
            if kind == "STRING_CHARS":
                values.append(unescape(str(content.value)))
            elif kind in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                values.append(str(content.value)[1:])
            elif kind == "interpolation":
                values.append(at_line(self.eval(content.expression), self.line(node)))
            else:
                return Unknown("a template directive %{...}, which envcheck does not evaluate", self.line(node))
        if only_interpolation and values and not isinstance(values[0], str):
            return values[0]  # "${x}" is x itself, whatever its type
        return join_template(values, self.line(node))

    def _heredoc(self, node: Any) -> Any:
        trim = node_kind(node) == "HeredocTrimTemplateRule"
        body = heredoc_body(str(node.heredoc.value), trim)
        start = self.line(node)
        return self._template(body, None if start is None else start + 1, start)

    def _template(self, text: str, first_line: int | None, where: int | None) -> Any:
        """Evaluate template text (heredoc body, .tf.json string, templatefile())."""
        try:
            pieces = template_pieces(text)
        except ValueError as exc:
            return Failure(str(exc), where)
        values: list[Any] = []
        for kind, src, offset in pieces:
            line = None if first_line is None else first_line + text.count("\n", 0, offset)
            if kind == "text":
                values.append(src)
            elif kind == "directive":
                return Unknown(f"a template directive %{{{src.strip()}}}, which envcheck does not evaluate", line)
            else:
                values.append(self._embedded(src, line))
        if len(pieces) == 1 and pieces[0][0] == "expr":
            return values[0]
        return join_template(values, where)

    def _embedded(self, src: str, line: int | None) -> Any:
        """An expression inside template text, parsed on its own; its unknowns point at `line`."""
        node = self.workspace.expression(src)
        if node is None:
            return Failure("an expression in a template does not parse", line)
        value = self.shifted((line or 2) - 2).eval(node)
        if isinstance(value, Unknown) and line is not None:
            return dataclasses.replace(value, line=line)
        return value

    # -- operators

    def _conditional(self, node: Any) -> Any:
        cond = known(self.eval(node.condition))
        if isinstance(cond, Unknown):
            yes, no = self.eval(node.if_true), self.eval(node.if_false)
            return yes if tf_equal(yes, no) and first_unknown(yes) is None else cond
        if cond in ("true", "false"):
            cond = cond == "true"
        if not isinstance(cond, bool):
            return Failure("a condition is not true or false", self.line(node))
        return self.eval(node.if_true if cond else node.if_false)

    def _binary(self, node: Any) -> Any:
        op = str(node.binary_term.binary_operator.token.value).strip()
        left = known(self.eval(node.children[0]))
        right = known(self.eval(node.binary_term.expr_term))
        line = self.line(node)
        if op in ("&&", "||"):
            return logical(op, left, right, line)
        for side in (left, right):
            if isinstance(side, Unknown):
                return side
        try:
            return operate(op, left, right)
        except (TypeError, ValueError, ZeroDivisionError, OverflowError) as exc:
            return Failure(f"{op}: {exc}", line)

    def _unary(self, node: Any) -> Any:
        value = known(self.eval(node.expr_term))
        if isinstance(value, Unknown):
            return value
        try:
            if node.operator.strip() == "!":
                if not isinstance(value, bool):
                    raise TypeError("! needs true or false")
                return not value
            return tidy_number(-as_number(value))
        except (TypeError, ValueError) as exc:
            return Failure(str(exc), self.line(node))

    # -- references

    def _traversal(self, node: Any) -> Any:
        flat = flatten_traversal(node)
        if flat is not None:
            return self._reference(flat[0], flat[1], node)
        kind = node_kind(node)
        if kind == "GetAttrExprTermRule":
            return self._apply(self.eval(node.expr_term), [("attr", node_name(node.get_attr.identifier))], node)
        return self._apply(self.eval(node.children[0]), [index_step(node.children[1])], node)

    def _reference(self, root: str, steps: list[Step], node: Any) -> Any:
        """Resolve `root.steps...`: bindings, var, local, path; everything else is known only at apply."""
        line = self.line(node)
        if root in self.bindings:
            return self._apply(self.bindings[root], steps, node)
        if self.isolated:
            return Failure(f"{root} is not a variable of this templatefile()", line)
        head = steps[0][1] if steps and steps[0][0] == "attr" else None
        if self.instance is not None and head is not None:
            if root == "var":
                return self._apply(at_line(self.instance.var(head), line), steps[1:], node)
            if root == "local":
                return self._apply(at_line(self.instance.local(head), line), steps[1:], node)
            if root == "path" and head in ("module", "root", "cwd"):
                where = self.instance.module.dir if head == "module" else self.root_dir
                return self._apply(str(where), steps[1:], node)
        return Unknown(self._render(root, steps), line)

    def _render(self, root: str, steps: list[Step]) -> str:
        """`aws_db_instance.x.address`, `data.aws_ssm_parameter.p["k"].value`: the reason a value is unknown."""
        out = root
        for kind, value in steps:
            if kind == "attr":
                out += f".{value}"
                continue
            key = value if kind == "const" else known(self.eval(value))
            out += f"[{json.dumps(key)}]" if isinstance(key, (str, int)) and not isinstance(key, bool) else "[...]"
        return out

    def _apply(self, value: Any, steps: list[Step], node: Any) -> Any:
        for kind, step in steps:
            if isinstance(value, Unknown):
                return value
            if kind == "attr":
                key: Any = step
            elif kind == "const":
                key = step
            else:
                key = known(self.eval(step))
                if isinstance(key, Unknown):
                    return key
            value = lookup(known(value), key, self.line(node))
        return value

    def _splat(self, node: Any) -> Any:
        base = known(self.eval(node.expr_term))
        if isinstance(base, Unknown):
            return base
        steps = [splat_step(s) for s in node.attr_splat.get_attrs]
        items = [] if base is None else base if isinstance(base, list) else [base]
        return [self._apply(item, steps, node) for item in items]

    # -- for expressions

    def _iterations(self, node: Any) -> list[Evaluator] | Unknown:
        """One evaluator per element kept by the for expression's `if`, or why that is unknown."""
        intro = node.for_intro
        collection = known(self.eval(intro.iterable))
        if isinstance(collection, Unknown):
            return collection
        if isinstance(collection, dict):
            pairs = [(k, collection[k]) for k in sorted(collection)]
        elif isinstance(collection, list):
            pairs = list(enumerate(collection))
        else:
            return Failure("a for expression needs a list or a map", self.line(node))
        first = node_name(intro.first_iterator)
        second = node_name(intro.second_iterator) if intro.second_iterator is not None else None
        out = []
        for key, value in pairs:
            scope = self.bound({first: key, second: value} if second else {first: value})
            if node.condition is not None:
                keep = known(scope.eval(node.condition.condition_expr))
                if isinstance(keep, Unknown):
                    return keep
                if not isinstance(keep, bool):
                    return Failure("a for condition is not true or false", self.line(node))
                if not keep:
                    continue
            out.append(scope)
        return out

    def _for_tuple(self, node: Any) -> Any:
        scopes = self._iterations(node)
        if isinstance(scopes, Unknown):
            return scopes
        return [scope.eval(node.value_expr) for scope in scopes]

    def _for_object(self, node: Any) -> Any:
        scopes = self._iterations(node)
        if isinstance(scopes, Unknown):
            return scopes
        out: dict[str, Any] = {}
        for scope in scopes:
            key = known(scope.eval(node.key_expr))
            if isinstance(key, Unknown):
                return key
            if isinstance(key, bool) or not isinstance(key, (str, int, float)):
                return Failure("a for expression key is not a string", self.line(node))
            value = scope.eval(node.value_expr)
            if node.ellipsis is not None:
                out.setdefault(as_text(key), []).append(value)
            elif as_text(key) in out:
                return Failure(f"the key {brief(as_text(key))} appears twice (use ... to group)", self.line(node))
            else:
                out[as_text(key)] = value
        return out

    # -- functions

    def _call(self, node: Any) -> Any:
        name = "::".join(node_name(i) for i in node.identifiers)
        line = self.line(node)
        rule = node.arguments
        args = [self.eval(a) for a in (rule.arguments if rule is not None else [])]
        if rule is not None and rule.has_ellipsis and args:
            spread = known(args[-1])
            if isinstance(spread, Unknown):
                return spread
            if not isinstance(spread, list):
                return Failure(f"{name}(...): the last argument is not a list", line)
            args = args[:-1] + spread
        if name in ("file", "templatefile"):
            return self._file(name, args, line)
        function = FUNCTIONS.get(name)
        if function is None:
            return Unknown(f"{name}(), which envcheck does not evaluate", line)
        try:
            return at_line(function(args), line)
        except RecursionError:
            raise
        except Exception as exc:  # functions run on whatever the files hold: a bad argument is Terraform's error
            return Failure(f"{name}(): {exc or exc.__class__.__name__}", line)

    def _file(self, name: str, args: list[Any], line: int | None) -> Any:
        """file()/templatefile() of a file inside the scanned roots, read only through ScanContext."""
        if not args:
            return Failure(f"{name}() needs a path", line)
        where = known(args[0])
        if isinstance(where, Unknown):
            return Unknown(f"{name}() of {where.reason}", line)
        if not isinstance(where, str):
            return Failure(f"{name}(): the path is not a string", line)
        source = self.workspace.read_source(where, self.root_dir)
        if source is None:
            return Unknown(f'{name}("{where}"), which could not be read', line)
        if name == "file":
            return FileText(source.text, source)
        variables = known(args[1]) if len(args) > 1 else {}
        if isinstance(variables, Unknown):
            return variables
        if not isinstance(variables, dict):
            return Failure("templatefile(): the variables are not a map", line)
        scope = Evaluator(self.workspace, None, self.root_dir, dict(variables), isolated=True)
        result = scope._template(source.text, 1, 1)
        if isinstance(result, Unknown):  # its line is in the template: say which file
            reason = f"{result.reason} ({display_path(source.path)}:{result.line})"
            return dataclasses.replace(result, reason=reason, line=line)
        if isinstance(result, Partial):
            return dataclasses.replace(result, source=source)
        return FileText(result, source) if isinstance(result, str) else result
