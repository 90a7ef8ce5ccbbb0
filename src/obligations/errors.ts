// Obligations stage: the typed failures of deadline arithmetic. A question the data cannot answer
// (a year without a State Council calendar, an obligation whose text gives no day) is an error with
// a code, never a guess.
import { type Message, msg } from '../diagnostics/message.js';
import { SaidError } from '../diagnostics/i18n.js';

export type ObligationErrorCode =
  /** No policies/calendars/<year>.yaml: a working day of that year cannot be told. */
  | 'CALENDAR_YEAR_MISSING'
  /** The text sets no day for the obligation; it is listed, never computed. */
  | 'UNDATED'
  /** A date that does not exist, or is not in the form asked for. */
  | 'BAD_DATE';

export class ObligationError extends SaidError {
  constructor(
    readonly code: ObligationErrorCode,
    message: Message | string,
    /** The JSON pointer of the request field the error is about, when there is one. */
    readonly path = '',
  ) {
    // A plain string is said as it is, in either language.
    super(typeof message === 'string' ? msg('diag.verbatim', { text: message }) : message, 'ObligationError');
  }
}
