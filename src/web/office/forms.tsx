/**
 * Form helpers of the office UI: checking a body with the server's own zod schema (so the form
 * refuses what the server refuses, in the same words: zod's Vietnamese locale is configured by
 * `../../http/zod.js`, imported here as on the server), a submit handler that shows the server's
 * message, and the "Hiện mật khẩu" switch.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { z } from 'zod';
import { PASSWORD_MAX } from '../../access/auth.contract.js';
import '../../http/zod.js';
import { Notice } from './ui.js';

/**
 * The first problem zod finds in `body` under `schema` (the route's own schema), or null. The
 * schemas' own messages are whole sentences and shown as they are; zod's locale messages ("Quá
 * lớn: …") get the field's label in front, from `labels` (by field name).
 */
export function schemaProblem(schema: z.ZodType, body: unknown, labels: Record<string, string> = {}): string | null {
  const result = schema.safeParse(body);
  if (result.success) return null;
  const issue = result.error.issues[0];
  if (/[.!?]$/.test(issue.message)) return issue.message;
  const label = labels[String(issue.path[0] ?? '')];
  return label ? `${label}: ${issue.message}` : issue.message;
}

export interface FormState {
  busy: boolean;
  /** what the form says under its button: the problem found, the server's error, or a success */
  out: ComponentChildren;
  setOut: (out: ComponentChildren) => void;
  onSubmit: (e: Event) => Promise<void>;
}

/**
 * A form's submit: `check()` may return a message to show instead of sending; otherwise `send()`
 * runs while `busy` (the page disables the button), and an error it throws is shown (the
 * server's Vietnamese message, `role="alert"`).
 */
export function useForm(check: () => string | null, send: () => Promise<void>): FormState {
  const [busy, setBusy] = useState(false);
  const [out, setOut] = useState<ComponentChildren>(null);
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setOut(null);
    const problem = check();
    if (problem) return setOut(<Notice kind="error">{problem}</Notice>);
    setBusy(true);
    try {
      await send();
    } catch (err) {
      setOut(<Notice kind="error">{(err as Error).message}</Notice>);
    } finally {
      setBusy(false);
    }
  };
  return { busy, out, setOut, onSubmit };
}

/** The message box under a form's button (announced politely; errors inside are alerts). */
export const FormOut = ({ children }: { children: ComponentChildren }) => (
  <div class="form-out" aria-live="polite">
    {children}
  </div>
);

/** The submit button: disabled and saying `busyText` while the form is sent. */
export const Submit = ({ busy, text, busyText }: { busy: boolean; text: string; busyText: string }) => (
  <div class="actions">
    <button type="submit" disabled={busy}>
      {busy ? busyText : text}
    </button>
  </div>
);

/** "Hiện mật khẩu": shows the form's password fields as plain text (typing on a phone is hard). */
export function ShowPasswords({ id, shown, onChange }: { id: string; shown: boolean; onChange: (shown: boolean) => void }) {
  return (
    <label class="check" for={id}>
      <input type="checkbox" id={id} checked={shown} onChange={(e) => onChange(e.currentTarget.checked)} /> Hiện mật khẩu
    </label>
  );
}

/** The props of a password input: type by the "Hiện mật khẩu" switch, no capitals or spell check, the server's length. */
export const passwordProps = (shown: boolean, autocomplete: string) =>
  ({
    type: shown ? 'text' : 'password',
    autocomplete,
    autocapitalize: 'none',
    spellcheck: false,
    maxLength: PASSWORD_MAX,
    required: true,
  }) as const;

/** The value of a text field's input event. */
export const value = (set: (v: string) => void) => (e: Event) => set((e.currentTarget as HTMLInputElement).value);
