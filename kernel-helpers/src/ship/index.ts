export { FunctionNotShippableError } from "./errors";
export { moduleTask, isModuleTask, shipFunction, reviveFunction, capturedError } from "./ship";
export type { ShippedFunction, ModuleTask } from "./ship";
export { serializeError, deserializeError } from "./serialize-error";
export type { SerializedError } from "./serialize-error";
