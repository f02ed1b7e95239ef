/**
 * Wraps an async iterator so the next item is already being fetched while the caller works on the
 * current one: the listing's HTTP round trip overlaps the store's REAID lookups.
 */
export function readAhead<T>(source: AsyncIterable<T>): AsyncIterator<T> & { close(): Promise<void> } {
  const iterator = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | null = null;
  const fetchNext = () => {
    const next = iterator.next();
    // A read-ahead that fails after the caller stopped listening must not become an unhandled rejection.
    next.catch(() => undefined);
    return next;
  };
  return {
    async next() {
      const current = pending ?? fetchNext();
      const result = await current;
      pending = result.done ? null : fetchNext();
      return result;
    },
    async close() {
      const dangling = pending;
      pending = null;
      if (dangling) await dangling.catch(() => undefined);
      await iterator.return?.();
    },
  };
}
