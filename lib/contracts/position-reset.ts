/**
 * The command that resets a refused partition's stored position (scripts/positions.ts), named in
 * the worker's error line, its health endpoint and the dashboard's pipeline panel.
 */
export function resetCommand(topic: string, partition: number): string {
  return `npm run positions -- reset --topic ${topic} --partition ${partition} --to earliest`;
}
