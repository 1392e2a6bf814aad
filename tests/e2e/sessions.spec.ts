/**
 * Sessions in the browser, end to end: known events go to this run's Kafka topic, the running worker
 * counts them, and every session figure the dashboard shows (overview KPIs and funnel, the users
 * table's session columns and their sorting, a user's session metrics and sessions list, a session's
 * page with its events read back from Kafka) must equal what this test works out from the same
 * events by itself (./session-truth.ts: the definitions again, no code shared with lib/metrics or
 * the worker). Then Kafka's retention removes some of the events: the session page says so. Last,
 * live: new events reach an open user page, an open session page and the overview without a
 * reload.
 *
 * The events are hours old (sessions need 30-minute gaps), so this file must run before anything
 * produces wall-clock events to the run's topic (specs run in file order; "sessions" comes before
 * "simulation" and "web-restart"); beforeAll checks and says so if not.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { config } from '@/lib/config';
import { createKafka } from '@/lib/kafka/client';
import { deleteSeeded } from '@/tests/support/seed';
import { runId, screenshotPath, testDb, topic } from './fixtures';
import * as T from './session-truth';
import { expectNoSidewaysScroll } from './overflow';

test.describe.configure({ mode: 'serial' });

const cfg = config();
const MIN = 60_000;
const prefix = `ss${runId}`;
const user = (name: string) => `${prefix}-${name}`;

type Step = [atSeconds: number, eventType: string, extra?: { page?: string; productId?: string }];
interface PlannedSession {
  user: string;
  partition: number;
  /** Minutes after T0. */
  at: number;
  steps: Step[];
}

/**
 * The plan. T0 is 150 minutes ago; the newest sessions (A's third, B's second) end about 10 minutes
 * ago, so with the default gap and lateness they stay open and every other session is final. Users
 * go to explicit partitions (A, C, E → 0; B, D → 1) so each partition's watermark is known.
 */
const PLAN: PlannedSession[] = [
  // A: converts through the whole funnel; then a bounce; then an open session with clicks.
  { user: 'a', partition: 0, at: 0, steps: [[0, 'pageView', { page: '/' }], [20, 'click', { page: '/' }], [45.5, 'pageView', { page: '/product/p-1', productId: 'p-1' }], [90, 'addToCart', { productId: 'p-1' }], [150.25, 'purchase', { productId: 'p-1' }]] },
  { user: 'a', partition: 0, at: 60, steps: [[0, 'pageView', { page: '/sale' }]] },
  { user: 'a', partition: 0, at: 140, steps: [[0, 'pageView', { page: '/' }], [12.4, 'click', { page: '/' }], [30, 'click', { page: '/' }], [61, 'search', { page: '/search' }]] },
  // B: reaches add-to-cart, not purchase; later buys without a page view (converted, funnel 0).
  { user: 'b', partition: 1, at: 10, steps: [[0, 'pageView', { page: '/' }], [30, 'addToCart', { productId: 'p-2' }], [60, 'removeFromCart', { productId: 'p-2' }], [95, 'pageView', { page: '/cart' }], [200, 'click', { page: '/cart' }]] },
  { user: 'b', partition: 1, at: 138, steps: [[0, 'login'], [30.4, 'purchase', { productId: 'p-3' }]] },
  // C: as many clicks as page views (a tie), every page view clicked.
  { user: 'c', partition: 0, at: 30, steps: [[0, 'pageView', { page: '/' }], [5, 'click', { page: '/' }], [10, 'pageView', { page: '/about' }], [15, 'click', { page: '/about' }], [40, 'search', { page: '/search' }]] },
  // D: one search, a bounce without page views.
  { user: 'd', partition: 1, at: 50, steps: [[0, 'search', { page: '/search' }]] },
  // E: add-to-cart before any page view, then a purchase: converted, funnel only at step 1; a three-way tie.
  { user: 'e', partition: 0, at: 20, steps: [[0, 'addToCart', { productId: 'p-4' }], [10, 'pageView', { page: '/product/p-4' }], [25, 'purchase', { productId: 'p-4' }]] },
];

let kafka: Kafka;
let producer: Producer;
const produced: T.TruthEvent[] = [];
let t0 = 0;

/** Sends one event to its partition and records it, with the offset Kafka gave it. */
async function send(e: Omit<T.TruthEvent, 'offset'>): Promise<T.TruthEvent> {
  const value = JSON.stringify({
    timestamp: new Date(e.timeMs).toISOString(), userId: e.userId, eventType: e.eventType, sessionDuration: e.sessionDuration,
    ...(e.page ? { page: e.page } : {}), ...(e.productId ? { productId: e.productId } : {}),
  });
  const [meta] = await producer.send({ topic, acks: -1, messages: [{ key: e.userId, value, partition: e.partition }] });
  if (!meta || meta.errorCode !== 0) throw new Error(`Kafka refused an event: ${JSON.stringify(meta)}`);
  const event = { ...e, offset: BigInt(meta.baseOffset ?? '-1') };
  produced.push(event);
  return event;
}

/** Waits until the worker has committed past every event produced so far. */
async function counted(): Promise<void> {
  const want = new Map<number, bigint>();
  for (const e of produced) {
    const last = want.get(e.partition);
    if (last === undefined || e.offset > last) want.set(e.partition, e.offset);
  }
  await expect
    .poll(
      async () => {
        const states = await testDb().partitionState.findMany({ where: { topic } });
        return [...want].every(([p, last]) => states.some((s) => s.partition === p && s.nextOffset > last));
      },
      { timeout: 60_000, message: 'the worker commits the produced events' },
    )
    .toBe(true);
  const late = await testDb().partitionState.aggregate({ where: { topic }, _sum: { late: true } });
  expect(late._sum.late ?? 0n, 'none of the produced events is late').toBe(0n);
}

const sessionsNow = () => T.sessionsOf(produced, cfg.SESSION_GAP_MS);
const of = (name: string) => sessionsNow().filter((s) => s.userId === user(name));
const nth = (name: string, i: number) => {
  const s = of(name)[i];
  if (!s) throw new Error(`no session ${i} of ${name}`);
  return s;
};

/** Whether a session is final: its end plus the gap is at or before the lateness cut of its partition's watermark. */
function expectedFinal(s: T.TruthSession): boolean {
  const maxTime = Math.max(...produced.filter((e) => e.partition === s.partition).map((e) => e.timeMs));
  const watermark = maxTime - cfg.OUT_OF_ORDERNESS_MS;
  const cut = Math.floor((watermark - cfg.ALLOWED_LATENESS_MS) / cfg.WINDOW_SIZE_MS) * cfg.WINDOW_SIZE_MS;
  // The plan keeps every session far from the boundary, so the answer does not hang on a rounding.
  expect(Math.abs(s.endMs + cfg.SESSION_GAP_MS - cut), 'a session near the finality boundary').toBeGreaterThan(2 * MIN);
  return s.endMs + cfg.SESSION_GAP_MS <= cut;
}

/** A table's body as records keyed by its column headers' text (sort arrows left out). */
async function tableRows(table: Locator): Promise<Record<string, string>[]> {
  const headers = (await table.locator('thead th').allTextContents()).map((h) => h.replace(/[▲▼↕]/g, '').trim());
  const rows = table.locator('tbody tr');
  const out: Record<string, string>[] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const cells = await rows.nth(i).locator('th, td').allTextContents();
    out.push(Object.fromEntries(headers.map((h, j) => [h, (cells[j] ?? '').trim()])));
  }
  return out;
}

const today = () => T.utcDay(Date.now());
const yesterday = () => T.utcDay(Date.now() - 86_400_000);

test.beforeAll(async () => {
  test.setTimeout(120_000);
  t0 = Math.floor((Date.now() - 150 * MIN) / 1000) * 1000;
  // Events older than a partition's lateness cut would be late and counted nowhere: refuse to go on.
  const states = await testDb().partitionState.findMany({ where: { topic } });
  for (const s of states) {
    if (s.watermark && s.watermark.getTime() - cfg.ALLOWED_LATENESS_MS > t0) {
      throw new Error(`partition ${s.partition} of ${topic} already has event time ${s.watermark.toISOString()}: this spec's events (from ${new Date(t0).toISOString()}) would be late. Run it before specs that produce wall-clock events.`);
    }
  }
  kafka = createKafka(cfg, `e2e-sessions-${runId}`);
  producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  // Every event of the plan, in event-time order (so none is late), each reporting the time to the next one of its session.
  const events = PLAN.flatMap((p) =>
    p.steps.map(([at, eventType, extra], i) => ({
      userId: user(p.user), eventType, partition: p.partition, timeMs: t0 + p.at * MIN + Math.round(at * 1000),
      sessionDuration: Math.round((p.steps[i + 1]?.[0] ?? at + 30) - at), ...extra,
    })),
  );
  for (const e of events.sort((a, b) => a.timeMs - b.timeMs)) await send(e);
  await counted();
});

test.afterAll(async () => {
  await producer?.disconnect();
  // This spec's users leave nothing behind, their share of the global totals included (their events stay in the run's topic).
  await deleteSeeded(testDb(), prefix);
});

test('the overview shows today’s sessions, bounce rate, visit duration, conversion, CTR and the funnel as computed from the events', async ({ page }) => {
  const day = today();
  // Today's sessions: this spec's, worked out from its events, and whatever else the database holds for today (other users).
  const others = await testDb().userSession.findMany({ where: { day: new Date(`${day}T00:00:00Z`), NOT: { userId: { startsWith: `${prefix}-` } } } });
  const rows: T.SessionFactsRow[] = [
    ...others.map((o) => ({ startMs: o.startAt.getTime(), endMs: o.endAt.getTime(), eventCount: o.eventCount, pageViews: o.pageViews, clickedPageViews: o.clickedPageViews, funnelStep: o.funnelStep, converted: o.converted })),
    ...sessionsNow().filter((s) => s.day === day).map(T.factsOf),
  ];
  const f = T.figuresOf(rows);
  const otherDaily = await testDb().userDaily.aggregate({ where: { day: new Date(`${day}T00:00:00Z`), NOT: { userId: { startsWith: `${prefix}-` } } }, _sum: { clicks: true, pageViews: true } });
  const mine = produced.filter((e) => T.utcDay(e.timeMs) === day);
  const clicks = (otherDaily._sum.clicks ?? 0) + mine.filter((e) => e.eventType === 'click').length;
  const pageViews = (otherDaily._sum.pageViews ?? 0) + mine.filter((e) => e.eventType === 'pageView').length;

  await page.goto('/');
  await expect(page.getByTestId('kpi-sessions')).toHaveText(T.int(f.sessions));
  await expect(page.getByTestId('kpi-bounce-rate')).toHaveText(T.percent(f.bounceRate));
  await expect(page.getByTestId('kpi-avg-visit')).toHaveText(T.visit(f.averageVisitSeconds));
  await expect(page.getByTestId('kpi-conversion')).toHaveText(T.percent(f.conversionRate));
  await expect(page.getByTestId('kpi-ctr')).toHaveText(T.percent(f.ctr));
  await expect(page.getByTestId('kpi-visit-time')).toHaveText(T.visit(f.visitTimeMs / 1000));
  await expect(page.getByTestId('kpi-clicks-per-page-view')).toHaveText(T.twoDecimals(pageViews === 0 ? null : clicks / pageViews));
  // Labels say what the numbers are.
  await expect(page.getByText('Time on site today (reported)')).toBeVisible();
  await expect(page.getByText('Clicks per page view today')).toBeVisible();

  await expect(page.getByRole('heading', { name: 'Sessions funnel today' })).toBeVisible();
  const funnel = page.getByTestId('overview-funnel');
  await expect(funnel.locator('.recharts-surface')).toBeVisible();
  const steps = ['pageView', 'addToCart', 'purchase'] as const;
  for (const [i, step] of steps.entries()) {
    const before = i === 0 ? f.sessions : f.funnel[i - 1];
    await expect(page.getByTestId(`overview-funnel-${step}`).locator('td').first()).toHaveText(T.int(f.funnel[i] ?? 0));
    await expect(page.getByTestId(`overview-funnel-${step}`).locator('td').nth(1)).toHaveText(T.percent(before ? (f.funnel[i] ?? 0) / before : null));
  }
  await page.screenshot({ path: screenshotPath('overview-sessions'), fullPage: true });
});

/** The users table row this spec expects for one of its users, over [from, to]. */
function expectedUserRow(name: string, from: string, to: string): Record<string, string> {
  const id = user(name);
  const events = produced.filter((e) => e.userId === id && T.utcDay(e.timeMs) >= from && T.utcDay(e.timeMs) <= to);
  const sessions = sessionsNow().filter((s) => s.userId === id && s.day >= from && s.day <= to);
  const f = T.figuresOf(sessions.map(T.factsOf));
  const pv = events.filter((e) => e.eventType === 'pageView').length;
  return {
    User: id,
    'Time on site (reported)': T.hms(events.reduce((a, e) => a + e.sessionDuration, 0)),
    'Visit time': T.visit(f.visitTimeMs / 1000),
    Events: T.int(events.length),
    Sessions: T.int(f.sessions),
    'Bounce rate': T.percent(f.bounceRate),
    'Most common event': T.mostCommonTypes(events).map(T.label).join(', ') || '—',
    CTR: T.percent(f.ctr),
    'Clicks per page view': T.twoDecimals(pv === 0 ? null : events.filter((e) => e.eventType === 'click').length / pv),
  };
}

/** The order the table must have for a numeric sort: the key (no value lowest), ties by userId, both in the sort's direction. */
function expectedOrder(names: string[], key: (name: string) => number | null, order: 'asc' | 'desc'): string[] {
  const k = (n: string) => key(n) ?? -1;
  const sorted = [...names].sort((a, b) => k(a) - k(b) || (user(a) < user(b) ? -1 : 1));
  return (order === 'asc' ? sorted : sorted.reverse()).map(user);
}

test('the users table shows sessions, visit time, bounce rate and CTR per user, ties in the most common event, and sorts by each', async ({ page }) => {
  const from = yesterday();
  const to = today();
  const names = ['a', 'b', 'c', 'd', 'e'];
  await page.goto(`/users?from=${from}&to=${to}&q=${prefix}`);
  const table = page.getByTestId('users-table');
  await expect(table.locator('tbody tr')).toHaveCount(names.length);
  const shown = await tableRows(table);
  expect(new Set(shown.map((r) => r.User))).toEqual(new Set(names.map(user)));
  for (const row of shown) expect(row).toEqual(expectedUserRow(row.User?.slice(prefix.length + 1) ?? '', from, to));
  // Real column headers.
  for (const name of ['Sessions', 'Visit time', 'Bounce rate', 'CTR', 'Clicks per page view', 'Time on site (reported)']) {
    await expect(table.getByRole('columnheader', { name: new RegExp(`^${name.replace(/[()]/g, '\\$&')}`) })).toBeVisible();
  }

  const inRange = (n: string) => sessionsNow().filter((s) => s.userId === user(n) && s.day >= from && s.day <= to);
  const figures = (n: string) => T.figuresOf(inRange(n).map(T.factsOf));
  const sorts: [string, string, (n: string) => number | null][] = [
    ['sessions', 'Sessions', (n) => figures(n).sessions],
    ['visitTime', 'Visit time', (n) => figures(n).visitTimeMs],
    ['bounceRate', 'Bounce rate', (n) => figures(n).bounceRate],
    ['ctr', 'CTR', (n) => figures(n).ctr],
  ];
  for (const [key, header, value] of sorts) {
    await page.getByTestId(`sort-${key}`).click();
    await expect(page).toHaveURL(new RegExp(`sort=${key}&order=desc`));
    await expect(table.locator('th[aria-sort="descending"]')).toHaveText(new RegExp(`^${header}`));
    await expect.poll(async () => (await tableRows(table)).map((r) => r.User)).toEqual(expectedOrder(names, value, 'desc'));
    await page.getByTestId(`sort-${key}`).click();
    await expect(page).toHaveURL(new RegExp(`sort=${key}&order=asc`));
    await expect(table.locator('th[aria-sort="ascending"]')).toHaveText(new RegExp(`^${header}`));
    await expect.poll(async () => (await tableRows(table)).map((r) => r.User)).toEqual(expectedOrder(names, value, 'asc'));
  }
  await page.screenshot({ path: screenshotPath('users-sessions'), fullPage: true });
});

test('a user page shows the range’s session metrics, funnel and sessions list, each session linking to its page', async ({ page }) => {
  const id = user('a');
  const sessions = of('a');
  const f = T.figuresOf(sessions.map(T.factsOf));
  await page.goto(`/users/${id}`);
  await expect(page.getByTestId('user-sessions-count')).toHaveText(T.int(f.sessions));
  await expect(page.getByTestId('user-visit-time')).toHaveText(T.visit(f.visitTimeMs / 1000));
  await expect(page.getByTestId('user-avg-visit')).toHaveText(T.visit(f.averageVisitSeconds));
  await expect(page.getByTestId('user-bounce-rate')).toHaveText(T.percent(f.bounceRate));
  await expect(page.getByTestId('user-pages-per-session')).toHaveText(T.twoDecimals(f.pagesPerSession));
  await expect(page.getByTestId('user-ctr')).toHaveText(T.percent(f.ctr));
  await expect(page.getByTestId('user-conversion')).toHaveText(T.percent(f.conversionRate));
  for (const [i, step] of (['pageView', 'addToCart', 'purchase'] as const).entries()) {
    await expect(page.getByTestId(`user-funnel-${step}`).locator('td').first()).toHaveText(T.int(f.funnel[i] ?? 0));
  }

  const list = page.getByTestId('user-sessions');
  for (const name of ['Start', 'End', 'Duration', 'Events', 'Page views', 'Converted', 'Status']) await expect(list.getByRole('columnheader', { name, exact: true })).toBeVisible();
  const expected = [...sessions].reverse().map((s) => ({
    Start: T.dateTime(s.startMs),
    End: T.utcDay(s.endMs) === s.day ? T.dateTime(s.endMs).slice(11) : T.dateTime(s.endMs),
    Duration: T.visit((s.endMs - s.startMs) / 1000),
    Events: T.int(s.events.length),
    'Page views': T.int(s.pageViews),
    CTR: T.percent(s.pageViews === 0 ? null : s.clickedPageViews / s.pageViews),
    Converted: s.converted ? 'Yes' : 'No',
    Status: expectedFinal(s) ? 'Final' : 'Open',
  }));
  await expect.poll(() => tableRows(list), { timeout: 20_000 }).toEqual(expected);
  await page.screenshot({ path: screenshotPath('user-sessions'), fullPage: true });

  // The first session's link opens its page.
  const first = nth('a', 0);
  await list.getByRole('link', { name: `Session starting ${T.dateTime(first.startMs)} UTC` }).click();
  await expect(page).toHaveURL(new RegExp(`/users/${id}/sessions/${first.startMs}$`));
  await expect(page.getByTestId('session-title')).toHaveText(`${T.dateTime(first.startMs)} UTC`);
});

/** Checks a session page against the session worked out from the events; `events` are the ones Kafka still holds. */
async function expectSessionPage(page: Page, s: T.TruthSession, events: T.TruthEvent[]) {
  const instant = (ms: number) => `${T.utcDay(ms)} ${T.timeMs(ms)}`;
  await expect(page.getByTestId('session-start')).toHaveText(instant(s.startMs));
  await expect(page.getByTestId('session-end')).toHaveText(instant(s.endMs));
  await expect(page.getByTestId('session-duration')).toHaveText(T.visit((s.endMs - s.startMs) / 1000));
  await expect(page.getByTestId('session-events-count')).toHaveText(T.int(s.events.length));
  await expect(page.getByTestId('session-page-views')).toHaveText(T.int(s.pageViews));
  await expect(page.getByTestId('session-clicked-page-views')).toHaveText(T.int(s.clickedPageViews));
  await expect(page.getByTestId('session-ctr')).toHaveText(T.percent(s.pageViews === 0 ? null : s.clickedPageViews / s.pageViews));
  await expect(page.getByTestId('session-bounce')).toHaveText(s.bounce ? 'Yes (one event)' : 'No');
  await expect(page.getByTestId('session-funnel')).toHaveText(['No page view', 'Page view', 'Add to cart after a page view', 'Purchase after that add-to-cart'][s.funnelStep] ?? '');
  await expect(page.getByTestId('session-converted')).toHaveText(s.converted ? 'Yes (has a purchase)' : 'No');
  await expect(page.getByTestId('session-kafka')).toHaveText(`partition ${s.partition}, offsets ${s.events[0]?.offset}–${s.events.at(-1)?.offset}`);
  if (events.length === 0) {
    await expect(page.getByTestId('session-events-empty')).toBeVisible();
    return;
  }
  const table = page.getByTestId('session-events');
  for (const name of ['Time (UTC)', 'Since start', 'Type', 'Page', 'Product', 'Offset']) await expect(table.getByRole('columnheader', { name, exact: true })).toBeVisible();
  const rows = await tableRows(table);
  expect(rows.map((r) => [r['#'], r['Time (UTC)'], r['Since start'], r.Type, r.Page, r.Product, r['Reported duration'], r.Offset])).toEqual(
    events.map((e, i) => [
      T.int(i + 1), T.utcDay(e.timeMs) === s.day ? T.timeMs(e.timeMs) : `${T.utcDay(e.timeMs)} ${T.timeMs(e.timeMs)}`, `+${T.visit((e.timeMs - s.startMs) / 1000)}`,
      T.label(e.eventType), e.page ?? '—', e.productId ?? '—', T.hms(e.sessionDuration), e.offset.toString(),
    ]),
  );
}

test('a session page shows the session’s figures and its events in order, read back from Kafka; unknown and malformed addresses', async ({ page }) => {
  for (const [name, i] of [['a', 0], ['b', 1], ['e', 0], ['d', 0]] as const) {
    const s = nth(name, i);
    const res = await page.goto(`/users/${user(name)}/sessions/${s.startMs}`);
    expect(res?.status()).toBe(200);
    await expect(page.getByTestId('session-status')).toHaveText(expectedFinal(s) ? 'Final' : 'Open (can still grow or merge)');
    await expectSessionPage(page, s, s.events);
    await expect(page.getByTestId('session-events-status')).toHaveCount(0);
  }
  await page.goto(`/users/${user('a')}/sessions/${nth('a', 0).startMs}`);
  await page.screenshot({ path: screenshotPath('session'), fullPage: true });

  // No session starts a millisecond later; no such user; an invalid user id: 404.
  for (const path of [`/users/${user('a')}/sessions/${nth('a', 0).startMs + 1}`, `/users/${prefix}-nobody/sessions/${nth('a', 0).startMs}`, '/users/%3Cx%3E/sessions/1']) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(404);
    await expect(page.getByTestId('not-found')).toBeVisible();
  }
  // A start that is not epoch milliseconds: a 400 whose page says what is wrong with the address.
  for (const bad of ['yesterday', '2026-12-01T10:00:00Z', '12.5']) {
    const res = await page.goto(`/users/${user('a')}/sessions/${encodeURIComponent(bad)}`);
    expect(res?.status(), bad).toBe(400);
    await expect(page.getByRole('heading', { name: 'Bad session address' })).toBeVisible();
    await expect(page.getByTestId('bad-session').getByRole('alert')).toContainText('start: must be');
  }
});

test('on a phone the user page with its sessions and a session page fit without sideways scrolling', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  for (const [name, path] of [['phone-user-sessions', `/users/${user('a')}`], ['phone-session', `/users/${user('a')}/sessions/${nth('a', 0).startMs}`]] as const) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await page.waitForTimeout(300);
    await expectNoSidewaysScroll(page, name);
    await page.screenshot({ path: screenshotPath(name), fullPage: true });
  }
});

test('when Kafka’s retention has removed a session’s events, its page says so and shows what is left', async ({ page }) => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.fetchTopicMetadata({ topics: [topic] });
    // Partition 1 holds B's first session (5 events) before D's one event: cut B's session in the middle.
    const b = nth('b', 0);
    const d = nth('d', 0);
    const cutAt = b.events[2] as T.TruthEvent;
    expect((d.events[0] as T.TruthEvent).offset).toBeGreaterThan(cutAt.offset);
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 1, offset: cutAt.offset.toString() }] });
    await expect
      .poll(
        async () => {
          await page.goto(`/users/${user('b')}/sessions/${b.startMs}`);
          return page.getByTestId('session-events-status').getAttribute('data-status', { timeout: 2000 }).catch(() => null);
        },
        { timeout: 20_000 },
      )
      .toBe('partial');
    await expect(page.getByTestId('session-events-status')).toContainText('retention has removed the start');
    await expectSessionPage(page, b, b.events.slice(2));

    // Then everything up to and including D's event: its session's events are gone.
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 1, offset: ((d.events[0] as T.TruthEvent).offset + 1n).toString() }] });
    await expect
      .poll(
        async () => {
          await page.goto(`/users/${user('d')}/sessions/${d.startMs}`);
          return page.getByTestId('session-events-status').getAttribute('data-status', { timeout: 2000 }).catch(() => null);
        },
        { timeout: 20_000 },
      )
      .toBe('expired');
    await expect(page.getByTestId('session-events-status')).toContainText('retention has removed this session');
    await expectSessionPage(page, d, []);
    await page.screenshot({ path: screenshotPath('session-expired'), fullPage: true });
  } finally {
    await admin.disconnect();
  }
});

test('live: new events update an open user page, an open session page and the overview without a reload', async ({ page, context }) => {
  const id = user('a');
  await page.goto(`/users/${id}`);
  await expect(page.getByTestId('connection')).toHaveText(/Live/);
  const list = page.getByTestId('user-sessions');
  const newest = () => of('a').at(-1) as T.TruthSession;
  const rowOf = async (s: T.TruthSession) => (await tableRows(list)).find((r) => r.Start === T.dateTime(s.startMs));
  const eventsToday = async () => Number((await page.getByTestId('user-today-events').innerText()).replace(/\D/g, ''));
  const todayBefore = await eventsToday();

  // A click now extends A's open session (less than a gap after its last event).
  await send({ userId: id, eventType: 'click', timeMs: Date.now(), sessionDuration: 4, page: '/', partition: 0 });
  const grown = newest();
  expect(grown.events).toHaveLength(5);
  await expect.poll(async () => (await rowOf(grown))?.Events, { timeout: 15_000 }).toBe('5');
  expect((await rowOf(grown))?.Duration).toBe(T.visit((grown.endMs - grown.startMs) / 1000));
  await expect(page.getByTestId('user-visit-time')).toHaveText(T.visit(T.figuresOf(of('a').map(T.factsOf)).visitTimeMs / 1000));
  await expect.poll(eventsToday).toBe(todayBefore + 1);

  // Its session page, open, follows the next event by itself.
  const sessionPage = await context.newPage();
  await sessionPage.goto(`/users/${id}/sessions/${grown.startMs}`);
  await expect(sessionPage.getByTestId('session-live')).toContainText('This session is open');
  await expect(sessionPage.getByTestId('session-events').locator('tbody tr')).toHaveCount(5);
  await expect(sessionPage.getByTestId('connection')).toHaveText(/Live/);
  await send({ userId: id, eventType: 'pageView', timeMs: Date.now(), sessionDuration: 3, page: '/live', partition: 0 });
  // The page renders again by itself: new figures, and the events read back from Kafka, all of them.
  await expect(sessionPage.getByTestId('session-events-count')).toHaveText('6', { timeout: 15_000 });
  await expect(sessionPage.getByTestId('session-events-status')).toHaveCount(0);
  await expect(sessionPage.getByTestId('session-events').locator('tbody tr')).toHaveCount(6);
  await counted();
  await expectSessionPage(sessionPage, newest(), newest().events);
  await sessionPage.close();

  // The overview: a new user's first event is one more session today, with one more page view at the funnel's top.
  await page.goto('/');
  await expect(page.getByTestId('connection')).toHaveText(/Live/);
  const sessionsBefore = Number((await page.getByTestId('kpi-sessions').innerText()).replace(/\D/g, ''));
  const topBefore = Number((await page.getByTestId('overview-funnel-pageView').locator('td').first().innerText()).replace(/\D/g, ''));
  await send({ userId: user('f'), eventType: 'pageView', timeMs: Date.now(), sessionDuration: 5, page: '/', partition: 1 });
  await expect(page.getByTestId('kpi-sessions')).toHaveText(T.int(sessionsBefore + 1), { timeout: 15_000 });
  await expect(page.getByTestId('overview-funnel-pageView').locator('td').first()).toHaveText(T.int(topBefore + 1));
  await counted();
});
