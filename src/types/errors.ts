/**
 * Base of emi's operational errors. Messages are written for people and never carry a secret;
 * the CLI prints them without a stack. Anything that is not an EmiError is a bug.
 */
export class EmiError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
