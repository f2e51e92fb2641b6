"""papermill's parameters in TypeScript, for notebooks on the tslab kernel.

papermill writes the values it is given (``-p TIME_SCALE 0.1``) into a cell tagged
``injected-parameters`` right after the cell tagged ``parameters``. tslab compiles each cell on its
own, so a later cell may declare a top-level ``const`` again and every later cell sees the new value:
the injected cell is ``const TIME_SCALE = 0.1;`` — the same cell the course's own runner injects
(scripts/runner/parameters.ts), so both runs agree.
"""
import json
import math
import re

from papermill.engines import NBClientEngine
from papermill.exceptions import PapermillException
from papermill.models import Parameter
from papermill.translators import Translator, papermill_translators

__all__ = ["TypeScriptTranslator", "TypeScriptEngine", "UntranslatableParameterError"]

_IDENTIFIER = re.compile(r"^[A-Za-z_$][\w$]*$")
# `const NAME: type = value; // help` at the start of a line of the parameters cell.
_DECLARATION = re.compile(
    r"^\s*(?:export\s+)?(?:const|let|var)\s+(?P<name>[A-Za-z_$][\w$]*)\s*(?::\s*(?P<type>[^=]+?))?\s*=\s*(?P<value>.+?);?\s*(?://\s*(?P<help>.*))?$"
)


class UntranslatableParameterError(PapermillException):
    """A parameter whose value (or name) TypeScript cannot be given."""


class TypeScriptTranslator(Translator):
    @classmethod
    def translate_escaped_str(cls, str_val):
        return json.dumps(str(str_val), ensure_ascii=False)

    @classmethod
    def translate_none(cls, val):
        return "null"

    @classmethod
    def translate_int(cls, val):
        if abs(val) > 2**53:
            raise UntranslatableParameterError(f"{val} is beyond 2**53, where a JavaScript number no longer holds every integer")
        return str(val)

    @classmethod
    def translate_float(cls, val):
        if math.isnan(val):
            return "NaN"
        if math.isinf(val):
            return "Infinity" if val > 0 else "-Infinity"
        return repr(val)

    @classmethod
    def translate_bool(cls, val):
        return "true" if val else "false"

    @classmethod
    def translate_dict(cls, val):
        entries = ", ".join(f"{json.dumps(str(k), ensure_ascii=False)}: {cls.translate(v)}" for k, v in val.items())
        return "{" + entries + "}"

    @classmethod
    def translate_list(cls, val):
        return "[" + ", ".join(cls.translate(v) for v in val) + "]"

    @classmethod
    def translate(cls, val):
        if val is None or isinstance(val, (str, bool, int, float, dict, list)):
            return super().translate(val)
        if isinstance(val, tuple):
            return cls.translate_list(list(val))
        # papermill would quote anything else as a string; a function or an object would then
        # arrive as its repr, silently wrong.
        raise UntranslatableParameterError(f"{type(val).__name__} value {val!r} has no TypeScript literal (give numbers, strings, booleans, null, lists or dicts)")

    @classmethod
    def comment(cls, cmt_str):
        return f"// {cmt_str}".strip()

    @classmethod
    def assign(cls, name, str_val):
        return f"const {name} = {str_val};"

    @classmethod
    def codify(cls, parameters, comment="Parameters"):
        lines = [cls.comment(comment)]
        for name, value in parameters.items():
            if not _IDENTIFIER.match(name):
                raise UntranslatableParameterError(f"parameter {name!r}: not a TypeScript identifier")
            try:
                lines.append(cls.assign(name, cls.translate(value)))
            except UntranslatableParameterError as error:
                raise UntranslatableParameterError(f"parameter {name}: {error}") from None
        return "\n".join(lines) + "\n"

    @classmethod
    def inspect(cls, parameters_cell):
        """The parameters the cell declares (for `papermill --help-notebook` and its unknown-parameter warning)."""
        found = []
        for line in parameters_cell.source.splitlines():
            match = _DECLARATION.match(line)
            if match:
                found.append(
                    Parameter(
                        name=match["name"],
                        inferred_type_name=(match["type"] or "None").strip(),
                        default=match["value"].strip(),
                        help=(match["help"] or "").strip(),
                    )
                )
        return found


class TypeScriptEngine(NBClientEngine):
    """papermill's own nbclient engine; it exists so that papermill imports this module (see pyproject.toml)."""


for _name in ("typescript", "tslab"):
    papermill_translators.register(_name, TypeScriptTranslator)
