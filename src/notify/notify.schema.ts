import { bigserial, index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { users } from '../access/access.schema.js';
import { members } from '../registry/registry.schema.js';
import { directives } from '../directives/directives.schema.js';

/**
 * A message to an outside channel (SMS, Zalo, web push) and its state: queued → sending → sent →
 * delivered (→ read), or failed; `nextAttemptAt` is when the dispatcher next tries it (retries
 * back off; quiet hours move it to 06:00 Vietnam time). Updated from the provider's answers and callbacks.
 */
export const notifyMessages = pgTable(
  'notify_messages',
  {
    id: uuid('id').primaryKey(),
    channel: text('channel', { enum: ['sms', 'zalo', 'push'] }).notNull(),
    template: text('template').notNull(),
    params: jsonb('params').$type<Record<string, string>>().notNull(),
    userId: integer('user_id').references(() => users.id),
    memberId: integer('member_id').references(() => members.id),
    directiveId: integer('directive_id').references(() => directives.id, { onDelete: 'cascade' }),
    teamId: integer('team_id'),
    /** channels to try next, in order, when this one fails (e.g. Zalo, then SMS) */
    fallback: text('fallback').array().notNull().default([]),
    state: text('state', { enum: ['queued', 'sending', 'sent', 'delivered', 'read', 'failed'] }).notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    providerId: text('provider_id'),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('notify_messages_due_idx').on(t.nextAttemptAt).where(sql`${t.state} in ('queued', 'sending')`),
    uniqueIndex('notify_messages_provider_uq').on(t.channel, t.providerId).where(sql`${t.providerId} is not null`),
    index('notify_messages_directive_idx').on(t.directiveId, t.teamId),
  ],
);

/** Each state a message went through, with the provider's detail. */
export const notifyEvents = pgTable(
  'notify_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    messageId: uuid('message_id').notNull().references(() => notifyMessages.id, { onDelete: 'cascade' }),
    state: text('state').notNull(),
    detail: text('detail'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('notify_events_message_idx').on(t.messageId)],
);

/** A browser that allowed web push (VAPID) for an account. */
export const pushSubscriptions = pgTable('push_subscriptions', {
  id: serial('id').primaryKey(),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  endpoint: text('endpoint').notNull().unique(),
  p256dh: text('p256dh').notNull(),
  auth: text('auth').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
