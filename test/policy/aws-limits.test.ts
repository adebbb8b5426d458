import { ALARM_WINDOW, maxEvaluationPeriods, maxParameterNameLength, SAGEMAKER_NAME, TAG } from '../../lib/policy/aws-limits';

describe('AWS limits', () => {
  test.each<[string, string, string | undefined, string | undefined, number]>([
    ['a hierarchical name in us-east-2 of the aws partition (the API documentation\'s 45-character example)', '/ml/pause', 'aws', 'us-east-2', 1011 - 44],
    ['a simple name there, which gets a "/" in its ARN', 'pause', 'aws', 'us-east-2', 1011 - 45],
    ['a hierarchical name where partition and region are not fixed', '/ml/pause', undefined, undefined, 1011 - (32 + 10 + 15)],
  ])('GIVEN %s WHEN the longest SSM parameter name is computed THEN it leaves room for the ARN prefix', (_case, name, partition, region, expected) => {
    expect(maxParameterNameLength(name, partition, region)).toBe(expected);
    expect(`arn:${partition ?? 'aws-us-gov'}:ssm:${region ?? 'us-isof-south-1'}:123456789012:parameter${name.startsWith('/') ? '' : '/'}${'x'.repeat(expected - name.length)}${name}`.length).toBe(1011);
  });

  test.each<[number, number]>([
    [60, 1440], [300, 288], [3540, 24], [3600, 168], [86400, 7], [604800, 1],
  ])('GIVEN a period of %i seconds WHEN the most evaluation periods are computed THEN the window stays within CloudWatch\'s limit', (period, expected) => {
    expect(maxEvaluationPeriods(period)).toBe(expected);
    expect(period * expected).toBeLessThanOrEqual(period < 3600 ? ALARM_WINDOW.maxShortWindowSeconds : ALARM_WINDOW.maxWindowSeconds);
  });

  test('GIVEN the SageMaker name pattern WHEN a name of hyphen groups is longer than 63 THEN only the length limit refuses it', () => {
    const name = `a${'-b'.repeat(40)}`;
    expect(SAGEMAKER_NAME.pattern.test(name)).toBe(true);
    expect(name.length).toBeGreaterThan(SAGEMAKER_NAME.maxLength);
  });

  test.each([['letters of any script', 'Prüfung 信用 ñ', true], ['allowed symbols', '_.:/=+-@', true], ['a comma', 'a,b', false], ['an apostrophe', "o'b", false], ['a line break', 'a\nb', false]])(
    'GIVEN a tag value with %s WHEN checked against the tag character set THEN the answer is %s', (_case, value, ok) => {
      expect(TAG.characters.test(value as string)).toBe(ok);
    });
});
