import { useEffect, useState } from 'react';

/** One page of a long list, and the control to move through it ("26–50 of 302"); the page resets when the list shrinks. */
export function usePaged<T>(items: readonly T[], size = 25): { rows: readonly T[]; pager: React.ReactNode } {
  const [page, setPage] = useState(0);
  const pages = Math.max(1, Math.ceil(items.length / size));
  useEffect(() => {
    if (page >= pages) setPage(pages - 1);
  }, [page, pages]);
  const at = Math.min(page, pages - 1);
  const rows = items.slice(at * size, at * size + size);
  const pager =
    items.length > size ? (
      <div className="pager" role="navigation" aria-label="Pages">
        <button type="button" disabled={at === 0} onClick={() => setPage(at - 1)}>
          ‹ Previous
        </button>
        <span data-testid="pager-range">
          {at * size + 1}–{Math.min(items.length, at * size + size)} of {items.length}
        </span>
        <button type="button" disabled={at >= pages - 1} onClick={() => setPage(at + 1)}>
          Next ›
        </button>
      </div>
    ) : null;
  return { rows, pager };
}
