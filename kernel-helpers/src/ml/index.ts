// Filled in by the ml work; the package root re-exports it.
export {};
