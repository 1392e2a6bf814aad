/**
 * The simulator's control surface, shared by the CLI and the web server that embeds it
 * (at most one simulator runs per deployment: the web server's).
 */
import { z } from 'zod';

export const simulatorStartSchema = z.object({
  rate: z.number().int().min(1).max(100_000).optional(),
  users: z.number().int().min(1).max(1_000_000).optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
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
