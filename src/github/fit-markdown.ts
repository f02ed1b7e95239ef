/** How to cut Markdown down to a size. */
export interface FitMarkdownOptions {
  /** The largest allowed size, in the unit `measure` returns. */
  limit: number;
  /** Size of a piece of text: characters (UTF-16 units) by default. */
  measure?: (text: string) => number;
  /** Builds the note appended when text is cut; receives how many folded sections were dropped. */
  note: (droppedSections: number) => string;
}

/**
 * Returns `text` unchanged when it fits; otherwise keeps the longest run of whole lines from the
 * start (the summary comes first in every emi report), closes a code fence or `<details>` left
 * open by the cut so the rest still renders, and appends the note. Never exceeds `limit`.
 */
export function fitMarkdown(text: string, options: FitMarkdownOptions): string {
  const measure = options.measure ?? ((s: string) => s.length);
  if (measure(text) <= options.limit) return text;

  const lines = text.split("\n");
  const totalSections = countOpenings(text);
  let kept = 0;
  let used = 0;
  let inFence = false;
  let openDetails = 0;
  // Per kept line we know the state after it; stop at the first line that no longer fits together
  // with what closing the cut and the note would cost. Reserve for the worst case note.
  const worstNote = measure(options.note(totalSections));
  for (const line of lines) {
    const size = measure(line) + 1;
    const nextFence: boolean = inFence !== isFence(line);
    const nextDetails = Math.max(0, openDetails + countOpenings(line) - countClosings(line));
    const closing = measure(closers(nextFence, nextDetails));
    if (used + size + closing + worstNote > options.limit) break;
    used += size;
    kept += 1;
    inFence = nextFence;
    openDetails = nextDetails;
  }

  const head = lines.slice(0, kept).join("\n");
  const dropped = totalSections - countOpenings(head);
  const tail = closers(inFence, openDetails) + options.note(dropped);
  if (kept > 0) return head + "\n" + tail;
  // Not even the first line fits: cut inside it, on a code point boundary (binary search).
  const room = options.limit - measure(tail) - 1;
  const points = [...(lines[0] ?? "")];
  let low = 0;
  let high = points.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (measure(points.slice(0, mid).join("")) <= room) low = mid;
    else high = mid - 1;
  }
  return (low > 0 ? points.slice(0, low).join("") + "\n" : "") + tail;
}

function isFence(line: string): boolean {
  return /^\s{0,3}(```|~~~)/.test(line);
}

function countOpenings(text: string): number {
  return (text.match(/<details[\s>]/gi) ?? []).length;
}

function countClosings(text: string): number {
  return (text.match(/<\/details>/gi) ?? []).length;
}

function closers(inFence: boolean, openDetails: number): string {
  return (inFence ? "```\n" : "") + "</details>\n".repeat(openDetails);
}
