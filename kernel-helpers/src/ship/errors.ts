import { KernelHelpersError } from "../errors";

/**
 * A function cannot be sent to a worker: it captures variables from outside its own body, is native
 * or bound, is a class, or its module export is missing. The message names the call (`what`), the
 * function and the captured variable or the reason.
 */
export class FunctionNotShippableError extends KernelHelpersError {
  /** The captured outer variable, when that is the reason. */
  readonly variable?: string;

  constructor(message: string, options?: { variable?: string; cause?: unknown }) {
    super("ERR_FUNCTION_NOT_SHIPPABLE", message, options);
    if (options?.variable !== undefined) this.variable = options.variable;
  }
}
