import type { Channel, Notifier, OutgoingMessage, SendResult } from './notify.types.js';
import { NotifyError } from './notify.types.js';

/**
 * The in-process fake channel for tests that need no provider's API: it keeps what it was asked to
 * send and can be told to fail (`failNext`: the next n sends, transient or not).
 */
export class MemoryNotifier implements Notifier {
  readonly sent: OutgoingMessage[] = [];
  private failures: { transient: boolean }[] = [];
  constructor(readonly channel: Channel) {}

  failNext(n: number, transient = true): void {
    for (let i = 0; i < n; i++) this.failures.push({ transient });
  }

  async send(message: OutgoingMessage): Promise<SendResult> {
    const failure = this.failures.shift();
    if (failure) throw new NotifyError(failure.transient ? 'lỗi tạm thời (giả lập)' : 'bị từ chối (giả lập)', failure.transient);
    this.sent.push(message);
    return { providerId: `mem-${message.id}`, state: 'sent' };
  }
}
