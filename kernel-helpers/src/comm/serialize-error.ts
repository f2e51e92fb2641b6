/** Errors cross thread and process boundaries as plain data: name, message, stack. */
export function serializeError(error: unknown): { name: string; message: string; stack?: string } {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: "Error", message: `a non-Error value was thrown: ${String(error)}` };
}
