import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Local fake servers that speak the providers' documented APIs, for the adapters' tests: nothing
 * leaves the machine. Each records what it received and can be told to misbehave.
 *
 * eSMS (developers.esms.vn): POST /MainService.svc/json/SendMultipleMessage_V4_post_json/ with
 * ApiKey, SecretKey, Brandname, Phone, Content, RequestId, CallbackUrl → {CodeResult: "100", SMSID};
 * a second RequestId → "124"; wrong keys → "101"; it reports by GET on CallbackUrl.
 * Zalo ZNS (developers.zalo.me): POST /message/template, header access_token, {phone, template_id,
 * template_data, tracking_id} → {error: 0, message: "Success", data: {msg_id, sent_time}}; it reports
 * by POSTing a signed user_received_message event to the OA's webhook.
 */
export class FakeProviders {
  readonly esmsRequests: Record<string, string>[] = [];
  readonly znsRequests: { headers: IncomingMessage['headers']; body: Record<string, unknown> }[] = [];
  /** pushes received by the fake push service (RFC 8030): POST /push/ID; ID "gone-…" answers 410, "fail-…" 500 */
  readonly pushes: { id: string; headers: IncomingMessage['headers']; body: Buffer }[] = [];
  /** how the next requests behave: 'ok', 'timeout' (never answers), '500' */
  mode: 'ok' | 'timeout' | '500' = 'ok';
  /** phones (ZNS form 84…) that have no Zalo account */
  noZalo = new Set<string>();
  private seenRequestIds = new Set<string>();
  private server!: Server;
  private hanging: ServerResponse[] = [];
  url = '';

  constructor(readonly esmsKeys = { apiKey: 'API-KEY', secretKey: 'SECRET', brandname: 'NGOSO' }, readonly zalo = { accessToken: 'ZALO-TOKEN', appId: '1234567890', oaSecret: 'OA-SECRET' }) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const r of this.hanging) r.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    if (this.mode === 'timeout') {
      this.hanging.push(res);
      return;
    }
    const json = (status: number, body: unknown): void => void res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (this.mode === '500') return json(500, { error: 'Internal Server Error' });
    const push = /^\/push\/([\w-]+)$/.exec(req.url ?? '');
    if (req.method === 'POST' && push) {
      this.pushes.push({ id: push[1], headers: req.headers, body: Buffer.concat(chunks) });
      if (push[1].startsWith('gone-')) return void res.writeHead(410).end();
      if (push[1].startsWith('fail-')) return void res.writeHead(500).end();
      return void res.writeHead(201, { location: `${this.url}/message/${this.pushes.length}` }).end();
    }
    if (req.method === 'POST' && req.url === '/MainService.svc/json/SendMultipleMessage_V4_post_json/') {
      const body = JSON.parse(raw) as Record<string, string>;
      this.esmsRequests.push(body);
      if (body.ApiKey !== this.esmsKeys.apiKey || body.SecretKey !== this.esmsKeys.secretKey) return json(200, { CodeResult: '101', CountRegenerate: 0, ErrorMessage: 'Authorize Failed' });
      if (body.Brandname !== this.esmsKeys.brandname) return json(200, { CodeResult: '104', CountRegenerate: 0, ErrorMessage: 'Brand name code is not exist' });
      if (body.RequestId && this.seenRequestIds.has(body.RequestId)) return json(200, { CodeResult: '124', CountRegenerate: 0, ErrorMessage: 'Request exist 1', SendStatus: '5' });
      if (body.RequestId) this.seenRequestIds.add(body.RequestId);
      return json(200, { CodeResult: '100', CountRegenerate: 0, SMSID: randomUUID().replace(/-/g, '') });
    }
    if (req.method === 'POST' && req.url === '/message/template') {
      const body = JSON.parse(raw) as Record<string, unknown>;
      this.znsRequests.push({ headers: req.headers, body });
      if (req.headers.access_token !== this.zalo.accessToken) return json(200, { error: -124, message: 'Access token is invalid' });
      if (this.noZalo.has(String(body.phone))) return json(200, { error: -108, message: 'Phone number is invalid or has no Zalo account' });
      return json(200, { error: 0, message: 'Success', data: { msg_id: randomUUID().replace(/-/g, '').slice(0, 20), sent_time: String(Date.now()), quota: { dailyQuota: '500', remainingQuota: '499' } } });
    }
    json(404, { error: 'not found' });
  }

  /** eSMS calling back the CallbackUrl of the request with `requestId`: delivered (ok) or failed. */
  esmsCallbackQuery(smsId: string, requestId: string, ok: boolean): string {
    const q = new URLSearchParams({ SMSID: smsId, SendFailed: ok ? '0' : '1', SendStatus: '5', SendSuccess: ok ? '1' : '0', TotalPrice: '0.0000', TotalReceiver: '1', TotalSent: '1', RequestId: requestId, TypeId: '2', telcoid: '1', phonenumber: '0912345678' });
    return q.toString();
  }

  /** A Zalo webhook event reporting `msgId` delivered, with the headers Zalo signs it with (`secret` the OA secret; a wrong one forges it). */
  zaloDelivered(msgId: string, secret = this.zalo.oaSecret): { body: string; headers: Record<string, string> } {
    const timestamp = String(Date.now());
    const body = JSON.stringify({ app_id: this.zalo.appId, sender: { id: '579745863508352884' }, recipient: { id: '84912345678' }, event_name: 'user_received_message', message: { msg_id: msgId, delivery_time: timestamp }, timestamp });
    const mac = createHash('sha256').update(`${this.zalo.appId}${body}${timestamp}${secret}`).digest('hex');
    return { body, headers: { 'content-type': 'application/json', 'x-zevent-signature': `mac=${mac}` } };
  }
}
