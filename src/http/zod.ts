/**
 * zod's Vietnamese messages: the server (http/app.ts) and the office UI (which checks its forms
 * with the server's own schemas, forms.tsx) both import this module, so a refusal reads the same
 * in the form as in the server's 400 answer. Only the Vietnamese locale is loaded, and through
 * named imports, so the browser bundle carries neither zod's other locales nor its whole namespace.
 */
import { config } from 'zod';
import vi from 'zod/v4/locales/vi.js';

config(vi());
