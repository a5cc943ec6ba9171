import { randomBytes } from 'node:crypto';
import type { Config } from '../src/config.js';
import type { RuntimeOptions } from '../src/runtime.js';
import { castOf } from './factories.js';
import { actorOf, createTestApp, testConfig, type TestApp, type TestUser } from './harness.js';

/**
 * The persona register's tests (FOI 003; issue 14): an app with a persona key, the people of a
 * persona's life, and a persona in any status, built through the service as those people would.
 */

/** An app whose persona key is a fresh random one (brief Q loads the real one from PERSONA_KEY or DATA_DIR). */
export function personaApp(
  options: { clock?: () => Date; personas?: Partial<Config['personas']>; config?: Partial<Config>; logger?: RuntimeOptions['logger'] } = {},
) {
  const base = testConfig().personas;
  return createTestApp({
    clock: options.clock,
    logger: options.logger,
    config: { ...options.config, personas: { ...base, key: randomBytes(32), ...options.personas } },
  });
}

/** Who is who: the creator is an operative; the DI authorises; a second operative is not assigned. */
export const personaCast = (t: TestApp) =>
  castOf(t, {
    operative: { displayName: 'DC Olúwaseun Adé-Okafor', roles: ['operative'] },
    otherOperative: { displayName: 'DC Zoë Łukasiewicz', roles: ['operative'] },
    sergeant: { displayName: 'DS Siân O’Connor-Hughes', roles: ['sergeant'] },
    officer: { displayName: 'DI Ines Ó Briain', roles: ['authorising_officer'] },
    inspector: { displayName: 'Insp Ravi Patel', roles: ['inspector'] },
    auditor: { displayName: 'Aud Kemi Adeyemi', roles: ['auditor'] },
    requester: { displayName: 'PC Aoife Ní Bhriain-Jones', roles: ['requester'] },
    admin: { displayName: 'Admin Ann', roles: ['admin'] },
  });
export type PersonaCast = Awaited<ReturnType<typeof personaCast>>;

let made = 0;
/** A password no other persona of the run has, with a space and non-ASCII in it: a scan finds it or nothing. */
const uniquePassword = () => `Tr0ub4dor &3 ñ-${randomBytes(6).toString('hex')}-${++made}`;

/** What an operative gives when asking for a persona (FOI 003's ten columns but the creator and officer). */
export function personaInput(over: Record<string, unknown> = {}) {
  made++;
  return {
    website: 'instagram.com',
    yearJoined: 2021,
    userName: `jade.m_${made}`,
    emailAddress: `jade.m${made}@example.net`,
    password: uniquePassword(),
    dateOfBirthUsed: '2001-07-14',
    phoneNumber: '+44 7700 900123',
    justification: 'Op Lantern: to view drill content posted to closed accounts linked to the Zone 2 feud.',
    ...over,
  };
}

type Status = 'requested' | 'active' | 'refused' | 'suspended' | 'retired';

/** A persona in `status`, asked for by `by` (the cast's operative unless said) and decided by the cast's DI. */
export async function personaIn(
  t: TestApp,
  cast: PersonaCast,
  status: Status,
  options: { by?: TestUser; input?: Record<string, unknown> } = {},
) {
  const s = t.services.personas;
  const input = personaInput(options.input);
  const parsed = s.schemas().request.parse(input);
  const made = await s.request(actorOf(options.by ?? cast.operative), parsed);
  const officer = actorOf(cast.officer);
  if (status === 'requested') return { ...made, password: input.password };
  if (status === 'refused') {
    await s.decide(officer, made.id, { decision: 'refuse', reason: 'Not necessary: open-source viewing will do.' });
    return { ...made, password: input.password };
  }
  await s.decide(officer, made.id, { decision: 'authorise', reason: 'Necessary and proportionate for Op Lantern.' });
  const review = (decision: 'suspend' | 'retire') =>
    s.review(officer, made.id, {
      necessity: 'Op Lantern paused.',
      proportionality: 'Not proportionate while paused.',
      decision,
      reason: `To ${decision}.`,
    });
  if (status === 'suspended') await review('suspend');
  if (status === 'retired') await review('retire');
  return { ...made, password: input.password };
}
