// Service: which representation of a result a client asked for with its Accept header.

/** Representation: the forms a result can be sent in; JSON first, so a tie goes to JSON. */
export const representations = ['application/json', 'text/html'] as const;
export type Representation = (typeof representations)[number];

/** preferred picks the representation the Accept header ranks highest (JSON when absent or equal). */
export function preferred(accept: string | undefined): Representation {
  if (!accept) return 'application/json';
  const ranges = accept
    .split(',')
    .map(parseRange)
    .filter((r) => r !== undefined);
  let best: Representation = 'application/json';
  let bestQ = quality(ranges, best);
  for (const rep of representations) {
    const q = quality(ranges, rep);
    if (q > bestQ) [best, bestQ] = [rep, q];
  }
  return best;
}

interface Range {
  type: string;
  subtype: string;
  q: number;
}

function parseRange(part: string): Range | undefined {
  const [media, ...params] = part.trim().split(';');
  const [type, subtype] = media.trim().toLowerCase().split('/');
  if (!type || !subtype) return undefined;
  const qParam = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='));
  const q = qParam === undefined ? 1 : Number(qParam.slice(2));
  return { type, subtype, q: Number.isFinite(q) ? q : 0 };
}

/** quality is the q of the most specific range matching a media type (0 when none does). */
function quality(ranges: Range[], media: string): number {
  const [type, subtype] = media.split('/');
  let best = { specificity: -1, q: 0 };
  for (const r of ranges) {
    const specificity =
      r.type === type && r.subtype === subtype
        ? 2
        : r.type === type && r.subtype === '*'
          ? 1
          : r.type === '*' && r.subtype === '*'
            ? 0
            : -1;
    if (specificity > best.specificity) best = { specificity, q: r.q };
  }
  return best.q;
}
