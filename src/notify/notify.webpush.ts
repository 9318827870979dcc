import webpush from 'web-push';
import { type Notifier, NotifyError, type OutgoingMessage, type SendResult } from './notify.types.js';

/**
 * Web push (RFC 8030; VAPID, RFC 8292; payload encryption aes128gcm, RFC 8291) to the browsers that
 * allowed it. The maintained `web-push` package encrypts the payload for the subscription and signs
 * the VAPID header (`generateRequestDetails`); the request itself is posted with fetch, so a test
 * can point a subscription at a local fake push service. A push service does not report delivery:
 * a push it accepted (201) is `sent`; 404/410 mean the subscription is gone (`code` 'gone': the
 * dispatcher forgets it).
 */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  /** mailto: or https: contact of the operator, as VAPID asks */
  subject: string;
}

export class WebPushNotifier implements Notifier {
  readonly channel = 'push' as const;
  constructor(private readonly keys: VapidKeys) {}

  /** Pushes {title, body, url}. Errors: NotifyError (transient: network, timeout, 429, 5xx; permanent: 404/410 'gone', another 4xx). */
  async send(message: OutgoingMessage, signal: AbortSignal): Promise<SendResult> {
    const sub = message.to.push;
    if (!sub) throw new NotifyError('trình duyệt chưa cho phép thông báo', false);
    const payload = JSON.stringify({ title: message.params.title ?? 'Ngõ Số', body: message.text, url: message.params.url ?? '/field/' });
    let req: { method: string; headers: Record<string, string | number>; body: Buffer | null; endpoint: string };
    try {
      req = webpush.generateRequestDetails({ endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } }, payload, { vapidDetails: this.keys, TTL: 24 * 3600, urgency: 'normal' }) as typeof req;
    } catch (err) {
      throw new NotifyError(`đăng ký nhận thông báo không hợp lệ: ${(err as Error).message}`, false, 'gone');
    }
    let res: Response;
    try {
      res = await fetch(req.endpoint, { method: req.method, headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])), body: req.body ? new Uint8Array(req.body) : undefined, signal });
    } catch (err) {
      throw new NotifyError(signal.aborted ? 'hết thời gian chờ dịch vụ push' : `không kết nối được dịch vụ push: ${(err as Error).message}`, true);
    }
    await res.arrayBuffer().catch(() => undefined);
    if (res.status === 404 || res.status === 410) throw new NotifyError(`trình duyệt đã hủy đăng ký nhận thông báo (HTTP ${res.status})`, false, 'gone');
    if (res.status === 429 || res.status >= 500) throw new NotifyError(`dịch vụ push trả lỗi HTTP ${res.status}`, true);
    if (res.status >= 400) throw new NotifyError(`dịch vụ push từ chối (HTTP ${res.status})`, false);
    return { providerId: res.headers.get('location') ?? message.id, state: 'sent' };
  }
}

/** A new VAPID key pair (`web-push`'s generator). */
export function newVapidKeys(): { publicKey: string; privateKey: string } {
  return webpush.generateVAPIDKeys();
}
