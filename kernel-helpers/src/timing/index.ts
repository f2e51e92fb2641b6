// Filled in by the timing work; the package root re-exports it.
export {};
