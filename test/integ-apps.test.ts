/**
 * Every integration test app (test/integ.*.ts) synthesizes, so that none rots between the runs in a real account:
 * each app is loaded as integ-runner loads it and must write a cloud assembly with its test stack, the assertions
 * stack and the integ-tests manifest.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const apps = readdirSync(__dirname).filter((f) => /^integ\..+\.ts$/.test(f)).sort();

const outdirs = new Map<string, string>();
afterAll(() => outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Synthesize one app (once) into a new folder; returns the folder. */
function synth(file: string): string {
  if (outdirs.has(file)) return outdirs.get(file)!;
  const outdir = mkdtempSync(join(tmpdir(), 'integ-app-'));
  outdirs.set(file, outdir);
  const before = process.env.CDK_OUTDIR;
  process.env.CDK_OUTDIR = outdir;
  try {
    // An integ app synthesizes when loaded, as integ-runner runs it; a fresh module registry loads it each time.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    jest.isolateModules(() => require(join(__dirname, file)));
  } finally {
    if (before === undefined) delete process.env.CDK_OUTDIR;
    else process.env.CDK_OUTDIR = before;
  }
  return outdir;
}

/** The templates of a cloud assembly, by artifact ID. */
function templates(outdir: string): Record<string, { Resources: Record<string, { Type: string; Properties?: any; DependsOn?: string[] }> }> {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
  return Object.fromEntries(Object.entries<any>(manifest.artifacts)
    .filter(([, a]) => a.type === 'aws:cloudformation:stack')
    .map(([id, a]) => [id, JSON.parse(readFileSync(join(outdir, a.properties.templateFile), 'utf8'))]));
}

describe('GIVEN the integration test apps under test/', () => {
  test('WHEN the folder is listed THEN there is at least the governed-endpoint app', () => {
    expect(apps).toContain('integ.governed-endpoint.ts');
  });

  test.each(apps)('WHEN %s is synthesized THEN it writes a test stack with a governed endpoint, an assertions stack and an integ manifest', (file) => {
    const outdir = synth(file);
    const stacks = templates(outdir);
    const all = Object.values(stacks).flatMap((t) => Object.values(t.Resources ?? {}).map((r) => r.Type));
    expect(all).toContain('AWS::SageMaker::Endpoint');
    const assertionStacks = Object.entries(stacks).filter(([id]) => id.includes('DeployAssert'));
    expect(assertionStacks).toHaveLength(1);
    expect(readdirSync(outdir)).toContain('integ.json');
  });
});

describe('GIVEN integ.governed-endpoint.ts', () => {
  test('WHEN it is synthesized THEN its assertions invoke as the grantee, pause, expect a denial, resume and expect the invoke to work again', () => {
    {
      const stacks = templates(synth('integ.governed-endpoint.ts'));
      const [, assertions] = Object.entries(stacks).find(([id]) => id.includes('DeployAssert'))!;
      // The steps, in the order their DependsOn chain runs them.
      const steps = Object.entries(assertions.Resources).filter(([, r]) => r.Type.startsWith('Custom::DeployAssert@'));
      const label = (r: { Type: string; Properties?: any }) => r.Type.endsWith('SSMPutParameter')
        ? `put ${/PAUSED|ACTIVE/.exec(JSON.stringify(r.Properties.parameters))?.[0]}`
        : `invoke expecting ${/DENIED|ALLOWED/.exec(String(r.Properties.expected))?.[0]}`;
      const order: string[] = [];
      let next = steps.find(([, r]) => !steps.some(([id]) => (r.DependsOn ?? []).includes(id)));
      while (next !== undefined && order.length <= steps.length) {
        order.push(label(next[1]));
        const current: string = next[0];
        next = steps.find(([, r]) => (r.DependsOn ?? []).includes(current));
      }
      expect(order).toEqual(['invoke expecting ALLOWED', 'put PAUSED', 'invoke expecting DENIED', 'put ACTIVE', 'invoke expecting ALLOWED']);
      // The grantee is the invoker function's role: its policy allows the invoke and denies it while paused.
      const [, testStack] = Object.entries(stacks).find(([id]) => !id.includes('DeployAssert'))!;
      const statements = Object.values(testStack.Resources)
        .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes('InvokerServiceRole'))
        .flatMap((r) => r.Properties.PolicyDocument.Statement);
      expect(statements.map((s: any) => s.Effect).sort()).toEqual(['Allow', 'Deny']);
    }
  });
});
