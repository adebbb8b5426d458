import * as fc from 'fast-check';
import { SAGEMAKER_NAME } from '../../lib/policy/aws-limits';
import {
  defaultKillSwitchParameterName, endpointNameOfDefaultParameter, isKillSwitchParameterName, KILL_SWITCH_PARAMETER_WILDCARD,
} from '../../lib/policy/kill-switch-protocol';

/** Endpoint names SageMaker accepts: its pattern and its length limit. */
const endpointNames = fc.stringMatching(SAGEMAKER_NAME.pattern).filter((n) => n.length <= SAGEMAKER_NAME.maxLength);

describe('kill-switch parameter names', () => {
  describe('isKillSwitchParameterName', () => {
    test.each([
      '/governed-endpoint/fraud-scoring/kill-switch',
      '/governed-endpoint/x/kill-switch',
      '/governed-endpoint/team/fraud/scoring/kill-switch',
    ])('GIVEN %s (prefix, at least one segment, suffix) THEN the shared enforcer can serve it', (name) => {
      expect(isKillSwitchParameterName(name)).toBe(true);
    });

    test.each([
      ['the bare prefix and suffix', '/governed-endpoint/kill-switch'],
      ['an empty segment', '/governed-endpoint//kill-switch'],
      ['another prefix', '/ml/fraud-scoring/kill-switch'],
      ['a name without the leading slash', 'governed-endpoint/fraud-scoring/kill-switch'],
      ['another suffix', '/governed-endpoint/fraud-scoring/pause'],
      ['a trailing slash', '/governed-endpoint/fraud-scoring/kill-switch/'],
      ['the suffix in the middle', '/governed-endpoint/kill-switch/fraud-scoring'],
      ['an empty name', ''],
    ])('GIVEN %s THEN the shared enforcer cannot serve it', (_case, name) => {
      expect(isKillSwitchParameterName(name)).toBe(false);
    });

    test('GIVEN the EventBridge wildcard THEN it is the prefix, a wildcard and the suffix that every served name has', () => {
      expect(KILL_SWITCH_PARAMETER_WILDCARD).toBe('/governed-endpoint/*/kill-switch');
    });
  });

  describe('endpointNameOfDefaultParameter', () => {
    test.each([
      ['a lower-case name with a hyphen', '/governed-endpoint/fraud-scoring/kill-switch', 'fraud-scoring'],
      ['a mixed-case name with a digit (the case is kept)', '/governed-endpoint/FraudScoring2/kill-switch', 'FraudScoring2'],
      ['a name with consecutive hyphens', '/governed-endpoint/a--b/kill-switch', 'a--b'],
      ['a name of the longest length SageMaker allows (63)', `/governed-endpoint/${'x'.repeat(63)}/kill-switch`, 'x'.repeat(63)],
    ])('GIVEN the default parameter of %s THEN it gives back the endpoint name', (_case, parameter, endpoint) => {
      expect(endpointNameOfDefaultParameter(parameter)).toBe(endpoint);
    });

    test.each([
      ['a custom name of several segments', '/governed-endpoint/team/fraud/kill-switch'],
      ['an empty segment', '/governed-endpoint//kill-switch'],
      ['a segment starting with a hyphen', '/governed-endpoint/-fraud/kill-switch'],
      ['a segment ending with a hyphen', '/governed-endpoint/fraud-/kill-switch'],
      ['a segment with a character SageMaker refuses', '/governed-endpoint/fraud_scoring/kill-switch'],
      ['a 64-character segment', `/governed-endpoint/${'x'.repeat(64)}/kill-switch`],
      ['another prefix', '/ml/fraud-scoring/kill-switch'],
      ['another suffix', '/governed-endpoint/fraud-scoring/pause'],
      ['text around the name', 'x/governed-endpoint/fraud-scoring/kill-switch/y'],
    ])('GIVEN %s THEN it names no endpoint', (_case, parameter) => {
      expect(endpointNameOfDefaultParameter(parameter)).toBeUndefined();
    });

    test('GIVEN any endpoint name SageMaker accepts THEN its default parameter name is served and gives the name back', () => {
      fc.assert(fc.property(endpointNames, (name) => {
        const parameter = defaultKillSwitchParameterName(name);
        expect(isKillSwitchParameterName(parameter)).toBe(true);
        expect(endpointNameOfDefaultParameter(parameter)).toBe(name);
      }), { numRuns: 300 });
    });
  });
});

test('GIVEN a default-shaped parameter name whose middle is longer than any SageMaker endpoint name THEN it names no endpoint', () => {
  const tooLong = `${'a-'.repeat(40)}a`;
  expect(tooLong.length).toBeGreaterThan(SAGEMAKER_NAME.maxLength);
  expect(endpointNameOfDefaultParameter(defaultKillSwitchParameterName(tooLong))).toBeUndefined();
  expect(endpointNameOfDefaultParameter(defaultKillSwitchParameterName('a'.repeat(63)))).toBe('a'.repeat(63));
});
