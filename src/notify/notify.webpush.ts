import webpush from 'web-push';
import { type Notifier, NotifyError, type OutgoingMessage, type SendResult } from './notify.types.js';

/**
 * Web push (RFC 8030, VAPID RFC 8292) to the browsers that allowed it, with the maintained
 * `web-push` package: the payload is encrypted for the subscription and posted to its push
 * service. A push service does not report delivery: a push accepted is `sent`.
 */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  /** mailto: or https: contact of the operator, as VAPID asks */
  subject: string;
}

export class WebPushNotifier implements Notifier {
  readonly channel = 'push' as const;
  constructor(private readonly keys: VapidKeys, private readonly timeoutMs = 10_000) {}

  /** Pushes {title, body, url}. Errors: NotifyError (transient: network, 429, 5xx; permanent: 404/410, the subscription is gone). */
  async send(message: OutgoingMessage, _signal: AbortSignal): Promise<SendResult> {
    const sub = message.to.push;
    if (!sub) throw new NotifyError('trình duyệt chưa cho phép thông báo', false);
    try {
      await webpush.sendNotification({ endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } }, JSON.stringify({ title: message.params.title ?? 'Ngõ Số', body: message.text, url: message.params.url ?? '/field/' }), {
        vapidDetails: this.keys,
        TTL: 24 * 3600,
        timeout: this.timeoutMs,
      });
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status === 404 || status === 410) throw new NotifyError(`trình duyệt đã hủy đăng ký nhận thông báo (HTTP ${status})`, false);
      throw new NotifyError(`dịch vụ push không nhận: ${status ? `HTTP ${status}` : (err as Error).message}`, status === undefined || status === 429 || status >= 500);
    }
    return { providerId: message.id, state: 'sent' };
  }
}

/** A new VAPID key pair (`web-push`'s generator). */
export function newVapidKeys(): { publicKey: string; privateKey: string } {
  return webpush.generateVAPIDKeys();
}
