// Bags (dask.bag): the namespace object `db`.
import { Bag, fromSequence, readText } from "./bag";

export { Bag } from "./bag";
export type { FromSequenceOptions } from "./bag";

/** Bags, named like dask.bag: `db.readText("data/*.txt").map(...).frequencies()`. */
export const db = { Bag, fromSequence, readText } as const;
