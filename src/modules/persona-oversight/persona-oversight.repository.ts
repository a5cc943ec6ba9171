import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { personas, personaStatusHistory, personaUses } from '../../db/schema/index.js';
import type { OversightDecision, OversightPersona } from '../../domain/persona-oversight.js';

/** Queries only (issue 14 point 6): what the oversight figures count, never a name, email or secret. */
export function createPersonaOversightRepository() {
  return {
    personas: (db: DbOrTx): Promise<OversightPersona[]> =>
      db.select({ id: personas.id, website: personas.website, status: personas.status, reviewDueOn: personas.reviewDueOn }).from(personas),

    /** Each decision on a request, from the status history: requested → active (authorised) or → refused. */
    async decisions(db: DbOrTx): Promise<OversightDecision[]> {
      const rows = await db
        .select({ at: personaStatusHistory.at, to: personaStatusHistory.toStatus })
        .from(personaStatusHistory)
        .where(and(eq(personaStatusHistory.fromStatus, 'requested'), sql`${personaStatusHistory.toStatus} IN ('active', 'refused')`));
      return rows.map((r) => ({ at: r.at, outcome: r.to === 'active' ? 'authorised' : 'refused' }));
    },

    /** Uses counted by London month: the use log may be long, the months are few. */
    usesByMonth: (db: DbOrTx): Promise<{ month: string; uses: number }[]> => {
      const month = sql<string>`to_char(${personaUses.at} AT TIME ZONE 'Europe/London', 'YYYY-MM')`;
      return db
        .select({ month, uses: sql<number>`count(*)::int` })
        .from(personaUses)
        .groupBy(month);
    },
  };
}
