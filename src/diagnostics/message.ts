// Diagnostics: a message kept as its catalogue key and values rather than as text, so that a diagnostic made
// once (by a loader, whose results are cached and shared) is read in the language each reader asks for.
// Pure data: writing it in a language is i18n.ts's (renderMessage, said, localText).

import type { Message, MessageParam } from '../../generated/types/diagnostics/message.js';

// Message (a catalogue key under `diag.` and the values its text interpolates) and MessageParam (a number,
// a text taken as it is, or another message): written once in schemas/diagnostics/message.schema.json,
// since the JSON reports carry them.
export type { Message, MessageParam };

/** msg makes a message of a catalogue key and its values. */
export function msg(key: string, params?: Record<string, MessageParam>): Message {
  return params ? { key, params } : { key };
}

/** isMessage: whether a value is a Message (rather than a text or a number). */
export function isMessage(v: unknown): v is Message {
  return v !== null && typeof v === 'object' && typeof (v as Message).key === 'string';
}

/** Said: the fields a diagnostic or problem carries for a message: its English text, key and values. */
export interface Said {
  /** The English text: what logs, the API and existing readers of `message` see. */
  message: string;
  /** The catalogue key, stable across languages: what a tool matches on instead of the text. */
  messageId: string;
  params?: Record<string, MessageParam>;
}

/** asMessage turns what carries a message back into a Message, to nest it in another. */
export function asMessage(x: { message: string; messageId?: string; params?: Record<string, MessageParam> }): Message {
  return x.messageId ? { key: x.messageId, params: x.params } : { key: 'diag.verbatim', params: { text: x.message } };
}
