import Link from 'next/link';

export default function NotFound() {
  return (
    <section className="card not-found" data-testid="not-found">
      <h1>Not found</h1>
      <p>There is no such page, or no events have been counted for this user.</p>
      <p>
        <Link href="/users" className="btn btn-primary">
          Browse users
        </Link>{' '}
        <Link href="/" className="btn">
          Overview
        </Link>
      </p>
    </section>
  );
}
