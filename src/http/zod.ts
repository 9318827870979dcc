/**
 * zod's Vietnamese messages: the server (http/app.ts) and the office UI (which checks its forms
 * with the server's own schemas, forms.tsx) both import this module, so a refusal reads the same
 * in the form as in the server's 400 answer. Only the Vietnamese locale is loaded, and through
 * named imports, so the browser bundle carries neither zod's other locales nor its whole namespace.
 */
import { config, z } from 'zod';
import vi from 'zod/v4/locales/vi.js';
import { isIsoDay } from '../text/dates.js';

config(vi());


/** A calendar day as YYYY-MM-DD that exists (2026-02-30 is refused); days are Vietnam days wherever they are used. */
export const isoDay = z
  .string()
  .max(10)
  .refine(isIsoDay, 'Ngày phải có dạng YYYY-MM-DD và có thật (ví dụ 2026-12-01).')
  .refine((d) => d >= '1900-01-01', 'Ngày trước năm 1900: hãy kiểm tra lại năm.');
