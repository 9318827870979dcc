import { createHash, timingSafeEqual } from 'node:crypto';
import { providerJson } from './notify.http.js';
import { type DeliveryReport, type Notifier, NotifyError, type OutgoingMessage, type SendResult } from './notify.types.js';

/**
 * Zalo Notification Service (ZNS): template messages from the province's Zalo Official Account
 * to a phone number, as Zalo's developer documentation describes (developers.zalo.me, "ZNS: gửi
 * thông báo ZNS": POST https://business.openapi.zalo.me/message/template with the OA's access
 * token; webhook event `user_received_message`, signed with X-ZEvent-Signature). Templates are
 * approved by Zalo beforehand; their ids are configured per template name.
 */
export interface ZnsConfig {
  /** https://business.openapi.zalo.me (tests: the fake server's address) */
  baseUrl: string;
  accessToken: string;
  appId: string;
  /** the OA's secret key, which signs the webhook's events */
  oaSecret: string;
  /** Zalo's template id per template name ("directive.new": "412345") */
  templates: Record<string, string>;
}

/** "+84912345678" → "84912345678", the form ZNS documents. */
const znsPhone = (e164: string) => e164.replace(/^\+/, '');

export class ZnsNotifier implements Notifier {
  readonly channel = 'zalo' as const;
  constructor(private readonly config: ZnsConfig) {}

  /** Sends one ZNS message. Errors: NotifyError (transient: network, timeout, 5xx; permanent: no template id, `error` ≠ 0 in Zalo's answer, e.g. a phone without Zalo). */
  async send(message: OutgoingMessage, signal: AbortSignal): Promise<SendResult> {
    if (!message.to.phone) throw new NotifyError('người nhận không có số điện thoại', false);
    const templateId = this.config.templates[message.template];
    if (!templateId) throw new NotifyError(`chưa khai báo mẫu ZNS cho "${message.template}" (NGOSO_ZALO_TEMPLATES)`, false);
    const answer = (await providerJson(`${this.config.baseUrl}/message/template`, {
      method: 'POST',
      headers: { access_token: this.config.accessToken },
      body: { phone: znsPhone(message.to.phone), template_id: templateId, template_data: message.params, tracking_id: message.id },
    }, signal)) as { error?: number; message?: string; data?: { msg_id?: string } };
    if (answer.error === 0 && answer.data?.msg_id) return { providerId: answer.data.msg_id, state: 'sent' };
    throw new NotifyError(`Zalo từ chối (mã ${answer.error ?? '?'}): ${answer.message ?? 'không rõ lý do'}`, false);
  }

  /**
   * Checks a webhook request: X-ZEvent-Signature is "mac=" + SHA-256 of app id, the raw body, the
   * event's timestamp and the OA secret (Zalo's webhook documentation). → the delivery report, or
   * null for an event that reports no delivery. Errors: Error('signature') when the signature does not match.
   */
  readWebhook(rawBody: string, signatureHeader: string | undefined): DeliveryReport | null {
    let event: { app_id?: string; event_name?: string; timestamp?: string | number; message?: { msg_id?: string; msg_ids?: string[] } };
    try {
      event = JSON.parse(rawBody);
    } catch {
      throw new Error('signature');
    }
    const expected = `mac=${createHash('sha256').update(`${this.config.appId}${rawBody}${event.timestamp ?? ''}${this.config.oaSecret}`).digest('hex')}`;
    const given = Buffer.from(signatureHeader ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected))) throw new Error('signature');
    if (event.event_name === 'user_received_message' && event.message?.msg_id) return { providerId: event.message.msg_id, state: 'delivered', detail: 'Zalo báo đã tới máy' };
    if (event.event_name === 'user_seen_message' && event.message?.msg_ids?.[0]) return { providerId: event.message.msg_ids[0], state: 'read', detail: 'Zalo báo đã xem' };
    return null;
  }
}
