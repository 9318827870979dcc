import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config.js';
import type { Db } from '../db/client.js';
import { dispatchDue } from './notify.dispatch.js';
import { EsmsNotifier } from './notify.esms.js';
import type { Channel, Notifier } from './notify.types.js';
import { newVapidKeys, WebPushNotifier } from './notify.webpush.js';
import { ZnsNotifier } from './notify.zns.js';

/** The eSMS callback's address: the public URL and the secret token (notify.routes.ts checks it). */
export const esmsCallbackUrl = (config: Config) => `${config.publicUrl ?? `http://localhost:${config.port}`}/api/notify/esms/${config.notify.esms?.callbackToken ?? ''}`;

/** The adapters of the configured channels (none configured: none; their messages then fail over to the next channel or fail). */
export function buildNotifiers(config: Config): Partial<Record<Channel, Notifier>> {
  const n: Partial<Record<Channel, Notifier>> = {};
  const { esms, zns, vapid } = config.notify;
  if (esms) n.sms = new EsmsNotifier({ ...esms, callbackUrl: esmsCallbackUrl(config) });
  if (zns) n.zalo = new ZnsNotifier(zns);
  if (vapid) n.push = new WebPushNotifier(vapid);
  return n;
}

/**
 * The web push keys when none are configured: made once and kept in `<data dir>/vapid.json`
 * (mode 0600), so browsers' subscriptions stay valid across restarts. For `npm start`.
 */
export function vapidFromDataDir(config: Config): Config {
  if (config.notify.vapid) return config;
  const file = path.join(config.dataDir, 'vapid.json');
  let keys: { publicKey: string; privateKey: string };
  if (existsSync(file)) keys = JSON.parse(readFileSync(file, 'utf8'));
  else {
    mkdirSync(config.dataDir, { recursive: true });
    keys = newVapidKeys();
    writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  }
  return { ...config, notify: { ...config.notify, vapid: { ...keys, subject: process.env.NGOSO_VAPID_SUBJECT ?? `mailto:quantri@${new URL(config.publicUrl ?? 'http://localhost').hostname}` } } };
}

/** Runs the dispatcher every `everyMs` (default 5 s) until the returned stop is called; a failed round is logged and the next one runs. */
export function startDispatcher(db: Db, notifiers: Partial<Record<Channel, Notifier>>, log: (m: string) => void, everyMs = 5000): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(() => {
    running = running.then(async () => {
      if (stopped) return;
      try {
        for (let round = 0; round < 20; round++) {
          const r = await dispatchDue(db, notifiers);
          if (r.sent + r.failed + r.retried < 50) break;
        }
      } catch (err) {
        log(`Gửi tin nhắn: ${(err as Error).message}`);
      }
    });
  }, everyMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
