// Report stage: the output formats of `inspections status`, one renderer each.
import type { InspectionsStatus } from '../../../generated/types/inspections/status.js';
import { renderInspectionsHtml } from './html.js';
import { renderInspectionsText } from './text.js';

export const inspectionsFormats = {
  text: renderInspectionsText,
  json: (r: InspectionsStatus) => `${JSON.stringify(r, null, 2)}\n`,
  html: renderInspectionsHtml,
} satisfies Record<string, (r: InspectionsStatus) => string | Promise<string>>;

export type InspectionsFormat = keyof typeof inspectionsFormats;
