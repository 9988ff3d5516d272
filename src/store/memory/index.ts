/**
 * The in-memory Store (tests, examples, the simulator). Exported from `lnkit/testing`.
 * @module lnkit/store-memory
 */
export { createMemoryStore } from './memory-store.js';
