/**
 * The Host allow-list (against DNS rebinding): a page on evil.example whose name an attacker
 * re-points at this server reaches it with `Host: evil.example:3000` and a matching Origin, so the
 * origin check alone passes. The server answers only to the names it is configured for:
 * ALLOWED_HOSTS (or, unset, HOST on PORT), plus localhost, 127.0.0.1 and [::1] on PORT, which no
 * other site can make a browser send.
 *
 * An entry with a port matches that name on that port (and without a port in the header when the
 * port is 80 or 443, which browsers leave out); an entry without a port matches the name on any port.
 */

export interface HostEntry {
  name: string;
  /** undefined: any port. */
  port: number | undefined;
}

const HOST_RE = /^(\[[0-9a-f:.]+\]|[^\s:[\]/@]+)(?::(\d{1,5}))?$/;

/** A Host header (or an ALLOWED_HOSTS entry) as name and port; undefined when it is not one. */
export function parseHost(value: string): HostEntry | undefined {
  const m = HOST_RE.exec(value.trim().toLowerCase());
  if (!m?.[1]) return undefined;
  const name = m[1].endsWith('.') ? m[1].slice(0, -1) : m[1];
  const port = m[2] === undefined ? undefined : Number(m[2]);
  if (name.length === 0 || (port !== undefined && port > 65535)) return undefined;
  return { name, port };
}

/** How a listen address appears in a Host header: IPv6 in brackets. */
export function hostName(listen: string): string {
  const h = listen.trim().toLowerCase();
  return h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
}

/** The allow-list for a server on HOST:PORT with ALLOWED_HOSTS (already split into entries). */
export function allowedHosts(host: string, port: number, configured: readonly string[] | undefined): HostEntry[] {
  const loopback = ['localhost', '127.0.0.1', '[::1]'].map((name) => ({ name, port }));
  const listed = configured === undefined ? [{ name: hostName(host), port }] : configured.map(parseHost).filter((e): e is HostEntry => e !== undefined);
  return [...listed, ...loopback];
}

/** Whether a request's Host header names this server. A missing or malformed header does not. */
export function hostAllowed(header: string | null | undefined, allowed: readonly HostEntry[]): boolean {
  if (header === null || header === undefined) return false;
  const h = parseHost(header);
  if (!h) return false;
  return allowed.some((e) => e.name === h.name && (e.port === undefined || e.port === h.port || (h.port === undefined && (e.port === 80 || e.port === 443))));
}

/** The allow-list as ALLOWED_HOSTS would spell it (for messages and the start-up log). */
export const formatHosts = (allowed: readonly HostEntry[]): string => allowed.map((e) => (e.port === undefined ? e.name : `${e.name}:${e.port}`)).join(',');

/** The refusal's message: names the header's host (cut short) and the setting that allows it. */
export function hostRefusedMessage(header: string | null | undefined): string {
  const shown = header === null || header === undefined ? 'a missing Host header' : `"${header.slice(0, 100)}"`;
  return `host: ${shown} is not a name this server answers to (DNS rebinding protection); to allow it, add it to ALLOWED_HOSTS (comma-separated host[:port]) and restart`;
}
