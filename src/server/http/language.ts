// HTTP plumbing: the language of a rendered page (HTML, Markdown) from the request's Accept-Language,
// Chinese unless English is preferred; JSON answers are the same in every language.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Lang, langFromAcceptLanguage } from '../../diagnostics/i18n.js';

/** htmlLang: the language a page for this request is rendered in. */
export function htmlLang(request: FastifyRequest): Lang {
  const header = request.headers['accept-language'];
  return langFromAcceptLanguage(Array.isArray(header) ? header.join(',') : header);
}

/** htmlReply sets the type and language of an HTML page, and that caches must key it by both headers. */
export function htmlReply(reply: FastifyReply, request: FastifyRequest): FastifyReply {
  return reply
    .type('text/html; charset=utf-8')
    .header('content-language', htmlLang(request) === 'zh' ? 'zh-CN' : 'en')
    .header('vary', 'Accept, Accept-Language');
}
