// Filled in by the pool work; the package root re-exports it.
export {};
