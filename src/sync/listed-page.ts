/**
 * What the sync keeps of a listing page: per profile (same index in each array) its id, e-mail
 * (null when it has none) and current REAID attribute. Parallel arrays rather than the parsed
 * profiles: a store call waits for many pages, and objects that die young cost V8 far less memory
 * than objects that live long enough to be promoted (measured: bench/sync.md).
 */
export interface ListedPage {
  profileIds: number[];
  emails: (string | null)[];
  currentReaids: unknown[];
  /** Listing cursor after this page. */
  nextCursor: string | null;
}
