/**
 * Start/stop of the embedded simulator, serialized (one action at a time) and idempotent, so a
 * double click or two tabs cannot race:
 * - start while stopped starts with the given (or configured default) rate and users;
 * - start while running with only a new rate changes the rate in place; with new users or seed it
 *   restarts; with nothing new it does nothing;
 * - stop while stopped does nothing.
 */
import type { SimulatorControl, SimulatorStartOptions, SimulatorStatus } from '@/lib/contracts/simulator-control';

export interface SimulationController {
  start(options: SimulatorStartOptions): Promise<SimulatorStatus>;
  stop(): Promise<SimulatorStatus>;
  status(): SimulatorStatus;
}

export function createSimulationController(sim: SimulatorControl, defaults: { rate: number; users: number }): SimulationController {
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const next = queue.then(f, f);
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    start: (options) =>
      serial(async () => {
        const s = sim.status();
        if (!s.running) return sim.start({ rate: options.rate ?? defaults.rate, users: options.users ?? defaults.users, ...(options.seed === undefined ? {} : { seed: options.seed }) });
        const newUsers = options.users !== undefined && options.users !== s.users;
        const newSeed = options.seed !== undefined && options.seed !== s.seed;
        if (newUsers || newSeed) {
          await sim.stop();
          return sim.start({ rate: options.rate ?? s.rate, users: options.users ?? s.users, ...(options.seed === undefined ? (s.seed === null ? {} : { seed: s.seed }) : { seed: options.seed }) });
        }
        if (options.rate !== undefined && options.rate !== s.rate) return sim.setRate(options.rate);
        return s;
      }),
    stop: () => serial(async () => (sim.status().running ? sim.stop() : sim.status())),
    status: () => sim.status(),
  };
}
