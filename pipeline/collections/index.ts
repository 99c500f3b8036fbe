// Public face of the small data structures the stages share (pure, no I/O).
export { MinHeap, type Scheduled } from "./min-heap.ts";
