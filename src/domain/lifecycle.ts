/**
 * The referral life cycle (DESIGN.md "Referral life cycle", SOP 8.5-10.7) as one pure function:
 * `decide(state, action, actor)` answers the next state and the one event to append, or a typed
 * refusal. No I/O: the service loads the state, calls `decide`, and writes the event, the new
 * status and the audit entry in one transaction (STYLE.md, Ozone's pattern).
 *
 * Self-tasking (SOP 8.5) is deliberately not a transition here: the service creates a self-tasked
 * referral directly `in_review`, assigned to the operative who opened it, with the recorded reason.
 * From then on it follows the same life cycle as any other referral.
 */
import { hasAnyRole } from './actor.js';
import { statusInSentence } from './labels.js';
import { CASE_WORKERS, OPERATIVES, SERGEANTS } from './roles.js';
import type {
  EventAction,
  FirstDecision,
  PlatformReferralStatus,
  QaDecision,
  ReferralOutcome,
  ReferralStatus,
  ReviewOutcome,
  Role,
} from './vocabulary.js';

/**
 * One platform referral (SOP 10; its statuses in domain/vocabulary.ts). Use `isFinal` rather than
 * reading the status alone: `not_removed` is final only once the unit has decided not to appeal.
 */
export type PlatformReferral = {
  readonly platform: string;
  readonly status: PlatformReferralStatus;
  /** SOP 10.7: the unit considered an appeal against `not_removed` and chose not to make one. */
  readonly notAppealed: boolean;
};

export type ReferralState = {
  readonly status: ReferralStatus;
  /** Set exactly when `status` is `closed`. */
  readonly outcome: ReferralOutcome | null;
  readonly requesterId: string;
  readonly assigneeId: string | null;
  /** Who wrote the drafts last sent to QA; SOP 10.2 forbids them from approving. */
  readonly draftAuthorId: string | null;
  readonly platformReferrals: readonly PlatformReferral[];
};

export type LifecycleActor = { readonly id: string; readonly roles: readonly Role[] };

export type Action =
  | { kind: 'claim' }
  | { kind: 'assign'; assigneeId: string; assigneeRoles: readonly Role[] }
  | { kind: 'withdraw' }
  | { kind: 'review'; outcome: ReviewOutcome; platforms: readonly string[] }
  | { kind: 'qa'; decision: QaDecision }
  | { kind: 'submission'; platform: string }
  | { kind: 'decision'; platform: string; outcome: FirstDecision }
  | { kind: 'appeal'; platform: string; appeal: boolean };
export type ActionKind = Action['kind'];
const ACTION_KINDS = [
  'claim',
  'assign',
  'withdraw',
  'review',
  'qa',
  'submission',
  'decision',
  'appeal',
] as const satisfies readonly ActionKind[];
export type PlatformActionKind = 'submission' | 'decision' | 'appeal';

export type LifecycleEvent = {
  action: EventAction;
  fromStatus: ReferralStatus;
  toStatus: ReferralStatus;
  /** For the per-platform steps: which platform referral moved, and from/to which status. */
  platformChange?: { platform: string; fromStatus: PlatformReferralStatus; toStatus: PlatformReferralStatus };
};

/** `wrong_state` answers 409 (InvalidTransition), `wrong_actor` answers 403 (Forbidden). */
type Refusal = { kind: 'wrong_state' | 'wrong_actor'; message: string };
export type Decision = { ok: true; next: ReferralState; event: LifecycleEvent } | { ok: false; refusal: Refusal };

/**
 * Who may ever take each step (DESIGN.md "Roles"): the case workers claim, review and record the
 * platform steps; only a sergeant assigns work and quality-assures drafts (SOP 10.2). Withdrawal
 * is its requester's, whoever they are. The routes of each step declare these same roles, through
 * the module policies.
 */
export const STEP_ROLES = {
  claim: CASE_WORKERS,
  assign: SERGEANTS,
  review: CASE_WORKERS,
  qa: SERGEANTS,
  platformStep: CASE_WORKERS,
} as const satisfies Record<string, readonly Role[]>;
/** Who can be given a referral by `assign` (issue 3: "a sergeant assigns to an operative"). */
export const ASSIGNEE_ROLES = OPERATIVES;

const words = (s: string) => s.replace(/_/g, ' ');

const wrongState = (message: string): Decision => ({ ok: false, refusal: { kind: 'wrong_state', message } });
const wrongActor = (message: string): Decision => ({ ok: false, refusal: { kind: 'wrong_actor', message } });
const notWhen = (state: ReferralState, doing: string) =>
  wrongState(`A referral that is ${statusInSentence(state.status)} cannot be ${doing}`);

function accept(
  state: ReferralState,
  next: ReferralState,
  action: EventAction,
  platformChange?: LifecycleEvent['platformChange'],
): Decision {
  const event: LifecycleEvent = { action, fromStatus: state.status, toStatus: next.status };
  if (platformChange) event.platformChange = platformChange;
  return { ok: true, next, event };
}

/** SOP 10.6/10.7: removed, upheld, and not removed with no appeal are the end of a platform referral. */
export function isFinal(pr: Pick<PlatformReferral, 'status' | 'notAppealed'>): boolean {
  return pr.status === 'removed' || pr.status === 'upheld' || (pr.status === 'not_removed' && pr.notAppealed);
}

/** DESIGN.md: the referral's outcome once every platform referral is final. */
function closingOutcome(prs: readonly PlatformReferral[]): ReferralOutcome {
  const removed = prs.filter((p) => p.status === 'removed').length;
  if (removed === prs.length) return 'removed';
  return removed === 0 ? 'not_removed' : 'partially_removed';
}

/**
 * The one state machine. Checks, in order: does the actor hold a role that may ever do this
 * (403), is the referral in a state that allows it (409), is this particular person the right
 * one (the assignee, not the draft author: 403). Never mutates `state`.
 */
export function decide(state: ReferralState, action: Action, actor: LifecycleActor): Decision {
  switch (action.kind) {
    case 'claim':
      if (!hasAnyRole(actor, STEP_ROLES.claim)) return wrongActor('Only an operative or a sergeant may claim a referral');
      if (state.status !== 'submitted') return notWhen(state, 'claimed');
      return accept(state, { ...state, status: 'in_review', assigneeId: actor.id }, 'claimed');

    case 'assign':
      if (!hasAnyRole(actor, STEP_ROLES.assign)) return wrongActor('Only a sergeant may assign a referral');
      if (state.status !== 'submitted' && state.status !== 'in_review') return notWhen(state, 'assigned');
      // The service looks the assignee up and should refuse a non-operative with a 400 first.
      if (!hasAnyRole({ roles: action.assigneeRoles }, ASSIGNEE_ROLES))
        return wrongState('A referral can be assigned only to an operative');
      return accept(state, { ...state, status: 'in_review', assigneeId: action.assigneeId }, 'assigned');

    case 'withdraw':
      // DESIGN.md: its requester, before review starts.
      if (actor.id !== state.requesterId) return wrongActor('Only the requester may withdraw a referral');
      if (state.status !== 'submitted') return notWhen(state, 'withdrawn');
      return accept(state, { ...state, status: 'closed', outcome: 'withdrawn' }, 'withdrawn');

    case 'review':
      return review(state, action, actor);

    case 'qa':
      if (!hasAnyRole(actor, STEP_ROLES.qa)) return wrongActor('Only a sergeant may quality-assure a referral');
      if (state.status !== 'awaiting_qa') return notWhen(state, action.decision === 'approve' ? 'approved' : 'returned');
      // SOP 10.2: QA is by a sergeant who did not draft the referrals.
      if (actor.id === state.draftAuthorId) return wrongActor('The author of the drafts cannot quality-assure them');
      if (action.decision === 'return') {
        // The drafts stay as they are for the operative to revise and send to QA again.
        return accept(state, { ...state, status: 'in_review' }, 'qa_returned');
      }
      return accept(
        state,
        { ...state, status: 'referred', platformReferrals: state.platformReferrals.map((p) => ({ ...p, status: 'approved' as const })) },
        'qa_approved',
      );

    case 'submission':
    case 'decision':
    case 'appeal':
      return platformStep(state, action, actor);
  }
}

/** SOP 9, 8.6.2, 10.1, 10.3: the assignee records the outcome of the review. */
function review(state: ReferralState, action: Extract<Action, { kind: 'review' }>, actor: LifecycleActor): Decision {
  if (!hasAnyRole(actor, STEP_ROLES.review)) return wrongActor('Only an operative or a sergeant may review a referral');
  if (state.status !== 'in_review') return notWhen(state, 'reviewed');
  if (actor.id !== state.assigneeId) return wrongActor('Only the assignee may review a referral');
  if (action.outcome === 'no_further_action') {
    // SOP 8.6.2 / 10.3.2: no further action closes it. Drafts returned by QA, if any, go with it.
    return accept(state, { ...state, status: 'closed', outcome: 'no_further_action', platformReferrals: [] }, 'reviewed_no_further_action');
  }
  // SOP 10.3.1 / 8.6.4: a referral to platforms names at least one, each once.
  if (action.platforms.length === 0) return wrongState('A referral to platforms needs at least one platform');
  const twice = action.platforms.find((p, i) => action.platforms.indexOf(p) !== i);
  if (twice !== undefined) return wrongState(`Platform ${twice} is listed more than once`);
  // SOP 10.1-10.2: fresh drafts (replacing any returned by QA) go to a sergeant, authored by this person.
  const platformReferrals = action.platforms.map((platform) => ({ platform, status: 'drafted' as const, notAppealed: false }));
  return accept(state, { ...state, status: 'awaiting_qa', draftAuthorId: actor.id, platformReferrals }, 'reviewed_refer');
}

type PlatformAction = Extract<Action, { kind: PlatformActionKind }>;

/** SOP 10.5-10.7, one platform referral at a time; the referral closes when every one is final. */
function platformStep(state: ReferralState, action: PlatformAction, actor: LifecycleActor): Decision {
  if (!hasAnyRole(actor, STEP_ROLES.platformStep)) return wrongActor('Only an operative or a sergeant may record a platform referral step');
  if (state.status !== 'referred') return notWhen(state, `given a platform ${action.kind}`);
  const index = state.platformReferrals.findIndex((p) => p.platform === action.platform);
  const current = state.platformReferrals[index];
  if (!current) return wrongState(`This referral has no platform referral for ${action.platform}`);
  const step = platformTransition(current, action);
  if ('refusal' in step) return wrongState(`The ${action.platform} referral: ${step.refusal}`);

  const platformReferrals = state.platformReferrals.map((p, i) => (i === index ? step.next : p));
  const allFinal = platformReferrals.every(isFinal);
  const next: ReferralState = allFinal
    ? { ...state, status: 'closed', outcome: closingOutcome(platformReferrals), platformReferrals }
    : { ...state, platformReferrals };
  return accept(state, next, step.action, { platform: current.platform, fromStatus: current.status, toStatus: step.next.status });
}

function platformTransition(
  pr: PlatformReferral,
  action: PlatformAction,
): { next: PlatformReferral; action: EventAction } | { refusal: string } {
  const now = pr.status === 'not_removed' && pr.notAppealed ? 'not removed, with no appeal' : words(pr.status);
  switch (action.kind) {
    case 'submission':
      // SOP 10.2/10.5: only a draft a sergeant approved goes to the platform, once.
      if (pr.status !== 'approved') return { refusal: `it is ${now}, so it cannot be submitted` };
      return { next: { ...pr, status: 'submitted' }, action: 'platform_submitted' };
    case 'decision':
      // SOP 10.6: the platform's decision on a submission; after an appeal, its final word.
      if (pr.status === 'submitted') {
        return action.outcome === 'removed'
          ? { next: { ...pr, status: 'removed' }, action: 'platform_removed' }
          : { next: { ...pr, status: 'not_removed' }, action: 'platform_not_removed' };
      }
      if (pr.status === 'appealed') {
        return action.outcome === 'removed'
          ? { next: { ...pr, status: 'removed' }, action: 'platform_removed' }
          : { next: { ...pr, status: 'upheld' }, action: 'platform_upheld' };
      }
      return { refusal: `it is ${now}, so no decision can be recorded` };
    case 'appeal':
      // SOP 10.7: on not removed, the unit considers an appeal and records either way, once.
      if (pr.status !== 'not_removed' || pr.notAppealed) return { refusal: `it is ${now}, so no appeal can be recorded` };
      return action.appeal
        ? { next: { ...pr, status: 'appealed' }, action: 'appeal_made' }
        : { next: { ...pr, notAppealed: true }, action: 'appeal_not_made' };
  }
}

/**
 * Which kinds of action this person could take now (for pages choosing which buttons to show:
 * the author of the drafts is never offered QA). Answers by asking `decide` itself, so it cannot
 * drift from the rules. `assign` assumes an operative to assign to; the per-platform kinds are
 * offered when they would succeed for at least one platform (see `allowedPlatformActions`).
 */
export function allowedActions(state: ReferralState, actor: LifecycleActor): ActionKind[] {
  const probes: Action[] = [
    { kind: 'claim' },
    { kind: 'assign', assigneeId: actor.id, assigneeRoles: ASSIGNEE_ROLES },
    { kind: 'withdraw' },
    { kind: 'review', outcome: 'no_further_action', platforms: [] },
    { kind: 'qa', decision: 'approve' },
  ];
  const allowed = new Set<ActionKind>(probes.filter((a) => decide(state, a, actor).ok).map((a) => a.kind));
  for (const p of state.platformReferrals) for (const k of allowedPlatformActions(state, actor, p.platform)) allowed.add(k);
  return ACTION_KINDS.filter((k) => allowed.has(k));
}

/** The per-platform steps this person could record for one platform referral now. */
export function allowedPlatformActions(state: ReferralState, actor: LifecycleActor, platform: string): PlatformActionKind[] {
  const probes: PlatformAction[] = [
    { kind: 'submission', platform },
    { kind: 'decision', platform, outcome: 'removed' },
    { kind: 'appeal', platform, appeal: false },
  ];
  return probes.filter((a) => decide(state, a, actor).ok).map((a) => a.kind);
}

/**
 * The shapes a referral may take (DESIGN.md life cycle). Empty when the state is valid. The
 * property test holds `decide` to these; a service may assert them after loading a row.
 */
export function stateProblems(s: ReferralState): string[] {
  const problems: string[] = [];
  if ((s.outcome !== null) !== (s.status === 'closed')) problems.push('outcome must be set exactly when closed');
  if (['in_review', 'awaiting_qa', 'referred'].includes(s.status) && !s.assigneeId) problems.push(`${s.status} needs an assignee`);
  const platforms = s.platformReferrals.map((p) => p.platform);
  if (new Set(platforms).size !== platforms.length) problems.push('a platform appears twice');
  for (const p of s.platformReferrals) {
    if (p.notAppealed && p.status !== 'not_removed') problems.push(`${p.platform}: notAppealed set on ${p.status}`);
  }
  const statuses = (allowed: readonly PlatformReferralStatus[]) => s.platformReferrals.every((p) => allowed.includes(p.status));
  switch (s.status) {
    case 'submitted':
      if (s.platformReferrals.length > 0) problems.push('submitted has no platform referrals yet');
      break;
    case 'in_review':
      if (!statuses(['drafted'])) problems.push('in review, platform referrals can only be drafts');
      break;
    case 'awaiting_qa':
      if (!s.draftAuthorId) problems.push('awaiting QA needs a draft author');
      if (s.platformReferrals.length === 0) problems.push('awaiting QA needs at least one platform referral');
      if (!statuses(['drafted'])) problems.push('awaiting QA, platform referrals are drafts');
      break;
    case 'referred':
      if (s.platformReferrals.length === 0) problems.push('referred needs at least one platform referral');
      if (s.platformReferrals.some((p) => p.status === 'drafted')) problems.push('referred cannot keep drafts');
      if (s.platformReferrals.every(isFinal)) problems.push('referred with every platform referral final should be closed');
      break;
    case 'closed':
      if (['removed', 'not_removed', 'partially_removed'].includes(s.outcome ?? '')) {
        if (s.platformReferrals.length === 0 || !s.platformReferrals.every(isFinal))
          problems.push('closed by platforms only when every platform referral is final');
        else if (s.outcome !== closingOutcome(s.platformReferrals))
          problems.push(`outcome ${s.outcome} does not match the platform decisions`);
      } else if (s.platformReferrals.length > 0) problems.push(`closed as ${s.outcome} keeps no platform referrals`);
      break;
  }
  return problems;
}
