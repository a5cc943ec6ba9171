import { integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import type { Channel } from '../../domain/vocabulary.js';

export type Clause = { key: string; title: string };

/** Platform directory (SOP 4.1.4, 10.5): editable by an admin. */
export const platforms = pgTable('platforms', {
  key: text('key').primaryKey(),
  name: text('name').notNull(),
  channel: text('channel').$type<Channel>().notNull(),
  contact: text('contact'),
  termsUrl: text('terms_url'),
  guidelinesUrl: text('guidelines_url'),
  /** Host names that belong to the platform, for the URL check at intake. */
  hosts: text('hosts').array().notNull(),
  clauses: jsonb('clauses').$type<Clause[]>().notNull(),
  template: text('template').notNull(),
  sortOrder: integer('sort_order').notNull().default(0),
});
