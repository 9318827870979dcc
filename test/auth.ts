import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Role } from '../src/access/access.policy.js';
import { createUser } from '../src/access/users.service.js';
import type { Db } from '../src/db/client.js';

/** A browser-like client of the app: keeps cookies, sends the CSRF token on writes; from `ip` when given (each signed-in client has its own, as people at their own machines: rate limits count per address). */
export class TestClient {
  private cookies = new Map<string, string>();
  private csrf: string | null = null;

  constructor(
    private readonly app: FastifyInstance,
    private readonly ip?: string,
  ) {}

  private remember(res: LightMyRequestResponse) {
    for (const c of res.cookies as { name: string; value: string; maxAge?: number }[]) {
      if (c.value === '' || c.maxAge === 0) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
  }

  /** Sends a request with the client's cookies (and, for writes, the CSRF header). */
  async request(opts: InjectOptions & { method: string; url: string }): Promise<LightMyRequestResponse> {
    const write = !['GET', 'HEAD', 'OPTIONS'].includes(opts.method.toUpperCase());
    if (write && !this.csrf) {
      const res = await this.app.inject({ method: 'GET', url: '/api/auth/csrf', headers: { cookie: this.cookieHeader() }, ...(this.ip ? { remoteAddress: this.ip } : {}) });
      this.remember(res);
      this.csrf = res.json().token;
    }
    const res = await this.app.inject({
      ...(this.ip ? { remoteAddress: this.ip } : {}),
      ...opts,
      headers: { ...(opts.headers ?? {}), cookie: this.cookieHeader(), ...(write ? { 'x-csrf-token': this.csrf! } : {}) },
    } as InjectOptions);
    this.remember(res);
    return res;
  }

  get(url: string) {
    return this.request({ method: 'GET', url });
  }

  post(url: string, payload?: unknown) {
    return this.request({ method: 'POST', url, ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }) });
  }

  async signIn(login: string, password: string): Promise<LightMyRequestResponse> {
    return this.post('/api/auth/login', { login, password });
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  setCookie(name: string, value: string) {
    this.cookies.set(name, value);
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export const TEST_PASSWORD = 'mat-khau-thu-nghiem';

let clients = 0;
/** Creates a user (no forced password change) and returns a signed-in client, at an address of its own. */
export async function signedInClient(app: FastifyInstance, db: Db, user: { username: string; role: Role; unit?: string; teamId?: number }): Promise<TestClient> {
  await createUser(db, { fullName: `Người dùng ${user.username}`, password: TEST_PASSWORD, mustChangePassword: false, ...user }, null);
  const client = new TestClient(app, `10.0.${Math.floor(++clients / 250)}.${(clients % 250) + 1}`);
  const res = await client.signIn(user.username, TEST_PASSWORD);
  if (res.statusCode !== 200) throw new Error(`sign-in of ${user.username} failed: ${res.body}`);
  return client;
}
