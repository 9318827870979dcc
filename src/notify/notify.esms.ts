import { providerJson } from './notify.http.js';
import { type DeliveryReport, type Notifier, NotifyError, type OutgoingMessage, type SendResult } from './notify.types.js';

/**
 * SMS by brandname through eSMS.vn, an aggregator registered with the carriers, as its developer
 * documentation describes (developers.esms.vn: "Tin nhắn SMS OTP/CSKH", SendMultipleMessage_V4_post_json;
 * "Callback Url"). A customer-care message (SmsType 2) under the province's registered brandname,
 * with our message id as `RequestId` (eSMS refuses a second send of the same id that day: a resend
 * after a crash never reaches a phone twice) and a `CallbackUrl` on which eSMS reports the result.
 */
export interface EsmsConfig {
  /** https://rest.esms.vn (tests: the fake server's address) */
  baseUrl: string;
  apiKey: string;
  secretKey: string;
  brandname: string;
  /** the address eSMS calls back, with the unguessable token eSMS cannot sign for us (it does not sign its callbacks) */
  callbackUrl: string;
}

/** "+84912345678" → "0912345678", the form eSMS documents. */
const domestic = (e164: string) => (e164.startsWith('+84') ? `0${e164.slice(3)}` : e164);

export class EsmsNotifier implements Notifier {
  readonly channel = 'sms' as const;
  constructor(private readonly config: EsmsConfig) {}

  /** Sends one SMS. Errors: NotifyError (transient: network, timeout, 5xx; permanent: a CodeResult other than 100/124, e.g. 101 wrong keys, 104 brandname not active). */
  async send(message: OutgoingMessage, signal: AbortSignal): Promise<SendResult> {
    if (!message.to.phone) throw new NotifyError('người nhận không có số điện thoại', false);
    const answer = (await providerJson(`${this.config.baseUrl}/MainService.svc/json/SendMultipleMessage_V4_post_json/`, {
      method: 'POST',
      body: {
        ApiKey: this.config.apiKey,
        SecretKey: this.config.secretKey,
        Brandname: this.config.brandname,
        SmsType: '2',
        IsUnicode: '1',
        Phone: domestic(message.to.phone),
        Content: message.text,
        RequestId: message.id,
        CallbackUrl: this.config.callbackUrl,
      },
    }, signal)) as { CodeResult?: string; SMSID?: string; ErrorMessage?: string };
    // 124: this RequestId was sent already (a retry after a lost answer): the first send stands
    if (answer.CodeResult === '100' || answer.CodeResult === '124') return { providerId: answer.SMSID ?? `request:${message.id}`, state: 'sent' };
    throw new NotifyError(`eSMS từ chối (mã ${answer.CodeResult ?? '?'}): ${answer.ErrorMessage ?? 'không rõ lý do'}`, false);
  }
}

/**
 * Reads eSMS's callback (a GET with SMSID, RequestId, SendStatus, SendSuccess, SendFailed): SendStatus
 * 5 "sent" with SendSuccess > 0 is delivered, with SendFailed > 0 failed; 4 "refused" failed; 1, 2
 * and 7 (awaiting approval, sending, awaiting the report) change nothing. → the report and the
 * message it names (our id when RequestId is set), or null.
 */
export function readEsmsCallback(query: Record<string, string | undefined>): { messageId: string | null; report: DeliveryReport } | null {
  const smsId = query.SMSID ?? '';
  const status = query.SendStatus;
  const ok = Number(query.SendSuccess ?? 0);
  const failed = Number(query.SendFailed ?? 0);
  let state: DeliveryReport['state'] | null = null;
  if (status === '5' && ok > 0) state = 'delivered';
  else if ((status === '5' && failed > 0) || status === '4') state = 'failed';
  if (!state || (!smsId && !query.RequestId)) return null;
  const detail = status === '4' ? 'eSMS từ chối tin' : state === 'failed' ? `eSMS báo gửi không thành công${query.error_info ? `: ${query.error_info.slice(0, 200)}` : ''}` : 'eSMS báo đã tới máy';
  return { messageId: query.RequestId || null, report: { providerId: smsId, state, detail } };
}
