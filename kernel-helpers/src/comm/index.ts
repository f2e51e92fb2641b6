// The MPI-style communicator (mpi4py's names) and its launchers.
export { Comm, Request } from "./comm";
export type { CommBuffer } from "./comm";
export { Op, SUM, PROD, MIN, MAX } from "./ops";
export { ANY_SOURCE, ANY_TAG, TAG_UB, Status } from "./status";
export { mpirun, mpirunProgram, findMpiexec } from "./mpirun";
export type { CommTransport, MpirunOptions, RankFunction } from "./mpirun";
export { RankFailedError, DeadlockError, CommTimeoutError, CommAbortError, MessageTruncatedError, CommSetupError, CollectiveMismatchError } from "./errors";
export type { CommWait } from "./errors";
