'use client';
/** Shown when a page could not load its data (e.g. PostgreSQL is down); retrying re-renders it. */
export default function PageError({ reset }: { error: Error; reset: () => void }) {
  return (
    <section className="card" role="alert">
      <h1>Data is not available right now</h1>
      <p>The database may be restarting. The page will work again as soon as it is back.</p>
      <button type="button" className="btn btn-primary" onClick={() => reset()}>
        Try again
      </button>
    </section>
  );
}
