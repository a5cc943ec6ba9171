import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allowedActions,
  allowedPlatformActions,
  decide,
  isFinal,
  stateProblems,
  type Action,
  type ActionKind,
  type Decision,
  type LifecycleActor,
  type ReferralState,
} from './lifecycle.js';
import { REFERRAL_OUTCOMES, ROLES, type Role } from './vocabulary.js';

const requester: LifecycleActor = { id: 'req', roles: ['requester'] };
const otherRequester: LifecycleActor = { id: 'req2', roles: ['requester'] };
const operative: LifecycleActor = { id: 'op', roles: ['operative'] };
const otherOperative: LifecycleActor = { id: 'op2', roles: ['operative'] };
const sergeant: LifecycleActor = { id: 'sgt', roles: ['sergeant'] };
const otherSergeant: LifecycleActor = { id: 'sgt2', roles: ['sergeant', 'operative'] };
const nonCaseWorkers: LifecycleActor[] = (['inspector', 'admin', 'auditor', 'authorising_officer', 'requester'] as const).map((r) => ({
  id: `x-${r}`,
  roles: [r],
}));

const fresh = (): ReferralState => ({
  status: 'submitted',
  outcome: null,
  requesterId: 'req',
  assigneeId: null,
  draftAuthorId: null,
  platformReferrals: [],
});

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

/** Applies steps that must all succeed; the state is frozen each time to prove decide never mutates it. */
function run(state: ReferralState, ...steps: [Action, LifecycleActor][]): ReferralState {
  return steps.reduce((s, [action, actor]) => {
    const d = decide(deepFreeze(s), action, actor);
    if (!d.ok) throw new Error(`${action.kind} by ${actor.id} refused: ${d.refusal.message}`);
    return d.next;
  }, state);
}

const refusal = (d: Decision) => (d.ok ? null : d.refusal.kind);

const claimed = () => run(fresh(), [{ kind: 'claim' }, operative]);
const awaitingQa = (platforms = ['youtube', 'tiktok']) => run(claimed(), [{ kind: 'review', outcome: 'refer', platforms }, operative]);
const referred = (platforms = ['youtube', 'tiktok']) => run(awaitingQa(platforms), [{ kind: 'qa', decision: 'approve' }, sergeant]);
const submittedTo = (platforms = ['youtube', 'tiktok']) =>
  run(referred(platforms), ...platforms.map((platform): [Action, LifecycleActor] => [{ kind: 'submission', platform }, operative]));

describe('claim and assign (DESIGN.md life cycle, issue 3 item 3)', () => {
  it('lets an operative claim a submitted referral for themselves', () => {
    const d = decide(fresh(), { kind: 'claim' }, operative);
    expect(d).toEqual({
      ok: true,
      next: { ...fresh(), status: 'in_review', assigneeId: 'op' },
      event: { action: 'claimed', fromStatus: 'submitted', toStatus: 'in_review' },
    });
  });

  it('lets a sergeant claim too', () => {
    expect(run(fresh(), [{ kind: 'claim' }, sergeant]).assigneeId).toBe('sgt');
  });

  it('refuses a claim from anyone outside the unit’s case workers (403)', () => {
    for (const a of nonCaseWorkers) expect(refusal(decide(fresh(), { kind: 'claim' }, a))).toBe('wrong_actor');
  });

  it('refuses to claim a referral someone already has (409)', () => {
    expect(refusal(decide(claimed(), { kind: 'claim' }, otherOperative))).toBe('wrong_state');
  });

  it('lets a sergeant assign a submitted or in-review referral to an operative', () => {
    const assign: Action = { kind: 'assign', assigneeId: 'op2', assigneeRoles: ['operative'] };
    const a = decide(fresh(), assign, sergeant);
    const b = decide(claimed(), assign, sergeant);
    expect(a.ok && a.next).toMatchObject({ status: 'in_review', assigneeId: 'op2' });
    expect(b.ok && b.event).toEqual({ action: 'assigned', fromStatus: 'in_review', toStatus: 'in_review' });
  });

  it('lets only a sergeant assign', () => {
    expect(refusal(decide(fresh(), { kind: 'assign', assigneeId: 'op2', assigneeRoles: ['operative'] }, operative))).toBe('wrong_actor');
  });

  it('refuses to assign to someone who is not an operative', () => {
    for (const roles of [['requester'], ['inspector'], []] as Role[][]) {
      expect(refusal(decide(fresh(), { kind: 'assign', assigneeId: 'x', assigneeRoles: roles }, sergeant))).toBe('wrong_state');
    }
  });

  it('refuses to reassign once the drafts have gone to QA', () => {
    expect(refusal(decide(awaitingQa(), { kind: 'assign', assigneeId: 'op2', assigneeRoles: ['operative'] }, sergeant))).toBe(
      'wrong_state',
    );
  });
});

describe('withdraw (DESIGN.md: its requester, before review)', () => {
  it('closes a submitted referral as withdrawn for its requester', () => {
    const d = decide(fresh(), { kind: 'withdraw' }, requester);
    expect(d.ok && d.next).toMatchObject({ status: 'closed', outcome: 'withdrawn' });
    expect(d.ok && d.event).toEqual({ action: 'withdrawn', fromStatus: 'submitted', toStatus: 'closed' });
  });

  it('refuses anyone else, even a sergeant (403)', () => {
    for (const a of [otherRequester, operative, sergeant]) expect(refusal(decide(fresh(), { kind: 'withdraw' }, a))).toBe('wrong_actor');
  });

  it('refuses once review has started (409)', () => {
    expect(refusal(decide(claimed(), { kind: 'withdraw' }, requester))).toBe('wrong_state');
  });
});

describe('review (SOP 9, 8.6.2, 10.1, 10.3)', () => {
  it('closes the referral on no further action (SOP 8.6.2, 10.3.2)', () => {
    const d = decide(claimed(), { kind: 'review', outcome: 'no_further_action', platforms: [] }, operative);
    expect(d.ok && d.next).toMatchObject({ status: 'closed', outcome: 'no_further_action', platformReferrals: [] });
    expect(d.ok && d.event).toEqual({ action: 'reviewed_no_further_action', fromStatus: 'in_review', toStatus: 'closed' });
  });

  it('sends drafts for each platform to QA, recording their author (SOP 10.1)', () => {
    const s = awaitingQa(['youtube', 'tiktok']);
    expect(s).toMatchObject({ status: 'awaiting_qa', draftAuthorId: 'op' });
    expect(s.platformReferrals).toEqual([
      { platform: 'youtube', status: 'drafted', notAppealed: false },
      { platform: 'tiktok', status: 'drafted', notAppealed: false },
    ]);
  });

  it('lets only the assignee review (403 for another operative)', () => {
    expect(refusal(decide(claimed(), { kind: 'review', outcome: 'refer', platforms: ['x'] }, otherOperative))).toBe('wrong_actor');
  });

  it('refuses an assignee who no longer holds a case-worker role', () => {
    expect(refusal(decide(claimed(), { kind: 'review', outcome: 'refer', platforms: ['x'] }, { id: 'op', roles: ['inspector'] }))).toBe(
      'wrong_actor',
    );
  });

  it('refuses a referral to platforms that names none, or one twice', () => {
    expect(refusal(decide(claimed(), { kind: 'review', outcome: 'refer', platforms: [] }, operative))).toBe('wrong_state');
    const d = decide(claimed(), { kind: 'review', outcome: 'refer', platforms: ['x', 'y', 'x'] }, operative);
    expect(d.ok ? null : d.refusal).toEqual({ kind: 'wrong_state', message: expect.stringContaining('x') });
  });

  it('refuses a review before the referral is claimed (409)', () => {
    const s = { ...fresh(), assigneeId: 'op' };
    expect(refusal(decide(s, { kind: 'review', outcome: 'no_further_action', platforms: [] }, operative))).toBe('wrong_state');
  });
});

describe('QA (SOP 10.2: a sergeant who did not draft it)', () => {
  it('approves the drafts: the referral is referred and each platform referral approved', () => {
    const d = decide(awaitingQa(), { kind: 'qa', decision: 'approve' }, sergeant);
    expect(d.ok && d.event).toEqual({ action: 'qa_approved', fromStatus: 'awaiting_qa', toStatus: 'referred' });
    expect(d.ok && d.next.platformReferrals.map((p) => p.status)).toEqual(['approved', 'approved']);
  });

  it('never lets the author of the drafts approve, even a sergeant (403), nor offers it', () => {
    const s = run(fresh(), [{ kind: 'claim' }, sergeant], [{ kind: 'review', outcome: 'refer', platforms: ['youtube'] }, sergeant]);
    expect(refusal(decide(s, { kind: 'qa', decision: 'approve' }, sergeant))).toBe('wrong_actor');
    expect(refusal(decide(s, { kind: 'qa', decision: 'return' }, sergeant))).toBe('wrong_actor');
    expect(allowedActions(s, sergeant)).not.toContain('qa');
    expect(allowedActions(s, otherSergeant)).toContain('qa');
  });

  it('lets only a sergeant do QA', () => {
    expect(refusal(decide(awaitingQa(), { kind: 'qa', decision: 'approve' }, otherOperative))).toBe('wrong_actor');
  });

  it('returns the referral to its operative with the drafts kept; a new review replaces them', () => {
    const returned = run(awaitingQa(['youtube', 'tiktok']), [{ kind: 'qa', decision: 'return' }, sergeant]);
    expect(returned).toMatchObject({ status: 'in_review', assigneeId: 'op' });
    expect(returned.platformReferrals.map((p) => p.status)).toEqual(['drafted', 'drafted']);
    const again = run(returned, [{ kind: 'review', outcome: 'refer', platforms: ['instagram'] }, operative]);
    expect(again.platformReferrals.map((p) => p.platform)).toEqual(['instagram']);
  });

  it('drops returned drafts when the re-review decides no further action', () => {
    const s = run(
      awaitingQa(),
      [{ kind: 'qa', decision: 'return' }, sergeant],
      [{ kind: 'review', outcome: 'no_further_action', platforms: [] }, operative],
    );
    expect(s).toMatchObject({ status: 'closed', outcome: 'no_further_action', platformReferrals: [] });
  });

  it('refuses QA of a referral not awaiting it (409)', () => {
    expect(refusal(decide(claimed(), { kind: 'qa', decision: 'approve' }, sergeant))).toBe('wrong_state');
  });
});

describe('submission, decision and appeal, per platform (SOP 10.5-10.7)', () => {
  it('submits an approved platform referral (SOP 10.5)', () => {
    const d = decide(referred(), { kind: 'submission', platform: 'youtube' }, operative);
    expect(d.ok && d.event).toEqual({
      action: 'platform_submitted',
      fromStatus: 'referred',
      toStatus: 'referred',
      platformChange: { platform: 'youtube', fromStatus: 'approved', toStatus: 'submitted' },
    });
  });

  it('refuses a platform the referral was not referred to, naming it (409)', () => {
    const d = decide(referred(), { kind: 'submission', platform: 'myspace' }, operative);
    expect(d.ok ? null : d.refusal).toEqual({ kind: 'wrong_state', message: expect.stringContaining('myspace') });
  });

  it('refuses to submit twice, or before QA approval', () => {
    const s = run(referred(), [{ kind: 'submission', platform: 'youtube' }, operative]);
    expect(refusal(decide(s, { kind: 'submission', platform: 'youtube' }, operative))).toBe('wrong_state');
    expect(refusal(decide(awaitingQa(), { kind: 'submission', platform: 'youtube' }, operative))).toBe('wrong_state');
  });

  it('refuses a decision before submission and platform steps by non-case-workers', () => {
    expect(refusal(decide(referred(), { kind: 'decision', platform: 'youtube', outcome: 'removed' }, operative))).toBe('wrong_state');
    for (const a of nonCaseWorkers)
      expect(refusal(decide(submittedTo(), { kind: 'decision', platform: 'youtube', outcome: 'removed' }, a))).toBe('wrong_actor');
  });

  it('keeps the referral open while any platform referral is not final', () => {
    const s = run(submittedTo(), [{ kind: 'decision', platform: 'youtube', outcome: 'removed' }, operative]);
    expect(s.status).toBe('referred');
    expect(s.platformReferrals.map((p) => p.status)).toEqual(['removed', 'submitted']);
  });

  it('closes as removed when every platform removed it (SOP 10.6.1)', () => {
    const d = decide(
      run(submittedTo(), [{ kind: 'decision', platform: 'youtube', outcome: 'removed' }, operative]),
      { kind: 'decision', platform: 'tiktok', outcome: 'removed' },
      sergeant,
    );
    expect(d.ok && d.next).toMatchObject({ status: 'closed', outcome: 'removed' });
    expect(d.ok && d.event).toMatchObject({ action: 'platform_removed', fromStatus: 'referred', toStatus: 'closed' });
  });

  it('does not close on not removed until the unit decides about an appeal (SOP 10.7)', () => {
    const s = run(submittedTo(['youtube']), [{ kind: 'decision', platform: 'youtube', outcome: 'not_removed' }, operative]);
    expect(s.status).toBe('referred');
    expect(allowedPlatformActions(s, operative, 'youtube')).toEqual(['appeal']);
  });

  it('closes as not removed when no platform removed it and no appeal is made', () => {
    const s = run(
      submittedTo(['youtube']),
      [{ kind: 'decision', platform: 'youtube', outcome: 'not_removed' }, operative],
      [{ kind: 'appeal', platform: 'youtube', appeal: false }, operative],
    );
    expect(s).toMatchObject({ status: 'closed', outcome: 'not_removed' });
    expect(s.platformReferrals[0]).toEqual({ platform: 'youtube', status: 'not_removed', notAppealed: true });
    expect(isFinal(s.platformReferrals[0]!)).toBe(true);
  });

  it('after an appeal, a second decision ends it as removed or upheld (SOP 10.7)', () => {
    const appealed = run(
      submittedTo(),
      [{ kind: 'decision', platform: 'youtube', outcome: 'not_removed' }, operative],
      [{ kind: 'appeal', platform: 'youtube', appeal: true }, operative],
      [{ kind: 'decision', platform: 'tiktok', outcome: 'removed' }, operative],
    );
    expect(appealed.status).toBe('referred');
    const upheld = run(appealed, [{ kind: 'decision', platform: 'youtube', outcome: 'not_removed' }, operative]);
    expect(upheld).toMatchObject({ status: 'closed', outcome: 'partially_removed' });
    expect(upheld.platformReferrals[0]?.status).toBe('upheld');
    const removed = run(appealed, [{ kind: 'decision', platform: 'youtube', outcome: 'removed' }, operative]);
    expect(removed).toMatchObject({ status: 'closed', outcome: 'removed' });
  });

  it('refuses an appeal except once, on not removed', () => {
    const notRemoved = run(submittedTo(), [{ kind: 'decision', platform: 'youtube', outcome: 'not_removed' }, operative]);
    const appealed = run(notRemoved, [{ kind: 'appeal', platform: 'youtube', appeal: true }, operative]);
    expect(refusal(decide(appealed, { kind: 'appeal', platform: 'youtube', appeal: true }, operative))).toBe('wrong_state');
    expect(refusal(decide(notRemoved, { kind: 'appeal', platform: 'tiktok', appeal: true }, operative))).toBe('wrong_state');
    const declined = run(notRemoved, [{ kind: 'appeal', platform: 'youtube', appeal: false }, operative]);
    expect(refusal(decide(declined, { kind: 'appeal', platform: 'youtube', appeal: true }, operative))).toBe('wrong_state');
  });
});

/** Every kind of action, with parameters that would succeed in some state. */
const probeActions = (platforms: readonly string[]): Action[] => [
  { kind: 'claim' },
  { kind: 'assign', assigneeId: 'op', assigneeRoles: ['operative'] },
  { kind: 'withdraw' },
  { kind: 'review', outcome: 'refer', platforms: ['youtube'] },
  { kind: 'review', outcome: 'no_further_action', platforms: [] },
  { kind: 'qa', decision: 'approve' },
  { kind: 'qa', decision: 'return' },
  ...platforms.flatMap((platform): Action[] => [
    { kind: 'submission', platform },
    { kind: 'decision', platform, outcome: 'removed' },
    { kind: 'decision', platform, outcome: 'not_removed' },
    { kind: 'appeal', platform, appeal: true },
    { kind: 'appeal', platform, appeal: false },
  ]),
];
const everyone: LifecycleActor = { id: 'op', roles: [...ROLES] };

describe('closed is terminal', () => {
  it('refuses every action on a closed referral, whoever asks', () => {
    const closedStates = [
      run(fresh(), [{ kind: 'withdraw' }, requester]),
      run(claimed(), [{ kind: 'review', outcome: 'no_further_action', platforms: [] }, operative]),
      run(submittedTo(['youtube']), [{ kind: 'decision', platform: 'youtube', outcome: 'removed' }, operative]),
    ];
    for (const s of closedStates) {
      for (const a of probeActions(['youtube'])) {
        for (const actor of [everyone, { ...everyone, id: 'req' }, sergeant]) expect(decide(s, a, actor).ok).toBe(false);
      }
      expect(allowedActions(s, everyone)).toEqual([]);
    }
  });
});

describe('allowedActions (which buttons a page shows)', () => {
  it('offers what decide would accept', () => {
    expect(allowedActions(fresh(), requester)).toEqual(['withdraw']);
    expect(allowedActions(fresh(), operative)).toEqual(['claim']);
    expect(allowedActions(fresh(), sergeant)).toEqual(['claim', 'assign']);
    expect(allowedActions(claimed(), operative)).toEqual(['review']);
    expect(allowedActions(claimed(), otherOperative)).toEqual([]);
    expect(allowedActions(referred(), operative)).toEqual(['submission']);
    expect(allowedActions(fresh(), { id: 'i', roles: ['inspector', 'admin', 'auditor', 'authorising_officer'] })).toEqual([]);
  });
});

/* ---------------------------------------------------------------------------------------------
 * Property: thousands of random action sequences by random people from a fresh referral.
 * ------------------------------------------------------------------------------------------- */

const PLATFORMS = ['youtube', 'tiktok', 'instagram'] as const;
const POOL_IDS = ['req', 'p1', 'p2', 'p3', 'p4'] as const;

/**
 * Who acts: a random pool member (random roles), or whoever currently holds a part (the requester,
 * the assignee, the draft author, a sergeant other than the author), so that deep states are reached.
 */
type Who = { pool: number } | 'requester' | 'assignee' | 'author' | 'otherSergeant' | 'caseWorker';
const whoArb: fc.Arbitrary<Who> = fc.oneof(
  { weight: 4, arbitrary: fc.nat({ max: POOL_IDS.length - 1 }).map((pool) => ({ pool })) },
  { weight: 4, arbitrary: fc.constant<Who>('assignee') },
  { weight: 2, arbitrary: fc.constant<Who>('otherSergeant') },
  fc.constantFrom<Who>('requester', 'author'),
);

/**
 * Platform parameters: mostly one of the referral's own platform referrals (by position, resolved
 * when the step runs), sometimes a platform it does not have.
 */
type PlatformRef = { at: number } | { name: string };
const platformRefArb: fc.Arbitrary<PlatformRef> = fc.oneof(
  { weight: 6, arbitrary: fc.nat({ max: 2 }).map((at) => ({ at })) },
  fc.constantFrom(...PLATFORMS, 'myspace').map((name) => ({ name })),
);
const named = (s: ReferralState, ref: PlatformRef) =>
  'name' in ref ? ref.name : (s.platformReferrals[ref.at % Math.max(1, s.platformReferrals.length)]?.platform ?? 'youtube');

type Step = (s: ReferralState) => Action;
const randomStepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<Step>(() => ({ kind: 'claim' })) },
  fc
    .record({ assigneeId: fc.constantFrom(...POOL_IDS), assigneeRoles: fc.subarray([...ROLES]) })
    .map((p): Step => () => ({ kind: 'assign', ...p })),
  fc.constant<Step>(() => ({ kind: 'withdraw' })),
  {
    weight: 2,
    arbitrary: fc
      .record({
        outcome: fc.constantFrom('refer' as const, 'no_further_action' as const),
        platforms: fc.oneof(
          { weight: 5, arbitrary: fc.uniqueArray(fc.constantFrom(...PLATFORMS), { maxLength: 3 }) },
          fc.array(fc.constantFrom(...PLATFORMS, 'myspace'), { maxLength: 3 }),
        ),
      })
      .map((p): Step => () => ({ kind: 'review', ...p })),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom('approve' as const, 'return' as const).map((decision): Step => () => ({ kind: 'qa', decision })),
  },
  { weight: 2, arbitrary: platformRefArb.map((ref): Step => (s) => ({ kind: 'submission', platform: named(s, ref) })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(platformRefArb, fc.constantFrom('removed' as const, 'not_removed' as const))
      .map(([ref, outcome]): Step => (s) => ({ kind: 'decision', platform: named(s, ref), outcome })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(platformRefArb, fc.boolean())
      .map(([ref, appeal]): Step => (s) => ({ kind: 'appeal', platform: named(s, ref), appeal })),
  },
);

/**
 * A step that moves the referral on from where it is (with random choices: approve or return,
 * removed or not, appeal or not), so that sequences often reach the per-platform steps and closure.
 */
const onwardStepArb: fc.Arbitrary<Step> = fc
  .record({
    refer: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, fc.constant(false)),
    platforms: fc.uniqueArray(fc.constantFrom(...PLATFORMS), { minLength: 1, maxLength: 3 }),
    approve: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, fc.constant(false)),
    removed: fc.boolean(),
    appeal: fc.boolean(),
  })
  .map((c): Step => (s) => {
    if (s.status === 'submitted') return { kind: 'claim' };
    if (s.status === 'in_review') return { kind: 'review', outcome: c.refer ? 'refer' : 'no_further_action', platforms: c.platforms };
    if (s.status === 'awaiting_qa') return { kind: 'qa', decision: c.approve ? 'approve' : 'return' };
    const pr = s.platformReferrals.find((p) => !isFinal(p));
    if (!pr) return { kind: 'withdraw' };
    if (pr.status === 'approved') return { kind: 'submission', platform: pr.platform };
    if (pr.status === 'not_removed') return { kind: 'appeal', platform: pr.platform, appeal: c.appeal };
    return { kind: 'decision', platform: pr.platform, outcome: c.removed ? 'removed' : 'not_removed' };
  });

/** The person who would naturally take the next step: a case worker, the assignee, a sergeant who is not the author. */
const onwardWho = (s: ReferralState): Who =>
  s.status === 'submitted' ? 'caseWorker' : s.status === 'awaiting_qa' ? 'otherSergeant' : 'assignee';

const stepsArb = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: fc.tuple(whoArb, randomStepArb) },
    { weight: 2, arbitrary: onwardStepArb.map((step): [Who | 'onward', Step] => ['onward', step]) },
  ),
  { minLength: 1, maxLength: 40, size: 'max' },
);

/** The legal status edges of DESIGN.md's diagram, per action kind, restated independently of decide. */
const EDGES: Record<ActionKind, string[]> = {
  claim: ['submitted>in_review'],
  assign: ['submitted>in_review', 'in_review>in_review'],
  withdraw: ['submitted>closed'],
  review: ['in_review>closed', 'in_review>awaiting_qa'],
  qa: ['awaiting_qa>referred', 'awaiting_qa>in_review'],
  submission: ['referred>referred'],
  decision: ['referred>referred', 'referred>closed'],
  appeal: ['referred>referred', 'referred>closed'],
};

const has = (a: LifecycleActor, ...roles: Role[]) => a.roles.some((r) => roles.includes(r));

/** A cheap assertion for the hot loop (expect() per step would make the run several times slower). */
function check(ok: boolean, what: string, ctx: () => unknown): void {
  if (!ok) throw new Error(`${what}\n${JSON.stringify(ctx(), null, 1)}`);
}

describe('life cycle property (issue 3 item 1)', () => {
  it('never reaches an invalid state, never mutates its input, and accepts only what the rules allow', () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(
        fc.tuple(...POOL_IDS.map((id) => fc.subarray([...ROLES]).map((roles): LifecycleActor => ({ id, roles })))),
        stepsArb,
        (pool, steps) => {
          let state: ReferralState = deepFreeze(fresh());
          const byId = (id: string | null) => pool.find((p) => p.id === id) ?? pool[1]!;
          const whoIs = (who: Who): LifecycleActor => {
            if (typeof who === 'object') return pool[who.pool]!;
            if (who === 'caseWorker') return pool.find((p) => has(p, 'operative', 'sergeant')) ?? pool[1]!;
            if (who === 'otherSergeant') return pool.find((p) => p.roles.includes('sergeant') && p.id !== state.draftAuthorId) ?? pool[2]!;
            return byId(who === 'requester' ? state.requesterId : who === 'assignee' ? state.assigneeId : state.draftAuthorId);
          };
          for (const [who, step] of steps) {
            const actor = whoIs(who === 'onward' ? onwardWho(state) : who);
            const action = step(state);
            const before = JSON.stringify(state);
            const d = decide(state, action, actor); // state is deep-frozen: a mutation would throw
            const ctx = () => ({ state, action, actor, d });
            check(JSON.stringify(state) === before, 'decide changed its input', ctx);

            // Parameter-free actions: the buttons shown are exactly the actions accepted.
            if (action.kind === 'claim' || action.kind === 'withdraw' || action.kind === 'qa') {
              check(allowedActions(state, actor).includes(action.kind) === d.ok, 'allowedActions disagrees with decide', ctx);
            }
            if (!d.ok) {
              check(['wrong_state', 'wrong_actor'].includes(d.refusal.kind) && d.refusal.message.length > 0, 'malformed refusal', ctx);
              continue;
            }
            const { next, event } = d;
            check(state.status !== 'closed', 'closed is terminal', ctx);
            const problems = stateProblems(next);
            check(problems.length === 0, `invalid state: ${problems.join('; ')}`, ctx);
            check(event.fromStatus === state.status && event.toStatus === next.status, 'event does not match the change', ctx);
            check(EDGES[action.kind].includes(`${state.status}>${next.status}`), 'not an edge of the life cycle', ctx);
            check(allowedActions(state, actor).includes(action.kind), 'accepted but not offered', ctx);

            // Who may do what (DESIGN.md "Roles"), restated.
            const byRole =
              action.kind === 'withdraw'
                ? actor.id === state.requesterId
                : action.kind === 'assign'
                  ? has(actor, 'sergeant') && action.assigneeRoles.includes('operative')
                  : action.kind === 'qa'
                    ? has(actor, 'sergeant') && actor.id !== state.draftAuthorId // SOP 10.2
                    : has(actor, 'operative', 'sergeant') && (action.kind !== 'review' || actor.id === state.assigneeId);
            check(byRole, 'accepted from someone the roles do not allow', ctx);
            if (action.kind === 'submission' || action.kind === 'decision' || action.kind === 'appeal') {
              // Exactly one platform referral moved: the one named.
              const changed = next.platformReferrals.filter((p, i) => JSON.stringify(p) !== JSON.stringify(state.platformReferrals[i]));
              check(
                changed.length === 1 && changed[0]?.platform === action.platform && event.platformChange?.platform === action.platform,
                'wrong platform moved',
                ctx,
              );
            }

            const key = next.status === 'closed' ? `closed:${next.outcome}` : next.status;
            seen.set(key, (seen.get(key) ?? 0) + 1);
            state = deepFreeze(next);
          }
          if (state.status === 'closed') {
            for (const a of probeActions(PLATFORMS))
              for (const actor of pool) check(!decide(state, a, actor).ok, 'closed is terminal', () => ({ state, a, actor }));
          }
        },
      ),
      { numRuns: 2000 },
    );
    // Not vacuous: the random sequences reached every status and every outcome, and many closures.
    for (const s of ['in_review', 'awaiting_qa', 'referred', ...REFERRAL_OUTCOMES.map((o) => `closed:${o}`)]) {
      expect(seen.get(s) ?? 0, s).toBeGreaterThanOrEqual(10);
    }
  });
});
