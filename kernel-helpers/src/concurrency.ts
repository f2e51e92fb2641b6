// Filled in by the pools work: sleep() and mapConcurrent() for the event-loop (GIL) lesson.
export {};
