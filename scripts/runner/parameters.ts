// Papermill's parameters, in TypeScript: `-p NAME VALUE` becomes `const NAME = VALUE;` in a cell
// tagged `injected-parameters` placed right after the cell tagged `parameters`. tslab compiles each
// cell on its own, so a later cell may redeclare a top-level `const` and later cells see the new
// value (checked with tslab 1.0.22). Beware a tslab bug that is unrelated but bites here: a
// shorthand property `{ TIME_SCALE }` in a later cell does not see the variable; write
// `{ TIME_SCALE: TIME_SCALE }`.
import ts from "typescript";
import type { Notebook } from "../notebook/nbformat";
import { cellTags, code, sourceText } from "../notebook/nbformat";
import { describeType, InvalidArgumentError, ParameterTypeError } from "./errors";

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

/** The JSON type a parameter's default has, or undefined when the cell does not say (`const X = f()`). */
export type ParameterType = "number" | "string" | "boolean" | "array" | "object" | undefined;

function typeOfInitializer(node: ts.Expression | undefined): ParameterType {
  if (!node) return undefined;
  if (ts.isNumericLiteral(node) || (ts.isPrefixUnaryExpression(node) && ts.isNumericLiteral(node.operand))) return "number";
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return "string";
  if (node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword) return "boolean";
  if (ts.isArrayLiteralExpression(node)) return "array";
  if (ts.isObjectLiteralExpression(node)) return "object";
  if (ts.isAsExpression(node) || ts.isParenthesizedExpression(node) || ts.isSatisfiesExpression(node)) return typeOfInitializer(node.expression);
  return undefined;
}

function typeOfAnnotation(node: ts.TypeNode | undefined): ParameterType | null {
  if (!node) return null;
  switch (node.kind) {
    case ts.SyntaxKind.NumberKeyword: return "number";
    case ts.SyntaxKind.StringKeyword: return "string";
    case ts.SyntaxKind.BooleanKeyword: return "boolean";
    case ts.SyntaxKind.ArrayType: return "array";
    case ts.SyntaxKind.TypeLiteral: return "object";
    default: return undefined; // a union, an alias…: not checked
  }
}

/**
 * The names the cell tagged `parameters` declares at top level, with the type of each default
 * (from its annotation, else its literal), or null when the notebook has no such cell.
 */
export function declaredParameters(nb: Notebook): Map<string, ParameterType> | null {
  const cell = nb.cells.find((c) => c.cell_type === "code" && cellTags(c).includes(PARAMETERS_TAG));
  if (!cell) return null;
  const file = ts.createSourceFile("parameters.ts", sourceText(cell.source), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const names = new Map<string, ParameterType>();
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const d of statement.declarationList.declarations) {
      if (!ts.isIdentifier(d.name)) continue;
      const annotated = typeOfAnnotation(d.type);
      names.set(d.name.text, annotated === null ? typeOfInitializer(d.initializer) : annotated);
    }
  }
  return names;
}

function jsonType(value: unknown): ParameterType | "null" {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  const t = typeof value;
  return t === "number" || t === "string" || t === "boolean" || t === "object" ? t : undefined;
}

/**
 * Checks `parameters` against the notebook's parameters cell, as papermill does before it runs:
 * returns a warning for each name the cell does not declare (papermill: "Passed unknown
 * parameter"), and throws ParameterTypeError for a value whose type differs from the default's.
 */
export function checkParameters(file: string, nb: Notebook, parameters: Readonly<Record<string, unknown>>): string[] {
  const names = Object.keys(parameters);
  if (names.length === 0) return [];
  const declared = declaredParameters(nb);
  if (declared === null) return [`${file}: no cell is tagged ${PARAMETERS_TAG}; the parameters ${names.join(", ")} are injected before the first cell`];
  const warnings: string[] = [];
  for (const name of names) {
    if (!declared.has(name)) {
      warnings.push(`${file}: passed unknown parameter ${name} (the parameters cell declares ${[...declared.keys()].join(", ") || "nothing"})`);
      continue;
    }
    const expected = declared.get(name);
    const received = jsonType(parameters[name]);
    if (expected !== undefined && received !== expected) throw new ParameterTypeError(file, name, describeType(sample(expected)), parameters[name]);
  }
  return warnings;
}

function sample(type: Exclude<ParameterType, undefined>): unknown {
  return { number: 0, string: "", boolean: false, array: [], object: {} }[type];
}
