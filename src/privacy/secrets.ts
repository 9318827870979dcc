import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The server's secrets: the cookie-signing secret, the AES-256-GCM data keys (by key id, one
 * current) and the HMAC key for matching hashes. Read from the file `NGOSO_SECRETS_FILE`
 * (default `<data dir>/secrets.json`, created with mode 0600 on first start), or given whole in
 * the environment as NGOSO_SECRETS (the same JSON), e.g. from a secret manager.
 */
export interface Secrets {
  cookieSecret: string;
  /** base64 of 32 random bytes, for HMAC-SHA256 of phone and ID numbers (never rotated: hashes must stay comparable) */
  hashKey: string;
  currentKeyId: string;
  /** key id → base64 of a 32-byte AES-256 key */
  dataKeys: Record<string, string>;
}

function fresh(): Secrets {
  const kid = `k${Date.now().toString(36)}`;
  return {
    cookieSecret: randomBytes(32).toString('base64'),
    hashKey: randomBytes(32).toString('base64'),
    currentKeyId: kid,
    dataKeys: { [kid]: randomBytes(32).toString('base64') },
  };
}

function validate(s: Secrets, where: string): Secrets {
  const ok =
    typeof s.cookieSecret === 'string' &&
    s.cookieSecret.length >= 32 &&
    Buffer.from(s.hashKey ?? '', 'base64').length === 32 &&
    s.dataKeys?.[s.currentKeyId] !== undefined &&
    Object.values(s.dataKeys).every((k) => Buffer.from(k, 'base64').length === 32);
  if (!ok) throw new Error(`${where}: tệp khoá không hợp lệ (cần cookieSecret ≥ 32 ký tự, hashKey và các dataKeys là 32 byte base64, currentKeyId có trong dataKeys)`);
  return s;
}

/** Loads the secrets, creating the file on first use. */
export function loadSecrets(file: string, env: NodeJS.ProcessEnv = process.env): Secrets {
  if (env.NGOSO_SECRETS) return validate(JSON.parse(env.NGOSO_SECRETS) as Secrets, 'NGOSO_SECRETS');
  if (existsSync(file)) return validate(JSON.parse(readFileSync(file, 'utf8')) as Secrets, file);
  const secrets = fresh();
  saveSecrets(file, secrets);
  return secrets;
}

/** Writes the secrets atomically with mode 0600. */
export function saveSecrets(file: string, secrets: Secrets): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/** A new data key made current; old keys stay until `retireKeys` (after re-encryption). */
export function withNewDataKey(secrets: Secrets): Secrets {
  const kid = `k${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  return { ...secrets, currentKeyId: kid, dataKeys: { ...secrets.dataKeys, [kid]: randomBytes(32).toString('base64') } };
}

export function retireKeys(secrets: Secrets): Secrets {
  return { ...secrets, dataKeys: { [secrets.currentKeyId]: secrets.dataKeys[secrets.currentKeyId] } };
}
