// Report stage: the output formats of `inspections status`, one renderer each.
import type { InspectionsStatus } from '../../../generated/types/inspections/status.js';
import type { Lang } from '../../diagnostics/i18n.js';
import { renderInspectionsHtml } from './html.js';
import { renderInspectionsText } from './text.js';
import { renderInspectionsXlsx } from './xlsx.js';

export const inspectionsFormats = {
  text: renderInspectionsText,
  json: (r: InspectionsStatus) => `${JSON.stringify(r, null, 2)}\n`,
  html: renderInspectionsHtml,
  xlsx: renderInspectionsXlsx,
} satisfies Record<string, (r: InspectionsStatus, lang?: Lang) => string | Promise<string | Buffer>>;

export type InspectionsFormat = keyof typeof inspectionsFormats;
