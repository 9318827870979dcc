/** The part of `http_ece` (Encrypted Content-Encoding for HTTP, RFC 8188; web-push's own dependency) the web push test uses to read a push as the browser would. */
declare module 'http_ece' {
  import type { ECDH } from 'node:crypto';
  const ece: { decrypt(body: Buffer, params: { version: 'aes128gcm'; privateKey: ECDH; authSecret: Buffer }): Buffer };
  export default ece;
}
