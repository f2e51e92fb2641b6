export { settlesWithin, withDeadline } from "./deadline";
export { terminate, DEFAULT_KILL_GRACE_MS } from "./terminate";
export type { TerminateOptions } from "./terminate";
export { processExists, removeEntriesOfDeadOwners } from "./dead-owners";
