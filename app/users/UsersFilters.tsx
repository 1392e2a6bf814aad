'use client';
/**
 * The users table's filters: a GET form (works without JavaScript), quick ranges, and a search box
 * that applies itself shortly after typing stops.
 */
import Form from 'next/form';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { addDays } from '@/lib/days';

interface Props {
  from: string;
  to: string;
  q: string;
  sort: string;
  order: string;
  today: string;
  yesterday: string;
}

export function UsersFilters({ from, to, q, sort, order, today, yesterday }: Props) {
  const router = useRouter();
  const [search, setSearch] = useState(q);
  const formRef = useRef<HTMLFormElement>(null);
  const first = useRef(true);

  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const t = setTimeout(() => formRef.current?.requestSubmit(), 350);
    return () => clearTimeout(t);
  }, [search]);

  const quick = (label: string, f: string, t: string) => {
    const params = new URLSearchParams({ from: f, to: t, sort, order, ...(q ? { q } : {}) });
    const active = f === from && t === to;
    return (
      <Link key={label} href={`/users?${params.toString()}`} className={`chip${active ? ' chip-active' : ''}`} aria-current={active ? 'true' : undefined}>
        {label}
      </Link>
    );
  };

  return (
    <div className="filters card">
      <Form action="/users" ref={formRef} className="filter-form" aria-label="Filter users">
        <label>
          <span>Search user id</span>
          <input
            type="search"
            name="q"
            value={search}
            maxLength={128}
            pattern="[A-Za-z0-9._:@\-]*"
            placeholder="user-00"
            onChange={(e) => setSearch(e.target.value)}
            data-testid="users-search"
          />
        </label>
        <label>
          <span>From</span>
          <input type="date" name="from" defaultValue={from} max={today} required />
        </label>
        <label>
          <span>To</span>
          <input type="date" name="to" defaultValue={to} max={today} required />
        </label>
        <input type="hidden" name="sort" value={sort} />
        <input type="hidden" name="order" value={order} />
        <button type="submit" className="btn btn-primary">
          Apply
        </button>
      </Form>
      <div className="chips" aria-label="Quick ranges">
        {quick('Today', today, today)}
        {quick('Yesterday', yesterday, yesterday)}
        {quick('Last 7 days', addDays(today, -6), today)}
        {quick('Last 30 days', addDays(today, -29), today)}
        <button type="button" className="chip" onClick={() => router.refresh()}>
          Refresh
        </button>
      </div>
    </div>
  );
}
