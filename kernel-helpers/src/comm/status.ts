/** Wildcards, the tag bound and the status object, with MPI's names and values. */

/** `recv(ANY_SOURCE)` matches a message from any rank. */
export const ANY_SOURCE = -1;
/** `recv(source, ANY_TAG)` matches a message with any tag. */
export const ANY_TAG = -1;
/**
 * The largest tag a message may carry (mpi4py's `comm.Get_attr(MPI.TAG_UB)`; Open MPI's is the
 * same 2³¹ − 1): tags travel as 32-bit signed integers, so a bigger one is refused by name rather
 * than wrapped onto another tag.
 */
export const TAG_UB = 2 ** 31 - 1;

/**
 * Filled in by a receive: who sent the matched message and with which tag (useful after
 * `ANY_SOURCE`/`ANY_TAG`). mpi4py's `MPI.Status()`, with the same getters.
 */
export class Status {
  source = ANY_SOURCE;
  tag = ANY_TAG;
  /** Number of elements of a buffer message (typed arrays), or 1 for an object message. */
  count = 0;
  Get_source(): number {
    return this.source;
  }
  Get_tag(): number {
    return this.tag;
  }
  /** mpi4py's `Status.Get_count()`: elements of a buffer message, 1 for an object message. */
  Get_count(): number {
    return this.count;
  }
}
