// Papermill's parameters, in TypeScript: `-p NAME VALUE` becomes `const NAME = VALUE;` in a cell
// tagged `injected-parameters` placed right after the cell tagged `parameters`. tslab compiles each
// cell on its own, so a later cell may redeclare a top-level `const` and later cells see the new
// value (checked with tslab 1.0.22). Beware a tslab bug that is unrelated but bites here: a
// shorthand property `{ TIME_SCALE }` in a later cell does not see the variable; write
// `{ TIME_SCALE: TIME_SCALE }`.
import type { Notebook } from "../notebook/nbformat";
import { cellTags, code } from "../notebook/nbformat";
import { InvalidArgumentError } from "./errors";

/** The tag of the cell the runner inserts. */
export const INJECTED_PARAMETERS_TAG = "injected-parameters";
export const PARAMETERS_TAG = "parameters";

/** A command-line value: JSON when it parses (`0.1`, `true`, `[1,2]`, `"x"`), else the string itself. */
export function parseParameterValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** The source of the injected cell; rejects names that are not identifiers and values JSON cannot hold. */
export function parametersSource(parameters: Readonly<Record<string, unknown>>): string {
  const lines = ["// Parameters injected by the notebook runner (npm run notebooks -- -p NAME VALUE)."];
  for (const [name, value] of Object.entries(parameters)) {
    if (!IDENTIFIER.test(name)) throw new InvalidArgumentError(`Expected parameter names to be identifiers, got ${JSON.stringify(name)}`);
    const literal = JSON.stringify(value);
    if (literal === undefined) throw new InvalidArgumentError(`Expected parameter ${name} to be a JSON value, got ${typeof value}`);
    lines.push(`const ${name} = ${literal};`);
  }
  return lines.join("\n");
}

/**
 * A copy of `nb` with the parameters cell injected (replacing one injected earlier), after the
 * cell tagged `parameters`, or first when there is none (papermill does the same).
 */
export function injectParameters(nb: Notebook, parameters: Readonly<Record<string, unknown>>): Notebook {
  const cells = nb.cells.filter((cell) => !cellTags(cell).includes(INJECTED_PARAMETERS_TAG));
  if (Object.keys(parameters).length === 0) return { ...nb, cells };
  const at = cells.findIndex((cell) => cell.cell_type === "code" && cellTags(cell).includes(PARAMETERS_TAG));
  cells.splice(at + 1, 0, code(parametersSource(parameters), { tags: [INJECTED_PARAMETERS_TAG] }));
  return { ...nb, cells };
}
