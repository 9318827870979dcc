import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../config/config.js';
import type { Database } from '../db/client.js';
import type { DataProtector } from '../privacy/protector.js';

/** What every route module receives. */
export interface AppContext {
  database: Database;
  config: Config;
}

/** The context route modules get: the app context plus the personal-data protector built from the secrets. */
export interface RouteContext extends AppContext {
  protector: DataProtector;
}

/** Fastify with zod schemas: routes get typed, validated `params`, `query` and `body`. */
export type Api = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/** A domain module's routes: registers them on the API. */
export type RouteModule = (api: Api, ctx: RouteContext) => void;
