/**
 * The commands that resolve a refused partition (scripts/positions), named in the worker's error
 * line, its health endpoint and the dashboard's pipeline panel. A partition is refused for one of
 * two reasons, told apart by the reason's start:
 *   - its stored position does not belong to the partition's log (another cluster, a re-created
 *     topic): reset the position (resetCommand);
 *   - its stored open sessions were built with other session settings (SESSION_GAP_MS,
 *     ALLOWED_LATENESS_MS, WINDOW_SIZE_MS): go back to those settings, or close the sessions as
 *     they stand (closeSessionsCommand). A reset would also close them, but would move the position.
 */
export function resetCommand(topic: string, partition: number): string {
  return `npm run positions -- reset --topic ${topic} --partition ${partition} --to earliest`;
}

export function closeSessionsCommand(topic: string, partition: number): string {
  return `npm run positions -- close-sessions --topic ${topic} --partition ${partition}`;
}

/** Every refusal for a partition's stored sessions starts with this. */
export const SESSIONS_REFUSAL_PREFIX = 'its open sessions';

export function isSessionsRefusal(reason: string): boolean {
  return reason.startsWith(SESSIONS_REFUSAL_PREFIX);
}

/** What resolves a refusal with this reason, as one sentence ending in the command. */
export function refusalFix(topic: string, partition: number, reason: string): string {
  return isSessionsRefusal(reason)
    ? `To go on, start the worker with the settings the sessions were built with, or close them as they stand (they become final; later events start new sessions under the settings now in force): ${closeSessionsCommand(topic, partition)}`
    : `To count the topic as it is now, from its earliest offset, keeping what was counted so far: ${resetCommand(topic, partition)}`;
}
