/**
 * The content security policy, built per request with a fresh nonce: Next.js streams its page data
 * in inline <script> tags, which a nonce-less `script-src 'self'` would block. The custom server
 * sets this header on every response and passes the nonce to Next.js through the request's own
 * Content-Security-Policy header (how Next.js finds the nonce to put on its scripts).
 *
 * Everything comes from the app's own origin: scripts, styles, images, fonts and the Socket.IO
 * websocket. `style-src` allows inline styles because recharts positions its SVG with style
 * attributes, which cannot carry a nonce. Development adds 'unsafe-eval' for React's dev tooling.
 */
import { randomBytes } from 'node:crypto';

const HOST_PATTERN = /^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/;

export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

export function contentSecurityPolicy(nonce: string, host: string | undefined, dev: boolean): string {
  const ws = host !== undefined && HOST_PATTERN.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${ws}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
