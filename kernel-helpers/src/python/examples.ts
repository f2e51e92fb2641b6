/** The lecture examples with a Python original in python/examples/, and how each is started. */

export interface ExampleEntry {
  /** The script in python/examples/. */
  readonly script: string;
  /** Run under the venv's mpiexec with this many ranks. */
  readonly ranks?: number;
  /** The notebook and example it belongs to, for messages. */
  readonly about: string;
}

export const PYTHON_EXAMPLES = {
  serial_baseline: { script: "serial_baseline.py", about: "01 B1: the serial MapReduce" },
  gil_threads_io: { script: "gil_threads_io.py", about: "02 A3: threads on I/O" },
  gil_threads_cpu: { script: "gil_threads_cpu.py", about: "02 A5: threads on CPU work (the GIL)" },
  pool_sweep: { script: "pool_sweep.py", about: "03 A6: the Pool.map speed-up sweep" },
  chunksize: { script: "chunksize.py", about: "03 A7: chunksize on tiny tasks" },
  futures: { script: "futures.py", about: "03 B3: concurrent.futures" },
  monte_carlo_pi: { script: "monte_carlo_pi.py", about: "03 B6: Monte-Carlo π" },
  word_lengths: { script: "word_lengths.py", about: "04 B10: word lengths with three executors" },
  grid_search: { script: "grid_search.py", about: "05: GridSearchCV(n_jobs)" },
  mpi_pingpong: { script: "mpi_pingpong.py", ranks: 2, about: "06: mpi4py ping-pong and Allreduce" },
  dask_delayed: { script: "dask_delayed.py", about: "07: a dask.delayed graph" },
  dask_array: { script: "dask_array.py", about: "07: a dask.array reduction" },
} as const satisfies Record<string, ExampleEntry>;

export type PythonExampleName = keyof typeof PYTHON_EXAMPLES;
