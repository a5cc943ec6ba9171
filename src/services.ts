import type { Config } from './config.js';
import type { Db } from './db/client.js';
import { createAuditService } from './modules/audit/audit.service.js';
import { createAuthService } from './modules/auth/auth.service.js';
import { createLibraryMatchService } from './modules/library/library-match.service.js';
import { createLibraryService } from './modules/library/library.service.js';
import { createRetentionService } from './modules/retention/retention.service.js';
import { createReferralHoldService } from './modules/retention/referral-holds.service.js';
import { createHomeService } from './modules/home/home.service.js';
import { createLifecycleService } from './modules/casework/lifecycle.service.js';
import { createPlatformReferralsService } from './modules/platform-referrals/platform-referrals.service.js';
import { createPlatformsService } from './modules/platforms/platforms.service.js';
import { createQueueService } from './modules/queue/queue.service.js';
import { createReferralsService } from './modules/referrals/referrals.service.js';
import { createReviewService } from './modules/review/review.service.js';
import { createUsersService } from './modules/users/users.service.js';
import { createEvidencePackagesService } from './modules/evidence/evidence-packages.service.js';
import { createEvidenceService, type Enqueue } from './modules/evidence/evidence.service.js';
import { createEvidenceWork } from './modules/evidence/evidence.work.js';
import { createPersonaKeysService } from './modules/persona-keys/persona-keys.service.js';
import { createPersonaOversightService } from './modules/persona-oversight/persona-oversight.service.js';
import { createReportsService } from './modules/reports/reports.service.js';
import { loadPopulation } from './modules/reports/reports.population.js';
import type { Tools } from './media/tools.js';
import type { SecretKey } from './security/sealed-secrets.js';
import type { EvidenceStore } from './storage/evidence-store.js';
import { createPersonasService } from './modules/personas/personas.service.js';
import { createRestrictionService } from './modules/restriction/restriction.service.js';
import { createSubjectAccessService } from './modules/subject-access/subject-access.service.js';

/**
 * What the services take from outside the database: the evidence store, the tools found at start,
 * the outbox, and the key of the persona register's secrets (decision 020).
 */
export type Surroundings = { store: EvidenceStore; tools: Tools; enqueue: Enqueue; personaKey: SecretKey };

/**
 * Plain factory wiring, no container (STYLE.md, after hmpps-template-typescript). Each service
 * declares the dependencies it takes; only this file knows them all, and no service imports it.
 */
export function createServices(db: Db, config: Config, surroundings: Surroundings, clock: () => Date = () => new Date()) {
  const audit = createAuditService(db, clock);
  const platforms = createPlatformsService(db, audit);
  const lifecycle = createLifecycleService(db, audit, clock);
  const referrals = createReferralsService(db, audit, platforms, lifecycle, config, clock);
  const library = createLibraryService({ db, clock, audit });
  const users = createUsersService(db, audit, config, clock);
  const { personaKey, ...evidenceSurroundings } = surroundings;
  const evidenceDeps = {
    db,
    clock,
    audit,
    ...evidenceSurroundings,
    settings: {
      maxBytes: config.evidence.maxBytes,
      dataDir: config.dataDir,
      captureAllowedHosts: config.evidence.captureAllowedHosts,
      captureTimeoutSeconds: config.evidence.captureTimeoutSeconds,
    },
  };
  return {
    audit,
    auth: createAuthService(db, config, clock),
    users,
    platforms,
    lifecycle,
    referrals,
    queue: createQueueService({ db, clock, lifecycle, referrals }),
    review: createReviewService({ db, clock, audit, platforms, lifecycle }),
    platformReferrals: createPlatformReferralsService({ clock, lifecycle, platforms, enterLibrary: library.enterRemoved }),
    library,
    retention: createRetentionService({ db, clock, audit, store: surroundings.store }),
    referralHolds: createReferralHoldService({ db, clock, audit }),
    libraryMatch: createLibraryMatchService(evidenceDeps),
    home: createHomeService({ db, clock }),
    evidence: createEvidenceService(evidenceDeps),
    evidenceWork: createEvidenceWork(evidenceDeps),
    evidencePackages: createEvidencePackagesService(evidenceDeps),
    personas: createPersonasService({
      db,
      clock,
      audit,
      key: personaKey,
      settings: { reviewMonths: config.personas.reviewMonths, repeatedViewing: config.personas.repeatedViewing },
      confirmOwnPassword: users.confirmOwnPassword,
    }),
    personaOversight: createPersonaOversightService({ db, clock, audit }),
    reports: createReportsService({ db, clock, audit, population: loadPopulation(config.populationFile) }),
    personaKeys: createPersonaKeysService({
      db,
      audit,
      personaKey,
      configured: config.personas.key !== undefined,
      dataDir: config.dataDir,
    }),
    restriction: createRestrictionService({ db, clock, audit }),
    subjectAccess: createSubjectAccessService({ db, clock, audit }),
  };
}

export type Services = ReturnType<typeof createServices>;
