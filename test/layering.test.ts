import * as fs from 'fs';
import * as path from 'path';

// The arrows of the project layout (README "Project layout"): each room may import only the rooms listed.
const ROOT = path.resolve(__dirname, '..');
const ROOMS: { room: string; mayImport: string[]; packages: RegExp }[] = [
  { room: 'lib/policy', mayImport: ['lib/policy'], packages: /^$/ },
  { room: 'lib/nag', mayImport: ['lib/policy', 'lib/nag'], packages: /^(aws-cdk-lib|cdk-nag|constructs|path)(\/|$)/ },
  { room: 'lib/report', mayImport: ['lib/policy', 'lib/nag', 'lib/report'], packages: /^(aws-cdk-lib|cdk-nag|constructs|path|fs|node:)/ },
  { room: 'constructs', mayImport: ['lib/policy', 'constructs'], packages: /^(aws-cdk-lib|constructs|node:)/ },
  { room: 'lib/handlers', mayImport: ['lib/policy', 'lib/handlers'], packages: /^(@aws-sdk\/|@smithy\/|simple-statistics$|node:)/ },
  { room: 'lib/cli', mayImport: ['lib/policy', 'lib/cli'], packages: /^(@aws-sdk\/|@smithy\/|commander|nanospinner|picocolors|node:)/ },
];

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}

function imports(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g)]
    .map((m) => m[1] ?? m[2] ?? m[3]);
}

describe('GIVEN the rooms of the library and the arrows between them', () => {
  test.each(ROOMS.map((r) => [r.room, r]))('WHEN the files of %s are read THEN they import only the rooms and packages allowed', (_name, { room, mayImport, packages }) => {
    const offending: string[] = [];
    for (const file of sources(room)) {
      for (const spec of imports(file)) {
        if (spec.startsWith('.')) {
          const target = path.relative(ROOT, path.resolve(ROOT, path.dirname(file), spec));
          if (!mayImport.some((r) => target === r || target.startsWith(`${r}/`))) {
            offending.push(`${file} imports ${target}`);
          }
        } else if (!packages.test(spec)) {
          offending.push(`${file} imports package ${spec}`);
        }
      }
    }
    expect(offending).toEqual([]);
  });

  test('WHEN lib/index.ts is read THEN it is the only file that re-exports from constructs, lib/nag and lib/report together', () => {
    const targets = imports('lib/index.ts').map((s) => path.relative(ROOT, path.resolve(ROOT, 'lib', s)));
    expect(targets.some((t) => t.startsWith('constructs'))).toBe(true);
    expect(targets.every((t) => /^(constructs|lib\/(policy|nag|report))(\/|$)/.test(t))).toBe(true);
  });
});
