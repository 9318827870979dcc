/**
 * Outside channels behind one interface (issue 15, item 3): SMS through a brandname aggregator
 * (notify.esms.ts), Zalo ZNS template messages (notify.zns.ts), web push (notify.webpush.ts), and
 * an in-process fake for tests (notify.memory.ts). The dispatcher (notify.dispatch.ts) owns the
 * messages' states; an adapter only speaks its provider's API.
 */
export type Channel = 'sms' | 'zalo' | 'push';
export const CHANNELS: readonly Channel[] = ['sms', 'zalo', 'push'];

/** Message states, in order; `failed` ends a message (a fallback channel then gets its own message). */
export type MessageState = 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

/** What an adapter is asked to send. `to.phone` is E.164 (+84…); `to.push` a browser's subscription. */
export interface OutgoingMessage {
  id: string;
  template: string;
  params: Record<string, string>;
  /** the message in words, for channels that take free text (SMS within a registered template, push) */
  text: string;
  to: { phone?: string; push?: { endpoint: string; p256dh: string; auth: string } };
}

/** The provider's answer to a send: its id for the message (callbacks name it) and the state it reports. */
export interface SendResult {
  providerId: string;
  state: 'sent' | 'delivered';
}

/** A send that failed: `transient` ones (timeouts, 5xx, rate limits) are retried with backoff; the others fail the message at once. */
export class NotifyError extends Error {
  /** `code` 'gone': the recipient's address no longer exists (a browser's push subscription): forget it */
  constructor(message: string, readonly transient: boolean, readonly code?: 'gone') {
    super(message);
  }
}

/** A delivery report from a provider's callback: which message (the provider's id), its new state, the provider's words. */
export interface DeliveryReport {
  providerId: string;
  state: 'delivered' | 'read' | 'failed';
  detail?: string;
}

/** One channel's adapter. `timeoutMs`: the dispatcher aborts a send after it (a timeout is transient). */
export interface Notifier {
  readonly channel: Channel;
  send(message: OutgoingMessage, signal: AbortSignal): Promise<SendResult>;
}
