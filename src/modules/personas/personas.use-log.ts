import type { Actor } from '../../domain/actor.js';
import { hasAnyRole } from '../../domain/actor.js';
import {
  mayUse,
  PERSONA_USERS,
  REPEATED_VIEWING_PROMPT,
  repeatedViewingKeys,
  repeatedViewingPrompted,
  repeatedViewingSince,
  subjectKey,
} from '../../domain/personas.js';
import type { Db, Tx } from '../../db/client.js';
import { Forbidden, InvalidTransition, NotFound, RepeatedViewing, ValidationFailed } from '../../errors.js';
import type { AuditService } from '../audit/audit.service.js';
import { mayReadRegister, seesWholeRegister } from './personas.policy.js';
import { presentUse } from './personas.presenter.js';
import type { PersonaRow, PersonaUseRow, createPersonasRepository } from './personas.repository.js';
import type { UseInput } from './personas.schemas.js';

type Page = { page: number; pageSize: number };

/** DPA 2018 s.62: a use log that names a subject viewed shows personal data; reading it is a consultation. */
const USE_LOG_CONSULTED = 'FOI 003 use log read: it names the subjects viewed through personas';

/**
 * FOI 003's use log, part of the personas service (decision 019): a use recorded before the
 * persona is used, RIPA 2000's repeated-viewing prompt, and the log per persona and per user.
 * The service hands in its connection, its repository and its rule for who sees a persona.
 */
export function personaUseLog(deps: {
  db: Db;
  clock: () => Date;
  audit: AuditService;
  repo: ReturnType<typeof createPersonasRepository>;
  today: () => string;
  settings: { repeatedViewing: { uses: number; days: number } };
  locked: (tx: Tx, actor: Actor, id: string) => Promise<PersonaRow>;
  visible: (actor: Actor, id: string) => Promise<PersonaRow>;
  notFound: string;
}) {
  const { db, clock, audit, repo, today, settings, locked, visible } = deps;

  /** A page of uses as answered; reading one that names a subject is logged as a consultation (one statement, decision 008). */
  async function answer(actor: Actor, rows: PersonaUseRow[], total: number, page: Page, of: { entity: string; entityId: string }) {
    const named = rows.filter((r) => r.subject !== null).length;
    if (named)
      await audit.record(db, {
        actor,
        operation: 'consult',
        ...of,
        purpose: USE_LOG_CONSULTED,
        detail: { uses: rows.length, subjects: named },
      });
    const people = await repo.people(db, [...new Set(rows.map((r) => r.userId))]);
    return { items: rows.map((r) => presentUse(r, people)), total, page: page.page, pageSize: page.pageSize };
  }

  return {
    /**
     * FOI 003's use log, written before the persona is used: only active, reviewed in time, by a
     * case worker it is assigned to. RIPA 2000 (issue 14 point 7): the repeated-viewing prompt
     * comes first when uses through any persona touched the same referral, investigation or
     * subject often enough lately (counted under a lock on each, so uses at the same moment take
     * turns), and its answer is kept with the use.
     */
    async recordUse(actor: Actor, id: string, input: UseInput) {
      const use = await db.transaction(async (tx) => {
        const row = await locked(tx, actor, id);
        if (!hasAnyRole(actor, PERSONA_USERS)) throw new Forbidden('Only an operative or a sergeant may use a persona');
        const allowed = mayUse(row, await repo.isAssigned(tx, id, actor.id), today());
        if (!allowed.ok) throw new InvalidTransition(allowed.reason);
        const referralReference = input.referralId ? await repo.referralReference(tx, input.referralId) : null;
        if (referralReference === undefined) throw new ValidationFailed([{ path: 'referralId', message: 'No such referral' }]);
        const rule = settings.repeatedViewing;
        // The count is serialised on what the use touches; the clock is read once the locks are held.
        await repo.lockViewingKeys(tx, repeatedViewingKeys(input));
        const now = clock();
        const subject = { subject: input.subject ?? null, subjectKey: input.subject ? subjectKey(input.subject) : null };
        const prior = await repo.repeatedUsesSince(tx, { ...input, subjectKey: subject.subjectKey }, repeatedViewingSince(now, rule));
        const prompted = repeatedViewingPrompted(prior, rule);
        if (prompted && !input.repeatedViewingAnswer)
          throw new RepeatedViewing({ prompt: REPEATED_VIEWING_PROMPT, priorUses: prior, days: rule.days });
        const made = await repo.insertUse(tx, {
          personaId: id,
          at: now,
          userId: actor.id,
          purpose: input.purpose,
          referralId: input.referralId ?? null,
          investigationReference: input.investigationReference ?? null,
          ...subject,
          repeatedViewingPrompted: prompted,
          repeatedViewingAnswer: prompted ? (input.repeatedViewingAnswer ?? null) : null,
        });
        await audit.record(tx, {
          actor,
          operation: 'collect',
          entity: 'persona_use',
          entityId: made.id,
          purpose: input.purpose,
          // Whether a subject was named, never who.
          detail: {
            personaId: id,
            referralId: made.referralId,
            subjectNamed: subject.subject !== null,
            repeatedViewing: prompted ? made.repeatedViewingAnswer : null,
          },
        });
        return { ...made, referralReference, persona: { website: row.website, userName: row.userName } };
      });
      return presentUse(use, await repo.people(db, [actor.id]));
    },

    /** One persona's use log, newest first. */
    async uses(actor: Actor, id: string, page: Page) {
      await visible(actor, id);
      const { rows, total } = await repo.usesPage(db, { personaId: id }, (page.page - 1) * page.pageSize, page.pageSize);
      return answer(actor, rows, total, page, { entity: 'persona', entityId: id });
    },

    /** One user's uses through every persona (FOI 003: per user); an operative sees only their own. */
    async usesBy(actor: Actor, user: string, page: Page) {
      if (!mayReadRegister(actor)) throw new NotFound(deps.notFound);
      const userId = user === 'me' ? actor.id : user;
      if (userId !== actor.id && !seesWholeRegister(actor)) throw new Forbidden('You may see only your own uses of personas');
      const { rows, total } = await repo.usesPage(db, { userId }, (page.page - 1) * page.pageSize, page.pageSize);
      return answer(actor, rows, total, page, { entity: 'persona_uses_of_user', entityId: userId });
    },
  };
}
