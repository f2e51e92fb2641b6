// Filled in by the comm work; the package root re-exports it.
export {};
