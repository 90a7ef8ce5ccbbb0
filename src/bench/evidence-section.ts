// Bench section: findings derived from evidence (src/bench/evidence.ts), scaled by --evidence-queries=N.
import { benchEvidence, fullSizes } from './evidence.js';
import { numberArg, type Section } from './section.js';
import { fmt } from './stats.js';

export const evidenceSection: Section = {
  name: 'evidence',
  async run(ctx) {
    const queries = numberArg(ctx, 'evidence-queries', fullSizes.queries);
    const scale = queries / fullSizes.queries;
    const { lines, figures: ev } = await benchEvidence({
      queries,
      authorizations: Math.round(fullSizes.authorizations * scale),
      users: Math.max(50, Math.round(fullSizes.users * scale)),
      staff: Math.max(100, Math.round(fullSizes.staff * scale)),
    });
    return {
      // benchEvidence ends its lines with a blank one; the report adds its own.
      lines: lines[lines.length - 1] === '' ? lines.slice(0, -1) : lines,
      rows: [],
      gaps: [
        ev.seconds > 60 && `findings from evidence took ${fmt(ev.seconds / 60, 2)}× the 60 s asked for`,
        ev.peakMb > 500 && `findings from evidence peaked ${fmt(ev.peakMb - 500)} MB over 500 MB`,
        !ev.sample.same && 'opa eval gave different findings on the evidence sample',
      ].filter((g): g is string => typeof g === 'string'),
    };
  },
};
