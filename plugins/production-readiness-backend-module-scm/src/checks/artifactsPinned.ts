import {
  checkResult,
  createReadinessCheck,
  DEPLOYED_IMAGES_COLLECTOR_ID,
  DeployedImagesFacts,
  ReadinessCheck,
} from '@production-readiness/plugin-production-readiness-node';
import { Evidence } from '@production-readiness/plugin-production-readiness-common';
import {
  ImageReference,
  parseImageReference,
  pinningOf,
  registryAllowed,
} from '../artifacts/imagePinning';
import { productionDeployJobs } from '../pipeline/analysePipeline';
import { deployImages } from '../pipeline/deployImages';
import { SCM_COLLECTOR_ID } from '../pipeline/facts';
import { REPOSITORY_CHECK_SCOPE, withRepositoryFacts } from './scope';

const REMEDIATION =
  'Deploy images by digest (@sha256:…), a full version tag (1.4.2) or the commit built (ghcr.io/acme/app:${{ github.sha }}, $CI_COMMIT_SHA), never latest, a branch name or a moving major tag, and only from the registries the platform allows.';

/** One image reference found, with where. */
interface Found {
  where: string;
  image: string;
  source: string;
  tagOnly?: boolean;
}

/** A Helm `image.tag` (`1.4.2`) or `image.digest` (`@sha256:…`) value, without repository. */
function tagOnlyReference(value: string): ImageReference {
  return value.startsWith('@')
    ? { repository: '', digest: value.slice(1) }
    : { repository: '', tag: value };
}

type Verdict = { status: 'fail' | 'unknown'; text: string } | undefined;

function judge(found: Found, allowed: string[] | undefined): Verdict {
  const ref = found.tagOnly
    ? tagOnlyReference(found.image)
    : parseImageReference(found.image);
  const pinning = pinningOf(ref);
  if (pinning.pinned === false) {
    return {
      status: 'fail',
      text: `${found.where}: ${found.image} (${pinning.reason})`,
    };
  }
  if (allowed && !found.tagOnly) {
    const registry = registryAllowed(ref, allowed);
    if (registry === false) {
      return {
        status: 'fail',
        text: `${found.where}: ${
          found.image
        } is not from an allowed registry (${allowed.join(', ')})`,
      };
    }
    if (registry === 'unverifiable') {
      return {
        status: 'unknown',
        text: `${found.where}: the registry of ${found.image} is a variable the file does not show`,
      };
    }
  }
  if (pinning.pinned === 'unverifiable') {
    return {
      status: 'unknown',
      text: `${found.where}: ${found.image} (${pinning.reason})`,
    };
  }
  return undefined;
}

/**
 * `delivery.artifacts-pinned`: the images the CI's production deploy sets and the images the
 * entity's running workloads reference (where the Kubernetes module is installed) are pinned —
 * by digest, a full version tag or the commit built — and, when `allowedRegistries` is
 * configured, come from one of those registries.
 */
export function createArtifactsPinnedCheck(
  options: { allowedRegistries?: string[] } = {},
): ReadinessCheck {
  const allowed = options.allowedRegistries?.length
    ? options.allowedRegistries
    : undefined;
  return createReadinessCheck({
    id: 'delivery.artifacts-pinned',
    pillar: 'delivery',
    title: 'Deployed artefacts are pinned',
    description: `Images set by the production deploy and run by the workloads are referenced by digest, full version or commit${
      allowed ? `, from ${allowed.join(', ')}` : ''
    }.`,
    severity: 'major',
    ...REPOSITORY_CHECK_SCOPE,
    remediation: REMEDIATION,
    sources: [SCM_COLLECTOR_ID, DEPLOYED_IMAGES_COLLECTOR_ID],
    collectors: [SCM_COLLECTOR_ID],
    optionalCollectors: [DEPLOYED_IMAGES_COLLECTOR_ID],
    evaluate: withRepositoryFacts((scm, context) => {
      const running = context.facts<DeployedImagesFacts>(
        DEPLOYED_IMAGES_COLLECTOR_ID,
      );
      const found: Found[] = [
        ...scm.pipelines
          .filter(p => !p.error && p.runsOnDefaultBranch)
          .flatMap(p =>
            productionDeployJobs(p).flatMap(job =>
              deployImages(job).map(image => ({
                where: `${p.file} job ${job.id} (${image.via})`,
                image: image.reference,
                tagOnly: image.tagOnly,
                source: scm.sourceLocation,
              })),
            ),
          ),
        ...(running?.containers ?? []).map(c => ({
          where: `${c.workload} container ${c.container}`,
          image: c.image,
          source: c.source,
        })),
      ];
      const evidence: Evidence[] = found.map(f => ({
        label: f.where,
        value: f.image,
        source: f.source,
      }));
      if (!found.length) {
        return checkResult.unknown(
          `No image to judge: the production deploy jobs of ${
            scm.sourceLocation
          } set none in their commands${
            running
              ? ', and no running workload of the entity was found'
              : ', and no running workload was read (the Kubernetes module reads them for entities with Kubernetes annotations)'
          }`,
          evidence,
          'Set the image in the deploy step (argocd app set --kustomize-image, kustomize edit set image, kubectl set image, helm --set image.tag) or annotate the entity so its running workloads are read.',
        );
      }
      const verdicts = found.map(f => judge(f, allowed));
      const failing = verdicts.filter(v => v?.status === 'fail');
      const unverifiable = verdicts.filter(v => v?.status === 'unknown');
      if (failing.length) {
        return checkResult.fail(
          `Unpinned or disallowed images: ${failing
            .map(v => v!.text)
            .join('; ')}`,
          evidence,
          REMEDIATION,
        );
      }
      if (unverifiable.length) {
        return checkResult.unknown(
          `Cannot tell whether every image is pinned: ${unverifiable
            .map(v => v!.text)
            .join('; ')}`,
          evidence,
          'Write the tag or registry in the CI file (or a variable defined in it), so the pipeline shows what it deploys.',
        );
      }
      const images = [...new Set(found.map(f => f.image))];
      return checkResult.pass(
        `${images.length} image reference(s) pinned${
          allowed
            ? ' and from allowed registries'
            : ' (registries not checked: productionReadiness.scm.allowedRegistries is not set)'
        }: ${images.slice(0, 5).join(', ')}${images.length > 5 ? ' …' : ''}`,
        evidence,
      );
    }),
  });
}
