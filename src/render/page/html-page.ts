// Render stage: the shell every printable page shares: one self-contained HTML document (inline CSS,
// no external assets), and the escaping every dynamic text goes through.

/** escapeHtml makes a text safe in HTML content and in quoted attribute values. */
export function escapeHtml(text: string | number): string {
  return String(text).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** htmlPage wraps a page body (already escaped) in the document shell; `title` is escaped here. */
export function htmlPage(title: string, css: string, body: string, lang: 'zh' | 'en' = 'zh'): string {
  return `<!DOCTYPE html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${css}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}
