import type { RunEvent, RunEventOf, RunEventSink, RunEventType } from './contracts/index.js';

/** Keeps every event in an array: for tests, benchmarks and the CLI before the trace store lands. */
export class MemoryEventSink implements RunEventSink {
  readonly events: RunEvent[] = [];

  emit(event: RunEvent): void {
    this.events.push(event);
  }

  ofType<T extends RunEventType>(type: T): RunEventOf<T>[] {
    return this.events.filter((event): event is RunEventOf<T> => event.type === type);
  }
}

/** Forwards every event to several sinks in order (e.g. the trace store and a progress printer). */
export class FanOutEventSink implements RunEventSink {
  constructor(private readonly sinks: readonly RunEventSink[]) {}

  emit(event: RunEvent): void {
    for (const sink of this.sinks) sink.emit(event);
  }
}
