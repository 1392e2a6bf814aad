/**
 * The shape every metric takes, after Apache Beam's CombineFn: create an empty accumulator, add an
 * event to it, merge two accumulators, extract the metric's value. Merge is what makes batching and
 * scale-out safe (any split of a stream gives the same totals), and what the worker's upserts do to
 * stored rows (./sql.ts). Accumulators are small objects with distinct field names, so an aggregate
 * of several metrics is one flat object holding each metric's fields. Pure: no I/O.
 */

/** The fields of an event that the metrics read. */
export interface MetricEvent {
  eventType: string;
  /** Event time in epoch milliseconds, UTC. */
  eventTimeMs: number;
  /** Whole seconds spent on this event's page or action. */
  sessionDuration: number;
}

export interface Combiner<Acc, Out, In = MetricEvent> {
  /** A new, empty accumulator. */
  create: () => Acc;
  /** Adds one input to `acc` in place (an accumulator belongs to one batch). */
  add: (acc: Acc, input: In) => void;
  /** A new accumulator holding both inputs; the inputs are left unchanged. */
  merge: (a: Acc, b: Acc) => Acc;
  /** The metric's value. */
  extract: (acc: Acc) => Out;
}
