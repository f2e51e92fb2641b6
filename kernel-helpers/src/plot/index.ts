// Filled in by the plot work; the package root re-exports it.
export {};
