import { KernelHelpersError } from "../errors";

/** Two chunked arrays cannot be combined: different shapes or chunks. */
export class ChunkMismatchError extends KernelHelpersError {
  constructor(message: string) {
    super("ERR_CHUNK_MISMATCH", message);
  }
}
