import type { Metadata, Viewport } from 'next';
import Link from 'next/link';
import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import { ConnectionBadge } from '@/components/ConnectionBadge';
import { SimulationControl } from '@/components/SimulationControl';
import { ThemeToggle } from '@/components/ThemeToggle';
import { THEME_SCRIPT } from '@/components/theme-script';
import { getRuntime } from '@/web/live/runtime';
import './globals.css';

// Every page reads live data: render on each request, never at build time.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: { default: 'Clickstream analytics', template: '%s · Clickstream analytics' },
  description: 'Real-time per-user clickstream analytics on Kafka and PostgreSQL',
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  colorScheme: 'light dark',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const nonce = (await headers()).get('x-nonce') ?? undefined;
  const runtime = getRuntime();
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <div className="header-row">
            <Link href="/" className="brand">
              <span className="brand-mark" aria-hidden="true">◆</span> Clickstream
            </Link>
            <nav aria-label="Main" className="main-nav">
              <Link href="/">Overview</Link>
              <Link href="/users">Users</Link>
            </nav>
            <div className="header-tools">
              <ConnectionBadge />
              <ThemeToggle />
            </div>
          </div>
          <SimulationControl initial={runtime?.simulation.status() ?? null} authRequired={runtime?.cfg.ADMIN_TOKEN !== undefined} />
        </header>
        <main id="main" className="page">
          {children}
        </main>
        <footer className="site-footer">All times and days are UTC · numbers come from the worker&apos;s committed aggregates</footer>
      </body>
    </html>
  );
}
