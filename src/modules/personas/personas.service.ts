import type { Actor } from '../../domain/actor.js';
import { londonToday } from '../../domain/dates.js';
import {
  mayAssign,
  mayAuthorise,
  mayRequest,
  mayReveal,
  mayReview,
  mayWithdraw,
  nextReviewOn,
  nextStatus,
  PERSONA_USERS,
  reviewOutcome,
  personaSecretContext,
} from '../../domain/personas.js';
import { hasAnyRole } from '../../domain/actor.js';
import type { PersonaStatus } from '../../domain/vocabulary.js';
import type { Db, Tx } from '../../db/client.js';
import { Forbidden, InvalidTransition, NotFound, ServiceUnavailable, ValidationFailed } from '../../errors.js';
import { openSecret, sealSecret, SecretUnreadable, type SecretKey } from '../../security/sealed-secrets.js';
import type { AuditService } from '../audit/audit.service.js';
import { mayReadRegister, seesWholeRegister } from './personas.policy.js';
import { presentPersona, presentPersonaDetail } from './personas.presenter.js';
import { createPersonasRepository, type PersonaRow } from './personas.repository.js';
import { personaUseLog } from './personas.use-log.js';
import {
  personaSchemas,
  type AuthorisationInput,
  type PersonaQuery,
  type PersonaRequestInput,
  type RevealInput,
  type ReviewInput,
  type WithdrawalInput,
} from './personas.schemas.js';

export type PersonasDeps = {
  db: Db;
  clock: () => Date;
  audit: AuditService;
  /** The persona key (PERSONA_KEY or DATA_DIR/persona.key: src/security/persona-key.ts, decision 020). */
  key: SecretKey;
  settings: { reviewMonths: number; repeatedViewing: { uses: number; days: number } };
  /** The users service's re-entry of the caller's own password (a wrong one counts as a failed sign-in). */
  confirmOwnPassword: (actor: Actor, password: string, step: string) => Promise<'ok' | 'wrong' | 'locked'>;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NO_SUCH = 'No such persona';
/** The place a secret is sealed to (sealed-secrets.ts): a sealed value moved to another persona or kind does not open. */
const FIELD_OF_KIND = { password: 'password', recovery_codes: 'recoveryCodes', notes: 'notes' } as const;

/**
 * The false-persona register (FOI 003; DESIGN.md "Persona register"; issue 14; decision 019). One
 * service: each change locks the persona and writes the change, its status history row and its
 * audit entry in one transaction. Audit details never hold a secret, nor anything of its length.
 */
export function createPersonasService({ db, clock, audit, key, settings, confirmOwnPassword }: PersonasDeps) {
  const repo = createPersonasRepository();
  const today = () => londonToday(clock());
  const schemas = personaSchemas(today);

  async function present(rows: PersonaRow[]) {
    const ids = new Set(rows.flatMap((r) => [r.creatorId, ...(r.authorisingOfficerId ? [r.authorisingOfficerId] : [])]));
    const people = await repo.people(db, [...ids]);
    const kinds = await repo.secretKinds(
      db,
      rows.map((r) => r.id),
    );
    const now = today();
    return rows.map((r) => presentPersona(r, people, kinds.get(r.id) ?? [], now));
  }

  /** The persona if the actor may see it: a malformed id, an unknown one, and one an operative is not assigned to are all 404. */
  async function visible(actor: Actor, id: string, conn: Db | Tx = db, lock = false) {
    if (!mayReadRegister(actor)) throw new NotFound(NO_SUCH);
    const row = UUID.test(id) ? await (lock ? repo.lockPersona(conn, id) : repo.persona(conn, id)) : undefined;
    if (!row || (!seesWholeRegister(actor) && !(await repo.isAssigned(conn, id, actor.id)))) throw new NotFound(NO_SUCH);
    return row;
  }

  async function detail(actor: Actor, id: string) {
    const row = await visible(actor, id);
    const [persona] = await present([row]);
    const [assignees, history, reviews, kinds] = [
      await repo.assignees(db, id),
      await repo.history(db, id),
      await repo.reviews(db, id),
      await repo.secretKinds(db, [id]),
    ];
    const people = await repo.people(db, [
      ...new Set([
        ...history.flatMap((h) => (h.actorId ? [h.actorId] : [])),
        ...reviews.map((r) => r.reviewerId),
        ...(row.retiredBy ? [row.retiredBy] : []),
      ]),
    ]);
    return presentPersonaDetail(persona!, row, { people, kinds: kinds.get(id) ?? [], assignees, history, reviews });
  }

  /** The persona locked for a change, or 404 (the same rule as reading it): two changes at once take turns. */
  const locked = (tx: Tx, actor: Actor, id: string) => visible(actor, id, tx, true);

  const useLog = personaUseLog({ db, clock, audit, repo, today, settings, locked, visible: (a, id) => visible(a, id), notFound: NO_SUCH });

  /** A status change: the persona's row, its history row and its audit entry, in the caller's transaction. */
  async function changeStatus(
    tx: Tx,
    actor: Actor,
    row: PersonaRow,
    to: PersonaStatus,
    set: Partial<PersonaRow>,
    why: { reason: string | null; purpose: string; detail: Record<string, unknown> },
  ) {
    const now = clock();
    await repo.update(tx, row.id, { ...set, status: to });
    if (to !== row.status)
      await repo.insertHistory(tx, {
        personaId: row.id,
        at: now,
        fromStatus: row.status,
        toStatus: to,
        actorId: actor.id,
        reason: why.reason,
      });
    await audit.record(tx, {
      actor,
      operation: 'alter',
      entity: 'persona',
      entityId: row.id,
      purpose: why.purpose,
      detail: { from: row.status, to, ...why.detail },
    });
  }

  return {
    today,
    schemas: () => schemas,

    /** FOI 003: the register, newest request first; an operative sees only the personas assigned to them. */
    async list(actor: Actor, q: PersonaQuery) {
      if (!mayReadRegister(actor)) throw new NotFound(NO_SUCH);
      const now = today();
      const { rows, total } = await repo.page(
        db,
        {
          status: q.status,
          website: q.website,
          overdueBefore: q.reviewOverdue === true ? now : undefined,
          notOverdueOn: q.reviewOverdue === false ? now : undefined,
          assignedTo: seesWholeRegister(actor) ? undefined : actor.id,
        },
        (q.page - 1) * q.pageSize,
        q.pageSize,
      );
      return { items: await present(rows), total, page: q.page, pageSize: q.pageSize };
    },

    get: detail,

    /** FOI 003: an operative or sergeant asks for a persona; its secrets are sealed at once; its creator is assigned to it. */
    async request(actor: Actor, input: PersonaRequestInput) {
      if (!mayRequest(actor)) throw new Forbidden('Only an operative or a sergeant may ask for a persona');
      const sealing = key;
      const now = clock();
      const id = await db.transaction(async (tx) => {
        const row = await repo.insert(tx, {
          website: input.website,
          yearJoined: input.yearJoined,
          userName: input.userName,
          emailAddress: input.emailAddress,
          dateOfBirthUsed: input.dateOfBirthUsed,
          phoneNumber: input.phoneNumber ?? null,
          justification: input.justification,
          creatorId: actor.id,
          createdAt: now,
          status: 'requested',
        });
        const secrets = (['password', 'recovery_codes', 'notes'] as const).flatMap((kind) => {
          const value = input[FIELD_OF_KIND[kind]];
          return value === undefined
            ? []
            : [{ personaId: row.id, kind, ...sealSecret(sealing, personaSecretContext(row.id, kind), value), updatedAt: now }];
        });
        await repo.insertSecrets(tx, secrets);
        await repo.assign(tx, { personaId: row.id, userId: actor.id, assignedBy: actor.id, assignedAt: now });
        await repo.insertHistory(tx, {
          personaId: row.id,
          at: now,
          fromStatus: null,
          toStatus: 'requested',
          actorId: actor.id,
          reason: null,
        });
        await audit.record(tx, {
          actor,
          operation: 'collect',
          entity: 'persona',
          entityId: row.id,
          purpose: 'FOI 003: a false persona asked for, to be agreed by an authorising officer',
          // The kinds of secret held, never their values or lengths.
          detail: { status: 'requested', website: input.website, secrets: secrets.map((s) => s.kind) },
        });
        return row.id;
      });
      return detail(actor, id);
    },

    /** FOI 003: a DI or equivalent who did not make it agrees (or refuses) the persona; one decision wins. */
    async decide(actor: Actor, id: string, input: AuthorisationInput) {
      await db.transaction(async (tx) => {
        const row = await locked(tx, actor, id);
        if (!mayAuthorise(actor, row)) throw new Forbidden('Only an authorising officer who did not ask for this persona may decide on it');
        const next = nextStatus(row.status, input.decision);
        if (!next.ok) throw new InvalidTransition(next.reason);
        const now = clock();
        const reviewDueOn = next.status === 'active' ? nextReviewOn(londonToday(now), settings.reviewMonths) : null;
        await changeStatus(
          tx,
          actor,
          row,
          next.status,
          { authorisingOfficerId: actor.id, authorisedAt: now, authorisationReason: input.reason, reviewDueOn },
          {
            reason: input.reason,
            purpose: `FOI 003: the persona ${input.decision === 'authorise' ? 'authorised' : 'refused'}`,
            detail: { decision: input.decision, reviewDueOn },
          },
        );
      });
      return detail(actor, id);
    },

    /**
     * A request no longer needed (issue 14 point 1: "→ retired"): its creator, or an authorising
     * officer, withdraws it before anyone decides; retired, with the reason in its status history
     * and its retirement record. One transaction with its audit entry; a decision made meanwhile wins (409).
     */
    async withdraw(actor: Actor, id: string, input: WithdrawalInput) {
      await db.transaction(async (tx) => {
        const row = await locked(tx, actor, id);
        if (!mayWithdraw(actor, row))
          throw new Forbidden('Only the officer who asked for this persona, or an authorising officer, may withdraw the request');
        const next = nextStatus(row.status, 'withdraw');
        if (!next.ok) throw new InvalidTransition(next.reason);
        await changeStatus(
          tx,
          actor,
          row,
          next.status,
          { retiredAt: clock(), retiredBy: actor.id, retirementReason: input.reason },
          { reason: input.reason, purpose: 'FOI 003: a request for a persona withdrawn', detail: { withdrawn: true } },
        );
      });
      return detail(actor, id);
    },

    /**
     * FOI 003: the periodic review of necessity and proportionality by an authorising officer who
     * did not make it; continue (reinstating a suspended persona), suspend or retire; the next
     * review falls due `reviewMonths` after today, unless retired.
     */
    async review(actor: Actor, id: string, input: ReviewInput) {
      await db.transaction(async (tx) => {
        const row = await locked(tx, actor, id);
        if (!mayReview(actor, row)) throw new Forbidden('Only an authorising officer who did not ask for this persona may review it');
        const outcome = reviewOutcome(row.status, input.decision);
        if (!outcome.ok) throw new InvalidTransition(outcome.reason);
        const now = clock();
        const nextOn = outcome.status === 'retired' ? null : nextReviewOn(londonToday(now), settings.reviewMonths);
        await repo.insertReview(tx, {
          personaId: id,
          at: now,
          reviewerId: actor.id,
          necessity: input.necessity,
          proportionality: input.proportionality,
          decision: input.decision,
          nextReviewOn: nextOn,
        });
        const retired = outcome.status === 'retired' ? { retiredAt: now, retiredBy: actor.id, retirementReason: input.reason ?? null } : {};
        await changeStatus(
          tx,
          actor,
          row,
          outcome.status,
          { reviewDueOn: nextOn, ...retired },
          {
            reason: input.reason ?? null,
            purpose: 'FOI 003: the periodic review of necessity and proportionality',
            detail: { review: input.decision, nextReviewOn: nextOn },
          },
        );
      });
      return detail(actor, id);
    },

    /** Whom `assign` accepts: every active operative and sergeant (the assign form's list). */
    assignable: (actor: Actor) => {
      if (!mayAssign(actor)) throw new Forbidden('Only a sergeant or an authorising officer may assign a persona');
      return repo.caseWorkers(db);
    },

    /** DESIGN.md "Roles": a sergeant or an authorising officer assigns the persona to a case worker (an addition, decision 019). */
    async assign(actor: Actor, id: string, userId: string) {
      if (!mayAssign(actor)) throw new Forbidden('Only a sergeant or an authorising officer may assign a persona');
      await db.transaction(async (tx) => {
        const row = await locked(tx, actor, id);
        if (row.status === 'refused' || row.status === 'retired')
          throw new InvalidTransition(`This persona is ${row.status}: it cannot be assigned`);
        const user = await repo.userWithRoles(tx, userId);
        if (!user || !user.active || !hasAnyRole(user, PERSONA_USERS))
          throw new ValidationFailed([{ path: 'userId', message: 'Choose an active operative or sergeant' }]);
        if (!(await repo.assign(tx, { personaId: id, userId, assignedBy: actor.id, assignedAt: clock() })))
          throw new InvalidTransition(`This persona is already assigned to ${user.name}`);
        await audit.record(tx, { actor, operation: 'alter', entity: 'persona', entityId: id, detail: { assigned: user.username } });
      });
      return detail(actor, id);
    },

    /**
     * Issue 14 point 3: one secret, to an entitled person who entered their own password again,
     * with a stated purpose; every reveal an audited consultation (the purpose, the kind; never
     * the value). No other answer ever holds it.
     */
    async reveal(actor: Actor, id: string, input: RevealInput) {
      const row = await visible(actor, id);
      const allowed = mayReveal(actor, row.status, await repo.isAssigned(db, id, actor.id));
      if (!allowed.ok) throw allowed.refusal === 'forbidden' ? new Forbidden(allowed.reason) : new InvalidTransition(allowed.reason);
      const confirmed = await confirmOwnPassword(actor, input.currentPassword, 'persona reveal');
      if (confirmed === 'locked')
        throw new Forbidden('Your account is locked after too many wrong passwords: try again later or ask an admin');
      if (confirmed === 'wrong') throw new Forbidden('That is not your password: enter the password you sign in with');
      const sealed = await repo.sealedSecret(db, id, input.kind);
      if (!sealed) throw new NotFound(`This persona holds no ${input.kind.replace('_', ' ')}`);
      let value: string;
      try {
        value = openSecret(key, personaSecretContext(id, input.kind), sealed);
      } catch (err) {
        // Sealed with a key this server does not hold (a lost or mixed-up persona.key: decision 020).
        if (err instanceof SecretUnreadable)
          throw new ServiceUnavailable('This secret does not open with the persona key the server holds: ask the system administrator');
        throw err;
      }
      await audit.record(db, {
        actor,
        operation: 'consult',
        entity: 'persona',
        entityId: id,
        purpose: input.purpose,
        detail: { revealed: input.kind },
      });
      return { [FIELD_OF_KIND[input.kind]]: value };
    },

    ...useLog,
  };
}
