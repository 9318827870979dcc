/**
 * The outside channels' settings, from the environment; every channel is off unless its variables
 * are set, and nothing is ever sent to a real provider from tests (they point the base URLs at
 * local fake servers).
 *
 * - SMS: NGOSO_SMS_PROVIDER=esms, NGOSO_ESMS_API_KEY, NGOSO_ESMS_SECRET_KEY, NGOSO_ESMS_BRANDNAME,
 *   NGOSO_ESMS_CALLBACK_TOKEN (≥ 16 characters: eSMS does not sign its callbacks, so the callback
 *   address carries a secret), NGOSO_ESMS_URL (default https://rest.esms.vn); needs NGOSO_PUBLIC_URL.
 * - Zalo: NGOSO_ZALO_PROVIDER=zns, NGOSO_ZALO_ACCESS_TOKEN, NGOSO_ZALO_APP_ID, NGOSO_ZALO_OA_SECRET,
 *   NGOSO_ZALO_TEMPLATES (JSON: {"directive.new": "412345", "directive.remind": "412346"}),
 *   NGOSO_ZALO_URL (default https://business.openapi.zalo.me).
 * - Web push: NGOSO_VAPID_PUBLIC_KEY, NGOSO_VAPID_PRIVATE_KEY, NGOSO_VAPID_SUBJECT (mailto:…); when
 *   unset, the server makes a key pair on first start and keeps it in the data directory.
 */
export interface NotifyConfig {
  esms?: { baseUrl: string; apiKey: string; secretKey: string; brandname: string; callbackToken: string };
  zns?: { baseUrl: string; accessToken: string; appId: string; oaSecret: string; templates: Record<string, string> };
  vapid?: { publicKey: string; privateKey: string; subject: string };
}

const need = (env: NodeJS.ProcessEnv, names: string[], what: string) => {
  const missing = names.filter((n) => !env[n]);
  if (missing.length) throw new Error(`${what}: thiếu ${missing.join(', ')}`);
};

/** Reads the channels' settings. Errors: Error naming the missing or malformed variable. */
export function loadNotifyConfig(env: NodeJS.ProcessEnv): NotifyConfig {
  const config: NotifyConfig = {};
  if (env.NGOSO_SMS_PROVIDER) {
    if (env.NGOSO_SMS_PROVIDER !== 'esms') throw new Error(`NGOSO_SMS_PROVIDER=${env.NGOSO_SMS_PROVIDER}: chỉ hỗ trợ "esms"`);
    need(env, ['NGOSO_ESMS_API_KEY', 'NGOSO_ESMS_SECRET_KEY', 'NGOSO_ESMS_BRANDNAME', 'NGOSO_ESMS_CALLBACK_TOKEN'], 'SMS qua eSMS');
    if (env.NGOSO_ESMS_CALLBACK_TOKEN!.length < 16) throw new Error('NGOSO_ESMS_CALLBACK_TOKEN cần ít nhất 16 ký tự');
    config.esms = { baseUrl: (env.NGOSO_ESMS_URL ?? 'https://rest.esms.vn').replace(/\/+$/, ''), apiKey: env.NGOSO_ESMS_API_KEY!, secretKey: env.NGOSO_ESMS_SECRET_KEY!, brandname: env.NGOSO_ESMS_BRANDNAME!, callbackToken: env.NGOSO_ESMS_CALLBACK_TOKEN! };
  }
  if (env.NGOSO_ZALO_PROVIDER) {
    if (env.NGOSO_ZALO_PROVIDER !== 'zns') throw new Error(`NGOSO_ZALO_PROVIDER=${env.NGOSO_ZALO_PROVIDER}: chỉ hỗ trợ "zns"`);
    need(env, ['NGOSO_ZALO_ACCESS_TOKEN', 'NGOSO_ZALO_APP_ID', 'NGOSO_ZALO_OA_SECRET', 'NGOSO_ZALO_TEMPLATES'], 'Zalo ZNS');
    let templates: Record<string, string>;
    try {
      templates = JSON.parse(env.NGOSO_ZALO_TEMPLATES!);
    } catch {
      throw new Error('NGOSO_ZALO_TEMPLATES phải là JSON, ví dụ {"directive.new": "412345"}');
    }
    config.zns = { baseUrl: (env.NGOSO_ZALO_URL ?? 'https://business.openapi.zalo.me').replace(/\/+$/, ''), accessToken: env.NGOSO_ZALO_ACCESS_TOKEN!, appId: env.NGOSO_ZALO_APP_ID!, oaSecret: env.NGOSO_ZALO_OA_SECRET!, templates };
  }
  if (env.NGOSO_VAPID_PUBLIC_KEY || env.NGOSO_VAPID_PRIVATE_KEY) {
    need(env, ['NGOSO_VAPID_PUBLIC_KEY', 'NGOSO_VAPID_PRIVATE_KEY'], 'Web push');
    config.vapid = { publicKey: env.NGOSO_VAPID_PUBLIC_KEY!, privateKey: env.NGOSO_VAPID_PRIVATE_KEY!, subject: env.NGOSO_VAPID_SUBJECT ?? 'mailto:quantri@localhost' };
  }
  return config;
}
