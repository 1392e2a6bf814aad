/**
 * Whether a listen address (HOST) is reachable only from this machine: 127.0.0.0/8, ::1 (also as
 * [::1] and ::ffff:127.x.x.x) and localhost. Anything else, 0.0.0.0 and :: included, is exposed.
 */
const IPV4_LOOPBACK = /^127(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isLoopbackHost(host: string): boolean {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h.startsWith('::ffff:')) h = h.slice(7);
  if (IPV4_LOOPBACK.test(h)) return true;
  return /^(?:0{0,4}:){2,7}0{0,3}1$/.test(h);
}
