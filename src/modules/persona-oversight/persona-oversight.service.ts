import type { Db } from '../../db/client.js';
import { hasAnyRole, type Actor } from '../../domain/actor.js';
import { toCsv } from '../../domain/csv.js';
import { oversightFigures, oversightRecords, type OversightFigures } from '../../domain/persona-oversight.js';
import { Forbidden } from '../../errors.js';
import type { AuditService } from '../audit/audit.service.js';
import { OVERSIGHT_READERS, seesOverdueList } from './persona-oversight.policy.js';
import { createPersonaOversightRepository } from './persona-oversight.repository.js';
import type { OversightAnswer } from './persona-oversight.schemas.js';

export type PersonaOversightDeps = { db: Db; clock: () => Date; audit: AuditService };

const PURPOSE = 'Oversight figures of the persona register (issue 14 point 6)';

/** The oversight figures (issue 14 point 6): read, audited as a report (a consultation), answered per role. */
export function createPersonaOversightService({ db, clock, audit }: PersonaOversightDeps) {
  const repo = createPersonaOversightRepository();

  /** One consistent reading and its audit entry, in one transaction. */
  const read = (actor: Actor, format: 'json' | 'csv'): Promise<OversightFigures> => {
    if (!hasAnyRole(actor, OVERSIGHT_READERS)) throw new Forbidden('Only authorising officers and auditors may read the oversight figures');
    return db.transaction(async (tx) => {
      const [personas, decisions, usesByMonth] = [await repo.personas(tx), await repo.decisions(tx), await repo.usesByMonth(tx)];
      const figures = oversightFigures({ now: clock(), personas, decisions, usesByMonth });
      await audit.record(tx, {
        actor,
        operation: 'consult',
        entity: 'persona_oversight',
        purpose: PURPOSE,
        detail: { report: 'persona_oversight', format },
      });
      return figures;
    });
  };

  return {
    async figures(actor: Actor): Promise<OversightAnswer> {
      const f = await read(actor, 'json');
      const count = f.overdueReviews.length;
      return { ...f, overdueReviews: seesOverdueList(actor) ? { count, items: f.overdueReviews } : { count } };
    },

    /** The same figures as CSV (figure, group, measure, value), counts only: the same for every reader. */
    async csv(actor: Actor): Promise<string> {
      return toCsv(['figure', 'group', 'measure', 'value'], oversightRecords(await read(actor, 'csv')));
    },
  };
}
