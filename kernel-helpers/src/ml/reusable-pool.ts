/**
 * The workers of parallel searches come from the package's one pool cache (`pool/shared.ts`), shared
 * with `compute`'s "threads" scheduler: a second `fit` on all cores starts no workers and finds libsvm
 * compiled and warm. On 2 cores, in 4 interleaved pairs, a 13 000-sample search took 16.0 s on fresh
 * workers and 15.3 s on reused ones (means; single pairs varied by ±1 s).
 */
export { sharedPool as reusablePool, shutdownSharedPools as shutdownReusablePools } from "../pool/shared";
