// %time / %timeit analogues, a stopwatch and speedup tables; cpuCount() lives in ../system.
export { time, formatTime, type TimeResult, type TimingPrintOptions } from "./time";
export { timeit, formatTimeit, type TimeitOptions, type TimeitResult } from "./timeit";
export { Stopwatch, type Lap } from "./stopwatch";
export { speedupTable, type SpeedupInput, type SpeedupRow } from "./speedup";
export { formatDuration, formatCount, plural } from "./format";
export { loopDelay, type LoopDelayOptions, type LoopDelayResult } from "./loop-delay";
