/** The one database schema: every module's tables, for Drizzle and drizzle-kit. */
export * from '../catalogue/catalogue.schema.js';
export * from '../registry/registry.schema.js';
export * from '../imports/imports.schema.js';
export * from '../access/access.schema.js';
export * from '../audit/audit.schema.js';
export * from '../residents/residents.schema.js';
export * from '../sessions/sessions.schema.js';
export * from '../sessions/sessions.rollup.schema.js';
export * from '../trainings/trainings.schema.js';
export * from '../trainings/courses.schema.js';
export * from '../directives/directives.schema.js';
export * from '../notify/notify.schema.js';
export * from '../portal/portal.schema.js';
export * from '../help/help.schema.js';
