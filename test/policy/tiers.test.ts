/* eslint-disable @typescript-eslint/no-require-imports -- each test loads the library afresh in an isolated module registry */
import type * as Cdk from 'aws-cdk-lib';
import type * as Deployments from '../../constructs/deployment-policy';
import type * as Endpoints from '../../constructs/governed-endpoint';
import type * as Models from '../../constructs/model-source';
import type * as Monitoring from '../../constructs/monitoring-options';
import type * as Governance from '../../lib/policy/governance';
import type * as Pack from '../../lib/nag/ai-governance-checks';
import { RISK_TIERS, RiskTier, TIER_FLOORS, TierFloors } from '../../lib/policy/governance';

type MutableFloors = { -readonly [K in keyof TierFloors]: TierFloors[K] };

/** The library as one fresh module registry loads it: its tier table, the pack's defaults, and an endpoint builder. */
interface Library {
  readonly floors: { [tier in RiskTier]: MutableFloors };
  /** The defaults of the AiGovernance pack, computed when `lib/nag` loads. */
  readonly pack: typeof Pack.AI_GOVERNANCE_DEFAULTS;
  /** `DeploymentPolicy` of that registry. */
  readonly deploymentPolicy: typeof Deployments.DeploymentPolicy;
  /**
   * The error a GovernedEndpoint of `tier` throws with these props, or undefined when it is built. Its props are a
   * model, the governance of `tier` and monitoring of one feature (HIGH tier requires monitoring), then `props`.
   */
  endpointError(tier: RiskTier, props: Partial<Endpoints.GovernedEndpointProps>): string | undefined;
}

/**
 * Load the library in an isolated module registry; `change` edits that registry's tier table before the constructs
 * and the pack are loaded, as a change to `lib/policy/governance.ts` would.
 */
function loadLibrary(change: (floors: Library['floors']) => void = () => undefined): Library {
  let library: Library | undefined;
  jest.isolateModules(() => {
    const governance = require('../../lib/policy/governance') as typeof Governance;
    const floors = governance.TIER_FLOORS as Library['floors'];
    change(floors);
    const cdk = require('aws-cdk-lib') as typeof Cdk;
    const { GovernedEndpoint } = require('../../constructs/governed-endpoint') as typeof Endpoints;
    const { ModelArtifact, ModelImage, ModelSource } = require('../../constructs/model-source') as typeof Models;
    const { FeatureKind } = require('../../constructs/monitoring-options') as typeof Monitoring;
    const { AI_GOVERNANCE_DEFAULTS } = require('../../lib/nag/ai-governance-checks') as typeof Pack;
    library = {
      floors,
      pack: AI_GOVERNANCE_DEFAULTS,
      deploymentPolicy: (require('../../constructs/deployment-policy') as typeof Deployments).DeploymentPolicy,
      endpointError: (tier, props) => {
        try {
          new GovernedEndpoint(new cdk.Stack(new cdk.App(), 'TestStack'), 'Scoring', {
            model: ModelSource.fromArtifact({
              image: ModelImage.fromUri('123456789012.dkr.ecr.eu-west-1.amazonaws.com/fraud-scoring:1'),
              artifact: ModelArtifact.fromS3Url('s3://model-artifacts-bucket/model.tar.gz'),
            }),
            governance: { owner: 'fraud-ml@example.com', purpose: 'card fraud scoring', riskTier: governance.RiskTier[tier] },
            monitoring: { features: [{ name: 'amount', kind: FeatureKind.NUMERIC, csvIndex: 0 }] },
            ...props,
          });
          return undefined;
        } catch (e) {
          return (e as Error).message;
        }
      },
    };
  });
  return library!;
}

describe('GIVEN the tier table of lib/policy', () => {
  test('WHEN it is read THEN it has one row per tier, each default at or above its floor, and the floors rise with the tier', () => {
    expect(Object.keys(TIER_FLOORS).sort()).toEqual([...RISK_TIERS].sort());
    for (const tier of RISK_TIERS) {
      const f = TIER_FLOORS[tier];
      expect({ tier, instances: f.defaultInstanceCount >= f.minimumInstanceCount, sampling: f.defaultSamplingPercentage >= f.minimumSamplingPercentage })
        .toEqual({ tier, instances: true, sampling: true });
    }
    for (const [lower, higher] of [[RiskTier.LOW, RiskTier.MEDIUM], [RiskTier.MEDIUM, RiskTier.HIGH]] as const) {
      const [a, b] = [TIER_FLOORS[lower], TIER_FLOORS[higher]];
      expect(b.minimumInstanceCount).toBeGreaterThanOrEqual(a.minimumInstanceCount);
      expect(b.minimumSamplingPercentage).toBeGreaterThanOrEqual(a.minimumSamplingPercentage);
      expect(b.minimumLogRetentionDays).toBeGreaterThanOrEqual(a.minimumLogRetentionDays);
      expect(Number(b.allAtOnceRollout)).toBeLessThanOrEqual(Number(a.allAtOnceRollout));
      expect(Number(b.objectLockRequired)).toBeGreaterThanOrEqual(Number(a.objectLockRequired));
      expect(Number(b.approvalGateRequired)).toBeGreaterThanOrEqual(Number(a.approvalGateRequired));
    }
  });

  test('WHEN the library loads unchanged THEN the pack\'s defaults are the construct\'s floors', () => {
    const library = loadLibrary();
    expect(library.pack).toMatchObject({
      minimumSamplingPercentage: Math.min(TIER_FLOORS.LOW.minimumSamplingPercentage, TIER_FLOORS.MEDIUM.minimumSamplingPercentage),
      highRiskMinimumSamplingPercentage: TIER_FLOORS.HIGH.minimumSamplingPercentage,
      minimumInstanceCount: Math.min(TIER_FLOORS.MEDIUM.minimumInstanceCount, TIER_FLOORS.HIGH.minimumInstanceCount),
      minimumLogRetentionDays: Math.min(...RISK_TIERS.map((t) => TIER_FLOORS[t].minimumLogRetentionDays)),
    });
    // AND the construct accepts an endpoint at the floors and refuses one below them
    expect(library.endpointError(RiskTier.MEDIUM, { captureSamplingPercentage: 20, initialInstanceCount: 2 })).toBeUndefined();
    expect(library.endpointError(RiskTier.MEDIUM, { captureSamplingPercentage: 19 })).toMatch(/captureSamplingPercentage: received 19; allowed: a whole number from 20 to 100/);
  });

  test('WHEN a sampling floor changes in the table THEN both what GovernedEndpoint refuses and the pack\'s default follow', () => {
    // GIVEN LOW and MEDIUM raised to 30% capture
    const library = loadLibrary((floors) => {
      floors.LOW.minimumSamplingPercentage = 30;
      floors.MEDIUM.minimumSamplingPercentage = 30;
    });
    // THEN the pack's default is 30, and the construct refuses 25% and accepts 30%
    expect(library.pack.minimumSamplingPercentage).toBe(30);
    expect(library.endpointError(RiskTier.MEDIUM, { captureSamplingPercentage: 25 })).toMatch(/captureSamplingPercentage: received 25; allowed: a whole number from 30 to 100/);
    expect(library.endpointError(RiskTier.MEDIUM, { captureSamplingPercentage: 30 })).toBeUndefined();
    // AND the change stayed in that registry: the table this file imported is as it was
    expect(TIER_FLOORS.LOW.minimumSamplingPercentage).toBe(20);
  });

  test('WHEN an instance floor changes in the table THEN both what GovernedEndpoint refuses and the pack\'s default follow', () => {
    // GIVEN MEDIUM and HIGH raised to three instances (and their defaults with them)
    const library = loadLibrary((floors) => {
      for (const tier of [RiskTier.MEDIUM, RiskTier.HIGH]) {
        floors[tier].minimumInstanceCount = 3;
        floors[tier].defaultInstanceCount = 3;
      }
    });
    // THEN the pack's default is 3, and the construct refuses 2 instances and builds 3 by default
    expect(library.pack.minimumInstanceCount).toBe(3);
    expect(library.endpointError(RiskTier.HIGH, { initialInstanceCount: 2 })).toMatch(/initialInstanceCount: received 2; allowed: a whole number from 3 to/);
    expect(library.endpointError(RiskTier.HIGH, {})).toBeUndefined();
  });

  test('WHEN a tier stops accepting all-at-once rollouts THEN its default deployment is staged and an unexplained all-at-once is refused', () => {
    // GIVEN LOW tier staged only, as MEDIUM and HIGH are
    const library = loadLibrary((floors) => {
      floors.LOW.allAtOnceRollout = false;
    });
    // THEN its default policy is a canary, and all at once needs a reason
    expect(library.deploymentPolicy.defaultFor(RiskTier.LOW).strategy).toBe('CANARY');
    expect(library.endpointError(RiskTier.LOW, {})).toBeUndefined();
    expect(library.endpointError(RiskTier.LOW, { deployment: library.deploymentPolicy.allAtOnce() }))
      .toMatch(/deployment: received "DeploymentPolicy.allAtOnce\(\) without riskAcceptance"; allowed: a staged rollout for LOW tier/);
  });
});
