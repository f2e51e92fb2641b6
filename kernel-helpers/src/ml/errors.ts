import { KernelHelpersError } from "../errors";

/** `predict`/`score` was called on an estimator that has not been fitted (scikit-learn's `NotFittedError`). */
export class NotFittedError extends KernelHelpersError {
  constructor(what: string) {
    super("ERR_NOT_FITTED", `This ${what} instance is not fitted yet: call \`fit(X, y)\` first`);
  }
}

/** libsvm failed to load or to train; `cause` holds what libsvm threw. */
export class LibsvmError extends KernelHelpersError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_LIBSVM", message, options);
  }
}
