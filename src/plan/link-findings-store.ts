/** What `emi drift` keeps of the campaign link check, so that it reports new findings as new. */
export interface LinkFindingsStore {
  /** Keys of the findings the last drift report showed. */
  reportedLinkFindings(): Promise<string[]>;
  /** Records the findings of this report (replacing the last set). */
  recordLinkFindings(keys: readonly string[]): Promise<void>;
}
