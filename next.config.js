// Next.js configuration (ESM). The content security policy is set per request by web/server.ts with a
// script nonce (Next.js streams its data in inline scripts); the static security headers are here.
process.env.NEXT_TELEMETRY_DISABLED = '1';

const securityHeaders = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'no-referrer' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), interest-cohort=()' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // Tests build into their own folder (NEXT_DIST_DIR=.next-test) so a running demo keeps its build.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  poweredByHeader: false,
  // Server-only packages loaded by Node at run time instead of being bundled.
  serverExternalPackages: ['kafkajs', 'pg', 'pino', '@prisma/adapter-pg', '@prisma/client', 'socket.io'],
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }];
  },
};

export default nextConfig;
