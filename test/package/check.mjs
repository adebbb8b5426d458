#!/usr/bin/env node
// What a platform team installs, checked the way they use it (CI runs this after `npm test`):
//   1. pack: copy the checkout without build outputs (the files git tracks or would track), then `npm pack`, whose
//      `prepack` builds everything the tarball ships;
//   2. the tarball: the files it must hold and the files it must not, and a manifest without scripts or dependencies;
//   3. API.md: what the build regenerated equals the committed file;
//   4. jsii: source code of the Python, Java, .NET and Go bindings is generated from the packed assembly;
//   5. a new CDK app with only the peers installs the tarball, compiles README's quick start under `tsc --strict`,
//      synthesizes it with the CDK CLI, and runs `npx governed-endpoint --help`.
// No network: the peers, TypeScript and the CDK CLI come from this repository's node_modules.
// Usage: node test/package/check.mjs [--keep]   (--keep leaves the temporary folder for inspection)
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MODULES = realpathSync(join(ROOT, 'node_modules'));
const NAME = 'governed-model-endpoints';
const keep = process.argv.includes('--keep');
const work = mkdtempSync(join(tmpdir(), 'gme-package-'));
const src = join(work, 'src');
const problems = [];
const say = (line) => process.stdout.write(`${line}\n`);

/** Runs a command; on failure prints its output and stops the check. */
function run(cmd, args, cwd, env = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) {
    say(`FAILED: ${cmd} ${args.join(' ')} (in ${cwd}, exit ${r.status}${r.error ? `, ${r.error.message}` : ''})\n${r.stdout}\n${r.stderr}`);
    finish(1);
  }
  return r.stdout;
}

/** Runs one step, reporting its duration. */
function step(name, fn) {
  const t0 = Date.now();
  const before = problems.length;
  const result = fn();
  say(`${problems.length === before ? 'ok  ' : 'FAIL'} ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return result;
}

function finish(code) {
  if (keep) say(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
  process.exit(code);
}

// 1. A checkout without build outputs: the files git tracks or would track (in CI, exactly the clean clone).
const tarball = step('npm pack of a clean checkout (prepack builds what it ships)', () => {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0').filter((f) => f && existsSync(join(ROOT, f)) && statSync(join(ROOT, f)).isFile());
  for (const f of files) {
    mkdirSync(dirname(join(src, f)), { recursive: true });
    copyFileSync(join(ROOT, f), join(src, f));
  }
  for (const output of ['dist', 'build', '.jsii']) {
    if (existsSync(join(src, output))) problems.push(`the checkout already holds ${output}: it must be built, not committed`);
  }
  symlinkSync(MODULES, join(src, 'node_modules'), 'dir');
  run('npm', ['pack', '--pack-destination', work, '--loglevel', 'error'], src);
  if (existsSync(join(src, 'package.json.prepack'))) problems.push('postpack did not restore package.json');
  const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (!tgz) finish(1);
  return join(work, tgz);
});

// 2. The tarball's files and manifest.
const listing = step('tarball file list and manifest', () => {
  const files = run('tar', ['-tzf', tarball], work).split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
  const handlers = readdirSync(join(src, 'lib', 'handlers'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(src, 'lib', 'handlers', d.name, 'index.ts'))).map((d) => d.name);
  const expected = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'API.md', '.jsii', 'dist/lib/index.js', 'dist/lib/index.d.ts',
    'dist/constructs/governed-endpoint.js', 'dist/constructs/governed-endpoint.d.ts', 'dist/bin/cli.js', ...handlers.map((h) => `build/handlers/${h}/index.js`)];
  for (const f of expected) if (!files.includes(f)) problems.push(`missing from the tarball: ${f}`);
  const allowed = /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|API\.md|\.jsii|dist\/(lib|constructs)\/.+\.(js|d\.ts|json)|dist\/bin\/cli\.js|build\/handlers\/[a-z0-9-]+\/index\.js)$/;
  const forbidden = [/^test\//, /^bin\//, /(^|\/)(app|example-stack|bench[a-z-]*|generate-aws-limits)\.(js|d\.ts|ts)$/, /^dist\/(bin\/(?!cli\.js$)|lib\/(cli|handlers)\/|test\/)/,
    /(?<!\.d)\.ts$/, /^(node_modules|cdk\.out|\.ci)\//, /^(tsconfig.*|cdk|jest\.config|eslint\.config)\./, /\.tgz$|package\.json\.prepack$|\.tsbuildinfo$/];
  for (const f of files) {
    const rule = forbidden.find((re) => re.test(f));
    if (rule) problems.push(`forbidden in the tarball (${rule}): ${f}`);
    else if (!allowed.test(f)) problems.push(`unexpected file in the tarball: ${f}`);
  }
  const pkg = JSON.parse(run('tar', ['-xzOf', tarball, 'package/package.json'], work));
  if (pkg.scripts) problems.push(`the published package.json has scripts: ${Object.keys(pkg.scripts).join(', ')}`);
  if (Object.keys(pkg.dependencies ?? {}).length) problems.push(`the published package.json has dependencies: ${Object.keys(pkg.dependencies).join(', ')}`);
  if (pkg.bundleDependencies || pkg.bundledDependencies) problems.push('the published package.json bundles dependencies');
  if (JSON.stringify(Object.keys(pkg.peerDependencies ?? {}).sort()) !== JSON.stringify(['aws-cdk-lib', 'cdk-nag', 'constructs'])) {
    problems.push(`peer dependencies are not exactly aws-cdk-lib, cdk-nag, constructs: ${JSON.stringify(pkg.peerDependencies)}`);
  }
  if (pkg.bin?.['governed-endpoint'] !== 'dist/bin/cli.js') problems.push(`bin governed-endpoint is ${pkg.bin?.['governed-endpoint']}`);
  return { files, version: pkg.version, size: statSync(tarball).size };
});

// 3. API.md as committed equals what the build generated from the assembly.
step('API.md is current', () => {
  const committed = readFileSync(join(ROOT, 'API.md'), 'utf8');
  if (readFileSync(join(src, 'API.md'), 'utf8') !== committed) problems.push('API.md is stale: run `npm run build` (or `npm run docgen` after jsii) and commit it');
});

// 4. Bindings' source, generated from the packed package as pacmak packs it (no network: code only, no wheel or jar).
const pkgDir = join(work, 'unpacked');
step('jsii-pacmak --code-only: Python, Java, .NET and Go sources', () => {
  mkdirSync(pkgDir);
  run('tar', ['-xzf', tarball, '-C', pkgDir], work);
  symlinkSync(MODULES, join(pkgDir, 'package', 'node_modules'), 'dir');
  const out = join(work, 'bindings');
  run(join(MODULES, '.bin', 'jsii-pacmak'), ['--code-only', '--targets', 'python', 'java', 'dotnet', 'go', '--outdir', out, join(pkgDir, 'package')], work);
  const python = join(out, 'python', 'src', 'governed_model_endpoints', '__init__.py');
  if (!existsSync(python) || !readFileSync(python, 'utf8').includes('class GovernedEndpoint(')) problems.push(`no GovernedEndpoint class in ${python}`);
  // The generated module parses as Python where a Python 3 is installed (building a wheel needs PyPI: not done here).
  const py = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(open(sys.argv[1]).read())', python], { encoding: 'utf8' });
  if (py.error === undefined && py.status !== 0) problems.push(`the generated Python does not parse: ${py.stderr}`);
  for (const target of ['java', 'dotnet', 'go']) {
    if (!existsSync(join(out, target)) || readdirSync(join(out, target)).length === 0) problems.push(`no ${target} sources in ${out}`);
  }
});

// 5. A new CDK app: only the peers (linked from this repository) and the tarball.
const app = join(work, 'app');
step('a new CDK app installs the tarball with only the peers', () => {
  mkdirSync(app);
  const link = (name) => `file:${join(MODULES, name)}`;
  writeFileSync(join(app, 'package.json'), JSON.stringify({
    name: 'quick-start-app', version: '0.0.0', private: true,
    dependencies: { [NAME]: `file:${tarball}`, 'aws-cdk-lib': link('aws-cdk-lib'), constructs: link('constructs'), 'cdk-nag': link('cdk-nag') },
    devDependencies: { typescript: link('typescript'), '@types/node': link('@types/node'), 'aws-cdk': link('aws-cdk') },
  }, null, 2));
  // --legacy-peer-deps: npm's arborist fails placing peers next to linked folders (TypeError reading 'matches');
  // the app declares the peers itself, and `npm ls` below fails if they do not satisfy the package's ranges.
  run('npm', ['install', '--offline', '--legacy-peer-deps', '--no-audit', '--no-fund', '--loglevel', 'error'], app);
  run('npm', ['ls', '--offline', NAME], app);
  const installed = join(app, 'node_modules', NAME);
  for (const f of ['dist/lib/index.js', 'dist/bin/cli.js', '.jsii']) if (!existsSync(join(installed, f))) problems.push(`installed package lacks ${f}`);
  if (existsSync(join(installed, 'node_modules'))) problems.push(`the installed package brought its own node_modules: ${readdirSync(join(installed, 'node_modules')).join(', ')}`);
});

step('README quick start compiles under tsc --strict', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Quick start'));
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) { problems.push('README has no ```ts block under "## Quick start"'); return; }
  // Import statements, one line or several (`import {\n  A, B,\n} from '...';`), and the code after them.
  const imports = block.match(/^import[\s\S]*?from\s+'[^']+';/gm) ?? [];
  const code = imports.reduce((rest, i) => rest.replace(i, ''), block);
  // What the snippet assumes exists: a stack and two roles.
  writeFileSync(join(app, 'quick-start.ts'), [
    ...imports,
    "import * as quickStartCdk from 'aws-cdk-lib';",
    "import * as quickStartIam from 'aws-cdk-lib/aws-iam';",
    'const app = new quickStartCdk.App();',
    "const stack = new quickStartCdk.Stack(app, 'QuickStart');",
    "const appRole = new quickStartIam.Role(stack, 'AppRole', { assumedBy: new quickStartIam.ServicePrincipal('lambda.amazonaws.com') });",
    "const onCallRole = new quickStartIam.Role(stack, 'OnCall', { assumedBy: new quickStartIam.AccountRootPrincipal() });",
    code,
    'app.synth();',
  ].join('\n'));
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'commonjs', lib: ['es2022'], strict: true, declaration: false, types: ['node'] },
    include: ['quick-start.ts'],
  }, null, 2));
  run(process.execPath, [join(app, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], app);
});

step('the quick start synthesizes with the CDK CLI', () => {
  run(process.execPath, [join(app, 'node_modules', 'aws-cdk', 'bin', 'cdk'), 'synth', '--app', 'node quick-start.js', '--output', 'cdk.out', '--quiet', '--no-notices'], app,
    { CDK_DISABLE_CLI_TELEMETRY: 'true', CI: 'true' });
  const template = JSON.parse(readFileSync(join(app, 'cdk.out', 'QuickStart.template.json'), 'utf8'));
  const types = Object.values(template.Resources).map((r) => r.Type);
  for (const t of ['AWS::SageMaker::Endpoint', 'AWS::SSM::Parameter', 'AWS::Lambda::Function']) if (!types.includes(t)) problems.push(`the quick start's template has no ${t}`);
});

step('npx governed-endpoint --help and --version from the app', () => {
  const env = { HOME: join(work, 'home'), AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', NO_COLOR: '1', npm_config_offline: 'true' };
  const help = run('npx', ['--no-install', 'governed-endpoint', '--help'], app, env);
  for (const text of ['Usage: governed-endpoint', 'pause [options] <endpoint>', 'Exit codes:']) if (!help.includes(text)) problems.push(`--help lacks "${text}"`);
  const version = run('npx', ['--no-install', 'governed-endpoint', '--version'], app, env).trim();
  if (version !== listing.version) problems.push(`--version printed ${version}, the package is ${listing.version}`);
});

say(`\n${NAME}-${listing.version}.tgz: ${listing.files.length} files, ${(listing.size / 1024).toFixed(0)} KiB packed`);
if (problems.length) {
  say(`\n${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  finish(1);
}
say('package check passed');
finish(0);
