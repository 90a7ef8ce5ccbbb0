// Render stage: the output formats of `check`, by name. Each is a pure function of the CheckFindings.
import type { CheckFindings } from '../../diagnostics/findings.js';
import type { Lang } from '../../diagnostics/i18n.js';
import { renderCheckJson } from './json.js';
import { renderCheckText } from './text.js';
import { renderCheckGithub } from './github.js';
import { renderCheckJunit } from './junit.js';
import { renderCheckSarif } from './sarif.js';

export const checkFormats = {
  text: renderCheckText,
  json: renderCheckJson,
  github: renderCheckGithub,
  junit: renderCheckJunit,
  sarif: renderCheckSarif,
} as const satisfies Record<string, (report: CheckFindings, lang?: Lang) => string>;

export type CheckFormat = keyof typeof checkFormats;
