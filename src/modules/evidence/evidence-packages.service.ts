import type { Actor } from '../../domain/actor.js';
import { downloadName } from '../../domain/capture-rules.js';
import { packagePathFor, type Manifest } from '../../domain/evidence-manifest.js';
import { Forbidden, InvalidTransition, NotFound, ValidationFailed } from '../../errors.js';
import { mayPackage } from './evidence.policy.js';
import { presentPackage } from './evidence.presenter.js';
import { createEvidenceRepository } from './evidence.repository.js';
import type { PackageInput } from './evidence.schemas.js';
import { EVIDENCE_CONSULT_PURPOSE, type ContentAnswer, type EvidenceDeps } from './evidence.service.js';
import { writePackage } from './evidence-package.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The largest package: every capture may be at the limit, and a package holds at most 200 of them. */
const PACKAGE_MAX_BYTES = 2 ** 50;

/**
 * Evidence packages (SOP 3.1.2, 6.3; DESIGN.md "Evidence"): a zip of chosen captures with
 * manifest.json, stored like any evidence and kept by its own SHA-256. Making one is a disclosure
 * to its recipient, for its purpose; downloading it is a consultation.
 */
export function createEvidencePackagesService({ db, clock, audit, store }: EvidenceDeps) {
  const repo = createEvidenceRepository();

  async function packager(actor: Actor, referralId: string) {
    if (!mayPackage(actor)) throw new Forbidden('Only an operative or a sergeant may make or download an evidence package');
    const referral = UUID.test(referralId) ? await repo.referral(db, referralId) : undefined;
    if (!referral) throw new NotFound('No such referral');
    return referral;
  }

  return {
    async create(actor: Actor, referralId: string, input: PackageInput) {
      const referral = await packager(actor, referralId);
      const stored = (await repo.captures(db, referral.id)).filter((r) => r.capture.status === 'stored' && r.object);
      if (!stored.length) throw new ValidationFailed([{ path: 'captureIds', message: 'There are no stored captures to package yet' }]);
      const chosenIds = input.captureIds ?? stored.map((r) => r.capture.id);
      const unknown = chosenIds.flatMap((id, i) => (stored.some((r) => r.capture.id === id) ? [] : [i]));
      if (unknown.length)
        throw new ValidationFailed(unknown.map((i) => ({ path: `captureIds[${i}]`, message: 'Not a stored capture of this referral' })));
      const chosen = chosenIds.map((id) => stored.find((r) => r.capture.id === id)!);
      const handling = await repo.handling(db, referral.id);
      // SOP 6.3: sensitive material is shared only with its handling instructions, set at QA approval (10.4).
      if (!handling)
        throw new InvalidTransition(
          'The referral has no intelligence record yet: a package carries its handling code and conditions (SOP 6.3), set when a sergeant approves the referral',
        );
      const createdAt = clock();
      const files = chosen.map(({ capture: c, object: o, capturedBy }) => ({
        path: packagePathFor({ id: c.id, mediaType: o!.mediaType }),
        sha256: o!.sha256,
        size: o!.size,
        mediaType: o!.mediaType,
        capturedAt: (c.capturedAt ?? c.requestedAt).toISOString(),
        capturedBy: capturedBy.name,
        source: {
          kind: c.sourceKind,
          ...(c.sourceUrl ? { url: c.sourceUrl } : {}),
          ...(c.tool ? { tool: c.tool } : {}),
          ...(c.toolVersion ? { toolVersion: c.toolVersion } : {}),
        },
      }));
      const manifest: Manifest = {
        reference: referral.reference,
        createdAt: createdAt.toISOString(),
        createdBy: actor.displayName,
        recipient: input.recipient,
        purpose: input.purpose,
        handling:
          handling.handlingCode === 'C'
            ? { handlingCode: 'C', handlingConditions: handling.handlingConditions ?? '' }
            : { handlingCode: 'P', handlingConditions: null },
        files,
      };
      const zip = writePackage(
        manifest,
        files.map((f) => ({ path: f.path, open: () => store.get(f.sha256) })),
      );
      const kept = await store.put(zip, { maxBytes: PACKAGE_MAX_BYTES });
      const row = await db.transaction(async (tx) => {
        await repo.addObject(tx, { sha256: kept.sha256, size: kept.size, mediaType: 'application/zip', storedAt: createdAt });
        const made = await repo.insertPackage(tx, {
          referralId: referral.id,
          sha256: kept.sha256,
          size: kept.size,
          recipient: input.recipient,
          purpose: input.purpose,
          captureIds: chosenIds,
          createdAt,
          createdBy: actor.id,
        });
        await audit.record(tx, {
          actor,
          operation: 'disclose',
          entity: 'evidence_package',
          entityId: made.id,
          purpose: input.purpose,
          recipient: input.recipient,
          detail: { referralId: referral.id, sha256: kept.sha256, captures: chosenIds.length },
        });
        return made;
      });
      return presentPackage({ pkg: row, createdBy: { id: actor.id, username: actor.username, name: actor.displayName } });
    },

    /** Whether a package can be made yet: it carries the intelligence record's handling code (SOP 6.3). */
    async hasHandling(actor: Actor, referralId: string) {
      const referral = await packager(actor, referralId);
      return (await repo.handling(db, referral.id)) !== null;
    },

    async list(actor: Actor, referralId: string) {
      const referral = await packager(actor, referralId).catch((err: unknown) => {
        if (err instanceof Forbidden) return null;
        throw err;
      });
      return referral ? (await repo.packages(db, referral.id)).map(presentPackage) : [];
    },

    /** The zip as made; downloading it is a consultation of the evidence it holds. */
    async download(actor: Actor, referralId: string, packageId: string): Promise<ContentAnswer> {
      const referral = await packager(actor, referralId);
      const found = (await repo.packages(db, referral.id)).find((p) => p.pkg.id === packageId);
      if (!found) throw new NotFound('No such evidence package');
      await audit.record(db, {
        actor,
        operation: 'consult',
        entity: 'evidence_package',
        entityId: packageId,
        purpose: EVIDENCE_CONSULT_PURPOSE,
        detail: { referralId: referral.id },
      });
      return {
        status: 200,
        headers: {
          'content-type': 'application/zip',
          'content-length': String(found.pkg.size),
          'content-disposition': `attachment; filename="${downloadName(referral.reference, found.pkg.sha256, 'application/zip')}"`,
          'cache-control': 'private, no-store',
        },
        body: await store.get(found.pkg.sha256),
      };
    },
  };
}
