/**
 * The simulator's control surface, shared by the CLI and the web server that embeds it
 * (at most one simulator runs per deployment: the web server's).
 */
import { z } from 'zod';

/** The simulator's bounds, the same for its CLI, the web API and the environment. */
export const SIMULATOR_LIMITS = {
  /** Events per second. */
  rate: { min: 1, max: 100_000 },
  users: { min: 1, max: 1_000_000 },
  seed: { min: 0, max: 2 ** 31 - 1 },
} as const;

const bounded = ({ min, max }: { min: number; max: number }) => z.number().int().min(min).max(max);

export const simulatorStartSchema = z.object({
  rate: bounded(SIMULATOR_LIMITS.rate).optional(),
  users: bounded(SIMULATOR_LIMITS.users).optional(),
  seed: bounded(SIMULATOR_LIMITS.seed).optional(),
});
export type SimulatorStartOptions = z.infer<typeof simulatorStartSchema>;

export interface SimulatorStatus {
  running: boolean;
  /** Target events per second. */
  rate: number;
  users: number;
  seed: number | null;
  /** Events acknowledged by Kafka since start. */
  sent: number;
  /** Events that could not be sent (reported, never silently dropped). */
  failed: number;
  /** Send errors (a failed batch counts once). */
  errors: number;
  lastError: string | null;
  startedAt: string | null;
  /** Events per second achieved over the last few seconds. */
  achievedRate: number;
}

export interface SimulatorControl {
  start(options?: SimulatorStartOptions): Promise<SimulatorStatus>;
  stop(): Promise<SimulatorStatus>;
  setRate(eventsPerSecond: number): SimulatorStatus;
  status(): SimulatorStatus;
}
