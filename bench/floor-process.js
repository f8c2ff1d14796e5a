#!/usr/bin/env node
// The plain-JS floor as a process of its own, for figures of a whole `whaleflow` process
// (spawn to exit): Node's start, loading better-sqlite3, then one floorRun (plain-js-floor.js).
// Usage: node bench/floor-process.js LEAVES LATENCY_MS CONCURRENCY durable|memory
import { floorRun } from './plain-js-floor.js';

const [leaves, latencyMs, concurrency] = process.argv.slice(2, 5).map(Number);
await floorRun({ leaves, latencyMs, concurrency, durable: process.argv[5] === 'durable' });
