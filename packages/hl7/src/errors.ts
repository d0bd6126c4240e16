// One error type for everything the parser rejects, carrying where it happened so a NAK can say why.

export interface Hl7ErrorLocation {
  /** 1-based line (segment) number in the parsed text. */
  line?: number;
  /** Segment ID, e.g. 'PID'. */
  segment?: string;
  /** HL7 field number (1-based) when the problem is in one field. */
  field?: number;
}

export class Hl7ParseError extends Error {
  readonly location: Hl7ErrorLocation;
  constructor(reason: string, location: Hl7ErrorLocation = {}) {
    const where = location.line !== undefined ? ` (line ${location.line})` : '';
    super(`${reason}${where}`);
    this.name = 'Hl7ParseError';
    this.location = location;
  }
}

/** Raised by mappers when a message parses but lacks what the mapping needs. */
export class Hl7MappingError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'Hl7MappingError';
  }
}
