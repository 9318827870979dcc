import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { Secrets } from './secrets.js';

/**
 * Field encryption for personal data (Decree 13/2023/ND-CP; Personal Data Protection Law):
 * AES-256-GCM from node:crypto with a random 96-bit IV per value; the stored form is
 * `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url), so keys can rotate. `hash` is HMAC-SHA256
 * under a separate key, for matching and counting people without reading their numbers.
 */
export class DataProtector {
  constructor(private readonly secrets: Secrets) {}

  encrypt(plain: string): string {
    const kid = this.secrets.currentKeyId;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(this.secrets.dataKeys[kid], 'base64'), iv);
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', kid, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
  }

  /** Decrypts a stored value. Throws when the key is unknown or the value was tampered with. */
  decrypt(stored: string): string {
    const [v, kid, iv, tag, ct] = stored.split('.');
    const key = this.secrets.dataKeys[kid];
    if (v !== 'v1' || !key) throw new Error(`không có khoá dữ liệu "${kid}" để giải mã`);
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(key, 'base64'), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** True when the value is encrypted under a key other than the current one. */
  needsRotation(stored: string): boolean {
    return stored.split('.')[1] !== this.secrets.currentKeyId;
  }

  /** Keyed hash (hex) of a normalised value, e.g. an E.164 phone or a 12-digit CCCD. */
  hash(normalised: string): string {
    return createHmac('sha256', Buffer.from(this.secrets.hashKey, 'base64')).update(normalised).digest('hex');
  }
}

/** "+84912345678" → "09•••••678"; ID "001203004567" → "•••••••••567". For lists and exports without the right to see. */
export function maskPhone(e164: string): string {
  const national = '0' + e164.replace(/^\+84/, '');
  return national.slice(0, 2) + '•'.repeat(Math.max(0, national.length - 5)) + national.slice(-3);
}

export function maskNationalId(id: string): string {
  // only the last 3 digits: the first 6 encode birth province, sex, century and year
  return '•'.repeat(Math.max(0, id.length - 3)) + id.slice(-3);
}
