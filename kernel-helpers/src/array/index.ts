// Filled in by the array work; the package root re-exports it.
export {};
