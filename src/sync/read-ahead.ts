/**
 * Wraps an async iterator so the next `depth` items are already being fetched while the caller
 * works on the current one: the listing's HTTP round trips overlap the store's REAID lookups.
 * Items still arrive in order (an async generator queues calls to `next()`).
 */
export function readAhead<T>(
  source: AsyncIterable<T>,
  depth = 2,
): AsyncIterator<T> & { close(): Promise<void> } {
  const iterator = source[Symbol.asyncIterator]();
  const queue: Promise<IteratorResult<T>>[] = [];
  let ended = false;
  const fill = () => {
    while (!ended && queue.length < depth) {
      const next = iterator.next();
      // A read-ahead that fails after the caller stopped listening must not become an unhandled rejection.
      next.catch(() => undefined);
      queue.push(next);
    }
  };
  return {
    async next() {
      fill();
      const result = await queue.shift()!;
      if (result.done) ended = true;
      else fill();
      return result;
    },
    async close() {
      ended = true;
      const dangling = queue.splice(0);
      await Promise.all(dangling.map((p) => p.catch(() => undefined)));
      await iterator.return?.();
    },
  };
}
