/** The body of POST /api/simulation. */
import { z } from 'zod';
import { SIMULATOR_LIMITS } from '@/lib/contracts/simulator-control';

const whole = (name: string, max: number) =>
  z
    .number({ error: `must be a whole number from 1 to ${max}` })
    .int(`must be a whole number from 1 to ${max}`)
    .min(1, `must be a whole number from 1 to ${max}`)
    .max(max, `must be at most ${max.toLocaleString("en-US")}`);

export const simulationBodySchema = z.strictObject(
  {
    action: z.enum(['start', 'stop'], { error: 'must be "start" or "stop"' }),
    rate: whole('rate', SIMULATOR_LIMITS.rate.max).optional(),
    users: whole('users', SIMULATOR_LIMITS.users.max).optional(),
    seed: z.number({ error: 'must be a whole number' }).int('must be a whole number').min(SIMULATOR_LIMITS.seed.min, 'must not be negative').max(SIMULATOR_LIMITS.seed.max, 'must be below 2^31').optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : 'must be a JSON object') },
);
export type SimulationBody = z.infer<typeof simulationBodySchema>;
