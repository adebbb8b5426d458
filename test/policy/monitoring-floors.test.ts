import { CONTROLS, referenceText, ruleReferences } from '../../lib/policy/controls';
import { GovernanceTags, RiskTier, TIER_FLOORS, reviewIntervalDays } from '../../lib/policy/governance';

describe('GIVEN the monitoring and review floors of the tier table', () => {
  test('WHEN the tiers are read THEN only HIGH requires monitoring', () => {
    expect(Object.fromEntries(Object.entries(TIER_FLOORS).map(([tier, f]) => [tier, f.monitoringRequired])))
      .toEqual({ LOW: false, MEDIUM: false, HIGH: true });
  });

  test('WHEN the tiers are read THEN a riskier tier has a longer hypercare and a shorter review interval', () => {
    const [low, medium, high] = [RiskTier.LOW, RiskTier.MEDIUM, RiskTier.HIGH].map((t) => TIER_FLOORS[t]);
    expect([low.defaultHypercareHours, medium.defaultHypercareHours, high.defaultHypercareHours]).toEqual([24, 72, 168]);
    expect([low, medium, high].map((f) => f.reviewIntervalDays)).toEqual([365, 180, 90]);
    expect(reviewIntervalDays(RiskTier.HIGH)).toBe(TIER_FLOORS[RiskTier.HIGH].reviewIntervalDays);
  });

  test('WHEN the tag keys are read THEN the review interval has its own governance tag', () => {
    expect(GovernanceTags.REVIEW_EVERY_DAYS).toBe('governance:review-every-days');
  });
});

describe('GIVEN the control catalogue', () => {
  test('WHEN MODEL-MONITORING and SCHEDULED-REVIEW are read THEN each is judged by its rule and cites NIST AI RMF and the EU AI Act', () => {
    const byId = Object.fromEntries(CONTROLS.map((c) => [c.id, c]));
    expect(byId['MODEL-MONITORING'].rules).toEqual(['EndpointModelMonitoring']);
    expect(byId['SCHEDULED-REVIEW'].rules).toEqual(['EndpointScheduledReview']);
    expect(referenceText(ruleReferences('EndpointModelMonitoring'))).toBe('NIST AI RMF MEASURE 2.4, MANAGE 4.1; EU AI Act Art. 72');
    expect(referenceText(ruleReferences('EndpointScheduledReview'))).toBe('NIST AI RMF GOVERN 1.5, MANAGE 4.1; EU AI Act Art. 72');
  });

  test('WHEN the controls are listed THEN the two come last, after EVIDENCE-SNAPSHOT', () => {
    expect(CONTROLS.map((c) => c.id).slice(-3)).toEqual(['EVIDENCE-SNAPSHOT', 'MODEL-MONITORING', 'SCHEDULED-REVIEW']);
  });
});
