// Filled in by the graph work; the package root re-exports it.
export {};
