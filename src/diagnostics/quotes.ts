// Diagnostics: the check every rule and duty file makes of its quotes, that each stands in the source
// text verbatim, with one message wherever it fails.
import { type Message, msg } from './message.js';

/** notVerbatim: why a quote is refused, or undefined when it is in the source (or the source is unknown). */
export function notVerbatim(text: string, sourceText: string | undefined): Message | undefined {
  if (sourceText === undefined || sourceText.includes(text)) return undefined;
  return msg('diag.rules.notVerbatim', { text: text.length > 50 ? `${text.slice(0, 50)}…` : text });
}
