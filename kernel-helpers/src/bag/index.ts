// Filled in by the bag work; the package root re-exports it.
export {};
